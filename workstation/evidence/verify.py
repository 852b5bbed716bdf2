"""Re-check everything a case holds: artifact hashes, control numbers, saved lookups,
audit chain.

Verification reads only; it never repairs. Each problem is described in a
sentence that names the exhibit (by control number) or the saved lookup (by
number) and what does not match.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography import x509

from workstation import canonjson
from workstation.errors import CaseError
from workstation.evidence.manifest import MANIFEST_FORMAT, control_number_of, sha256_hex
from workstation.evidence.timestamping import check_stored
from workstation.evidence.warc import check_warc


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
class LookupReport:
    lookup_id: int
    kind: str
    target: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        return f"lookup {self.lookup_id} ({self.kind} {self.target})"


@dataclass
class VerificationReport:
    items: list[ItemReport] = field(default_factory=list)
    audit_problems: list[str] = field(default_factory=list)
    audit_events: int = 0
    storage_problems: list[str] = field(default_factory=list)
    lookups: list[LookupReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.audit_problems
            and not self.storage_problems
            and all(item.ok for item in self.items)
            and all(lookup.ok for lookup in self.lookups)
        )

    def problems(self) -> list[str]:
        found = [f"case file: {p}" for p in self.storage_problems]
        found += [f"{item.control_number}: {p}" for item in self.items for p in item.problems]
        found += [f"{lookup.label}: {p}" for lookup in self.lookups for p in lookup.problems]
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
        if name.endswith(".warc.gz"):
            report.problems.extend(_check_warc(name, held[name].data, manifest))
    return report


def _check_warc(name: str, data: bytes, manifest: dict[str, Any]) -> list[str]:
    """Every record readable and matching its own digests; as many responses as the
    manifest says exchanges were recorded."""
    result = check_warc(data)
    problems = [f"artifact {name}: {problem}" for problem in result.problems]
    expected = manifest.get("recorded_exchanges")
    if isinstance(expected, int) and not result.problems and result.responses != expected:
        problems.append(
            f"artifact {name} holds {result.responses} responses, "
            f"the manifest says {expected} exchanges were recorded"
        )
    return problems


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
    def lookups(self) -> Sequence[Any]: ...
    def lookup(self, lookup_id: int) -> Any: ...
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
    saved = lookups_in_audit(events)
    report.lookups = [
        verify_lookup(case.lookup(listed.id), saved.get(listed.id)) for listed in case.lookups()
    ]
    return report


def lookups_in_audit(events: Iterable[Any]) -> dict[int, Mapping[str, Any]]:
    """The details of every lookup.saved event, by saved lookup id."""
    found: dict[int, Mapping[str, Any]] = {}
    for event in events:
        if event.action != "lookup.saved":
            continue
        try:
            details = event.details
        except ValueError:
            continue  # the chain check reports malformed details
        if isinstance(details.get("lookup_id"), int):
            found[details["lookup_id"]] = details
    return found


def verify_lookup(saved: Any, audited: Mapping[str, Any] | None) -> LookupReport:
    """Re-hash a saved lookup's record and raw exchanges; compare with record and audit log."""
    report = LookupReport(saved.id, saved.kind, saved.target)
    actual = hashlib.sha256(saved.record_json).hexdigest()
    if actual != saved.record_sha256:
        report.problems.append(
            f"the record has SHA-256 {actual}, the case recorded {saved.record_sha256}"
        )
    record = _lookup_record(saved.record_json, report)
    listed = record.get("exchanges") if record is not None else None
    if record is not None:
        _check_record_fields(record, saved, report)
    if record is not None and not isinstance(listed, list):
        report.problems.append("the record's list of exchanges is malformed")
        listed = None
    for exchange in saved.exchanges:
        entry = listed[exchange.position] if listed and exchange.position < len(listed) else None
        report.problems.extend(_check_exchange(exchange, entry))
    if listed is not None and len(listed) != len(saved.exchanges):
        report.problems.append(
            f"the record lists {len(listed)} exchanges, the case holds {len(saved.exchanges)}"
        )
    report.problems.extend(_check_against_audit(saved, audited))
    return report


def _lookup_record(data: bytes, report: LookupReport) -> dict[str, Any] | None:
    try:
        record = canonjson.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        report.problems.append(f"the record is not valid JSON ({exc})")
        return None
    if not isinstance(record, dict):
        report.problems.append("the record is not a lookup record")
        return None
    if not canonjson.is_canonical(data):
        report.problems.append("the record is not in canonical form")
    return record


def _check_record_fields(record: Mapping[str, Any], saved: Any, report: LookupReport) -> None:
    for name in ("kind", "target", "route", "started_utc", "finished_utc"):
        if record.get(name) != getattr(saved, name):
            report.problems.append(f"the record's {name} differs from the stored one")


def _check_exchange(exchange: Any, entry: Any) -> list[str]:
    where = f"exchange {exchange.position + 1} ({exchange.server})"
    problems = []
    for part in ("request", "response"):
        data: bytes = getattr(exchange, part)
        actual = hashlib.sha256(data).hexdigest()
        if actual != getattr(exchange, f"{part}_sha256"):
            problems.append(
                f"{where}: the {part} has SHA-256 {actual}, "
                f"the case recorded {getattr(exchange, f'{part}_sha256')}"
            )
        if isinstance(entry, dict):
            if entry.get(f"{part}_sha256") != actual:
                problems.append(f"{where}: the {part} does not match the record's hash")
            if entry.get(f"{part}_bytes") != len(data):
                problems.append(f"{where}: the {part} is not the size the record says")
    if entry is not None and not isinstance(entry, dict):
        problems.append(f"{where}: the record's entry for it is malformed")
    return problems


def _check_against_audit(saved: Any, audited: Mapping[str, Any] | None) -> list[str]:
    if audited is None:
        return ["the audit log has no record of this lookup being saved"]
    problems = []
    if audited.get("record_sha256") != saved.record_sha256:
        problems.append("the record's hash differs from the one the audit log recorded")
    logged = audited.get("exchanges")
    expected = [
        {
            "server": e.server,
            "request_sha256": e.request_sha256,
            "response_sha256": e.response_sha256,
        }
        for e in saved.exchanges
    ]
    if logged != expected:
        problems.append("the raw exchanges differ from those the audit log recorded")
    return problems


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
