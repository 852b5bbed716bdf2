"""Lookup results kept as evidence: the parsed record and every raw exchange, append-only.

A saved lookup is the canonical JSON of ``LookupResult.record()`` (everything but the
raw bytes: parsed data, servers, route, times, the SHA-256 of every request and
answer) with its own SHA-256, plus one row per exchange holding the bytes exactly as
they travelled. The audit event that records the save carries the record's hash and
every exchange's hashes, so a record rewritten together with its stored hash still
no longer matches the audit log. Neither table can be changed or deleted (triggers).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import audit, fts
from workstation.casefile.store import Connection
from workstation.errors import InputError

if TYPE_CHECKING:
    from workstation.lookup.result import LookupResult

SAVED_ACTION = "lookup.saved"

V4_SQL = """
CREATE TABLE saved_lookup (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (length(kind) > 0),
    target TEXT NOT NULL,
    route TEXT NOT NULL,
    started_utc TEXT NOT NULL,
    finished_utc TEXT NOT NULL,
    record BLOB NOT NULL CHECK (typeof(record) = 'blob'),
    record_sha256 TEXT NOT NULL CHECK (length(record_sha256) = 64),
    saved_utc TEXT NOT NULL,
    officer TEXT NOT NULL
);
CREATE INDEX saved_lookup_by_subject ON saved_lookup (kind, target, id);
CREATE TABLE lookup_exchange (
    lookup_id INTEGER NOT NULL REFERENCES saved_lookup(id),
    position INTEGER NOT NULL CHECK (position >= 0),
    server TEXT NOT NULL,
    protocol TEXT NOT NULL,
    utc TEXT NOT NULL,
    request BLOB NOT NULL CHECK (typeof(request) = 'blob'),
    request_sha256 TEXT NOT NULL CHECK (length(request_sha256) = 64),
    response BLOB NOT NULL CHECK (typeof(response) = 'blob'),
    response_sha256 TEXT NOT NULL CHECK (length(response_sha256) = 64),
    PRIMARY KEY (lookup_id, position)
) WITHOUT ROWID;
CREATE TRIGGER saved_lookup_no_update BEFORE UPDATE ON saved_lookup
BEGIN SELECT RAISE(ABORT, 'saved lookups cannot be changed or deleted'); END;
CREATE TRIGGER saved_lookup_no_delete BEFORE DELETE ON saved_lookup
BEGIN SELECT RAISE(ABORT, 'saved lookups cannot be changed or deleted'); END;
CREATE TRIGGER lookup_exchange_no_update BEFORE UPDATE ON lookup_exchange
BEGIN SELECT RAISE(ABORT, 'saved lookups cannot be changed or deleted'); END;
CREATE TRIGGER lookup_exchange_no_delete BEFORE DELETE ON lookup_exchange
BEGIN SELECT RAISE(ABORT, 'saved lookups cannot be changed or deleted'); END;
"""


@dataclass(frozen=True)
class SavedExchange:
    """One stored question and answer, with the hashes recorded when it was saved."""

    position: int
    server: str
    protocol: str
    utc: str
    request: bytes
    request_sha256: str
    response: bytes
    response_sha256: str


@dataclass(frozen=True)
class SavedLookup:
    """A lookup result in the case. ``exchanges`` is empty in listings (see Case.lookup)."""

    id: int
    kind: str
    target: str
    route: str
    started_utc: str
    finished_utc: str
    record_json: bytes  # canonical JSON of LookupResult.record(), as stored
    record_sha256: str
    saved_utc: str
    officer: str
    exchange_count: int
    exchanges: tuple[SavedExchange, ...] = ()

    @property
    def record(self) -> dict[str, Any]:
        """The stored record (ValueError if the stored bytes are not a JSON object)."""
        value = canonjson.loads(self.record_json)
        if not isinstance(value, dict):
            raise ValueError("the stored lookup record is not a JSON object")
        return value

    @property
    def data(self) -> dict[str, Any]:
        data = self.record.get("data")
        return data if isinstance(data, dict) else {}

    @property
    def summary(self) -> list[str]:
        lines = self.record.get("summary")
        return [str(line) for line in lines] if isinstance(lines, list) else []

    def as_result(self) -> LookupResult:
        """The saved lookup as a LookupResult again (for display and comparison)."""
        from workstation.lookup.result import Exchange, LookupResult, Pivot  # noqa: PLC0415

        record = self.record
        return LookupResult(
            kind=self.kind,
            target=self.target,
            route=self.route,
            started_utc=self.started_utc,
            finished_utc=self.finished_utc,
            data=self.data,
            exchanges=tuple(
                Exchange(e.server, e.protocol, e.request, e.response, e.utc) for e in self.exchanges
            ),
            pivots=tuple(
                Pivot(str(p.get("kind")), str(p.get("target")), str(p.get("label")))
                for p in record.get("pivots", [])
                if isinstance(p, dict)
            ),
            warnings=tuple(str(w) for w in record.get("warnings", [])),
            summary=tuple(self.summary),
        )


def save(conn: Connection, actor: str, result: LookupResult) -> SavedLookup:
    """Store a result, its exchanges and the audit event. Caller holds a write transaction."""
    record_json = _record_bytes(result)
    record_sha256 = hashlib.sha256(record_json).hexdigest()
    saved_utc = audit.utc_now()
    cursor = conn.execute(
        "INSERT INTO saved_lookup (kind, target, route, started_utc, finished_utc, record,"
        " record_sha256, saved_utc, officer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            result.kind,
            result.target,
            result.route,
            result.started_utc,
            result.finished_utc,
            record_json,
            record_sha256,
            saved_utc,
            actor,
        ),
    )
    lookup_id = int(cursor.lastrowid or 0)
    exchanges = tuple(
        _insert_exchange(conn, lookup_id, n, e) for n, e in enumerate(result.exchanges)
    )
    saved = SavedLookup(
        lookup_id,
        result.kind,
        result.target,
        result.route,
        result.started_utc,
        result.finished_utc,
        record_json,
        record_sha256,
        saved_utc,
        actor,
        len(exchanges),
        exchanges,
    )
    audit.append(conn, SAVED_ACTION, actor, audit_details(saved))
    fts.index(conn, fts.LOOKUP, lookup_id, search_text(saved), new=True)
    return saved


def search_text(saved: SavedLookup) -> str:
    """What the case search finds a saved lookup by: kind, target, servers, summary."""
    servers = " ".join(str(e.get("server", "")) for e in saved.record.get("exchanges", []))
    return "\n".join([saved.kind, saved.target, servers, *saved.summary])


def _record_bytes(result: LookupResult) -> bytes:
    if not result.kind:
        raise InputError("A lookup result without a kind cannot be saved.")
    try:
        return canonjson.dumps(result.record())
    except TypeError as exc:
        # A lookup module put a float or a tuple into its data: a bug, but say what.
        raise InputError(f"This {result.kind} result cannot be saved as evidence: {exc}.") from exc


def _insert_exchange(
    conn: Connection, lookup_id: int, position: int, exchange: Any
) -> SavedExchange:
    request, response = bytes(exchange.request), bytes(exchange.response)
    saved = SavedExchange(
        position,
        str(exchange.server),
        str(exchange.protocol),
        str(exchange.utc),
        request,
        hashlib.sha256(request).hexdigest(),
        response,
        hashlib.sha256(response).hexdigest(),
    )
    conn.execute(
        "INSERT INTO lookup_exchange (lookup_id, position, server, protocol, utc, request,"
        " request_sha256, response, response_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            lookup_id,
            position,
            saved.server,
            saved.protocol,
            saved.utc,
            saved.request,
            saved.request_sha256,
            saved.response,
            saved.response_sha256,
        ),
    )
    return saved


def audit_details(saved: SavedLookup) -> dict[str, JsonValue]:
    """What the audit event of a save records (and verification compares against)."""
    return {
        "lookup_id": saved.id,
        "kind": saved.kind,
        "target": saved.target,
        "route": saved.route,
        "record_sha256": saved.record_sha256,
        "exchanges": [
            {
                "server": e.server,
                "request_sha256": e.request_sha256,
                "response_sha256": e.response_sha256,
            }
            for e in saved.exchanges
        ],
    }


_SUMMARY_COLUMNS = (
    "SELECT l.id, l.kind, l.target, l.route, l.started_utc, l.finished_utc, l.record,"
    " l.record_sha256, l.saved_utc, l.officer,"
    " (SELECT count(*) FROM lookup_exchange x WHERE x.lookup_id = l.id)"
    " FROM saved_lookup l"
)


def _blob(value: Any) -> bytes:
    # A row changed behind the triggers may hold text; verification reports the mismatch.
    return (
        bytes(value) if isinstance(value, bytes | bytearray | memoryview) else str(value).encode()
    )


def _summary(row: Sequence[Any]) -> SavedLookup:
    return SavedLookup(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        _blob(row[6]),
        str(row[7]),
        str(row[8]),
        str(row[9]),
        int(row[10]),
    )


def list_saved(
    conn: Connection, kind: str | None = None, target: str | None = None
) -> list[SavedLookup]:
    """Saved lookups, oldest first, optionally of one kind and/or one target (without bytes)."""
    clauses, parameters = [], []
    if kind is not None:
        clauses.append("l.kind = ?")
        parameters.append(kind)
    if target is not None:
        clauses.append("l.target = ?")
        parameters.append(target)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"{_SUMMARY_COLUMNS}{where} ORDER BY l.id", parameters).fetchall()
    return [_summary(row) for row in rows]


def get(conn: Connection, lookup_id: int) -> SavedLookup:
    """One saved lookup with its exchanges, as stored (verification re-hashes them)."""
    row = conn.execute(f"{_SUMMARY_COLUMNS} WHERE l.id = ?", (lookup_id,)).fetchone()
    if row is None:
        raise InputError(f"There is no saved lookup {lookup_id} in this case.")
    rows = conn.execute(
        "SELECT position, server, protocol, utc, request, request_sha256, response,"
        " response_sha256 FROM lookup_exchange WHERE lookup_id = ? ORDER BY position",
        (lookup_id,),
    ).fetchall()
    exchanges = tuple(
        SavedExchange(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            _blob(r[4]),
            str(r[5]),
            _blob(r[6]),
            str(r[7]),
        )
        for r in rows
    )
    return dataclasses.replace(_summary(row), exchanges=exchanges)


def previous(
    conn: Connection, kind: str, target: str, before_id: int | None = None
) -> SavedLookup | None:
    """The latest saved run of the same lookup (before ``before_id`` when given)."""
    limit = " AND l.id < ?" if before_id is not None else ""
    parameters: list[Any] = [kind, target] + ([before_id] if before_id is not None else [])
    row = conn.execute(
        f"{_SUMMARY_COLUMNS} WHERE l.kind = ? AND l.target = ?{limit} ORDER BY l.id DESC LIMIT 1",
        parameters,
    ).fetchone()
    return _summary(row) if row is not None else None
