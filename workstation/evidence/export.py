"""Export exhibits to a folder that anyone can check with standard tools.

    evidence.wacz                      the exhibits' WARC files as one WACZ (ReplayWeb.page, pywb)
    exhibits/<id>-<control>/           per exhibit: manifest.json (its exact sealed bytes,
                                       whose SHA-256 is the control number), every artifact,
                                       timestamp-<n>.tsr (RFC 3161 replies as received) and
                                       timestamp-<n>-certs.pem (the certificates inside them)
    README.txt                         how to check all of it, step by step
    SHA256SUMS                         every other file, for `sha256sum -c SHA256SUMS`

The export refuses a folder that is not empty, writes nothing outside it, and gives
artifacts names that cannot leave their folder. It reads the case only; the export
itself is recorded in the case's audit log.
"""

import hashlib
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import tsp

from workstation import APP_NAME, canonjson
from workstation.canonjson import JsonValue
from workstation.errors import InputError, WorkstationError
from workstation.evidence.cdxj import CdxjError
from workstation.evidence.verify import verify_item
from workstation.evidence.wacz import ExhibitForExport, WaczSummary, WaczWriter
from workstation.evidence.warc import WARC_NAME
from workstation.version import build_hash, tool_version

log = logging.getLogger(__name__)

WACZ_NAME = "evidence.wacz"
EXHIBITS_DIR = "exhibits"
README_NAME = "README.txt"
SUMS_NAME = "SHA256SUMS"
MANIFEST_NAME = "manifest.json"
PAGE_TEXT_NAME = "page.txt"
AUDIT_ACTION = "evidence.exported"
MAX_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._ +()-]+")
_RESERVED = re.compile(r"^(manifest\.json|timestamp-\d+(-certs\.pem|\.tsr))$")
_DIR_MODE = 0o700
_FILE_MODE = 0o600  # exported evidence is for the people the officer hands it to


class ExportFailed(WorkstationError):
    """The export stopped part-way; the folder is incomplete."""


class ExportableCase(Protocol):
    def evidence_items(self) -> Sequence[Any]: ...
    def artifacts(self, item_id: int) -> Sequence[Any]: ...
    def timestamps(self, item_id: int) -> Sequence[Any]: ...
    def info(self) -> dict[str, str]: ...
    def append_audit(self, action: str, details: Any = None) -> Any: ...


@dataclass(frozen=True)
class ExportedExhibit:
    item_id: int
    control_number: str
    kind: str
    url: str
    folder: str  # relative to the export folder, e.g. "exhibits/3-0a1b2c3d4e5f"
    files: tuple[str, ...]  # relative paths of everything written for it
    timestamps: tuple[str, ...]  # relative paths of its timestamp replies
    in_wacz: bool
    timestamp_notes: tuple[str, ...] = ()  # per reply: which authority, what time
    renamed: tuple[tuple[str, str], ...] = ()  # (name in the case, file name here)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportSummary:
    out_dir: Path
    exhibits: tuple[ExportedExhibit, ...]
    files: int  # every file written, SHA256SUMS included
    wacz_path: Path | None
    wacz_bytes: int
    wacz: WaczSummary | None
    warnings: tuple[str, ...] = field(default=())

    @property
    def problems(self) -> list[str]:
        return [f"{e.control_number}: {p}" for e in self.exhibits for p in e.problems]


# -- names and the folder -----------------------------------------------------------


