"""Personas: the undercover identities a case works under, and their browser-state vault.

An alias is unique within a case (compared case-insensitively) and cannot be
renamed: it names the persona in every contact log entry. A persona that is no
longer used is retired, never deleted. Each change is audited with old and new
values; the browser state (cookies, local storage) is opaque bytes, audited by
size and hash only.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import audit, fts, validate
from workstation.casefile.store import Connection
from workstation.errors import InputError

ALIAS_MAX = 80
MAX_ACCOUNTS = 50
MAX_STATE_BYTES = 256 * 1024 * 1024
EDITABLE = ("accounts", "email", "phone", "notes")


@dataclass(frozen=True)
class PersonaAccount:
    """An account of the persona on one platform."""

    platform: str
    handle: str


@dataclass(frozen=True)
class Persona:
    """An undercover identity."""

    id: int
    alias: str
    accounts: tuple[PersonaAccount, ...]
    email: str
    phone: str
    notes: str
    created_utc: str
    retired: bool


def alias_key(alias: str) -> str:
    """The form aliases are compared in: NFC, case-folded."""
    return unicodedata.normalize("NFC", alias).casefold()


def check_alias(alias: Any) -> str:
    return validate.line(alias, "The persona's alias", max_chars=ALIAS_MAX)


def check_accounts(accounts: Iterable[Any]) -> tuple[PersonaAccount, ...]:
    """Accounts as PersonaAccount (or (platform, handle) pairs), checked and de-duplicated."""
    if isinstance(accounts, str | bytes):
        raise InputError("The persona's accounts must be a list of platform and handle pairs.")
    checked: list[PersonaAccount] = []
    for entry in accounts:
        platform, handle = _pair(entry)
        account = PersonaAccount(
            validate.line(platform, "An account's platform", max_chars=80),
            validate.line(handle, f"The handle on {str(platform).strip()}"),
        )
        if account in checked:
            raise InputError(f"The account {account.platform}:{account.handle} is listed twice.")
        checked.append(account)
    if len(checked) > MAX_ACCOUNTS:
        raise InputError(f"A persona can have at most {MAX_ACCOUNTS} accounts.")
    return tuple(checked)


def _pair(entry: Any) -> tuple[Any, Any]:
    if isinstance(entry, PersonaAccount):
        return entry.platform, entry.handle
    if isinstance(entry, tuple | list) and len(entry) == 2:
        return entry[0], entry[1]
    raise InputError("Each account needs a platform and a handle.")


def _checked_fields(changes: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "accounts":
            clean[name] = check_accounts(value)
        elif name == "email":
            clean[name] = validate.email(value, "The persona's e-mail address", required=False)
        elif name == "phone":
            clean[name] = validate.phone(value, "The persona's phone number", required=False)
        elif name == "notes":
            clean[name] = validate.text(value, "The persona's notes", required=False)
    return clean


# -- storage -----------------------------------------------------------------------------

_COLUMNS = "id, alias, accounts, email, phone, notes, created_utc, retired_utc"


def _row_to_persona(row: tuple[Any, ...]) -> Persona:
    pid, alias, accounts, email, phone, notes, created, retired = row
    pairs = canonjson.loads(bytes(accounts))
    return Persona(
        id=int(pid),
        alias=str(alias),
        accounts=tuple(PersonaAccount(str(p), str(h)) for p, h in pairs),
        email=str(email),
        phone=str(phone),
        notes=str(notes),
        created_utc=str(created),
        retired=retired is not None,
    )


def _accounts_json(accounts: tuple[PersonaAccount, ...]) -> bytes:
    return canonjson.dumps([[a.platform, a.handle] for a in accounts])


def _json_fields(fields: Mapping[str, Any]) -> dict[str, JsonValue]:
    out: dict[str, JsonValue] = {}
    for name, value in fields.items():
        if name == "accounts":
            out[name] = [[a.platform, a.handle] for a in value]
        else:
            out[name] = value
    return out


def find(conn: Connection, alias: str) -> Persona | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM persona WHERE alias_key = ?",  # noqa: S608 - fixed columns
        (alias_key(str(alias).strip()),),
    ).fetchone()
    return _row_to_persona(row) if row else None


def get(conn: Connection, alias: str) -> Persona:
    """The persona called alias, or InputError."""
    persona = find(conn, alias)
    if persona is None:
        raise InputError(f"No persona called {str(alias).strip()!r} in this case.")
    return persona


def by_id(conn: Connection) -> dict[int, str]:
    """Persona id -> alias, for the contact log."""
    return {int(i): str(a) for i, a in conn.execute("SELECT id, alias FROM persona").fetchall()}


def list_all(conn: Connection, *, include_retired: bool = False) -> list[Persona]:
    where = "" if include_retired else " WHERE retired_utc IS NULL"
    sql = f"SELECT {_COLUMNS} FROM persona{where} ORDER BY alias_key"  # noqa: S608 - fixed
    rows = conn.execute(sql).fetchall()
    return [_row_to_persona(row) for row in rows]


def add(
    conn: Connection,
    actor: str,
    alias: str,
    fields: Mapping[str, Any],
) -> Persona:
    """Add a persona (fields: accounts, email, phone, notes). Caller holds a write transaction."""
    alias = check_alias(alias)
    clean = {"accounts": (), "email": "", "phone": "", "notes": "", **_checked_fields(fields)}
    if find(conn, alias) is not None:
        raise InputError(f"There is already a persona called {alias!r} in this case.")
    cursor = conn.execute(
        "INSERT INTO persona (alias, alias_key, accounts, email, phone, notes, created_utc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            alias,
            alias_key(alias),
            _accounts_json(clean["accounts"]),
            clean["email"],
            clean["phone"],
            clean["notes"],
            audit.utc_now(),
        ),
    )
    persona = get(conn, alias)
    assert cursor.lastrowid == persona.id
    fts.index(conn, fts.PERSONA, persona.id, search_text(persona))
    audit.append(
        conn,
        "persona.added",
        actor,
        {"persona_id": persona.id, "alias": alias, **_json_fields(clean)},
    )
    return persona


def update(conn: Connection, actor: str, alias: str, changes: Mapping[str, Any]) -> Persona:
    """Change accounts, e-mail, phone or notes. Caller holds a write transaction."""
    if "alias" in changes:
        raise InputError(
            "A persona's alias cannot be changed: it names the persona in the contact log. "
            "Retire this persona and add a new one instead."
        )
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(
            f"{', '.join(unknown)} cannot be changed; a persona's {', '.join(EDITABLE)} can."
        )
    clean = _checked_fields(changes)
    before = get(conn, alias)
    diff = {name: value for name, value in clean.items() if getattr(before, name) != value}
    if not diff:
        return before
    for name, value in diff.items():
        stored = _accounts_json(value) if name == "accounts" else value
        sql = f"UPDATE persona SET {name} = ? WHERE id = ?"  # noqa: S608 - name is from EDITABLE
        conn.execute(sql, (stored, before.id))
    after = get(conn, alias)
    fts.index(conn, fts.PERSONA, after.id, search_text(after))
    old = _json_fields({name: getattr(before, name) for name in diff})
    new = _json_fields(diff)
    audit.append(
        conn,
        "persona.changed",
        actor,
        {
            "persona_id": before.id,
            "alias": before.alias,
            "changes": {name: {"old": old[name], "new": new[name]} for name in sorted(diff)},
        },
    )
    return after


def retire(conn: Connection, actor: str, alias: str) -> Persona:
    """Mark the persona retired (it stays in the record). Caller holds a write transaction."""
    persona = get(conn, alias)
    if persona.retired:
        return persona
    conn.execute("UPDATE persona SET retired_utc = ? WHERE id = ?", (audit.utc_now(), persona.id))
    audit.append(conn, "persona.retired", actor, {"persona_id": persona.id, "alias": persona.alias})
    return get(conn, alias)


def save_state(conn: Connection, actor: str, alias: str, state: bytes) -> None:
    """Store the persona's browser state (latest wins). Caller holds a write transaction."""
    if not isinstance(state, bytes | bytearray | memoryview):
        raise TypeError("persona state must be bytes")
    data = bytes(state)
    if len(data) > MAX_STATE_BYTES:
        raise InputError("The persona's browser state is too large to store.")
    persona = get(conn, alias)
    conn.execute(
        "INSERT INTO persona_state (persona_id, saved_utc, state) VALUES (?, ?, ?) "
        "ON CONFLICT (persona_id) DO UPDATE SET saved_utc = excluded.saved_utc, "
        "state = excluded.state",
        (persona.id, audit.utc_now(), data),
    )
    audit.append(
        conn,
        "persona.state_saved",
        actor,
        {
            "persona_id": persona.id,
            "alias": persona.alias,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )


def load_state(conn: Connection, alias: str) -> bytes | None:
    persona = get(conn, alias)
    row = conn.execute(
        "SELECT state FROM persona_state WHERE persona_id = ?", (persona.id,)
    ).fetchone()
    return bytes(row[0]) if row else None


def search_text(persona: Persona) -> str:
    """What the search index holds for a persona."""
    accounts = " ".join(f"{a.platform} {a.handle}" for a in persona.accounts)
    return "\n".join((persona.alias, accounts, persona.email, persona.phone, persona.notes))
