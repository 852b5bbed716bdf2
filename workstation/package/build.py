"""Build an evidence package (for a court or the requesting unit), or its redacted copy.

    README.txt              what is here and how to check it with standard tools
    SHA256SUMS              every other file, for `sha256sum -c SHA256SUMS`
    package.json            the index the verifiers read
    verify_package.py       the standalone verifier (Python's standard library only)
    merkle.json             RFC 6962 Merkle tree over one leaf per exhibit, contact entry,
                            saved lookup and persona; root signed in the audit head
    case.jsonld             CASE/UCO description of the investigative actions
    case.json               the case's metadata
    report.html report.pdf  the final report (when the report module is installed)
    evidence/               the evidence export (evidence/export.py): WACZ, manifests,
                            artifacts, timestamp replies, its own README and SHA256SUMS
    audit/                  the audit log (JSON Lines) up to the package's signed head,
                            every signed head (message and signature files), public key
    contacts/               the contact log (canonical records) and attachments, or its
                            redacted form
    lookups/<id>-<kind>/    each saved lookup's record and raw questions and answers
    personas/               the personas' records

The package's audit log ends at a signed head whose reason names the Merkle root. An
export reuses the newest such head when nothing but bookkeeping (opening the case,
exports, reports, signatures) happened since, so a full package and its redacted copy
made from the same case state carry the same root and the same head. The report in the
package names that same head (not one of its own), so its audit section ends where
audit/audit-log.jsonl ends.

Order, and why: the evidence is exported first (and, for DIR.zip, archived), since that
is nearly all of the time and records nothing in the case; then the head is signed and
the rest written. A cancel (progress) removes the folder and the archive; before the
head nothing at all is recorded, after it only the signed head stays (bookkeeping,
which the next export of the same case state reuses). Each file's SHA-256 is taken
while it is written (for an exhibit's artifacts: from its re-verification), so
SHA256SUMS and case.jsonld read nothing back.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from workstation import APP_NAME, canonjson
from workstation.casefile import contacts as contact_records
from workstation.casefile import heads as head_records
from workstation.casefile.audit import utc_now
from workstation.casefile.heads import SignedHead
from workstation.errors import InputError, WorkstationError
from workstation.evidence.export import (
    ExportedExhibit,
    ExportFolder,
    ExportSummary,
    check_export_folder,
    export_evidence,
    export_file_name,
    remove_export,
)
from workstation.package import caseuco, merkle, redact
from workstation.package import standalone_verifier as layout
from workstation.package.redact import Withholding, WithholdRequest
from workstation.progress import OperationCancelled, Progress, checked
from workstation.version import build_hash, tool_version

log = logging.getLogger(__name__)

PACKAGE_ACTION = "package.exported"
# Events that change none of the package's items: a head followed only by these still
# describes the case state the package shows.
BOOKKEEPING = frozenset(
    {
        "case.opened",
        "audit.head_signed",
        "package.exported",
        "evidence.exported",
        "report.generated",
    }
)
EVIDENCE_DIR = "evidence"
AUDIT_LOG = "audit/audit-log.jsonl"
HEADS_FILE = "audit/signed-heads.json"
PUBLIC_KEY = "audit/public-key.pem"
CONTACT_LOG = "contacts/contact-log.jsonl"
CONTACT_LOG_REDACTED = "contacts/contact-log-redacted.jsonl"
ATTACHMENTS = "contacts/attachments"
PERSONAS = "personas/personas.jsonl"
VERIFIER = "verify_package.py"
_DIR_MODE = 0o700
# The files the CASE/UCO export action lists as its results (besides the WACZ).
_DESCRIBED = frozenset(
    {
        "report.html",
        "report.pdf",
        "case.json",
        "merkle.json",
        AUDIT_LOG,
        HEADS_FILE,
        PUBLIC_KEY,
        CONTACT_LOG,
        CONTACT_LOG_REDACTED,
        PERSONAS,
    }
)
_STORED_SUFFIXES = (".wacz", ".gz", ".png", ".jpg", ".pdf", ".zip")
_CHUNK = 1 << 20
_REPORT_EVERY = 16 << 20  # archive progress: a step per 16 MiB
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
# What follows the evidence, one progress step each (the archive's own steps count bytes).
_STEPS = (
    "Signing the audit head",
    "Writing the audit log",
    "Writing the records",
    "Writing the Merkle tree",
    "Writing the report",
    "Writing the CASE/UCO description",
    "Writing the index and the README",
    "Checking what is disclosed",
    "Writing SHA256SUMS",
)


class PackageFailed(WorkstationError):
    """The package could not be made; nothing usable was left behind."""


@dataclass(frozen=True)
class PackageRequest:
    """What goes in: exhibits (None: every one), what is withheld, an archive too."""

    item_ids: list[int] | None = None
    withhold: WithholdRequest = field(default_factory=WithholdRequest)
    archive: bool = False


@dataclass(frozen=True)
class ReportTools:
    """The Qt side's helpers for the report: screenshot thumbnails and HTML -> PDF."""

    thumbnails: Callable[[bytes], bytes] | None = None
    to_pdf: Callable[[bytes], bytes] | None = None
    officer: str = ""


