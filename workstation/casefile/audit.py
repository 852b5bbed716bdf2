"""The hash-chained audit log.

Each event's hash is the SHA-256 (hex) of the canonical JSON of
``{"seq", "utc", "action", "actor", "details", "prev_hash"}``; ``prev_hash`` is the
previous event's hash (64 zeros for the first event) and ``seq`` counts from 1
without gaps. ``details`` is stored as canonical JSON bytes, so the stored form
alone reproduces the hash.

What verify_chain detects: an edited event (its hash no longer matches), a
deleted, inserted or reordered event (seq gap or broken link), a removed
beginning (first seq is not 1 / prev_hash not zeros), details that are not
canonical JSON.

What the chain alone cannot detect: events cut off at the END. A shorter chain
is still a valid chain. Signed heads (heads.py) close that gap: Case.verify_audit
also checks that the log reaches the latest signed head, the one kept in
keyslot.json outside the database included, and sets ChainReport.tail_anchored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile.store import Connection

GENESIS_HASH = "0" * 64
_UTC_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")
_HASH_RE = re.compile(r"\A[0-9a-f]{64}\Z")
_ACTION_RE = re.compile(r"\A[a-z0-9_]+(\.[a-z0-9_-]+)+\Z")


def utc_now() -> str:
    """Now, as ISO 8601 UTC with microseconds and 'Z' (the system clock)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEvent:
    """One audit log entry; ``details_json`` is the stored canonical JSON."""

    seq: int
    utc: str
    action: str
    actor: str
    details_json: bytes
    prev_hash: str
    hash: str

    @property
    def details(self) -> dict[str, Any]:
        """The details as a dict (raises ValueError if the stored bytes are not an object)."""
        value = canonjson.loads(self.details_json)
        if not isinstance(value, dict):
            raise ValueError("audit details are not a JSON object")
        return value


def event_hash(
    *, seq: int, utc: str, action: str, actor: str, details: Mapping[str, Any], prev_hash: str
) -> str:
    """The chain hash of one event."""
    body = {
        "seq": seq,
        "utc": utc,
        "action": action,
        "actor": actor,
        "details": dict(details),
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonjson.dumps(body)).hexdigest()


def next_event(
    previous: AuditEvent | None,
    action: str,
    actor: str,
    details: Mapping[str, JsonValue] | None = None,
    utc: str | None = None,
) -> AuditEvent:
    """Build the event that follows ``previous`` (None for the first one)."""
    if not _ACTION_RE.match(action):
        raise ValueError(f"audit action must look like 'area.verb', got {action!r}")
    body = dict(details or {})
    details_json = canonjson.dumps(body)  # TypeError on floats or non-JSON values
    seq = previous.seq + 1 if previous else 1
    prev_hash = previous.hash if previous else GENESIS_HASH
    utc = utc or utc_now()
    digest = event_hash(
        seq=seq, utc=utc, action=action, actor=actor, details=body, prev_hash=prev_hash
    )
    return AuditEvent(seq, utc, action, actor, details_json, prev_hash, digest)


