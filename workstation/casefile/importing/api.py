"""The whole import: verify a transfer completely, then add it to the target case.

The steps, in order, are in the package's docstring (workstation.casefile.importing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.canonjson import JsonValue
from workstation.casefile.importing.bundle import parse_bundle
from workstation.casefile.importing.contents import read_contents
from workstation.casefile.importing.decrypt import decrypt_file
from workstation.casefile.importing.limits import DEFAULT_LIMITS, Limits
from workstation.casefile.importing.merge import Merge
from workstation.casefile.importing.sender import Sender, check_addressing, check_sender
from workstation.casefile.importing.target import Target, apply_to_target, check_target
from workstation.casefile.importing.verify import verify_contents
from workstation.keys.addressbook import Partner
from workstation.keys.identity import UnlockedIdentity, WorkstationIdentity
from workstation.progress import Progress, checked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiverKeys:
    """This workstation's public keys, a way to unlock them, and the address book."""

    own: WorkstationIdentity | None
    partners: tuple[Partner, ...]
    unlock: Callable[[], UnlockedIdentity] | None


@dataclass
class ImportReport:
    """What was verified and what was added (or was already there)."""

    target: Path
    case_id: str
    new_case: bool
    transfer_sha256: str
    transfer_bytes: int
    encryption: str
    sender: Sender
    source_case_id: str
    source_reference: str
    source_head_seq: int
    verified: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    already_present: dict[str, int] = field(default_factory=dict)
    exhibits: list[dict[str, JsonValue]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "target": str(self.target),
            "case_id": self.case_id,
            "new_case": self.new_case,
            "transfer": {
                "sha256": self.transfer_sha256,
                "bytes": self.transfer_bytes,
                "encryption": self.encryption,
            },
            "sender": {
                "fingerprint": self.sender.fingerprint,
                "name": self.sender.name,
                "unit": self.sender.unit,
                "known": self.sender.known,
                "this_workstation": self.sender.this_workstation,
            },
            "source_case": {
                "case_id": self.source_case_id,
                "reference": self.source_reference,
                "head_seq": self.source_head_seq,
            },
            "verified": self.verified,
            "added": self.added,
            "already_present": self.already_present,
            "exhibits": self.exhibits,
            "warnings": self.warnings,
        }


def import_transfer(
    transfer_file: Path,
    target: Target,
    keys: ReceiverKeys,
    *,
    transfer_passphrase: Callable[[], str] | None = None,
    trust_unknown: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> ImportReport:
    """Verify a transfer completely, then add it to the target case. See the package's steps.

    progress: steps while decrypting (bytes), verifying and adding (exhibits); a cancel
    (OperationCancelled) leaves the target as a failure would: nothing added.
    """
    steps = checked(progress)
    check_target(target)
    decrypted = decrypt_file(
        transfer_file,
        unlock=keys.unlock,
        transfer_passphrase=transfer_passphrase,
        own=keys.own,
        limits=limits,
        progress=steps,
    )
    steps.step("Checking the bundle and its signature", 0, 0)
    bundle = parse_bundle(decrypted.plaintext, limits)
    sender = check_sender(bundle, own=keys.own, partners=keys.partners, trust_unknown=trust_unknown)
    check_addressing(bundle, decrypted.header, keys.own)
    contents = read_contents(bundle, limits)
    verified = [
        f"signature: by {sender.describe()}",
        f"transfer file: SHA-256 {decrypted.sha256}, {len(bundle.members) + 2} bundle files "
        "match the signed manifest",
        *verify_contents(bundle, contents, progress=steps),
    ]
    merge = Merge(bundle, contents, sender, decrypted, steps)
    steps.step("Adding to the case", 0, len(contents.items))
    case_id = apply_to_target(target, merge, contents)
    report = ImportReport(
        target=target.path,
        case_id=case_id,
        new_case=target.new,
        transfer_sha256=decrypted.sha256,
        transfer_bytes=decrypted.size,
        encryption=decrypted.header.kind,
        sender=sender,
        source_case_id=bundle.case_id,
        source_reference=contents.info.get("reference", ""),
        source_head_seq=bundle.head_seq,
        verified=verified,
        added=merge.added,
        already_present=merge.present,
        exhibits=merge.exhibit_log,
        warnings=merge.warnings,
    )
    log.info("imported a transfer of case %s into case %s", bundle.case_id, case_id)
    return report