def export_file_name(name: str) -> str:
    """A name from the case made safe as one file name: no path, no control characters,
    no leading dot or dash, never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" ").lstrip(".-")
    return (cleaned or "artifact")[-MAX_NAME:]


def exhibit_folder_name(item_id: int, control_number: str) -> str:
    return f"{int(item_id)}-{export_file_name(control_number[:12])}"


class ExportFolder:
    """Creates files under one root only, each new (never overwriting), remembering their
    SHA-256 for SHA256SUMS."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sums: dict[str, str] = {}

    def path_of(self, relative: str) -> Path:
        parts = relative.split("/")
        if any(part in {"", ".", ".."} or part != export_file_name(part) for part in parts):
            raise ValueError(f"unsafe export path {relative!r}")
        target = self.root.joinpath(*parts)
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"export path {relative!r} leaves the folder")
        return target

    def make_dir(self, relative: str) -> None:
        """Make a folder and any missing parents, all with the export's permissions."""
        parts = relative.split("/")
        for depth in range(1, len(parts) + 1):
            target = self.path_of("/".join(parts[:depth]))
            if not target.is_dir():
                target.mkdir(mode=_DIR_MODE)

    def open_new(self, relative: str) -> Any:
        target = self.path_of(relative)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        return os.fdopen(os.open(target, flags, _FILE_MODE), "wb")

    def write(self, relative: str, data: bytes) -> None:
        with self.open_new(relative) as out:
            out.write(data)
        self.sums[relative] = hashlib.sha256(data).hexdigest()

    def record_written(self, relative: str) -> int:
        """Hash a file written through open_new (streamed); returns its size."""
        digest = hashlib.sha256()
        size = 0
        with self.path_of(relative).open("rb") as written:
            while chunk := written.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        self.sums[relative] = digest.hexdigest()
        return size

    def sums_text(self) -> bytes:
        # Two spaces: the text-mode form every sha256sum accepts; paths relative, sorted.
        lines = [f"{digest}  {path}\n" for path, digest in sorted(self.sums.items())]
        return "".join(lines).encode("utf-8")


def check_export_folder(out_dir: Path) -> None:
    """Refuse (InputError) a path that is a file or a folder that is not empty."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file; give a new or empty folder to export into.")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise InputError(
            f"The folder {out_dir} is not empty. Export into a new or empty folder, "
            "so that nothing already there is overwritten or mixed with the exhibits."
        )


def _prepare(out_dir: Path) -> Path:
    check_export_folder(out_dir)
    try:
        out_dir.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"The folder {out_dir} cannot be created: {exc.strerror}.") from exc
    return out_dir


def _chosen(records: Sequence[Any], item_ids: list[int] | None) -> list[Any]:
    if item_ids is None:
        return list(records)
    known = {int(record.id): record for record in records}
    missing = sorted({item for item in item_ids if item not in known})
    if missing:
        listed = ", ".join(str(item) for item in missing)
        raise InputError(
            f"This case has no exhibit {listed}. "
            f"Its exhibits are numbered {_ranges(sorted(known))}."
            if known
            else f"This case has no exhibit {listed}: it holds no exhibits yet."
        )
    wanted = set(item_ids)
    return [record for record in records if int(record.id) in wanted]


def _ranges(numbers: list[int]) -> str:
    if not numbers:
        return "(none)"
    return f"{numbers[0]} to {numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


# -- the export ---------------------------------------------------------------------


def export_evidence(
    case: ExportableCase,
    out_dir: Path,
    item_ids: list[int] | None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Export the chosen exhibits (all when item_ids is None) into an empty folder.

    progress(done, total) is called after each exhibit. Raises InputError for a folder
    that is not empty or an unknown exhibit, ExportFailed when writing fails part-way.
    """
    out_dir = Path(out_dir)
    records = _chosen(case.evidence_items(), item_ids)
    if not records:
        raise InputError("This case holds no exhibits to export.")
    folder = ExportFolder(_prepare(out_dir))
    try:
        return _export(case, folder, records, progress)
    except OSError as exc:
        raise ExportFailed(_stopped(out_dir, str(exc.strerror or exc))) from exc
    except WorkstationError as exc:
        raise ExportFailed(_stopped(out_dir, str(exc))) from exc


def _stopped(out_dir: Path, why: str) -> str:
    return (
        f"The export to {out_dir} stopped part-way ({why.rstrip('.')}); the folder is "
        "incomplete. Delete it and export again."
    )