@dataclass(frozen=True)
class PackageSummary:
    out_dir: Path
    archive: Path | None
    files: int
    merkle_root: str
    leaves: int
    disclosed_leaves: int
    head_seq: int
    head_hash: str
    redacted: bool
    sums_sha256: str
    exhibits: tuple[ExportedExhibit, ...]
    withheld: dict[str, int]
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


# -- the case's items and their leaves ---------------------------------------------------


@dataclass
class CaseItems:
    """Everything a package can hold, read once (lookups with their raw exchanges)."""

    case: Any
    info: dict[str, str]
    exhibits: list[Any]
    contacts: list[Any]
    lookups: list[Any]
    personas: list[Any]
    _artifacts: dict[int, list[Any]] = field(default_factory=dict)

    def artifacts(self, item_id: int) -> list[Any]:
        if item_id not in self._artifacts:
            self._artifacts[item_id] = list(self.case.artifacts(item_id))
        return self._artifacts[item_id]


def gather(case: Any) -> CaseItems:
    return CaseItems(
        case=case,
        info=case.info(),
        exhibits=sorted(case.evidence_items(), key=lambda r: r.id),
        contacts=sorted(case.contacts(), key=lambda e: e.id),
        lookups=[case.lookup(saved.id) for saved in sorted(case.lookups(), key=lambda s: s.id)],
        personas=sorted(case.personas(include_retired=True), key=lambda p: p.id),
    )


@dataclass(frozen=True)
class Leaf:
    kind: str
    id: int
    sha256: str

    @property
    def hash(self) -> bytes:
        return merkle.leaf_hash(layout.leaf_record(self.kind, self.id, self.sha256))


def contact_record(entry: Any) -> bytes:
    """The entry's canonical record: exactly the bytes whose SHA-256 the audit log holds."""
    return canonjson.dumps(contact_records.entry_record(entry))


def persona_record(persona: Any) -> bytes:
    return canonjson.dumps(
        {
            "id": persona.id,
            "alias": persona.alias,
            "accounts": [[a.platform, a.handle] for a in persona.accounts],
            "email": persona.email,
            "phone": persona.phone,
            "notes": persona.notes,
            "created_utc": persona.created_utc,
            "retired": persona.retired,
        }
    )


def all_leaves(items: CaseItems) -> list[Leaf]:
    """One leaf per item in the fixed order: exhibits, contacts, lookups, personas (by id)."""
    leaves = [Leaf("exhibit", r.id, r.control_number) for r in items.exhibits]
    leaves += [Leaf("contact", e.id, contact_records.entry_digest(e)) for e in items.contacts]
    leaves += [Leaf("lookup", s.id, s.record_sha256) for s in items.lookups]
    leaves += [
        Leaf("persona", p.id, hashlib.sha256(persona_record(p)).hexdigest()) for p in items.personas
    ]
    return leaves


# -- the audit head ----------------------------------------------------------------------


def package_head(case: Any, root_hex: str, size: int) -> SignedHead:
    """The signed head the package ends at: reused when only bookkeeping followed it."""
    reason = layout.root_reason(root_hex, size)
    events = case.audit_events()
    last_change = max((e.seq for e in events if e.action not in BOOKKEEPING), default=0)
    for head in reversed(case.signed_heads()):
        if head.seq < last_change:
            break
        if head.reason == reason and events[head.seq - 1].hash == head.hash:
            return head  # type: ignore[no-any-return]
    return case.sign_head(reason)  # type: ignore[no-any-return]


# -- building ------------------------------------------------------------------------------


def build_package(
    case: Any,
    out_dir: Path,
    request: PackageRequest,
    tools: ReportTools | None = None,
    *,
    progress: Progress | None = None,
) -> PackageSummary:
    """Write the package into a new or empty folder (and DIR.zip with request.archive).

    progress gets a step per artifact exported (bytes), per archived chunk (bytes) and per
    file written after them; when the officer cancels, the folder (or what it held) and
    the archive are removed and OperationCancelled is raised, and the case records no
    export. InputError for a folder that is not empty, an unknown exhibit or persona;
    PackageFailed when writing stops part-way or a redacted copy would hold withheld
    information (then the folder is removed again).
    """
    out_dir = Path(out_dir)
    check_export_folder(out_dir)
    archive = archive_path(out_dir) if request.archive else None
    if archive is not None and archive.exists():
        raise InputError(f"{archive} already exists; choose another folder name.")
    items = gather(case)
    withholding = redact.plan(request.withhold, items) if request.withhold.active else None
    builder = _Builder(
        case,
        out_dir=out_dir,
        request=request,
        tools=tools or ReportTools(),
        items=items,
        withholding=withholding,
        progress=checked(progress),
    )
    made = not out_dir.exists()
    out_dir.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
    try:
        summary = builder.run()
    except BaseException as exc:
        builder.close_archive(keep=False)
        if withholding is not None or isinstance(exc, OperationCancelled):
            # Never leave a half-redacted copy, nor what a cancelled export had written.
            remove_export(out_dir, made=made)
        if isinstance(exc, OSError):
            raise PackageFailed(
                f"The package in {out_dir} could not be written ({exc.strerror or exc}); "
                "the folder is incomplete. Delete it and export again."
            ) from exc
        raise
    return summary


