"""The undercover contact log: append-only entries, corrections by supersession.

An entry records when (UTC), which persona, which channel, who was on the other
side (counterparts: handles, e-mail addresses, phone numbers, URLs), the
direction, the verbatim content or a summary, attachments (content-addressed by
SHA-256, stored encrypted in the database), links to evidence items, the legal
authorisation reference and the officer. Triggers refuse any UPDATE or DELETE.

A correction is a new entry with ``supersedes`` set; the old one stays and
shows ``superseded_by``. The audit event of each logging (one per call, listing
every entry of a batch) carries the SHA-256 of each entry's canonical form
(entry_digest), so verification notices an entry changed behind the triggers'
back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import audit, fts, personas, validate
from workstation.casefile.store import Connection
from workstation.errors import CaseCorrupt, InputError

CounterpartKind = Literal["handle", "email", "phone", "url"]
Direction = Literal["in", "out"]
KINDS: tuple[CounterpartKind, ...] = ("handle", "email", "phone", "url")
DIRECTIONS: tuple[Direction, ...] = ("in", "out")
MAX_COUNTERPARTS = 20
MAX_ATTACHMENTS = 50
MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
_MEDIA_TYPE = re.compile(r"\A[A-Za-z0-9][\w.+-]*/[\w.+-]+(\s*;.*)?\Z")
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
LOGGED_ACTION = "contact.logged"


@dataclass(frozen=True)
class Counterpart:
    """Who was on the other side: a handle, e-mail address, phone number or URL."""

    kind: CounterpartKind
    value: str


@dataclass(frozen=True)
class AttachmentRef:
    """An attachment of an entry; the bytes come from Case.attachment(sha256)."""

    name: str
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ContactDraft:
    """A contact to log. ``attachments`` are (name, media type, bytes)."""

    persona: str
    channel: str
    counterparts: tuple[Counterpart, ...]
    direction: Direction
    content: str
    is_summary: bool = False
    attachments: tuple[tuple[str, str, bytes], ...] = ()
    evidence_ids: tuple[int, ...] = ()
    authorisation_ref: str = ""
    occurred_utc: str | None = None  # defaults to now
    supersedes: int | None = None


@dataclass(frozen=True)
class ContactEntry:
    """A logged contact as stored."""

    id: int
    occurred_utc: str
    recorded_utc: str
    persona: str
    channel: str
    counterparts: tuple[Counterpart, ...]
    direction: Direction
    content: str
    is_summary: bool
    attachments: tuple[AttachmentRef, ...]
    evidence_ids: tuple[int, ...]
    authorisation_ref: str
    officer: str
    supersedes: int | None
    superseded_by: int | None


# -- checking what the officer typed -----------------------------------------------------


_CHECKERS = {
    "email": lambda v: validate.email(v, "The counterpart's e-mail address"),
    "phone": lambda v: validate.phone(v, "The counterpart's phone number"),
    "url": lambda v: validate.url(v, "The counterpart's URL"),
    "handle": lambda v: validate.line(v, "The counterpart's handle"),
}


def check_counterpart(counterpart: Any) -> Counterpart:
    """A counterpart with its value checked against its kind (and trimmed)."""
    if not isinstance(counterpart, Counterpart):
        raise InputError("Each counterpart needs a kind (handle, e-mail, phone, URL) and a value.")
    kind = validate.choice(counterpart.kind, "A counterpart's kind", KINDS)
    return Counterpart(cast(CounterpartKind, kind), _CHECKERS[kind](counterpart.value))


def parse_counterpart(text: str) -> Counterpart:
    """``KIND:VALUE`` (kind one of handle, email, phone, url), or a value whose kind is guessed.

    Guessing: http(s):// is a URL, something@domain.tld an e-mail address,
    digits with + and spaces a phone number, anything else a handle.
    """
    if not isinstance(text, str):
        raise InputError("The counterpart must be text.")
    kind, sep, rest = text.strip().partition(":")
    if sep and kind.strip().lower() in KINDS:
        chosen = cast(CounterpartKind, kind.strip().lower())
        return check_counterpart(Counterpart(chosen, rest))  # checks and trims the value
    raw = validate.line(text, "The counterpart")
    return check_counterpart(Counterpart(_guess_kind(raw), raw))


def _guess_kind(value: str) -> CounterpartKind:
    lowered = value.lower()
    if lowered.startswith(("http://", "https://")):
        return "url"
    if re.fullmatch(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+", value):
        return "email"
    if re.fullmatch(r"\+?[0-9][0-9 ().\-/]*", value) and sum(c.isdigit() for c in value) >= 3:
        return "phone"
    return "handle"


@dataclass(frozen=True)
class _Attachment:
    name: str
    media_type: str
    sha256: str
    data: bytes


@dataclass(frozen=True)
class CheckedDraft:
    """A draft whose fields passed every check that needs no database."""

    persona: str
    channel: str
    counterparts: tuple[Counterpart, ...]
    direction: Direction
    content: str
    is_summary: bool
    attachments: tuple[_Attachment, ...]
    evidence_ids: tuple[int, ...]
    authorisation_ref: str
    occurred_utc: str | None
    supersedes: int | None


def check_draft(draft: Any) -> CheckedDraft:
    """Check every field that needs no database; InputError names the first bad one."""
    if not isinstance(draft, ContactDraft):
        raise InputError("A contact must be given as a ContactDraft.")
    return CheckedDraft(
        persona=personas.check_alias(draft.persona),
        channel=validate.line(draft.channel, "The channel", max_chars=100),
        counterparts=_check_counterparts(draft.counterparts),
        direction=cast(Direction, validate.choice(draft.direction, "The direction", DIRECTIONS)),
        content=validate.text(
            draft.content, "The summary" if draft.is_summary is True else "The content"
        ),
        is_summary=_check_bool(draft.is_summary),
        attachments=_check_attachments(draft.attachments),
        evidence_ids=_check_ids(draft.evidence_ids, "An evidence id"),
        authorisation_ref=validate.line(
            draft.authorisation_ref, "The authorisation reference", required=False
        ),
        occurred_utc=(
            None
            if draft.occurred_utc is None
            else validate.utc_time(draft.occurred_utc, "The time of the contact")
        ),
        supersedes=None if draft.supersedes is None else _check_id(draft.supersedes, "supersedes"),
    )


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InputError("is_summary must be True or False.")
    return value


def _check_counterparts(values: Any) -> tuple[Counterpart, ...]:
    if isinstance(values, Counterpart):
        values = (values,)
    if not isinstance(values, tuple | list):
        raise InputError("The counterparts must be a list.")
    checked = tuple(check_counterpart(value) for value in values)
    if not checked:
        raise InputError("Name at least one counterpart (handle, e-mail, phone number or URL).")
    if len(checked) > MAX_COUNTERPARTS:
        raise InputError(f"An entry can name at most {MAX_COUNTERPARTS} counterparts.")
    if len(set(checked)) != len(checked):
        raise InputError("A counterpart is listed twice.")
    return checked


def _check_attachments(values: Any) -> tuple[_Attachment, ...]:
    if not isinstance(values, tuple | list):
        raise InputError("The attachments must be a list of (name, media type, bytes).")
    if len(values) > MAX_ATTACHMENTS:
        raise InputError(f"An entry can have at most {MAX_ATTACHMENTS} attachments.")
    checked = []
    for value in values:
        if not (isinstance(value, tuple | list) and len(value) == 3):
            raise InputError("Each attachment needs a name, a media type and its bytes.")
        name, media_type, data = value
        name = validate.line(name, "An attachment's name", max_chars=255)
        media_type = validate.line(media_type, f"The media type of {name}", max_chars=255)
        if not _MEDIA_TYPE.match(media_type):
            raise InputError(f"The media type of {name} ({media_type!r}) is not like text/plain.")
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InputError(f"The attachment {name} must be given as bytes.")
        blob = bytes(data)
        if len(blob) > MAX_ATTACHMENT_BYTES:
            raise InputError(f"The attachment {name} is larger than 200 MiB.")
        checked.append(_Attachment(name, media_type, hashlib.sha256(blob).hexdigest(), blob))
    return tuple(checked)


def _check_id(value: Any, what: str) -> int:
    if type(value) is not int or value < 1:
        raise InputError(f"{what} must be a positive whole number (got {value!r}).")
    return value


def _check_ids(values: Any, what: str) -> tuple[int, ...]:
    if not isinstance(values, tuple | list):
        raise InputError("The evidence ids must be a list of numbers.")
    return tuple(sorted({_check_id(value, what) for value in values}))


# -- storing -----------------------------------------------------------------------------


class Batch:
    """Entries logged in one transaction: one time of recording, one audit event.

    The event lists each entry's id, persona and entry_sha256, so the audit chain
    vouches for every entry however many were logged together.
    """

    def __init__(self, conn: Connection, actor: str) -> None:
        self._conn = conn
        self._actor = actor
        self._now = audit.utc_now()
        self._personas: dict[str, tuple[int, str]] = {}
        self._logged: list[JsonValue] = []

    def _resolve(self, alias: str) -> tuple[int, str]:
        key = personas.alias_key(alias)
        if key not in self._personas:
            persona = personas.get(self._conn, alias)
            self._personas[key] = (persona.id, persona.alias)
        return self._personas[key]

    def add(self, draft: CheckedDraft) -> ContactEntry:
        """Store a checked draft and index it. The caller holds the write transaction."""
        persona_id, alias = self._resolve(draft.persona)
        _check_links(self._conn, draft)
        entry_id = _insert(self._conn, draft, persona_id, self._actor, self._now)
        entry = ContactEntry(
            id=entry_id,
            occurred_utc=draft.occurred_utc or self._now,
            recorded_utc=self._now,
            persona=alias,
            channel=draft.channel,
            counterparts=draft.counterparts,
            direction=draft.direction,
            content=draft.content,
            is_summary=draft.is_summary,
            attachments=tuple(
                AttachmentRef(a.name, a.media_type, a.sha256, len(a.data))
                for a in draft.attachments
            ),
            evidence_ids=draft.evidence_ids,
            authorisation_ref=draft.authorisation_ref,
            officer=self._actor,
            supersedes=draft.supersedes,
            superseded_by=None,
        )
        fts.index(self._conn, fts.CONTACT, entry_id, search_text(entry), new=True)
        logged: dict[str, JsonValue] = {
            "contact_id": entry_id,
            "persona_id": persona_id,
            "entry_sha256": entry_digest(entry),
        }
        if draft.supersedes is not None:
            logged["supersedes"] = draft.supersedes
        self._logged.append(logged)
        return entry

    def finish(self) -> None:
        """Append the batch's audit event (nothing when nothing was added)."""
        if self._logged:
            audit.append(self._conn, LOGGED_ACTION, self._actor, {"entries": self._logged})
            self._logged = []