def _export(
    case: ExportableCase,
    folder: ExportFolder,
    records: list[Any],
    progress: Callable[[int, int], None] | None,
) -> ExportSummary:
    info = case.info()
    wacz = _LazyWacz(folder, info)
    exhibits = []
    try:
        for done, record in enumerate(records, start=1):
            exhibits.append(_export_item(case, folder, record, wacz))
            if progress is not None:
                progress(done, len(records))
        wacz_summary = wacz.finish()
    except BaseException:
        wacz.abort()
        raise
    folder.write(README_NAME, readme_text(info, exhibits, wacz_summary).encode("utf-8"))
    sums = folder.sums_text()
    folder.write(SUMS_NAME, sums)
    summary = ExportSummary(
        out_dir=folder.root,
        exhibits=tuple(exhibits),
        files=len(folder.sums),
        wacz_path=folder.root / WACZ_NAME if wacz_summary else None,
        wacz_bytes=wacz.size,
        wacz=wacz_summary,
        warnings=wacz_summary.warnings if wacz_summary else (),
    )
    _audit(case, summary, folder, sums)
    return summary


class _LazyWacz:
    """The WACZ, opened when the first exhibit with a WARC comes along."""

    def __init__(self, folder: ExportFolder, info: dict[str, str]) -> None:
        self._folder = folder
        self._info = info
        self._file: Any = None
        self._writer: WaczWriter | None = None
        self.size = 0

    def add(self, exhibit: ExhibitForExport) -> None:
        if self._writer is None:
            self._file = self._folder.open_new(WACZ_NAME)
            reference = self._info.get("reference") or self._info.get("case_id", "")
            self._writer = WaczWriter(
                self._file,
                title=f"Evidence of case {reference}".strip(),
                description=(
                    f"Recorded web traffic of exhibits exported from case {reference} "
                    f"(case id {self._info.get('case_id', 'unknown')})"
                ),
                software=f"{APP_NAME} {tool_version()} (build {build_hash()})",
            )
        self._writer.add(exhibit)

    def finish(self) -> WaczSummary | None:
        if self._writer is None:
            return None
        summary = self._writer.finish()
        self._file.close()
        self.size = self._folder.record_written(WACZ_NAME)
        return summary

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.abort()
        if self._file is not None:
            self._file.close()


def _export_item(
    case: ExportableCase, folder: ExportFolder, record: Any, wacz: _LazyWacz
) -> ExportedExhibit:
    artifacts = list(case.artifacts(record.id))
    manifest = _manifest_dict(record.manifest)
    problems = verify_item(record.control_number, record.manifest, artifacts).problems
    base = f"{EXHIBITS_DIR}/{exhibit_folder_name(record.id, record.control_number)}"
    folder.make_dir(base)
    folder.write(f"{base}/{MANIFEST_NAME}", bytes(record.manifest))
    files = [f"{base}/{MANIFEST_NAME}"]
    renamed = []
    taken = {MANIFEST_NAME}
    for artifact in artifacts:
        name = _unique(export_file_name(artifact.name), taken)
        if name != artifact.name:
            renamed.append((artifact.name, name))
        folder.write(f"{base}/{name}", bytes(artifact.data))
        files.append(f"{base}/{name}")
    stamps, notes = _write_timestamps(case, folder, record.id, base, files)
    in_wacz, left_out = _add_to_wacz(wacz, base.rsplit("/", 1)[-1], manifest, artifacts)
    if left_out is not None:
        problems.append(left_out)
    return ExportedExhibit(
        item_id=int(record.id),
        control_number=record.control_number,
        kind=str(manifest.get("kind", "")),
        url=str(manifest.get("final_url") or manifest.get("source_url") or ""),
        folder=base,
        files=tuple(files),
        timestamps=tuple(stamps),
        in_wacz=in_wacz,
        timestamp_notes=tuple(notes),
        renamed=tuple(renamed),
        problems=tuple(problems),
    )


def _unique(name: str, taken: set[str]) -> str:
    candidate = name
    stem, dot, suffix = name.partition(".")
    counter = 1
    while candidate in taken or _RESERVED.match(candidate):
        counter += 1
        candidate = f"{stem}-{counter}{dot}{suffix}"
    taken.add(candidate)
    return candidate


