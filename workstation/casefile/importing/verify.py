"""Step 5b, verifying the contents against each other and the audit log.

The audit chain from the case's creation, its signed heads under the case's
announced key, ending at the head the sender signed; every exhibit's control
number, artifacts, sealing event and timestamps; every lookup's record and raw
exchanges against its audit event; every contact entry, persona and note against
the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from workstation import canonjson
from workstation.casefile import audit, contacts, heads, personas
from workstation.casefile.audit import AuditEvent
from workstation.casefile.importing.bundle import SignedBundle
from workstation.casefile.importing.contents import Contents
from workstation.casefile.importing.limits import TransferRejected
from workstation.evidence.timestamping import check_stored
from workstation.evidence.verify import (
    lookups_in_audit,
    stamped_in_audit,
    verify_item,
    verify_lookup,
)
from workstation.progress import Progress, checked

MAX_PROBLEMS_SHOWN = 5


def verify_contents(
    bundle: SignedBundle, contents: Contents, *, progress: Progress | None = None
) -> list[str]:
    """Check the records against each other and the audit log; what was verified, or reject.

    progress gets a step per exhibit verified."""
    checker = _Checker(bundle, contents, checked(progress))
    checker.run()
    if checker.problems:
        shown = "; ".join(checker.problems[:MAX_PROBLEMS_SHOWN])
        more = len(checker.problems) - MAX_PROBLEMS_SHOWN
        extra = f" (and {more} more)" if more > 0 else ""
        raise TransferRejected(f"The transfer's contents do not verify: {shown}{extra}.")
    return checker.verified


class _Checker:
    def __init__(self, bundle: SignedBundle, contents: Contents, progress: Progress) -> None:
        self.bundle = bundle
        self.contents = contents
        self.progress = progress
        self.problems: list[str] = []
        self.verified: list[str] = []

    def run(self) -> None:
        if not self._audit_log():
            return  # the records are checked against the log; without it, nothing holds
        self._evidence()
        self._lookups()
        self._contacts()
        self._personas()
        self._notes()

    def _audit_log(self) -> bool:
        bundle, contents = self.bundle, self.contents
        if (contents.case_id, contents.public_key) != (bundle.case_id, bundle.case_public_key):
            self.problems.append("the case it holds is not the case its manifest names")
            return False
        events = list(contents.events)
        report = audit.verify_chain(events)
        if not report.ok:
            self.problems.append(f"audit log: {report.message}")
            return False
        first = events[0].details if events else {}
        if (
            not events
            or events[0].action != "case.created"
            or first.get("case_id") != bundle.case_id
        ):
            self.problems.append("audit log: it does not start with the creation of the case")
            return False
        key = bytes.fromhex(contents.public_key)
        problem = heads.check(bundle.case_id, events, list(contents.heads), key, None)
        if problem is not None:
            self.problems.append(f"audit log: {problem.message}")
            return False
        last = contents.heads[-1] if contents.heads else None
        if (
            last is None
            or (last.seq, last.hash) != (bundle.head_seq, bundle.head_hash)
            or (last.seq != len(events))
        ):
            self.problems.append("audit log: it does not end at the head the sender signed")
            return False
        self.verified.append(
            f"audit log: {len(events)} events intact from the case's creation, ending at the "
            f"head signed with the case's key (event {last.seq}, {len(contents.heads)} heads)"
        )
        return True

    def _evidence(self) -> None:
        events = self.contents.events
        sealed = _sealed_items(events)
        stamped = stamped_in_audit(events)
        numbers = [item.control_number for item in self.contents.items]
        if len(set(numbers)) != len(numbers):
            self.problems.append("an exhibit is in the transfer twice")
        stamps = 0
        items = self.contents.items
        for number, item in enumerate(items):
            self.progress.step(
                f"Verifying exhibit {number + 1} of {len(items)}", number, len(items)
            )
            report = verify_item(item.control_number, item.manifest, item.artifacts)
            names = [artifact.name for artifact in item.artifacts]
            if len(set(names)) != len(names):
                report.problems.append("an artifact name is used twice")
            if report.ok and _media_types(item.manifest) != {
                a.name: a.media_type for a in item.artifacts
            }:
                report.problems.append("an artifact's media type differs from the manifest's")
            self.problems.extend(f"exhibit {item.control_number}: {p}" for p in report.problems)
            if sealed.get(item.item_id) != item.control_number:
                self.problems.append(
                    f"exhibit {item.control_number}: the audit log has no record of its sealing"
                )
            for stamp in item.timestamps:
                stamps += 1
                found = check_stored(stamp.reply, stamp.reply_sha256, item.manifest, ())
                if (item.control_number, stamp.reply_sha256) not in stamped:
                    found.append("the audit log has no record of this timestamp")
                self.problems.extend(
                    f"exhibit {item.control_number}: timestamp: {p}" for p in found
                )
        self.verified.append(
            f"exhibits ({len(numbers)}): control numbers, artifacts' SHA-256 and sealing "
            f"events; timestamp replies ({stamps}) cover their manifests"
        )

    def _lookups(self) -> None:
        audited = lookups_in_audit(self.contents.events)
        for saved in self.contents.lookups:
            report = verify_lookup(saved, audited.get(saved.id))
            self.problems.extend(f"{report.label}: {p}" for p in report.problems)
        exchanges = sum(len(s.exchanges) for s in self.contents.lookups)
        self.verified.append(
            f"lookups ({len(self.contents.lookups)}): records and raw exchanges ({exchanges}) "
            "match their audit events"
        )

    def _contacts(self) -> None:
        logged = contacts.logged_digests(self.contents.events)
        for entry in self.contents.contacts:
            digest = logged.get(entry.id, (0, ""))[1]
            if contacts.entry_digest(entry) != digest:
                self.problems.append(
                    f"contact entry {entry.id} differs from what the audit log recorded"
                )
        self.verified.append(
            f"contact log ({len(self.contents.contacts)} entries): each matches its audit "
            f"event; attachments ({len(self.contents.attachments)}) match their SHA-256"
        )

    def _personas(self) -> None:
        added = {
            (e.details.get("persona_id"), e.details.get("alias"))
            for e in self.contents.events
            if e.action == "persona.added"
        }
        keys = [personas.alias_key(p.alias) for p in self.contents.personas]
        if len(set(keys)) != len(keys):
            self.problems.append("a persona is in the transfer twice")
        for persona in self.contents.personas:
            if (persona.persona_id, persona.alias) not in added:
                self.problems.append(f"persona {persona.alias!r} was never added in the audit log")
        present = {personas.alias_key(p.alias) for p in self.contents.personas}
        for entry in self.contents.contacts:
            if personas.alias_key(entry.persona) not in present:
                self.problems.append(
                    f"contact entry {entry.id} names a persona not in the transfer"
                )
        self.verified.append(f"personas ({len(keys)}): each added in the audit log")

    def _notes(self) -> None:
        logged = {
            e.details.get("note_id"): (e.details.get("subject"), e.details.get("text_sha256"))
            for e in self.contents.events
            if e.action == "note.added"
        }
        for note in self.contents.notes:
            digest = hashlib.sha256(note.text.encode("utf-8")).hexdigest()
            if logged.get(note.id) != (note.subject, digest):
                self.problems.append(f"note {note.id} differs from what the audit log recorded")
        self.verified.append(f"notes ({len(self.contents.notes)}): match their audit events")


def _media_types(manifest: bytes) -> dict[str, Any]:
    """Artifact name -> media type, from a manifest verify_item already found well formed."""
    entries = canonjson.loads(manifest)["artifacts"]
    return {entry["name"]: entry.get("media_type") for entry in entries}


def _sealed_items(events: Iterable[AuditEvent]) -> dict[int, str]:
    """source item id -> control number, from the evidence.sealed events."""
    found: dict[int, str] = {}
    for event in events:
        if event.action == "evidence.sealed":
            item_id, number = event.details.get("item_id"), event.details.get("control_number")
            if isinstance(item_id, int) and isinstance(number, str):
                found[item_id] = number
    return found