def _check_links(conn: Connection, draft: CheckedDraft) -> None:
    for evidence_id in draft.evidence_ids:
        if (
            conn.execute("SELECT 1 FROM evidence_item WHERE id = ?", (evidence_id,)).fetchone()
            is None
        ):
            raise InputError(f"There is no evidence item {evidence_id} in this case.")
    old = draft.supersedes
    if old is None:
        return
    if conn.execute("SELECT 1 FROM contact WHERE id = ?", (old,)).fetchone() is None:
        raise InputError(f"Entry {old} does not exist, so it cannot be corrected.")
    newer = conn.execute("SELECT id FROM contact WHERE supersedes = ?", (old,)).fetchone()
    if newer is not None:
        raise InputError(
            f"Entry {old} was already corrected by entry {newer[0]}; correct that one instead."
        )


def _insert(conn: Connection, draft: CheckedDraft, persona_id: int, actor: str, now: str) -> int:
    cursor = conn.execute(
        "INSERT INTO contact (occurred_utc, recorded_utc, persona_id, channel, direction, "
        "content, is_summary, authorisation_ref, officer, supersedes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft.occurred_utc or now,
            now,
            persona_id,
            draft.channel,
            draft.direction,
            draft.content,
            int(draft.is_summary),
            draft.authorisation_ref,
            actor,
            draft.supersedes,
        ),
    )
    entry_id = int(cursor.lastrowid or 0)
    for position, counterpart in enumerate(draft.counterparts):
        conn.execute(
            "INSERT INTO contact_counterpart (contact_id, position, kind, value) "
            "VALUES (?, ?, ?, ?)",
            (entry_id, position, counterpart.kind, counterpart.value),
        )
    for position, attachment in enumerate(draft.attachments):
        conn.execute(
            "INSERT INTO attachment (sha256, size, data) VALUES (?, ?, ?) "
            "ON CONFLICT (sha256) DO NOTHING",
            (attachment.sha256, len(attachment.data), attachment.data),
        )
        conn.execute(
            "INSERT INTO contact_attachment (contact_id, position, name, media_type, sha256) "
            "VALUES (?, ?, ?, ?, ?)",
            (entry_id, position, attachment.name, attachment.media_type, attachment.sha256),
        )
    for evidence_id in draft.evidence_ids:
        conn.execute(
            "INSERT INTO contact_evidence (contact_id, evidence_id) VALUES (?, ?)",
            (entry_id, evidence_id),
        )
    return entry_id


