"""Schema migrations of the case database.

``PRAGMA user_version`` is the schema version. MIGRATIONS is ordered; each one
runs in its own transaction together with the bump of user_version, so a case
is always at exactly one known version, and a failing migration leaves it at the
previous one. A case newer than the last migration here is refused before
anything is written (SchemaTooNew).

Never edit a released migration: add a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from workstation.casefile.store import Connection, classify, scalar_int, transaction
from workstation.errors import CaseCorrupt, CaseError, SchemaTooNew

log = logging.getLogger(__name__)

MigrationStep = str | Callable[[Connection], None]


@dataclass(frozen=True)
class Migration:
    """One schema step. ``step`` is an SQL script or a callable taking the connection.

    A callable must use ``conn.execute`` only (no executescript, no COMMIT): it
    runs inside the migration's transaction.
    """

    version: int
    description: str
    step: MigrationStep


def _immutable(table: str, what: str) -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}\n"
        f"BEGIN SELECT RAISE(ABORT, '{what} cannot be changed or deleted'); END;"
        for op in ("UPDATE", "DELETE")
    )


V1_SQL = f"""
CREATE TABLE case_info (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE evidence_item (
    id INTEGER PRIMARY KEY,
    control_number TEXT NOT NULL UNIQUE CHECK (length(control_number) > 0),
    manifest BLOB NOT NULL CHECK (typeof(manifest) = 'blob'),
    created_utc TEXT NOT NULL
);
CREATE TABLE artifact (
    item_id INTEGER NOT NULL REFERENCES evidence_item(id),
    name TEXT NOT NULL CHECK (length(name) > 0),
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    data BLOB NOT NULL CHECK (typeof(data) = 'blob'),
    PRIMARY KEY (item_id, name)
);
CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY CHECK (seq > 0),
    utc TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    details BLOB NOT NULL CHECK (typeof(details) = 'blob'),
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash TEXT NOT NULL CHECK (length(hash) = 64)
);
{_immutable("evidence_item", "sealed evidence")}
{_immutable("artifact", "sealed evidence")}
{_immutable("audit_event", "the audit log")}
"""

V2_SQL = f"""
CREATE TABLE signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
    private_key BLOB NOT NULL CHECK (length(private_key) = 32),
    created_utc TEXT NOT NULL
);
CREATE TABLE signed_head (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL CHECK (length(hash) = 64),
    utc TEXT NOT NULL,
    reason TEXT NOT NULL,
    signature TEXT NOT NULL CHECK (length(signature) = 128)
);
CREATE TABLE persona (
    id INTEGER PRIMARY KEY,
    alias TEXT NOT NULL CHECK (length(alias) > 0),
    alias_key TEXT NOT NULL UNIQUE,
    accounts BLOB NOT NULL CHECK (typeof(accounts) = 'blob'),
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    retired_utc TEXT
);
CREATE TABLE persona_state (
    persona_id INTEGER PRIMARY KEY REFERENCES persona(id),
    saved_utc TEXT NOT NULL,
    state BLOB NOT NULL CHECK (typeof(state) = 'blob')
);
CREATE TABLE attachment (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    data BLOB NOT NULL CHECK (typeof(data) = 'blob')
);
CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    occurred_utc TEXT NOT NULL,
    recorded_utc TEXT NOT NULL,
    persona_id INTEGER NOT NULL REFERENCES persona(id),
    channel TEXT NOT NULL CHECK (length(channel) > 0),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    content TEXT NOT NULL,
    is_summary INTEGER NOT NULL CHECK (is_summary IN (0, 1)),
    authorisation_ref TEXT NOT NULL,
    officer TEXT NOT NULL,
    supersedes INTEGER REFERENCES contact(id)
);
CREATE UNIQUE INDEX contact_by_supersedes ON contact (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX contact_by_time ON contact (occurred_utc, id);
CREATE INDEX contact_by_persona ON contact (persona_id, occurred_utc);
CREATE TABLE contact_counterpart (
    contact_id INTEGER NOT NULL REFERENCES contact(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('handle', 'email', 'phone', 'url')),
    value TEXT NOT NULL CHECK (length(value) > 0),
    PRIMARY KEY (contact_id, position)
) WITHOUT ROWID;
CREATE TABLE contact_attachment (
    contact_id INTEGER NOT NULL REFERENCES contact(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES attachment(sha256),
    PRIMARY KEY (contact_id, position)
) WITHOUT ROWID;
CREATE TABLE contact_evidence (
    contact_id INTEGER NOT NULL REFERENCES contact(id),
    evidence_id INTEGER NOT NULL REFERENCES evidence_item(id),
    PRIMARY KEY (contact_id, evidence_id)
) WITHOUT ROWID;
CREATE INDEX contact_evidence_by_item ON contact_evidence (evidence_id);
CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    created_utc TEXT NOT NULL,
    officer TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE VIRTUAL TABLE search_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
{_immutable("signing_key", "the signing key")}
{_immutable("signed_head", "signed heads")}
{_immutable("attachment", "attachments")}
{_immutable("contact", "the contact log")}
{_immutable("contact_counterpart", "the contact log")}
{_immutable("contact_attachment", "the contact log")}
{_immutable("contact_evidence", "the contact log")}
{_immutable("note", "notes")}
"""

# case_info keys of the full metadata; v1 only had title (now reference), officer, created_utc.
_V2_METADATA = {
    "requesting_unit": "",
    "legal_basis": "",
    "commodity": "other",
    "status": "open",
    "closed_utc": "",
}


def _v2(conn: Connection) -> None:
    """Tables for keys, heads, personas, contacts, notes and search; metadata; the index."""
    from workstation.casefile import fts  # noqa: PLC0415 - fts imports the record modules

    for statement in split_statements(V2_SQL):
        conn.execute(statement)
    conn.execute("UPDATE case_info SET key = 'reference' WHERE key = 'title'")
    conn.execute(
        "INSERT OR IGNORE INTO case_info (key, value) "
        "SELECT 'opened_utc', value FROM case_info WHERE key = 'created_utc'"
    )
    for key, value in _V2_METADATA.items():
        conn.execute("INSERT OR IGNORE INTO case_info (key, value) VALUES (?, ?)", (key, value))
    fts.rebuild(conn)


def _v3(conn: Connection) -> None:
    from workstation.casefile.timestamps import V3_SQL  # noqa: PLC0415 - keeps import order simple

    for statement in split_statements(V3_SQL):
        conn.execute(statement)


def _v4(conn: Connection) -> None:
    from workstation.casefile.lookups import V4_SQL  # noqa: PLC0415 - keeps import order simple

    for statement in split_statements(V4_SQL):
        conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "case info, sealed evidence and artifacts, hash-chained audit log", V1_SQL),
    Migration(
        2,
        "signed heads, case metadata, personas, contact log, notes, full-text search",
        _v2,
    ),
    Migration(3, "RFC 3161 timestamps of exhibits and their queue", _v3),
    Migration(4, "lookup results kept as evidence, with their raw exchanges", _v4),
)


def _or_default(migrations: Sequence[Migration] | None) -> Sequence[Migration]:
    # Looked up at call time so tests can substitute MIGRATIONS.
    return MIGRATIONS if migrations is None else migrations


def latest_version(migrations: Sequence[Migration] | None = None) -> int:
    """The schema version this code writes."""
    migrations = _or_default(migrations)
    return migrations[-1].version if migrations else 0


def schema_version(conn: Connection) -> int:
    """The case's current schema version (0 for an empty database)."""
    return scalar_int(conn, "PRAGMA user_version")


def check_not_too_new(conn: Connection, migrations: Sequence[Migration] | None = None) -> int:
    """Return the current version; raise SchemaTooNew if this code cannot read it."""
    current = schema_version(conn)
    newest = latest_version(migrations)
    if current > newest:
        raise SchemaTooNew(
            f"This case was written by a newer version of the workstation (case format "
            f"{current}; this version understands up to {newest}). Open it with the newer version."
        )
    return current


def migrate(
    conn: Connection, db_path: Path, migrations: Sequence[Migration] | None = None
) -> list[int]:
    """Apply every pending migration in order; return the versions applied."""
    migrations = _or_default(migrations)
    _check_ordered(migrations)
    current = check_not_too_new(conn, migrations)
    applied: list[int] = []
    for migration in migrations:
        if migration.version > current:
            _apply(conn, db_path, migration)
            applied.append(migration.version)
    return applied


def _check_ordered(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1, 2, 3, ... in order, got {versions}")


def _apply(conn: Connection, db_path: Path, migration: Migration) -> None:
    log.info("applying case schema migration %d: %s", migration.version, migration.description)
    try:
        with transaction(conn):
            if isinstance(migration.step, str):
                for statement in split_statements(migration.step):
                    conn.execute(statement)
            else:
                migration.step(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
    except sqlcipher3.Error as exc:
        problem = classify(exc, db_path)
        if isinstance(problem, CaseCorrupt):
            raise problem from exc
        raise CaseError(
            f"Updating the case at {db_path} to format {migration.version} "
            f"({migration.description}) failed, and the case was left as it was: {exc}."
        ) from exc


def split_statements(script: str) -> list[str]:
    """Split an SQL script into statements (trigger bodies keep their inner semicolons).

    Used instead of executescript, which would COMMIT the migration's transaction.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlcipher3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\r\n;"):
        raise ValueError("the migration script ends with an incomplete statement")
    return statements