_SELECT = "SELECT seq, utc, action, actor, details, prev_hash, hash FROM audit_event"
_INSERT = (
    "INSERT INTO audit_event (seq, utc, action, actor, details, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _row_to_event(row: tuple[Any, ...]) -> AuditEvent:
    seq, utc, action, actor, details, prev_hash, digest = row
    # str() rather than trust: a tampered row may hold other types; verify_chain reports it.
    raw = bytes(details) if isinstance(details, bytes) else str(details).encode("utf-8")
    return AuditEvent(int(seq), str(utc), str(action), str(actor), raw, str(prev_hash), str(digest))


def head(conn: Connection) -> AuditEvent | None:
    """The last event, or None for an empty log."""
    row = conn.execute(_SELECT + " ORDER BY seq DESC LIMIT 1").fetchone()
    return _row_to_event(row) if row else None


def append(
    conn: Connection,
    action: str,
    actor: str,
    details: Mapping[str, JsonValue] | None = None,
) -> AuditEvent:
    """Append an event. The caller must hold a write transaction (BEGIN IMMEDIATE)."""
    event = next_event(head(conn), action, actor, details)
    conn.execute(
        _INSERT,
        (
            event.seq,
            event.utc,
            event.action,
            event.actor,
            event.details_json,
            event.prev_hash,
            event.hash,
        ),
    )
    return event


def load(conn: Connection) -> list[AuditEvent]:
    """Every event in seq order."""
    rows = conn.execute(_SELECT + " ORDER BY seq").fetchall()
    return [_row_to_event(row) for row in rows]


class ChainProblem(StrEnum):
    """Why a chain failed verification."""

    MISSING_START = "missing-start"  # a case's log must begin with its case.created event
    SEQUENCE = "sequence"  # seq gap, repeat or reordering: events removed/inserted/moved
    MALFORMED = "malformed"  # a field has an impossible form (time, hash, details type)
    NON_CANONICAL = "non-canonical"  # details bytes are not canonical JSON
    BROKEN_LINK = "broken-link"  # prev_hash is not the previous event's hash
    HASH_MISMATCH = "hash-mismatch"  # the event's content does not match its hash
    TRUNCATED = "truncated"  # a signed head vouches for events that are gone
    BAD_HEAD = "bad-head"  # a signed head's signature fails, or its event was rewritten
    KEY_MISMATCH = "key-mismatch"  # the signing key is not the one the log announced
    RECORD_MISMATCH = "record-mismatch"  # a stored record differs from its audit event


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verify_chain.

    ``events_checked`` counts the events found good before the first problem.
    ``tail_anchored`` is True when the latest signed head verified and the log
    reaches it (Case.verify_audit sets it; verify_chain alone cannot). Events
    after that head are covered by the chain but not yet by a signature.
    """

    ok: bool
    events_checked: int
    head_hash: str | None
    first_bad_seq: int | None = None
    problem: ChainProblem | None = None
    message: str = ""
    tail_anchored: bool = False


def verify_chain(events: Sequence[AuditEvent]) -> ChainReport:
    """Check seq order, links and hashes; report the first bad event and why."""
    previous: AuditEvent | None = None
    for position, event in enumerate(events):
        failure = _check_event(event, previous, position + 1)
        if failure is not None:
            problem, message = failure
            return ChainReport(
                ok=False,
                events_checked=position,
                head_hash=previous.hash if previous else None,
                first_bad_seq=event.seq,
                problem=problem,
                message=message,
            )
        previous = event
    return ChainReport(
        ok=True,
        events_checked=len(events),
        head_hash=previous.hash if previous else None,
        message=f"All {len(events)} audit events are intact and in order.",
    )


def _check_event(
    event: AuditEvent, previous: AuditEvent | None, expected_seq: int
) -> tuple[ChainProblem, str] | None:
    return _check_form(event, expected_seq) or _check_links(event, previous)


def _check_form(event: AuditEvent, expected_seq: int) -> tuple[ChainProblem, str] | None:
    seq = event.seq
    if seq != expected_seq:
        return ChainProblem.SEQUENCE, (
            f"Audit event {seq} is out of place: event {expected_seq} was expected here, "
            "so events were removed, inserted or reordered."
        )
    if not (_UTC_RE.match(event.utc) and _HASH_RE.match(event.hash)):
        return ChainProblem.MALFORMED, f"Audit event {seq} has a malformed time or hash."
    if not _is_canonical(event.details_json):
        return ChainProblem.NON_CANONICAL, (
            f"The details of audit event {seq} are not in canonical form; they were rewritten."
        )
    try:
        event.details  # noqa: B018 - parse to check it is an object
    except ValueError:
        return ChainProblem.MALFORMED, f"The details of audit event {seq} are not a JSON object."
    return None


def _check_links(event: AuditEvent, previous: AuditEvent | None) -> tuple[ChainProblem, str] | None:
    expected_prev = previous.hash if previous else GENESIS_HASH
    if event.prev_hash != expected_prev:
        return ChainProblem.BROKEN_LINK, (
            f"Audit event {event.seq} does not link to the event before it."
        )
    recomputed = event_hash(
        seq=event.seq,
        utc=event.utc,
        action=event.action,
        actor=event.actor,
        details=event.details,
        prev_hash=event.prev_hash,
    )
    if recomputed != event.hash:
        return ChainProblem.HASH_MISMATCH, (
            f"Audit event {event.seq} was changed after it was written (its hash does not match)."
        )
    return None


def _is_canonical(data: bytes) -> bool:
    try:
        return canonjson.is_canonical(data)
    except RecursionError:  # absurdly nested JSON is not something we wrote
        return False