def _manifest_dict(manifest: bytes) -> dict[str, Any]:
    try:
        value = canonjson.loads(bytes(manifest))
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_timestamps(
    case: ExportableCase, folder: ExportFolder, item_id: int, base: str, files: list[str]
) -> tuple[list[str], list[str]]:
    stamps, notes = [], []
    for number, stamp in enumerate(case.timestamps(item_id), start=1):
        reply = f"{base}/timestamp-{number}.tsr"
        folder.write(reply, bytes(stamp.reply))
        files.append(reply)
        stamps.append(reply)
        notes.append(f"timestamp-{number}.tsr: {stamp.gen_time_utc} from {stamp.tsa_url}")
        pem = reply_certificates_pem(bytes(stamp.reply))
        if pem:
            folder.write(f"{base}/timestamp-{number}-certs.pem", pem)
            files.append(f"{base}/timestamp-{number}-certs.pem")
    return stamps, notes


def reply_certificates_pem(reply: bytes) -> bytes:
    """The certificates an RFC 3161 reply carries (the authority's own, usually), as PEM;
    empty when there are none or the reply cannot be read."""
    try:
        response = tsp.TimeStampResp.load(reply)
        certificates = response["time_stamp_token"]["content"]["certificates"]
        ders = [c.chosen.dump() for c in certificates or [] if c.name == "certificate"]
    except Exception:  # noqa: BLE001  (a damaged reply still exports; verify reports it)
        return b""
    return b"".join(_pem(der) for der in ders)


def _pem(der: bytes) -> bytes:
    import base64  # noqa: PLC0415

    text = base64.b64encode(der).decode("ascii")
    body = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n".encode("ascii")


def _add_to_wacz(
    wacz: _LazyWacz, name: str, manifest: dict[str, Any], artifacts: list[Any]
) -> tuple[bool, str | None]:
    """Add the exhibit's WARC, if it has one: (added, problem)."""
    held = {artifact.name: bytes(artifact.data) for artifact in artifacts}
    if WARC_NAME not in held:
        return False, None
    text = held.get(PAGE_TEXT_NAME)
    exhibit = ExhibitForExport(
        name=name,
        warc=held[WARC_NAME],
        page_url=manifest.get("final_url") or manifest.get("requested_url") or None,
        title=str(manifest.get("title") or ""),
        text=text.decode("utf-8", "replace") if text else None,
    )
    try:
        wacz.add(exhibit)
    except CdxjError as exc:
        return False, f"its WARC is left out of {WACZ_NAME}: {exc}"
    return True, None


def _audit(case: ExportableCase, summary: ExportSummary, folder: ExportFolder, sums: bytes) -> None:
    details: dict[str, JsonValue] = {
        "folder": str(summary.out_dir),
        "exhibits": [
            {"item_id": e.item_id, "control_number": e.control_number, "in_wacz": e.in_wacz}
            for e in summary.exhibits
        ],
        "files": summary.files,
        "wacz_sha256": folder.sums.get(WACZ_NAME),
        "sha256sums_sha256": hashlib.sha256(sums).hexdigest(),
    }
    case.append_audit(AUDIT_ACTION, details)


# -- README -------------------------------------------------------------------------


def readme_text(
    info: dict[str, str], exhibits: Sequence[ExportedExhibit], wacz: WaczSummary | None
) -> str:
    reference = info.get("reference") or "(no reference)"
    parts = [
        _README_HEAD.format(
            app=APP_NAME,
            version=tool_version(),
            build=build_hash(),
            reference=reference,
            case_id=info.get("case_id", "unknown"),
            count=len(exhibits),
        ),
        _exhibit_list(exhibits),
        _README_STEPS,
        _wacz_note(wacz),
    ]
    renamed = [(e, old, new) for e in exhibits for old, new in e.renamed]
    if renamed:
        parts.append(_renamed_note(renamed))
    return "\n".join(parts)


def _exhibit_list(exhibits: Sequence[ExportedExhibit]) -> str:
    lines = ["EXHIBITS", ""]
    for exhibit in exhibits:
        lines.append(f"  {exhibit.folder}/")
        lines.append(f"    control number  {exhibit.control_number}")
        lines.append(f"    kind            {exhibit.kind or 'unknown'}")
        if exhibit.url:
            lines.append(f"    address         {exhibit.url}")
        notes = exhibit.timestamp_notes or ("none",)
        lines.append(f"    timestamps      {notes[0]}")
        lines += [f"                    {note}" for note in notes[1:]]
        lines.append(f"    in the WACZ     {'yes' if exhibit.in_wacz else 'no'}")
        lines.append("")
    return "\n".join(lines)


