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

Each artifact is read out of the case once, and hashed once: the re-verification
before writing recomputes every artifact's SHA-256 against its manifest, so a clean
exhibit's files are listed in SHA256SUMS with the manifest's digests instead of being
hashed again. The next exhibit is read (decrypted) on a worker thread while the
current one is written.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from asn1crypto import tsp

from workstation import APP_NAME, canonjson
from workstation.canonjson import JsonValue
from workstation.errors import InputError, WorkstationError
from workstation.evidence.cdxj import CdxjError
from workstation.evidence.verify import verify_item
from workstation.evidence.wacz import ExhibitForExport, WaczSummary, WaczWriter
from workstation.evidence.warc import WARC_NAME
from workstation.progress import OperationCancelled, Progress, checked
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
_CHUNK = 1 << 20


class ExportFailed(WorkstationError):
    """The export stopped part-way; the folder is incomplete."""


# Sees each exhibit while its artifacts are in memory: (record, artifacts, the problems
# its re-verification found). The package's report uses it instead of a second read.
ExhibitInspector = Callable[[Any, Sequence[Any], Sequence[str]], None]


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
    # Every file written (SHA256SUMS included), relative path -> (SHA-256, size).
    file_digests: Mapping[str, tuple[str, int]] = field(default_factory=dict)

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
        self.sizes: dict[str, int] = {}

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

    def write(self, relative: str, data: bytes, *, known_sha256: str | None = None) -> None:
        """Write a new file; known_sha256 is the data's digest when the caller has just
        computed it (then the bytes are not hashed a second time)."""
        with self.open_new(relative) as out:
            out.write(data)
        self.sums[relative] = known_sha256 or hashlib.sha256(data).hexdigest()
        self.sizes[relative] = len(data)

    def record_known(self, relative: str, sha256: str, size: int) -> None:
        """Note a file written through open_new whose digest was taken while writing."""
        self.sums[relative] = sha256
        self.sizes[relative] = size

    def record_written(self, relative: str) -> int:
        """Hash a file written through open_new (streamed); returns its size."""
        digest = hashlib.sha256()
        size = 0
        with self.path_of(relative).open("rb") as written:
            while chunk := written.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        self.sums[relative] = digest.hexdigest()
        self.sizes[relative] = size
        return size

    def digests(self) -> dict[str, tuple[str, int]]:
        """Every file written so far: relative path -> (SHA-256, size)."""
        return {path: (digest, self.sizes[path]) for path, digest in self.sums.items()}

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


def remove_export(out_dir: Path, *, made: bool) -> None:
    """Take back what an export wrote: the folder if it made it, else what it holds
    (it was empty before)."""
    if made:
        shutil.rmtree(out_dir, ignore_errors=True)
        return
    for child in out_dir.iterdir() if out_dir.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


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
    progress: Progress | None = None,
    record_in_audit: bool = True,
    inspect: ExhibitInspector | None = None,
) -> ExportSummary:
    """Export the chosen exhibits (all when item_ids is None) into an empty folder.

    progress gets a step before each artifact is written, counting bytes against the
    sizes the manifests list; when the officer cancels, what the export wrote is removed
    again (the folder too, if it made it) and OperationCancelled is raised. With
    record_in_audit False the caller records the export itself (the package does).
    inspect sees each exhibit while its artifacts are in memory. Raises InputError for
    a folder that is not empty or an unknown exhibit, ExportFailed when writing fails
    part-way.
    """
    out_dir = Path(out_dir)
    records = _chosen(case.evidence_items(), item_ids)
    if not records:
        raise InputError("This case holds no exhibits to export.")
    made = not out_dir.exists()
    folder = ExportFolder(_prepare(out_dir))
    run = _Run(case, folder, checked(progress), inspect)
    try:
        summary = run.export(records)
    except OperationCancelled:
        remove_export(out_dir, made=made)
        raise
    except OSError as exc:
        raise ExportFailed(_stopped(out_dir, str(exc.strerror or exc))) from exc
    except WorkstationError as exc:
        raise ExportFailed(_stopped(out_dir, str(exc))) from exc
    if record_in_audit:
        _audit(case, summary, folder)
    return summary


def _stopped(out_dir: Path, why: str) -> str:
    return (
        f"The export to {out_dir} stopped part-way ({why.rstrip('.')}); the folder is "
        "incomplete. Delete it and export again."
    )


def planned_bytes(records: Sequence[Any]) -> int:
    """What the exhibits' artifacts add up to, as their manifests list them."""
    total = 0
    for record in records:
        entries = _manifest_dict(record.manifest).get("artifacts")
        for entry in entries if isinstance(entries, list) else []:
            size = entry.get("size") if isinstance(entry, dict) else None
            total += size if isinstance(size, int) and size > 0 else 0
    return total