def entry_record(entry: ContactEntry) -> dict[str, JsonValue]:
    """The entry's canonical form (everything but superseded_by): what its audit event
    hashes, what a package or a transfer carries."""
    return {
        "id": entry.id,
        "occurred_utc": entry.occurred_utc,
        "recorded_utc": entry.recorded_utc,
        "persona": entry.persona,
        "channel": entry.channel,
        "counterparts": [[c.kind, c.value] for c in entry.counterparts],
        "direction": entry.direction,
        "content": entry.content,
        "is_summary": entry.is_summary,
        "attachments": [[a.name, a.media_type, a.sha256, a.size] for a in entry.attachments],
        "evidence_ids": list(entry.evidence_ids),
        "authorisation_ref": entry.authorisation_ref,
        "officer": entry.officer,
        "supersedes": entry.supersedes,
    }


def entry_digest(entry: ContactEntry) -> str:
    """SHA-256 of the entry's canonical form."""
    return hashlib.sha256(canonjson.dumps(entry_record(entry))).hexdigest()


def search_text(entry: ContactEntry) -> str:
    """What the search index holds for an entry."""
    values = " ".join(c.value for c in entry.counterparts)
    return f"{entry.channel}\n{values}\n{entry.content}"


# -- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which entries to list; times in the stored form (already checked)."""

    persona_id: int | None = None
    counterpart: str | None = None
    since: str | None = None
    until: str | None = None
    include_superseded: bool = True
    ids: Sequence[int] | None = None