def _wacz_note(wacz: WaczSummary | None) -> str:
    if wacz is None:
        return (
            f"There is no {WACZ_NAME}: none of these exhibits holds recorded web traffic "
            "(a WARC file).\n"
        )
    return (
        f"{WACZ_NAME} holds {wacz.warc_files} WARC file(s), {wacz.indexed_records} indexed "
        f"response(s) and {wacz.pages} page(s).\n"
    )


def _renamed_note(renamed: list[tuple[ExportedExhibit, str, str]]) -> str:
    lines = [
        "RENAMED FILES",
        "",
        "These artifacts' names in the case could not be used as file names as they are.",
        "The manifest lists them under the name on the left; the file is on the right:",
        "",
    ]
    lines += [f"  {e.folder}: {old!r} -> {new}" for e, old, new in renamed]
    return "\n".join(lines) + "\n"


_README_HEAD = """\
EVIDENCE EXPORT

Exported by {app} {version} (build {build}) from case {reference}
(case id {case_id}). {count} exhibit(s).

Every exhibit was sealed in the case with a manifest: a JSON file listing each of
its files with its SHA-256, and saying where, when and how it was captured. The
SHA-256 of the manifest file itself is the exhibit's CONTROL NUMBER. Each exhibit
folder holds the manifest exactly as sealed, every file it lists, and the RFC 3161
timestamp replies over it (timestamp-1.tsr, ...) when a timestamp authority was used.
Nothing here needs the workstation to be checked: the steps below use standard tools.
"""

_README_STEPS = """\
HOW TO CHECK THIS EXPORT

1. Nothing was changed since the export. In this folder, run:

       sha256sum -c SHA256SUMS

   Every line must end in "OK". (On macOS: shasum -a 256 -c SHA256SUMS.)

2. Each manifest is the one that was sealed. Run:

       sha256sum exhibits/*/manifest.json

   Each result must equal the control number listed for that exhibit above (the
   folder name starts with its first 12 characters). The control number is also
   in the case's records and in any report that cites the exhibit.

3. Each file is the one the manifest lists. Open an exhibit's manifest.json: its
   "artifacts" list gives each file's "name", "sha256" and "size". Compare with:

       sha256sum exhibits/<folder>/*

4. The timestamp. A timestamp-N.tsr file is the authority's signed reply over the
   SHA-256 of manifest.json, exactly as it arrived. Check it with OpenSSL:

       cd exhibits/<folder>
       openssl ts -reply -in timestamp-1.tsr -text
       openssl ts -verify -in timestamp-1.tsr -data manifest.json -CAfile tsa-root.pem

   "Verification: OK" means the authority signed this manifest at the time shown.
   tsa-root.pem is the timestamp authority's root certificate. It is NOT part of
   the case or of this export, on purpose: take it from the authority itself (its
   web site or your unit's configuration), so the check does not rest on a file
   that came with the evidence. timestamp-N-certs.pem holds the certificates the
   authority put inside its reply (who signed it); if openssl cannot find the
   signer, add:  -untrusted timestamp-1-certs.pem

5. The recorded web pages. evidence.wacz is a standard web archive (WACZ 1.1.1)
   of every request and response that made up the captured pages, with the
   origin's TLS certificate chain in each WARC metadata record. Open it in
   ReplayWeb.page (choose the file with "Load"). A WACZ is a ZIP file:
   "unzip -l evidence.wacz" lists it; its datapackage.json gives the SHA-256 of
   every file inside and datapackage-digest.json the SHA-256 of datapackage.json.
   To replay it with pywb instead:

       unzip evidence.wacz -d wacz
       wb-manager init evidence
       wb-manager add evidence wacz/archive/*.warc.gz
       wayback -b 127.0.0.1

   and open http://127.0.0.1:8080/evidence/<address of the page>. Each
   exhibit's WARC file is also in its own folder as page.warc.gz, listed in its
   manifest; warcio (or any WARC reader) reads it.
"""