class _Run:
    """One export: the exhibits one after another, the README and SHA256SUMS last."""

    def __init__(
        self,
        case: ExportableCase,
        folder: ExportFolder,
        progress: Progress,
        inspect: ExhibitInspector | None,
    ) -> None:
        self.case = case
        self.folder = folder
        self.progress = progress
        self.inspect = inspect
        self.done = 0
        self.total = 0

    def export(self, records: list[Any]) -> ExportSummary:
        info = self.case.info()
        wacz = _LazyWacz(self.folder, info)
        self.total = planned_bytes(records)
        exhibits = []
        try:
            with _ReadAhead(self.case, records) as reads:
                for number, read in enumerate(reads, start=1):
                    where = f"Exhibit {number} of {len(records)}"
                    exhibits.append(self.exhibit(read, wacz, where))
            wacz_summary = wacz.finish()
        except BaseException:
            wacz.abort()
            raise
        folder = self.folder
        folder.write(README_NAME, readme_text(info, exhibits, wacz_summary).encode("utf-8"))
        folder.write(SUMS_NAME, folder.sums_text())
        self.progress.step(f"Exported {len(records)} exhibit(s)", self.total, self.total)
        return ExportSummary(
            out_dir=folder.root,
            exhibits=tuple(exhibits),
            files=len(folder.sums),
            wacz_path=folder.root / WACZ_NAME if wacz_summary else None,
            wacz_bytes=wacz.size,
            wacz=wacz_summary,
            warnings=wacz_summary.warnings if wacz_summary else (),
            file_digests=folder.digests(),
        )

    def step(self, text: str) -> None:
        self.progress.step(text, min(self.done, self.total), self.total)

    def exhibit(self, read: _Read, wacz: _LazyWacz, where: str) -> ExportedExhibit:
        folder = self.folder
        record, artifacts = read.record, read.artifacts
        manifest = _manifest_dict(record.manifest)
        problems = verify_item(record.control_number, record.manifest, artifacts).problems
        digests = _verified_digests(manifest, problems)
        base = f"{EXHIBITS_DIR}/{exhibit_folder_name(record.id, record.control_number)}"
        self.step(f"{where}: {MANIFEST_NAME}")
        folder.make_dir(base)
        folder.write(f"{base}/{MANIFEST_NAME}", bytes(record.manifest))
        files = [f"{base}/{MANIFEST_NAME}"]
        renamed = []
        taken = {MANIFEST_NAME}
        for artifact in artifacts:
            self.step(f"{where}: {artifact.name}")
            name = _unique(export_file_name(artifact.name), taken)
            if name != artifact.name:
                renamed.append((artifact.name, name))
            data = artifact.data  # bytes-like: written and hashed as it is, never copied
            folder.write(f"{base}/{name}", data, known_sha256=digests.get(artifact.name))
            files.append(f"{base}/{name}")
            self.done += len(data)
        stamps, notes = _write_timestamps(read.timestamps, folder, base, files)
        in_wacz, left_out = _add_to_wacz(
            wacz, base.rsplit("/", 1)[-1], manifest, artifacts, digests.get(WARC_NAME)
        )
        if self.inspect is not None:
            self.inspect(record, artifacts, tuple(problems))
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


def _verified_digests(manifest: dict[str, Any], problems: list[str]) -> dict[str, str]:
    """Artifact name -> SHA-256, for an exhibit whose re-verification found nothing wrong.

    verify_item recomputed every artifact's SHA-256 and compared it with the manifest's
    (and the names both ways), so a clean report means the manifest's digests are the
    artifacts' own. With any problem, nothing is taken on trust: each file is hashed.
    """
    entries = manifest.get("artifacts")
    if problems or not isinstance(entries, list):
        return {}
    return {
        str(entry["name"]): str(entry["sha256"])
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
    }


@dataclass(frozen=True)
class _Read:
    """One exhibit as read out of the case."""

    record: Any
    artifacts: list[Any]
    timestamps: list[Any]