def _where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.persona_id is not None:
        clauses.append("c.persona_id = ?")
        params.append(filters.persona_id)
    if filters.counterpart:
        clauses.append(
            "EXISTS (SELECT 1 FROM contact_counterpart cp WHERE cp.contact_id = c.id "
            "AND instr(lower(cp.value), lower(?)) > 0)"
        )
        params.append(filters.counterpart)
    if filters.since is not None:
        clauses.append("c.occurred_utc >= ?")
        params.append(filters.since)
    if filters.until is not None:
        clauses.append("c.occurred_utc <= ?")
        params.append(filters.until)
    if not filters.include_superseded:
        clauses.append("NOT EXISTS (SELECT 1 FROM contact s WHERE s.supersedes = c.id)")
    if filters.ids is not None:
        clauses.append(f"c.id IN ({','.join('?' * len(filters.ids))})")
        params.extend(filters.ids)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def list_entries(conn: Connection, filters: Filters | None = None) -> list[ContactEntry]:
    """Entries matching the filters, by time of contact (then id)."""
    where, params = _where(filters or Filters())
    rows = conn.execute(
        "SELECT c.id, c.occurred_utc, c.recorded_utc, p.alias, c.channel, c.direction, "  # noqa: S608 - fixed clauses, ? placeholders
        "c.content, c.is_summary, c.authorisation_ref, c.officer, c.supersedes, "
        "(SELECT s.id FROM contact s WHERE s.supersedes = c.id) "
        f"FROM contact c JOIN persona p ON p.id = c.persona_id{where} "
        "ORDER BY c.occurred_utc, c.id",
        params,
    ).fetchall()
    if not rows:
        return []
    children = _Children.load(conn, where, params)
    return [children.entry(row) for row in rows]


def get(conn: Connection, entry_id: int) -> ContactEntry:
    found = list_entries(conn, Filters(ids=[entry_id]))
    if not found:
        raise InputError(f"There is no contact entry {entry_id} in this case.")
    return found[0]


