"""Signed heads: Ed25519 signatures over the audit log's head, so truncation shows.

A hash chain proves that nothing inside it was edited, inserted or reordered,
but a chain cut short at the end is still a valid chain. So the case signs its
head from time to time (every SIGN_EVERY events, when it is closed, when its
status becomes closed and at every export): an ``audit.head_signed`` event is
appended and its (seq, hash) signed with the case's Ed25519 key. Heads are kept
in the database and the latest one also in keyslot.json, outside the database:
a log cut off in the database no longer reaches the head that keyslot.json
vouches for.

The key pair is made when the case is created (older cases: at the first open
after the upgrade); the private key lives only in the encrypted database and is
read just for the moment of signing. The public key is announced in the audit
log (``audit.key_created``), so swapping the key pair breaks the chain or shows
as a mismatch.

What a signature covers: the canonical JSON of
``{"format", "case_id", "seq", "hash", "utc", "reason"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from workstation import canonjson
from workstation.casefile import audit
from workstation.casefile.audit import AuditEvent, ChainProblem
from workstation.casefile.store import Connection

log = logging.getLogger(__name__)

SIGN_EVERY = 100
HEAD_FORMAT = "investigator-workstation-signed-head"
HEAD_ACTION = "audit.head_signed"
KEY_ACTION = "audit.key_created"


@dataclass(frozen=True)
class SignedHead:
    """A signature over the audit event ``seq`` whose hash is ``hash``."""

    seq: int
    hash: str
    utc: str
    reason: str
    signature_hex: str


@dataclass(frozen=True)
class HeadProblem:
    """Why the heads do not vouch for the log (see check)."""

    problem: ChainProblem
    first_bad_seq: int | None
    message: str


def signed_bytes(case_id: str, seq: int, digest: str, utc: str, reason: str) -> bytes:
    """The exact bytes a head's signature covers."""
    return canonjson.dumps(
        {
            "format": HEAD_FORMAT,
            "case_id": case_id,
            "seq": seq,
            "hash": digest,
            "utc": utc,
            "reason": reason,
        }
    )


def signature_valid(public_key: bytes, case_id: str, head: SignedHead) -> bool:
    """True when the head's signature verifies under public_key."""
    try:
        signature = bytes.fromhex(head.signature_hex)
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, signed_bytes(case_id, head.seq, head.hash, head.utc, head.reason)
        )
    except (ValueError, InvalidSignature):
        return False
    return True


# -- the key pair ------------------------------------------------------------------------


def public_key(conn: Connection) -> bytes | None:
    """The case's public key (32 bytes), or None for a case that has none yet."""
    row = conn.execute("SELECT public_key FROM signing_key WHERE id = 1").fetchone()
    return bytes(row[0]) if row else None


def create_key(conn: Connection, actor: str) -> bytes:
    """Make the case's key pair and announce the public key in the audit log.

    The caller holds a write transaction.
    """
    private = Ed25519PrivateKey.generate()
    raw_private = bytearray(private.private_bytes_raw())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        conn.execute(
            "INSERT INTO signing_key (id, public_key, private_key, created_utc) "
            "VALUES (1, ?, ?, ?)",
            (public, bytes(raw_private), audit.utc_now()),
        )
    finally:
        raw_private[:] = bytes(len(raw_private))
    audit.append(conn, KEY_ACTION, actor, {"algorithm": "Ed25519", "public_key": public.hex()})
    return public


def _sign(conn: Connection, message: bytes) -> str:
    row = conn.execute("SELECT private_key FROM signing_key WHERE id = 1").fetchone()
    if row is None:
        raise LookupError("the case has no signing key")
    # Loaded for this one signature and dropped: the key object does not outlive the call.
    private = Ed25519PrivateKey.from_private_bytes(bytes(row[0]))
    return private.sign(message).hex()


# -- signing -----------------------------------------------------------------------------


def sign_now(conn: Connection, case_id: str, actor: str, reason: str) -> SignedHead:
    """Append an audit.head_signed event and sign it. The caller holds a write transaction."""
    event = audit.append(conn, HEAD_ACTION, actor, {"reason": reason})
    signature = _sign(conn, signed_bytes(case_id, event.seq, event.hash, event.utc, reason))
    head = SignedHead(event.seq, event.hash, event.utc, reason, signature)
    conn.execute(
        "INSERT INTO signed_head (seq, hash, utc, reason, signature) VALUES (?, ?, ?, ?, ?)",
        (head.seq, head.hash, head.utc, head.reason, head.signature_hex),
    )
    return head