def verifier_source() -> bytes:
    """The standalone verifier's source, shipped as verify_package.py in every package."""
    source = Path(layout.__file__).with_name("standalone_verifier.py")
    try:
        return source.read_bytes()
    except OSError as exc:
        raise PackageFailed(
            f"The standalone verifier's source ({source}) is missing from this installation, "
            "so no package can be made; reinstall the workstation."
        ) from exc


def archive_path(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + ".zip")


class _Builder:
    def __init__(
        self,
        case: Any,
        *,
        out_dir: Path,
        request: PackageRequest,
        tools: ReportTools,
        items: CaseItems,
        withholding: Withholding | None,
        progress: Progress,
    ) -> None:
        self.case = case
        self.out_dir = out_dir
        self.request = request
        self.tools = tools
        self.items = items
        self.plan = withholding
        self.progress = progress
        self.folder = ExportFolder(out_dir)
        self.started = utc_now()
        self.notes: list[str] = list(withholding.reasons) if withholding else []
        self.index: dict[str, Any] = {}
        self.jsonld_files: list[caseuco.FileRef] = []
        self.read_at = _last_seq(case)  # the log's end when the items were read
        self.evidence_digests: dict[str, tuple[str, int]] = {}
        self.checked: dict[int, Any] = {}  # item id -> the report's CheckedExhibit
        self.archive: _Archive | None = None
        self.step_number = 0

    # -- what is disclosed ------------------------------------------------------------

    def chosen_exhibits(self) -> list[int]:
        known = [record.id for record in self.items.exhibits]
        wanted = known if self.request.item_ids is None else list(self.request.item_ids)
        missing = sorted(set(wanted) - set(known))
        if missing:
            raise InputError(f"This case has no exhibit {', '.join(map(str, missing))}.")
        withheld = self.plan.exhibits if self.plan else set()
        return [number for number in known if number in set(wanted) - withheld]

    def disclosed(self, leaf: Leaf, exhibits: set[int]) -> bool:
        plan = self.plan
        if leaf.kind == "exhibit":
            return leaf.id in exhibits
        if plan is None:
            return True
        if leaf.kind == "contact":
            return leaf.id not in plan.contacts_left_out
        if leaf.kind == "lookup":
            return leaf.id not in plan.lookups
        return leaf.id not in plan.persona_ids

    # -- the run ------------------------------------------------------------------------

    def run(self) -> PackageSummary:
        chosen = self.chosen_exhibits()
        self.progress.step("Reading the case", 0, 0)
        exported = self.write_evidence(chosen)
        if self.request.archive:
            self.archive = _Archive(archive_path(self.out_dir), self.out_dir, self.progress)
            self.archive.add_folder(EVIDENCE_DIR)
        self.next_step()
        leaves, head = self.sign_head(set(chosen))
        hashes = [leaf.hash for leaf in leaves]
        root_hex = merkle.root(hashes).hex()
        self.next_step()
        self.write_audit(head)
        self.next_step()
        self.write_records()
        self.next_step()
        shown = {i for i, leaf in enumerate(leaves) if self.disclosed(leaf, set(chosen))}
        self.write_merkle(leaves, hashes, root_hex, shown, head)
        self.next_step()
        report = self.write_report(chosen, head)
        self.next_step()
        self.write_jsonld(exported)
        self.write_file(VERIFIER, verifier_source())
        self.next_step()
        self.write_index(exported, head, root_hex, report is not None)
        self.write_readme(exported, head, root_hex, len(leaves), len(shown))
        self.next_step()
        if self.plan is not None:
            self.scan_for_withheld()
        self.next_step()
        sums = self.write_sums()
        if self.archive is not None:
            self.archive.add_rest()
        self.progress.step("The package is complete", len(_STEPS), len(_STEPS))
        archive = self.close_archive(keep=True)
        summary = self.summary(
            exported,
            head=head,
            root_hex=root_hex,
            size=len(leaves),
            shown=len(shown),
            sums=sums,
            archive=archive,
        )
        self.record(summary, report)
        return summary

    def next_step(self) -> None:
        """Report the next of the steps after the evidence (raises when cancelled)."""
        self.progress.step(_STEPS[self.step_number], self.step_number, len(_STEPS))
        self.step_number += 1

    def close_archive(self, *, keep: bool) -> Path | None:
        if self.archive is None:
            return None
        closed = self.archive.close(keep=keep)
        self.archive = None
        return closed

    def sign_head(self, exported: set[int]) -> tuple[list[Leaf], SignedHead]:
        """The head the package ends at, over the case as it is now (reused when only
        bookkeeping followed the newest such head).

        The evidence was exported first; if the case changed meanwhile (a page sealed, a
        contact logged), its records are read again so the tree and the log agree. An
        exhibit sealed meanwhile is a leaf of the tree but not in this package.
        """
        if _changed(self.case.audit_events(), self.read_at):
            self.reread(exported)
        leaves = all_leaves(self.items)
        root_hex = merkle.root([leaf.hash for leaf in leaves]).hex()
        head = package_head(self.case, root_hex, len(leaves))
        if _changed(self.case.audit_events()[: head.seq], self.read_at):
            raise PackageFailed(
                "The case changed while the package's audit head was being signed; nothing "
                "was kept. Export again."
            )
        return leaves, head

    def reread(self, exported: set[int]) -> None:
        self.items = gather(self.case)
        self.read_at = _last_seq(self.case)
        if self.request.withhold.active:
            plan = redact.plan(self.request.withhold, self.items)
            if plan.exhibits & exported:
                raise PackageFailed(
                    "The case changed while the redacted copy was being made, and an exhibit "
                    "already written must now be withheld; nothing was kept. Export again."
                )
            self.plan = plan
            self.notes = list(plan.reasons)
        withheld = self.plan.exhibits if self.plan else set()
        added = [r.id for r in self.items.exhibits if r.id not in exported | withheld]
        for item_id in added if self.request.item_ids is None else ():
            self.notes.append(
                f"exhibit {item_id} was sealed while this package was being made: it is a "
                "leaf of the Merkle tree but not in this package"
            )

    def write_file(self, relative: str, data: bytes) -> None:
        parent = relative.rpartition("/")[0]
        if parent:
            self.folder.make_dir(parent)
        self.folder.write(relative, data)
        if relative in _DESCRIBED:
            self.jsonld_files.append(
                caseuco.FileRef(relative, self.folder.sums[relative], len(data))
            )

    # -- evidence, audit, records --------------------------------------------------------

    def write_evidence(self, chosen: list[int]) -> ExportSummary | None:
        """The evidence export, recorded by the package's own audit event."""
        if not chosen:
            return None
        exported = export_evidence(
            self.case,
            self.out_dir / EVIDENCE_DIR,
            chosen,
            progress=self.progress,
            record_in_audit=False,
            inspect=self.report_inspector(),
        )
        self.evidence_digests = {
            f"{EVIDENCE_DIR}/{relative}": digest
            for relative, digest in exported.file_digests.items()
        }
        return exported

    def report_inspector(self) -> Callable[[Any, Sequence[Any], Sequence[str]], None] | None:
        """Keeps what the report needs of each exhibit while the export has it in memory
        (its problems and thumbnail), so the report reads no artifact a second time."""
        try:
            from workstation.report import check_exhibit  # noqa: PLC0415
        except ImportError:
            return None

        def inspect(record: Any, artifacts: Sequence[Any], problems: Sequence[str]) -> None:
            self.checked[record.id] = check_exhibit(
                record, artifacts, self.tools.thumbnails, problems
            )

        return inspect

    def write_audit(self, head: SignedHead) -> None:
        events = self.case.audit_events()[: head.seq]
        lines = list(redact.audit_lines(events, self.plan))
        self.write_file(AUDIT_LOG, b"".join(line + b"\n" for line in lines))
        withheld = sum(1 for line in lines if b'"withheld":true' in line)
        self.index["withheld_audit_events"] = withheld
        key = bytes.fromhex(self.case.public_key_hex())
        pem = Ed25519PublicKey.from_public_bytes(key).public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
        self.write_file(PUBLIC_KEY, pem)
        signed = [h for h in self.case.signed_heads() if h.seq <= head.seq]
        entries = [self.write_head(h) for h in signed]
        document = {
            "case_id": self.case.case_id,
            "algorithm": "Ed25519",
            "public_key_hex": key.hex(),
            "public_key_file": PUBLIC_KEY,
            "message_format": "canonical JSON of format, case_id, seq, hash, utc, reason",
            "package_head": head.seq,
            "heads": entries,
        }
        self.write_file(HEADS_FILE, _pretty(document))

    def write_head(self, head: SignedHead) -> dict[str, Any]:
        stem = f"audit/heads/head-{head.seq:06d}"
        message = head_records.signed_bytes(
            self.case.case_id, head.seq, head.hash, head.utc, head.reason
        )
        self.write_file(f"{stem}.msg", message)
        self.write_file(f"{stem}.sig", bytes.fromhex(head.signature_hex))
        return {
            "seq": head.seq,
            "hash": head.hash,
            "utc": head.utc,
            "reason": head.reason,
            "signature_hex": head.signature_hex,
            "message_file": f"{stem}.msg",
            "signature_file": f"{stem}.sig",
        }

    def write_records(self) -> None:
        self.write_file("case.json", _pretty({"info": self.items.info}))
        self.write_contacts()
        self.write_lookups()
        plan = self.plan
        shown = [p for p in self.items.personas if plan is None or p.id not in plan.persona_ids]
        self.write_file(PERSONAS, b"".join(persona_record(p) + b"\n" for p in shown))
        self.index["personas"] = PERSONAS

    def write_contacts(self) -> None:
        plan = self.plan
        shown = [
            e for e in self.items.contacts if plan is None or e.id not in plan.contacts_left_out
        ]
        if plan is not None and plan.contacts_redacted:
            lines = [canonjson.dumps(self.redacted_entry(e)) + b"\n" for e in shown]
            self.write_file(CONTACT_LOG_REDACTED, b"".join(lines))
            self.index["contacts"] = {"file": CONTACT_LOG_REDACTED, "redacted": True}
            return
        self.write_file(CONTACT_LOG, b"".join(contact_record(e) + b"\n" for e in shown))
        written: set[str] = set()
        for entry in shown:
            for attachment in entry.attachments:
                if attachment.sha256 not in written:
                    written.add(attachment.sha256)
                    data = self.case.attachment(attachment.sha256)
                    self.write_file(f"{ATTACHMENTS}/{attachment.sha256}", data)
        self.index["contacts"] = {
            "file": CONTACT_LOG,
            "redacted": False,
            "attachments": ATTACHMENTS,
        }

    def redacted_entry(self, entry: Any) -> dict[str, Any]:
        withheld = self.plan.exhibits if self.plan else set()
        return {
            "id": entry.id,
            "occurred_utc": entry.occurred_utc,
            "recorded_utc": entry.recorded_utc,
            "persona": entry.persona,
            "channel": entry.channel,
            "direction": entry.direction,
            "is_summary": entry.is_summary,
            "officer": entry.officer,
            "supersedes": entry.supersedes,
            "authorisation_ref": entry.authorisation_ref,
            "evidence_ids": [i for i in entry.evidence_ids if i not in withheld],
            "attachments": len(entry.attachments),
            "withheld": ["content", "counterparts", "attachments"],
            "entry_sha256": contact_records.entry_digest(entry),
        }

    def write_lookups(self) -> None:
        listed = []
        for saved in self.items.lookups:
            if self.plan is not None and saved.id in self.plan.lookups:
                continue
            base = f"lookups/{saved.id}-{export_file_name(saved.kind)}"
            self.write_file(f"{base}/record.json", bytes(saved.record_json))
            exchanges = []
            for exchange in saved.exchanges:
                stem = f"{base}/exchange-{exchange.position + 1}"
                self.write_file(f"{stem}-request.bin", bytes(exchange.request))
                self.write_file(f"{stem}-response.bin", bytes(exchange.response))
                exchanges.append(
                    {
                        "request": f"{stem}-request.bin",
                        "response": f"{stem}-response.bin",
                        "server": exchange.server,
                        "protocol": exchange.protocol,
                    }
                )
            listed.append(
                {
                    "lookup_id": saved.id,
                    "kind": saved.kind,
                    "target": saved.target,
                    "route": saved.route,
                    "started_utc": saved.started_utc,
                    "finished_utc": saved.finished_utc,
                    "officer": saved.officer,
                    "record": f"{base}/record.json",
                    "exchanges": exchanges,
                }
            )
        self.index["lookups"] = listed

    # -- the tree, the report, CASE/UCO -------------------------------------------------------

    def write_merkle(
        self,
        leaves: list[Leaf],
        hashes: list[bytes],
        root_hex: str,
        shown: set[int],
        head: SignedHead,
    ) -> None:
        complete = len(shown) == len(leaves)
        proofs = merkle.all_inclusion_proofs(hashes) if not complete else []
        listed = []
        for index in sorted(shown):
            leaf = leaves[index]
            entry: dict[str, Any] = {
                "index": index,
                "kind": leaf.kind,
                "id": leaf.id,
                "sha256": leaf.sha256,
                "leaf_hash": hashes[index].hex(),
            }
            if not complete:
                entry["proof"] = [sibling.hex() for sibling in proofs[index]]
            listed.append(entry)
        counts = {
            kind: sum(1 for leaf in leaves if leaf.kind == kind) for kind in layout.LEAF_KINDS
        }
        document = {
            "format": layout.MERKLE_FORMAT,
            "version": 1,
            "tree": "RFC 6962 (leaf: SHA-256(0x00 || data), node: SHA-256(0x01 || left || right))",
            "leaf_data": 'canonical JSON of {"id", "kind", "sha256"} (sha256: of the record)',
            "order": list(layout.LEAF_KINDS),
            "counts": counts,
            "size": len(leaves),
            "root": root_hex,
            "signed_head": head.seq,
            "complete": complete,
            "leaves": listed,
        }
        self.write_file(layout.MERKLE_NAME, _pretty(document))

    def write_report(self, chosen: list[int], head: SignedHead) -> tuple[Any, str, str] | None:
        try:
            from workstation.report import build_report  # noqa: PLC0415
        except ImportError as exc:
            self.notes.append(f"no report: the report module is not available ({exc})")
            return None
        plan = self.plan
        withheld = frozenset(
            p.alias for p in self.items.personas if plan is not None and p.id in plan.persona_ids
        )
        # The report shows a withheld persona's entries in redacted form itself; entries of
        # other personas that mention it are scrubbed by its redactor (and the package's
        # scan of every file refuses the copy if anything withheld remained).
        redact_contacts = bool(plan and plan.contacts_redacted)
        report = build_report(
            self.case,
            item_ids=chosen,
            redact_contacts=redact_contacts,
            withheld_personas=withheld,
            thumbnails=self.tools.thumbnails,
            generated_by=self.tools.officer,
            record_in_audit=False,
            head=head,  # the head the package's audit log ends at, not one of its own
            checked=self.checked,
        )
        self.write_file(REPORT_HTML, report.html)
        delivered, kind = report.html, "html"
        if self.tools.to_pdf is not None:
            delivered, kind = self.tools.to_pdf(report.html), "pdf"
            self.write_file(REPORT_PDF, delivered)
        else:
            self.notes.append("no report.pdf: no PDF renderer was given")
        return report, hashlib.sha256(delivered).hexdigest(), kind

    def write_jsonld(self, exported: ExportSummary | None) -> None:
        info = self.items.info
        captures = [self.capture(e) for e in exported.exhibits] if exported else []
        lookups = [self.lookup(entry) for entry in self.index["lookups"]]
        files = list(self.jsonld_files)
        if exported is not None and exported.wacz_path is not None:
            files.append(self.file_ref(f"{EVIDENCE_DIR}/evidence.wacz"))
        export = caseuco.Export(
            started_utc=self.started,
            finished_utc=utc_now(),
            officer=self.tools.officer or info.get("officer", ""),
            tool=APP_NAME,
            tool_version=f"{tool_version()} (build {build_hash()})",
            redacted=self.plan is not None,
            files=tuple(files),
        )
        data = caseuco.build_jsonld(
            case_id=info.get("case_id", ""),
            reference=info.get("reference", ""),
            captures=captures,
            lookups=lookups,
            export=export,
        )
        self.write_file("case.jsonld", data)

    def capture(self, exhibit: ExportedExhibit) -> caseuco.Capture:
        record = next(r for r in self.items.exhibits if r.id == exhibit.item_id)
        manifest = _manifest(record.manifest)
        given = manifest.get("tool")
        tool: dict[str, Any] = given if isinstance(given, dict) else {}
        stamps = self.case.timestamps(exhibit.item_id)
        return caseuco.Capture(
            item_id=exhibit.item_id,
            control_number=exhibit.control_number,
            kind=exhibit.kind,
            url=str(manifest.get("requested_url") or manifest.get("source_url") or ""),
            started_utc=str(manifest.get("started_utc") or ""),
            finished_utc=str(manifest.get("finished_utc") or ""),
            officer=str(manifest.get("officer") or ""),
            tool=str(tool.get("name") or APP_NAME),
            tool_version=str(tool.get("version") or ""),
            route=str(manifest.get("route") or ""),
            manifest=self.file_ref(f"{EVIDENCE_DIR}/{exhibit.folder}/manifest.json"),
            artifacts=tuple(
                self.file_ref(f"{EVIDENCE_DIR}/{path}")
                for path in exhibit.files
                if not path.endswith(("/manifest.json", ".tsr", "-certs.pem"))
            ),
            timestamps=tuple(
                (self.file_ref(f"{EVIDENCE_DIR}/{path}"), stamp.gen_time_utc, stamp.tsa_url)
                for path, stamp in zip(exhibit.timestamps, stamps, strict=False)
            ),
        )

    def lookup(self, entry: dict[str, Any]) -> caseuco.Lookup:
        return caseuco.Lookup(
            lookup_id=entry["lookup_id"],
            kind=entry["kind"],
            target=entry["target"],
            route=entry["route"],
            started_utc=entry["started_utc"],
            finished_utc=entry["finished_utc"],
            officer=entry["officer"],
            record=self.file_ref(entry["record"]),
            exchanges=tuple(
                self.file_ref(path)
                for pair in entry["exchanges"]
                for path in (pair["request"], pair["response"])
            ),
        )

    def file_ref(self, relative: str) -> caseuco.FileRef:
        digest, size = self.digest_of(relative)
        return caseuco.FileRef(relative, digest, size)

    def digest_of(self, relative: str) -> tuple[str, int]:
        """A written file's (SHA-256, size): as taken when it was written, else read."""
        known = self.evidence_digests.get(relative)
        if known is None and relative in self.folder.sums:
            known = self.folder.sums[relative], self.folder.sizes[relative]
        return known or layout.file_sha256(self.out_dir.joinpath(*relative.split("/")))

    # -- index, README, checks, sums, archive ---------------------------------------------------

    def write_index(
        self, exported: ExportSummary | None, head: SignedHead, root_hex: str, report: bool
    ) -> None:
        plan = self.plan
        document = {
            "format": layout.PACKAGE_FORMAT,
            "version": layout.PACKAGE_VERSION,
            "created_utc": self.started,
            "tool": {"name": APP_NAME, "version": tool_version(), "build": build_hash()},
            "case": {
                "case_id": self.case.case_id,
                "reference": self.items.info.get("reference", ""),
            },
            "redacted": plan is not None,
            "audit": {
                "log": AUDIT_LOG,
                "heads": HEADS_FILE,
                "public_key": PUBLIC_KEY,
                "head": {"seq": head.seq, "hash": head.hash},
            },
            "merkle_root": root_hex,
            # report.html names the audit head in <meta> tags; the verifiers compare them.
            "report": {"html": REPORT_HTML, "names_head": True} if report else None,
            "exhibits": [_exhibit_entry(e, self.manifest_of(e.item_id)) for e in exported.exhibits]
            if exported
            else [],
            "wacz": f"{EVIDENCE_DIR}/evidence.wacz" if exported and exported.wacz_path else None,
            "contacts": self.index["contacts"],
            "lookups": self.index["lookups"],
            "personas": self.index["personas"],
            "withheld": self.withheld_counts(),
        }
        self.write_file(layout.INDEX_NAME, _pretty(document))

    def manifest_of(self, item_id: int) -> bytes:
        return bytes(next(r.manifest for r in self.items.exhibits if r.id == item_id))

    def withheld_counts(self) -> dict[str, int]:
        plan = self.plan
        if plan is None:
            return {}
        return {
            "personas": len(plan.persona_ids),
            "exhibits": len(plan.exhibits),
            "contact_entries": len(plan.contacts_left_out),
            "contact_contents": len(self.items.contacts) - len(plan.contacts_left_out)
            if plan.contacts_redacted
            else 0,
            "lookups": len(plan.lookups),
            "audit_event_details": int(self.index.get("withheld_audit_events", 0)),
        }

    def write_readme(
        self, exported: ExportSummary | None, head: SignedHead, root: str, size: int, shown: int
    ) -> None:
        from workstation.package.readme import readme_text  # noqa: PLC0415

        text = readme_text(
            info=self.items.info,
            exhibits=exported.exhibits if exported else (),
            head=head,
            root=root,
            leaves=size,
            disclosed=shown,
            withheld=self.withheld_counts() if self.plan else None,
            notes=self.notes,
        )
        self.write_file("README.txt", text.encode("utf-8"))

    def scan_for_withheld(self) -> None:
        """Refuse to finish a redacted copy in which any file holds withheld information."""
        plan = self.plan
        assert plan is not None
        secrets = plan.needles()
        urls = sorted({url.lower().encode() for url in plan.exhibit_urls})
        for path in sorted(p for p in self.out_dir.rglob("*") if p.is_file()):
            relative = path.relative_to(self.out_dir).as_posix()
            generated = not relative.startswith(f"{EVIDENCE_DIR}/")
            needles = secrets + (urls if generated else [])
            if redact.contains_any(redact.file_chunks(path), needles):
                raise PackageFailed(
                    f"The redacted copy was not made: {relative} would have held withheld "
                    "information. Nothing was kept. Withhold the exhibit or persona it "
                    "belongs to as well, or report this if it is the package's own file."
                )
        for url in urls:
            found = [
                p
                for p in (self.out_dir / EVIDENCE_DIR).rglob("*")
                if p.is_file() and redact.contains_any(redact.file_chunks(p), [url])
            ]
            if found:
                self.notes.append(
                    "a withheld exhibit's address appears in a disclosed exhibit "
                    f"({found[0].relative_to(self.out_dir).as_posix()}): that page names it"
                )

    def write_sums(self) -> bytes:
        """SHA256SUMS over every file in the folder, from the digests taken as each was
        written (a file nobody wrote through the package, there should be none, is read)."""
        lines = [
            f"{self.digest_of(relative)[0]}  {relative}\n" for relative in _files(self.out_dir)
        ]
        data = "".join(lines).encode("utf-8")
        self.folder.write(layout.SUMS_NAME, data)
        return data

    def summary(
        self,
        exported: ExportSummary | None,
        *,
        head: SignedHead,
        root_hex: str,
        size: int,
        shown: int,
        sums: bytes,
        archive: Path | None,
    ) -> PackageSummary:
        return PackageSummary(
            out_dir=self.out_dir,
            archive=archive,
            files=len(sums.splitlines()) + 1,
            merkle_root=root_hex,
            leaves=size,
            disclosed_leaves=shown,
            head_seq=head.seq,
            head_hash=head.hash,
            redacted=self.plan is not None,
            sums_sha256=hashlib.sha256(sums).hexdigest(),
            exhibits=exported.exhibits if exported else (),
            withheld=self.withheld_counts(),
            notes=tuple(self.notes) + (tuple(exported.warnings) if exported else ()),
            problems=tuple(exported.problems) if exported else (),
        )

    def record(self, summary: PackageSummary, report: tuple[Any, str, str] | None) -> None:
        """The package.exported event (and report.generated): the export is complete."""
        details: dict[str, canonjson.JsonValue] = {
            "folder": str(summary.out_dir),
            "archive": str(summary.archive) if summary.archive else None,
            "archive_sha256": layout.file_sha256(summary.archive)[0] if summary.archive else None,
            "sha256sums_sha256": summary.sums_sha256,
            "merkle_root": summary.merkle_root,
            "leaves": summary.leaves,
            "disclosed_leaves": summary.disclosed_leaves,
            "audit_head": {"seq": summary.head_seq, "hash": summary.head_hash},
            "redacted": summary.redacted,
            "withheld": dict(summary.withheld),
            "exhibits": [
                {"item_id": e.item_id, "control_number": e.control_number} for e in summary.exhibits
            ],
            "files": summary.files,
        }
        self.case.append_audit(PACKAGE_ACTION, details)
        if report is not None:
            from workstation.report import record_report  # noqa: PLC0415

            built, digest, kind = report
            record_report(self.case, built, file_sha256=digest, file_format=kind)