@dataclass
class _Children:
    counterparts: dict[int, list[Counterpart]]
    attachments: dict[int, list[AttachmentRef]]
    evidence: dict[int, list[int]]

    @classmethod
    def load(cls, conn: Connection, where: str, params: list[Any]) -> _Children:
        # where holds only fixed clauses with ? placeholders (see _where)
        selected = f"SELECT c.id FROM contact c{where}"  # noqa: S608
        children = cls({}, {}, {})
        for cid, kind, value in conn.execute(
            "SELECT contact_id, kind, value FROM contact_counterpart "  # noqa: S608 - fixed clauses, ? placeholders
            f"WHERE contact_id IN ({selected}) ORDER BY contact_id, position",
            params,
        ).fetchall():
            children.counterparts.setdefault(int(cid), []).append(
                Counterpart(cast(CounterpartKind, str(kind)), str(value))
            )
        for cid, name, media_type, sha, size in conn.execute(
            "SELECT ca.contact_id, ca.name, ca.media_type, ca.sha256, a.size "  # noqa: S608 - fixed clauses, ? placeholders
            "FROM contact_attachment ca JOIN attachment a ON a.sha256 = ca.sha256 "
            f"WHERE ca.contact_id IN ({selected}) ORDER BY ca.contact_id, ca.position",
            params,
        ).fetchall():
            children.attachments.setdefault(int(cid), []).append(
                AttachmentRef(str(name), str(media_type), str(sha), int(size))
            )
        for cid, evidence_id in conn.execute(
            "SELECT contact_id, evidence_id FROM contact_evidence "  # noqa: S608 - fixed clauses, ? placeholders
            f"WHERE contact_id IN ({selected}) ORDER BY contact_id, evidence_id",
            params,
        ).fetchall():
            children.evidence.setdefault(int(cid), []).append(int(evidence_id))
        return children

    def entry(self, row: tuple[Any, ...]) -> ContactEntry:
        (cid, occurred, recorded, alias, channel, direction, content, summary, auth, officer,
         supersedes, superseded_by) = row  # fmt: skip
        cid = int(cid)
        return ContactEntry(
            id=cid,
            occurred_utc=str(occurred),
            recorded_utc=str(recorded),
            persona=str(alias),
            channel=str(channel),
            counterparts=tuple(self.counterparts.get(cid, ())),
            direction=cast(Direction, str(direction)),
            content=str(content),
            is_summary=bool(summary),
            attachments=tuple(self.attachments.get(cid, ())),
            evidence_ids=tuple(self.evidence.get(cid, ())),
            authorisation_ref=str(auth),
            officer=str(officer),
            supersedes=None if supersedes is None else int(supersedes),
            superseded_by=None if superseded_by is None else int(superseded_by),
        )


def attachment(conn: Connection, sha256: str, where: str) -> bytes:
    """An attachment's bytes, re-hashed on read (CaseCorrupt if they changed)."""
    if not isinstance(sha256, str) or not _SHA256.match(sha256.lower()):
        raise InputError(f"{sha256!r} is not a SHA-256 (64 hexadecimal digits).")
    digest = sha256.lower()
    row = conn.execute("SELECT data FROM attachment WHERE sha256 = ?", (digest,)).fetchone()
    if row is None:
        raise InputError(f"There is no attachment with SHA-256 {digest} in this case.")
    data = bytes(row[0])
    if hashlib.sha256(data).hexdigest() != digest:
        raise CaseCorrupt(
            f"The case file at {where} is damaged or is not a case file: "
            f"attachment {digest} was altered."
        )
    return data


def logged_digests(events: Iterable[audit.AuditEvent]) -> dict[int, tuple[int, str]]:
    """contact id -> (audit seq, entry_sha256) from the contact.logged events."""
    found: dict[int, tuple[int, str]] = {}
    for event in events:
        if event.action != LOGGED_ACTION:
            continue
        entries = event.details.get("entries")
        for logged in entries if isinstance(entries, list) else []:
            cid = logged.get("contact_id") if isinstance(logged, dict) else None
            digest = logged.get("entry_sha256") if isinstance(logged, dict) else None
            if isinstance(cid, int) and isinstance(digest, str):
                found[cid] = (event.seq, digest)
    return found