def due(conn: Connection, every: int = SIGN_EVERY) -> bool:
    """True when the next event would be the ``every``-th since the last signed head.

    The head event itself is that event, so heads fall exactly ``every`` apart.
    """
    newest = audit.head(conn)
    last = latest(conn)
    return newest is not None and newest.seq - (last.seq if last else 0) >= every - 1


def unsigned_events(conn: Connection) -> int:
    """How many events follow the last signed head."""
    newest = audit.head(conn)
    last = latest(conn)
    return (newest.seq if newest else 0) - (last.seq if last else 0)


def latest(conn: Connection) -> SignedHead | None:
    """The newest head in the database."""
    rows = _select(conn, " ORDER BY seq DESC LIMIT 1")
    return rows[0] if rows else None


def load_all(conn: Connection) -> list[SignedHead]:
    """Every head in the database, oldest first."""
    return _select(conn, " ORDER BY seq")


def _select(conn: Connection, tail: str) -> list[SignedHead]:
    sql = "SELECT seq, hash, utc, reason, signature FROM signed_head" + tail  # noqa: S608
    rows = conn.execute(sql)
    return [SignedHead(int(s), str(h), str(u), str(r), str(g)) for s, h, u, r, g in rows.fetchall()]


def event_matches(conn: Connection, head: SignedHead) -> bool:
    """True when the log holds the event the head vouches for, unchanged."""
    row = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (head.seq,)).fetchone()
    return row is not None and str(row[0]) == head.hash


# -- verifying ---------------------------------------------------------------------------


def check(
    case_id: str,
    events: Sequence[AuditEvent],
    heads: Sequence[SignedHead],
    key: bytes | None,
    slot_head: SignedHead | None,
) -> HeadProblem | None:
    """Check the heads against an intact chain; the first problem found, or None.

    ``events`` has already passed verify_chain (seq 1..n without gaps).
    """
    if key is None:
        return HeadProblem(ChainProblem.BAD_HEAD, None, "The case has no signing key.")
    announced = _announced_keys(events)
    if announced != [key.hex()]:
        return HeadProblem(
            ChainProblem.KEY_MISMATCH,
            None,
            "The case's signing key is not the one announced in its audit log; "
            "the key was replaced.",
        )
    for head in heads:
        problem = _check_one(case_id, events, head, key, "A signed head")
        if problem is not None:
            return problem
    if slot_head is not None:
        problem = _check_one(case_id, events, slot_head, key, f"The signed head in {_SLOT}")
        if problem is not None:
            return problem
        if not any(head.seq == slot_head.seq for head in heads):
            return HeadProblem(
                ChainProblem.TRUNCATED,
                None,
                f"The signed head in {_SLOT} (event {slot_head.seq}) is missing from the "
                "database's own list of heads; records were removed.",
            )
    return None


_SLOT = "keyslot.json"


def _announced_keys(events: Sequence[AuditEvent]) -> list[str]:
    keys = []
    for event in events:
        if event.action == KEY_ACTION:
            value = event.details.get("public_key")
            keys.append(value if isinstance(value, str) else "")
    return keys


def _check_one(
    case_id: str, events: Sequence[AuditEvent], head: SignedHead, key: bytes, what: str
) -> HeadProblem | None:
    if not signature_valid(key, case_id, head):
        return HeadProblem(
            ChainProblem.BAD_HEAD,
            head.seq,
            f"{what} for audit event {head.seq} has a signature that does not verify "
            "with this case's key; it is forged or altered.",
        )
    if head.seq > len(events):
        last = len(events)
        return HeadProblem(
            ChainProblem.TRUNCATED,
            last + 1,
            f"The audit log ends at event {last}, but {what.lower()} vouches for event "
            f"{head.seq}: events {last + 1} to {head.seq} or more were cut off the end.",
        )
    if events[head.seq - 1].hash != head.hash:
        return HeadProblem(
            ChainProblem.BAD_HEAD,
            head.seq,
            f"Audit event {head.seq} is not the event {what.lower()} vouches for; "
            "the log was rewritten from there on.",
        )
    return None
