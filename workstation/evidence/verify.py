"""Re-check everything a case holds: artifact hashes, control numbers, audit chain.

Verification reads only; it never repairs. Each problem is described in a
sentence that names the exhibit (by control number) and what does not match.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography import x509

from workstation import canonjson
from workstation.errors import CaseError
from workstation.evidence.manifest import MANIFEST_FORMAT, control_number_of, sha256_hex
from workstation.evidence.timestamping import check_stored


class StoredArtifactLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def data(self) -> bytes: ...


@dataclass
class ItemReport:
    control_number: str
    problems: list[str] = field(default_factory=list)
    timestamps: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class VerificationReport:
    items: list[ItemReport] = field(default_factory=list)
    audit_problems: list[str] = field(default_factory=list)
    audit_events: int = 0
    storage_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.audit_problems
            and not self.storage_problems
            and all(item.ok for item in self.items)
        )

    def problems(self) -> list[str]:
        found = [f"case file: {p}" for p in self.storage_problems]
        found += [f"{item.control_number}: {p}" for item in self.items for p in item.problems]
        return found + [f"audit log: {p}" for p in self.audit_problems]


def verify_item(
    control_number: str, manifest_bytes: bytes, stored: Sequence[StoredArtifactLike]
) -> ItemReport:
    """Check one exhibit: the manifest against its control number, artifacts against it."""
    report = ItemReport(control_number)
    if control_number_of(manifest_bytes) != control_number:
        report.problems.append("the manifest does not hash to its control number")
    manifest = _parse_manifest(manifest_bytes, report)
    if manifest is None:
        return report
    listed = {entry["name"]: entry for entry in manifest.get("artifacts", [])}
    held = {artifact.name: artifact for artifact in stored}
    for name in sorted(listed.keys() - held.keys()):
        report.problems.append(f"artifact {name} is listed in the manifest but missing")
    for name in sorted(held.keys() - listed.keys()):
        report.problems.append(f"artifact {name} is stored but not listed in the manifest")
    for name in sorted(listed.keys() & held.keys()):
        report.problems.extend(_check_artifact(listed[name], held[name]))
    return report


def _parse_manifest(data: bytes, report: ItemReport) -> dict[str, Any] | None:
    try:
        manifest = canonjson.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        report.problems.append(f"the manifest is not valid JSON ({exc})")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        report.problems.append("the manifest is not a workstation manifest")
        return None
    if not canonjson.is_canonical(data):
        report.problems.append("the manifest is not in canonical form")
    if not isinstance(manifest.get("artifacts"), list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("name"), str)
        for entry in manifest["artifacts"]
    ):
        report.problems.append("the manifest's artifact list is malformed")
        return None
    return manifest


def _check_artifact(entry: dict[str, Any], artifact: StoredArtifactLike) -> list[str]:
    actual = sha256_hex(artifact.data)
    problems = []
    if actual != entry.get("sha256"):
        problems.append(
            f"artifact {artifact.name} has SHA-256 {actual}, "
            f"the manifest says {entry.get('sha256')}"
        )
    if artifact.sha256 != entry.get("sha256"):
        problems.append(f"artifact {artifact.name}: the stored hash differs from the manifest")
    if entry.get("size") != len(artifact.data):
        problems.append(
            f"artifact {artifact.name} is {len(artifact.data)} bytes, "
            f"the manifest says {entry.get('size')}"
        )
    return problems


def sealed_in_audit(events: Iterable[Any]) -> set[str]:
    """Control numbers that the audit log records as sealed."""
    sealed = set()
    for event in events:
        try:
            details = event.details
        except ValueError:
            continue  # the chain check reports malformed details
        if event.action == "evidence.sealed" and isinstance(details.get("control_number"), str):
            sealed.add(details["control_number"])
    return sealed


class VerifiableCase(Protocol):
    def check_integrity(self) -> list[str]: ...
    def timestamps(self, item_id: int) -> Sequence[Any]: ...
    def evidence_items(self) -> Sequence[Any]: ...
    def artifacts(self, item_id: int) -> Sequence[Any]: ...
    def audit_events(self) -> Sequence[Any]: ...
    def verify_audit(self) -> Any: ...


def verify_case(
    case: VerifiableCase, tsa_roots: Sequence[x509.Certificate] = ()
) -> VerificationReport:
    """Verify every exhibit of an open case, its timestamps and its audit chain.

    Timestamp signatures are checked against tsa_roots when given; without them
    only what needs no trust anchor (the reply covers this manifest, unchanged).
    """
    report = VerificationReport()
    # Every page of the file, not only those holding exhibits: a damaged free or
    # index page is damage all the same.
    report.storage_problems = [
        f"the case file is damaged ({problem})" for problem in case.check_integrity()
    ]
    for record in case.evidence_items():
        try:
            stored = case.artifacts(record.id)
        except CaseError as exc:
            item = ItemReport(record.control_number, [str(exc)])
        else:
            item = verify_item(record.control_number, record.manifest, stored)
        for stamp in case.timestamps(record.id):
            problems = check_stored(stamp.reply, stamp.reply_sha256, record.manifest, tsa_roots)
            item.problems.extend(f"timestamp: {problem}" for problem in problems)
            item.timestamps += 1
        report.items.append(item)
    chain = case.verify_audit()
    events = case.audit_events()
    report.audit_events = len(events)
    if not chain.ok:
        report.audit_problems.append(chain.message)
    stamped = stamped_in_audit(events)
    for record, item in zip(case.evidence_items(), report.items, strict=True):
        for stamp in case.timestamps(record.id):
            if (item.control_number, stamp.reply_sha256) not in stamped:
                item.problems.append("timestamp: the audit log has no record of this reply")
    sealed = sealed_in_audit(events)
    for item in report.items:
        if item.control_number not in sealed:
            item.problems.append("the audit log has no record of this exhibit being sealed")
    return report


def stamped_in_audit(events: Iterable[Any]) -> set[tuple[str, str]]:
    """(control number, reply SHA-256) of every timestamp the audit log records."""
    found = set()
    for event in events:
        if event.action != "evidence.timestamped":
            continue
        try:
            details = event.details
        except ValueError:
            continue
        found.add((str(details.get("control_number")), str(details.get("reply_sha256"))))
    return found