class _Archive:
    """DIR.zip of the package folder, written as the folder fills: the evidence right after
    it is exported (nearly all of the bytes, before the case records anything), the rest
    once it is written. Files are copied in 1 MiB pieces; compressed files are stored."""

    def __init__(self, target: Path, root: Path, progress: Progress) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        self.target = target
        self.root = root
        self.progress = progress
        self.raw = os.fdopen(os.open(target, flags, 0o600), "wb")
        self.zip = zipfile.ZipFile(self.raw, "w", allowZip64=True)
        self.added: set[str] = set()

    def add_folder(self, top: str) -> None:
        inside = [relative for relative in _files(self.root) if relative.startswith(top + "/")]
        self.add(inside, f"Archiving {top}/")

    def add_rest(self) -> None:
        self.add([r for r in _files(self.root) if r not in self.added], "Archiving the package")

    def add(self, relatives: Sequence[str], text: str) -> None:
        paths = [(relative, self.root.joinpath(*relative.split("/"))) for relative in relatives]
        total = sum(path.stat().st_size for _, path in paths)
        done = reported = 0
        self.progress.step(text, 0, total)
        for relative, path in paths:
            info = zipfile.ZipInfo.from_file(path, f"{self.root.name}/{relative}")
            stored = path.suffix.lower() in _STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with path.open("rb") as source, self.zip.open(info, "w") as member:
                while chunk := source.read(_CHUNK):
                    member.write(chunk)
                    done += len(chunk)
                    if done - reported >= _REPORT_EVERY:
                        self.progress.step(text, done, total)
                        reported = done
            self.added.add(relative)
        self.progress.step(text, total, total)

    def close(self, *, keep: bool) -> Path | None:
        """Finish the archive (keep), or take it away (after a failure or a cancel)."""
        try:
            self.zip.close()
        except (OSError, ValueError):
            if keep:
                raise
        finally:
            self.raw.close()
        if keep:
            return self.target
        self.target.unlink(missing_ok=True)
        return None