class _ReadAhead:
    """Each exhibit's artifacts and timestamps, read out of the case one exhibit ahead on
    a worker thread.

    Decrypting the case (SQLCipher) is the slowest part of an export; it and the writing
    and hashing of the exhibit before it both release the GIL, so they overlap (the
    writing side never waits on the case's lock: all reads are here). At most two
    exhibits are in memory at once. Leaving the block waits for a read in flight.
    """

    def __init__(self, case: ExportableCase, records: list[Any]) -> None:
        self._case = case
        self._records = records
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-read")

    def __enter__(self) -> _ReadAhead:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __iter__(self) -> Iterator[_Read]:
        pending = self._submit(0)
        for index in range(len(self._records)):
            assert pending is not None
            read = pending.result()
            pending = self._submit(index + 1)
            yield read

    def _submit(self, index: int) -> Future[_Read] | None:
        if index >= len(self._records):
            return None
        return self._pool.submit(self._read, self._records[index])

    def _read(self, record: Any) -> _Read:
        artifacts = list(self._case.artifacts(record.id))
        return _Read(record, artifacts, list(self._case.timestamps(record.id)))


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
            self._file = _HashingFile(self._folder.open_new(WACZ_NAME))
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
        taken = self._file.digest()
        if taken is None:
            self.size = self._folder.record_written(WACZ_NAME)
        else:
            self._folder.record_known(WACZ_NAME, *taken)
            self.size = taken[1]
        return summary

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.abort()
        if self._file is not None:
            self._file.close()


class _HashingFile(io.RawIOBase):
    """The WACZ's file, hashed while zipfile writes it, so it is never read back.

    zipfile writes an entry's header and data, then seeks back to rewrite the header
    (same length) with the sizes and CRC. What was written is held (the very objects
    written: no copies) until that rewrite; then all of it is final and hashed. Any other
    write pattern leaves the digest unknown, and the file is hashed by reading it back.
    """

    def __init__(self, target: Any) -> None:
        super().__init__()
        self._target = target
        self._position = 0
        self._end = 0
        self._pending: list[tuple[int, bytes]] = []  # (offset, bytes) not hashed yet
        self._sha256 = hashlib.sha256()
        self._known = True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._position = self._target.seek(offset, whence)
        return self._position

    def write(self, data: Any) -> int:
        chunk = data if isinstance(data, bytes) else bytes(data)
        self._target.write(chunk)
        if self._position == self._end:
            self._pending.append((self._position, chunk))
            self._end += len(chunk)
        else:
            self._rewrite(self._position, chunk)
        self._position += len(chunk)
        return len(chunk)

    def _rewrite(self, offset: int, chunk: bytes) -> None:
        for index, (start, held) in enumerate(self._pending):
            if start == offset and len(held) == len(chunk):
                self._pending[index] = (start, chunk)
                break
        else:
            self._known = False
        self._hash_pending()  # the entry is complete: everything so far is final

    def _hash_pending(self) -> None:
        for _, held in self._pending:
            self._sha256.update(held)
        self._pending.clear()

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:
        if not self.closed:
            super().close()  # flushes first
            self._target.close()

    def digest(self) -> tuple[str, int] | None:
        """(SHA-256, size) of everything written, or None when it cannot be known."""
        self._hash_pending()
        return (self._sha256.hexdigest(), self._end) if self._known else None


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
    timestamps: Sequence[Any], folder: ExportFolder, base: str, files: list[str]
) -> tuple[list[str], list[str]]:
    stamps, notes = [], []
    for number, stamp in enumerate(timestamps, start=1):
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
    wacz: _LazyWacz,
    name: str,
    manifest: dict[str, Any],
    artifacts: list[Any],
    warc_sha256: str | None,
) -> tuple[bool, str | None]:
    """Add the exhibit's WARC, if it has one: (added, problem)."""
    held = {artifact.name: artifact.data for artifact in artifacts}
    if WARC_NAME not in held:
        return False, None
    text = held.get(PAGE_TEXT_NAME)
    exhibit = ExhibitForExport(
        name=name,
        warc=held[WARC_NAME],
        page_url=manifest.get("final_url") or manifest.get("requested_url") or None,
        title=str(manifest.get("title") or ""),
        text=bytes(text).decode("utf-8", "replace") if text else None,
        warc_sha256=warc_sha256,
    )
    try:
        wacz.add(exhibit)
    except CdxjError as exc:
        return False, f"its WARC is left out of {WACZ_NAME}: {exc}"
    return True, None


def _audit(case: ExportableCase, summary: ExportSummary, folder: ExportFolder) -> None:
    details: dict[str, JsonValue] = {
        "folder": str(summary.out_dir),
        "exhibits": [
            {"item_id": e.item_id, "control_number": e.control_number, "in_wacz": e.in_wacz}
            for e in summary.exhibits
        ],
        "files": summary.files,
        "wacz_sha256": folder.sums.get(WACZ_NAME),
        "sha256sums_sha256": folder.sums.get(SUMS_NAME),
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
