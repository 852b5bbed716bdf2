"""RFC 3161 timestamps of exhibits, and the queue of those still to be asked for.

A reply is stored as it arrived, append-only, with its SHA-256 in the audit
event that records it (parts of a reply lie outside the authority's signature;
the audit chain covers them). When the authority cannot be reached the exhibit
waits in the queue, which is working state rather than evidence: a row leaves
it when its timestamp arrives.
"""

import hashlib
from dataclasses import dataclass

from workstation.canonjson import JsonValue
from workstation.casefile import audit
from workstation.casefile.store import Connection
from workstation.errors import InputError

V3_SQL = """
CREATE TABLE evidence_timestamp (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES evidence_item(id),
    tsa_url TEXT NOT NULL,
    reply BLOB NOT NULL,
    reply_sha256 TEXT NOT NULL,
    gen_time_utc TEXT NOT NULL,
    received_utc TEXT NOT NULL
);
CREATE INDEX evidence_timestamp_item ON evidence_timestamp(item_id);
CREATE TRIGGER evidence_timestamp_no_update BEFORE UPDATE ON evidence_timestamp
BEGIN SELECT RAISE(ABORT, 'timestamps are immutable'); END;
CREATE TRIGGER evidence_timestamp_no_delete BEFORE DELETE ON evidence_timestamp
BEGIN SELECT RAISE(ABORT, 'timestamps are immutable'); END;
CREATE TABLE timestamp_queue (
    item_id INTEGER PRIMARY KEY REFERENCES evidence_item(id),
    tsa_url TEXT NOT NULL,
    queued_utc TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True)
class StoredTimestamp:
    item_id: int
    tsa_url: str
    reply: bytes
    reply_sha256: str
    gen_time_utc: str
    received_utc: str


@dataclass(frozen=True)
class PendingTimestamp:
    item_id: int
    control_number: str
    manifest: bytes
    tsa_url: str
    attempts: int
    last_error: str


def _control_number(conn: Connection, item_id: int) -> str:
    row = conn.execute(
        "SELECT control_number FROM evidence_item WHERE id = ?", (item_id,)
    ).fetchone()
    if row is None:
        raise InputError(f"There is no exhibit {item_id} in this case.")
    return str(row[0])


def record(
    conn: Connection,
    actor: str,
    *,
    item_id: int,
    tsa_url: str,
    reply: bytes,
    gen_time_utc: str,
) -> StoredTimestamp:
    control_number = _control_number(conn, item_id)
    stored = StoredTimestamp(
        item_id,
        tsa_url,
        bytes(reply),
        hashlib.sha256(reply).hexdigest(),
        gen_time_utc,
        audit.utc_now(),
    )
    conn.execute(
        "INSERT INTO evidence_timestamp (item_id, tsa_url, reply, reply_sha256, gen_time_utc,"
        " received_utc) VALUES (?, ?, ?, ?, ?, ?)",
        (item_id, tsa_url, stored.reply, stored.reply_sha256, gen_time_utc, stored.received_utc),
    )
    conn.execute("DELETE FROM timestamp_queue WHERE item_id = ?", (item_id,))
    details: dict[str, JsonValue] = {
        "control_number": control_number,
        "tsa_url": tsa_url,
        "reply_sha256": stored.reply_sha256,
        "gen_time_utc": gen_time_utc,
    }
    audit.append(conn, "evidence.timestamped", actor, details)
    return stored


def enqueue(conn: Connection, actor: str, item_id: int, tsa_url: str, error: str) -> None:
    control_number = _control_number(conn, item_id)
    existing = conn.execute(
        "SELECT attempts FROM timestamp_queue WHERE item_id = ?", (item_id,)
    ).fetchone()
    if existing is None:
        conn.execute(
            "INSERT INTO timestamp_queue (item_id, tsa_url, queued_utc, attempts, last_error)"
            " VALUES (?, ?, ?, 1, ?)",
            (item_id, tsa_url, audit.utc_now(), error),
        )
        details: dict[str, JsonValue] = {
            "control_number": control_number,
            "tsa_url": tsa_url,
            "reason": error,
        }
        audit.append(conn, "evidence.timestamp_queued", actor, details)
        return
    conn.execute(
        "UPDATE timestamp_queue SET attempts = attempts + 1, last_error = ? WHERE item_id = ?",
        (error, item_id),
    )


def pending(conn: Connection) -> list[PendingTimestamp]:
    rows = conn.execute(
        "SELECT q.item_id, e.control_number, e.manifest, q.tsa_url, q.attempts, q.last_error"
        " FROM timestamp_queue q JOIN evidence_item e ON e.id = q.item_id ORDER BY q.item_id"
    ).fetchall()
    return [
        PendingTimestamp(int(r[0]), str(r[1]), bytes(r[2]), str(r[3]), int(r[4]), str(r[5]))
        for r in rows
    ]


def of_item(conn: Connection, item_id: int) -> list[StoredTimestamp]:
    rows = conn.execute(
        "SELECT item_id, tsa_url, reply, reply_sha256, gen_time_utc, received_utc"
        " FROM evidence_timestamp WHERE item_id = ? ORDER BY id",
        (item_id,),
    ).fetchall()
    return [
        StoredTimestamp(int(r[0]), str(r[1]), bytes(r[2]), str(r[3]), str(r[4]), str(r[5]))
        for r in rows
    ]