def _files(root: Path) -> list[str]:
    """Every file under root, as sorted relative POSIX paths."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _last_seq(case: Any) -> int:
    events = case.audit_events()
    return int(events[-1].seq) if events else 0


def _changed(events: Sequence[Any], since: int) -> bool:
    """Whether anything but bookkeeping was recorded after event ``since``."""
    return any(e.action not in BOOKKEEPING for e in events[since:])


def _exhibit_entry(exhibit: ExportedExhibit, manifest: bytes) -> dict[str, Any]:
    renamed = dict(exhibit.renamed)
    folder = f"{EVIDENCE_DIR}/{exhibit.folder}"
    listed = _manifest(manifest).get("artifacts")
    entries = listed if isinstance(listed, list) else []
    names = [a["name"] for a in entries if isinstance(a, dict) and isinstance(a.get("name"), str)]
    return {
        "item_id": exhibit.item_id,
        "control_number": exhibit.control_number,
        "kind": exhibit.kind,
        "url": exhibit.url,
        "folder": folder,
        "manifest": f"{folder}/manifest.json",
        "artifacts": {name: f"{folder}/{renamed.get(name, name)}" for name in names},
        "timestamps": [f"{EVIDENCE_DIR}/{path}" for path in exhibit.timestamps],
        "in_wacz": exhibit.in_wacz,
    }


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        value = canonjson.loads(bytes(data))
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _pretty(value: Any) -> bytes:
    import json  # noqa: PLC0415

    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
