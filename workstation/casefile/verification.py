"""Verifying a case's audit log beyond the chain itself.

verify_chain (audit.py) proves the events link up. Here the log must also
start with this case's creation, every signed head must verify and be reached
by the log (the head kept in keyslot.json included, which is what exposes a
log cut short inside the database), and every contact entry must still be what
its audit event recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from workstation.casefile import audit, contacts, heads
from workstation.casefile.audit import AuditEvent, ChainProblem, ChainReport
from workstation.casefile.contacts import ContactEntry
from workstation.casefile.heads import SignedHead


def verify(  # noqa: PLR0917 - the parts of a case that verification reads
    case_id: str,
    events: Sequence[AuditEvent],
    head_list: Sequence[SignedHead],
    key: bytes | None,
    slot_head: SignedHead | None,
    entries: Sequence[ContactEntry],
) -> ChainReport:
    """The first problem found, or an ok report saying whether the tail is anchored."""
    report = audit.verify_chain(events)
    if not report.ok:
        return report
    if not _starts_with_creation(events, case_id):
        return _failed(
            report,
            events[0].seq if events else None,
            ChainProblem.MISSING_START,
            "The audit log does not start with the creation of this case; "
            "its first events were removed.",
        )
    problem = heads.check(case_id, events, head_list, key, slot_head)
    if problem is not None:
        return _failed(report, problem.first_bad_seq, problem.problem, problem.message)
    mismatch = _contact_mismatch(entries, events)
    if mismatch is not None:
        return _failed(report, mismatch[0], ChainProblem.RECORD_MISMATCH, mismatch[1])
    return _anchored(report, head_list, slot_head)


def unreadable_slot(report_events: Sequence[AuditEvent], why: str) -> ChainReport:
    """The report when keyslot.json (and so the outside head) cannot be read."""
    return ChainReport(
        ok=False,
        events_checked=len(report_events),
        head_hash=report_events[-1].hash if report_events else None,
        problem=ChainProblem.BAD_HEAD,
        message=f"keyslot.json cannot be read, so the log's end cannot be checked: {why}",
    )


def _failed(
    report: ChainReport, seq: int | None, problem: ChainProblem, message: str
) -> ChainReport:
    return ChainReport(
        ok=False,
        events_checked=report.events_checked,
        head_hash=report.head_hash,
        first_bad_seq=seq,
        problem=problem,
        message=message,
    )


def _anchored(
    report: ChainReport, head_list: Sequence[SignedHead], slot_head: SignedHead | None
) -> ChainReport:
    seqs = [head.seq for head in head_list] + ([slot_head.seq] if slot_head else [])
    if not seqs:
        return report
    last = max(seqs)
    later = report.events_checked - last
    tail = f"; {later} later event{'s' if later != 1 else ''} not signed yet" if later else ""
    return ChainReport(
        ok=True,
        events_checked=report.events_checked,
        head_hash=report.head_hash,
        message=(
            f"All {report.events_checked} audit events are intact and in order, "
            f"and the log reaches its latest signed head (event {last}){tail}."
        ),
        tail_anchored=True,
    )


def _contact_mismatch(
    entries: Sequence[ContactEntry], events: Sequence[AuditEvent]
) -> tuple[int | None, str] | None:
    logged = contacts.logged_digests(events)
    for entry in entries:
        seq, digest = logged.get(entry.id, (None, None))
        if digest is None:
            return (
                None,
                f"Contact entry {entry.id} has no audit record; "
                "it was added behind the log's back.",
            )
        if contacts.entry_digest(entry) != digest:
            return seq, (
                f"Contact entry {entry.id} differs from what audit event {seq} recorded; "
                "it was changed after it was logged."
            )
    present = {entry.id for entry in entries}
    missing = sorted(set(logged) - present)
    if missing:
        seq = logged[missing[0]][0]
        return seq, f"Contact entry {missing[0]} (audit event {seq}) is missing; it was deleted."
    return None


def _starts_with_creation(events: Sequence[AuditEvent], case_id: str) -> bool:
    if not events or events[0].action != "case.created":
        return False
    return events[0].details.get("case_id") == case_id
