"""Case metadata: reference, requesting unit, legal basis, officer, commodity, status.

Stored as rows of case_info (key, value); the case id and creation facts live
there too and are not editable. Every change is audited with old and new values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from workstation.canonjson import JsonValue
from workstation.casefile import audit, validate
from workstation.casefile.store import Connection
from workstation.errors import InputError


class Commodity(StrEnum):
    """The commodity area a case is about."""

    DRUGS = "drugs"
    CITES = "cites"
    ARMS = "arms"
    EXCISE = "excise"
    IPR = "ipr"
    UNDERVALUATION = "undervaluation"
    OTHER = "other"


class CaseStatus(StrEnum):
    """Whether the case is still being worked."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseMetadata:
    """What the case is, for whom, on which legal basis. Times are UTC ('Z')."""

    reference: str
    requesting_unit: str
    legal_basis: str
    officer: str
    commodity: Commodity
    status: CaseStatus
    opened_utc: str
    closed_utc: str | None
    auto_capture: bool = True  # seal every visited page (WARC + text) into the case


EDITABLE = (
    "reference",
    "requesting_unit",
    "legal_basis",
    "officer",
    "commodity",
    "status",
    "auto_capture",
)
_SWITCHES = {"on": "on", "true": "on", "yes": "on", "off": "off", "false": "off", "no": "off"}
_LABELS = {
    "reference": "The case reference",
    "requesting_unit": "The requesting unit",
    "legal_basis": "The legal basis",
    "officer": "The officer",
}
DEFAULTS = {
    "reference": "",
    "requesting_unit": "",
    "legal_basis": "",
    "officer": "",
    "commodity": Commodity.OTHER.value,
    "status": CaseStatus.OPEN.value,
    "closed_utc": "",
    "auto_capture": "on",
}


def load(conn: Connection) -> CaseMetadata:
    """The case's metadata as stored."""
    rows = conn.execute("SELECT key, value FROM case_info").fetchall()
    info = {**DEFAULTS, **{str(key): str(value) for key, value in rows}}
    return CaseMetadata(
        reference=info["reference"],
        requesting_unit=info["requesting_unit"],
        legal_basis=info["legal_basis"],
        officer=info["officer"],
        commodity=_enum(Commodity, info["commodity"], Commodity.OTHER),
        status=_enum(CaseStatus, info["status"], CaseStatus.OPEN),
        opened_utc=info.get("opened_utc") or info.get("created_utc", ""),
        closed_utc=info["closed_utc"] or None,
        auto_capture=info["auto_capture"] != "off",
    )


_E = TypeVar("_E", bound=StrEnum)


def _enum(kind: type[_E], value: str, default: _E) -> _E:
    try:
        return kind(value)
    except ValueError:
        return default  # a value from a newer version: show the safe default


def validated(changes: dict[str, Any]) -> dict[str, str]:
    """The changes in stored form, or InputError naming the first bad field."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(
            f"{', '.join(unknown)} cannot be changed here; "
            f"the case fields that can are: {', '.join(EDITABLE)}."
        )
    clean: dict[str, str] = {}
    for name, value in changes.items():
        if name == "commodity":
            clean[name] = validate.choice(str(value), "The commodity", tuple(Commodity))
        elif name == "status":
            clean[name] = validate.choice(str(value), "The status", tuple(CaseStatus))
        elif name == "auto_capture":
            clean[name] = _switch(value)
        else:
            clean[name] = validate.line(value, _LABELS[name], required=False)
    return clean


def _switch(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    switch = _SWITCHES.get(str(value).strip().lower())
    if switch is None:
        raise InputError("Automatic capture is either on or off.")
    return switch


def _stored(value: Any) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def update(conn: Connection, actor: str, changes: dict[str, Any]) -> tuple[CaseMetadata, bool]:
    """Apply validated changes; returns the new metadata and whether anything changed.

    The caller holds a write transaction. Closing sets closed_utc; reopening clears it.
    """
    clean = validated(changes)
    before = load(conn)
    current = {name: _stored(getattr(before, name)) for name in EDITABLE}
    diff = {name: value for name, value in clean.items() if current[name] != value}
    if not diff:
        return before, False
    if "status" in diff:
        diff["closed_utc"] = audit.utc_now() if diff["status"] == CaseStatus.CLOSED else ""
        current["closed_utc"] = before.closed_utc or ""
    for name, value in diff.items():
        conn.execute(
            "INSERT INTO case_info (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (name, value),
        )
    details: dict[str, JsonValue] = {
        name: {"old": current[name], "new": value} for name, value in sorted(diff.items())
    }
    audit.append(conn, "case.metadata_changed", actor, {"changes": details})
    return load(conn), True


def search_text(meta: CaseMetadata) -> str:
    """What the search index holds for the case itself."""
    return "\n".join(
        (meta.reference, meta.requesting_unit, meta.legal_basis, meta.officer, meta.commodity)
    )
