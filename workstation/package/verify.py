"""`verify PACKAGE`: the standalone verifier's checks, plus Ed25519 heads and timestamp tokens.

A package is a folder holding package.json, or a ZIP archive of one. An archive is
read defensively before anything is written: every member must be a plain file or
folder with a relative name that stays inside the extraction folder (no "..", no
absolute path, no drive letter or backslash), no symbolic link, no encryption, at most
MAX_MEMBERS members, each and all together within size limits, none inflating more
than MAX_RATIO times (a ZIP bomb), and each is read no further than its declared size.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from cryptography import x509

from workstation.casefile.heads import SignedHead, signature_valid
from workstation.errors import InputError, WorkstationError
from workstation.evidence.timestamping import check_stored
from workstation.package import standalone_verifier as checks
from workstation.progress import Progress, checked

MAX_MEMBERS = 200_000
MAX_MEMBER_BYTES = 16 * 1024**3
MAX_TOTAL_BYTES = 64 * 1024**3
MAX_RATIO = 200  # deflate reaches ~1000:1 only on pathological input
RATIO_FLOOR = 1024 * 1024  # small members may compress well without meaning anything
MAX_NAME_CHARS = 1024
_CHUNK = 1 << 20


class PackageArchiveRefused(WorkstationError):
    """The archive is unsafe or unreadable; nothing was extracted."""


@dataclass
class PackageReport:
    """The outcome of verifying a package: the standalone checks and the cryptographic ones."""

    path: Path
    findings: checks.Findings
    heads_checked: int = 0
    timestamps_checked: int = 0
    timestamp_roots: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.findings.ok

    @property
    def problems(self) -> list[str]:
        return list(self.findings.problems)


def is_package(path: Path) -> bool:
    """A package folder (holding package.json) or a ZIP archive, rather than a case."""
    if path.is_dir():
        return (path / checks.INDEX_NAME).is_file()
    return path.is_file() and zipfile.is_zipfile(path)


def verify_package(
    path: Path,
    tsa_roots: Sequence[x509.Certificate] = (),
    *,
    progress: Progress | None = None,
) -> PackageReport:
    """Verify a package folder or archive. InputError when it is neither.

    progress gets a step per archive member unpacked and per file hashed (bytes), then one
    per check; a cancel stops the checks (OperationCancelled), and an unpacked archive's
    temporary copy is removed as always.
    """
    path = Path(path)
    steps = checked(progress)
    if path.is_dir():
        return _verify_folder(path, path, tsa_roots, steps)
    if not path.is_file():
        raise InputError(f"There is no package at {path}.")
    with extracted(path, steps) as root:
        return _verify_folder(root, path, tsa_roots, steps)


def _verify_folder(
    root: Path, shown: Path, tsa_roots: Sequence[x509.Certificate], progress: Progress
) -> PackageReport:
    try:
        findings = checks.verify_folder(root, progress=progress)
    except checks.NotAPackage as exc:
        raise InputError(str(exc)) from None
    report = PackageReport(shown, findings, timestamp_roots=bool(tsa_roots))
    package = checks.Package(root)
    progress.step("Checking the signatures", 0, 2)
    _check_signatures(package, report)
    progress.step("Checking the timestamps", 1, 2)
    _check_timestamps(package, report, tsa_roots)
    progress.step("The package is checked", 2, 2)
    return report


# -- signatures and timestamps ------------------------------------------------------------


def _check_signatures(package: checks.Package, report: PackageReport) -> None:
    section = package.section("audit") or {}
    document = package.read_json(section.get("heads"), checks.Findings())
    if not isinstance(document, dict) or not isinstance(document.get("heads"), list):
        return  # the standalone checks reported it
    try:
        key = bytes.fromhex(str(document.get("public_key_hex")))
    except ValueError:
        return
    case_id = str(document.get("case_id", ""))
    for entry in document["heads"]:
        head = _head(entry)
        if head is None:
            continue
        if not signature_valid(key, case_id, head):
            report.findings.problem(
                str(entry.get("signature_file")),
                f"the Ed25519 signature of the head over event {head.seq} does not verify",
            )
        report.heads_checked += 1


def _head(entry: Any) -> SignedHead | None:
    try:
        return SignedHead(
            int(entry["seq"]),
            str(entry["hash"]),
            str(entry["utc"]),
            str(entry["reason"]),
            str(entry["signature_hex"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _check_timestamps(
    package: checks.Package, report: PackageReport, roots: Sequence[x509.Certificate]
) -> None:
    exhibits = package.section("exhibits")
    for exhibit in exhibits if isinstance(exhibits, list) else []:
        if not isinstance(exhibit, dict):
            continue
        manifest = package.read(exhibit.get("manifest"), checks.Findings())
        for relative in exhibit.get("timestamps") or []:
            reply = package.read(relative, checks.Findings())
            if reply is None or manifest is None:
                continue  # reported as missing by the standalone checks
            recorded = hashlib.sha256(reply).hexdigest()  # the audit log check compares it
            for problem in check_stored(reply, recorded, manifest, roots):
                report.findings.problem(str(relative), f"timestamp: {problem}")
            report.timestamps_checked += 1
    if report.timestamps_checked and not roots:
        report.notes.append(
            "timestamp signatures were not checked against an authority: give --tsa-cert "
            "with the authority's root certificate"
        )


# -- archives ------------------------------------------------------------------------------


@contextmanager
def extracted(archive: Path, progress: Progress | None = None) -> Iterator[Path]:
    """The archive's package folder, extracted safely into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="package-") as scratch:
        target = Path(scratch)
        extract_archive(archive, target, progress)
        yield package_root(target)


def package_root(folder: Path) -> Path:
    """The folder holding package.json: the top, or its only sub-folder."""
    if (folder / checks.INDEX_NAME).is_file():
        return folder
    children = [child for child in folder.iterdir()]
    if len(children) == 1 and (children[0] / checks.INDEX_NAME).is_file():
        return children[0]
    raise PackageArchiveRefused(
        f"The archive holds no {checks.INDEX_NAME}: it is not an evidence package."
    )


def extract_archive(
    archive: Path | BinaryIO, target: Path, progress: Progress | None = None
) -> None:
    """Check every member, then extract into target (an empty folder).

    On any failure target is left empty again and PackageArchiveRefused says why; on a
    cancel (progress) it is left empty too, and OperationCancelled raised.
    """
    name = archive.name if isinstance(archive, Path) else "given"
    try:
        _extract_all(archive, target, checked(progress))
    except PackageArchiveRefused:
        _empty(target)
        raise
    except BaseException as exc:
        _empty(target)
        if not isinstance(exc, _UNREADABLE):
            raise
        raise PackageArchiveRefused(f"The archive {name} cannot be read: {exc}.") from None


_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    struct.error,
    NotImplementedError,  # an unknown compression method
    RuntimeError,  # an encrypted member
)


def _extract_all(archive: Path | BinaryIO, target: Path, progress: Progress) -> None:
    with zipfile.ZipFile(archive) as opened:
        members = checked_members(opened.infolist())
        total = sum(info.file_size for info, _ in members)
        done = 0
        for info, parts in members:
            progress.step(f"Unpacking {info.filename}", done, total)
            _extract(opened, info, parts, target)
            done += info.file_size


def _empty(target: Path) -> None:
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def checked_members(
    infos: Sequence[zipfile.ZipInfo],
) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Every member with its path parts, or PackageArchiveRefused naming the first bad one."""
    if len(infos) > MAX_MEMBERS:
        raise PackageArchiveRefused(
            f"The archive has {len(infos)} members; at most {MAX_MEMBERS} are read."
        )
    seen: set[tuple[str, ...]] = set()
    total = 0
    members = []
    for info in infos:
        parts = member_parts(info.filename)
        _refuse_special(info)
        if parts in seen:
            raise PackageArchiveRefused(f"The archive holds {info.filename!r} twice.")
        seen.add(parts)
        _refuse_bomb(info)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise PackageArchiveRefused(
                "The archive would unpack to more than 64 GiB; it is refused."
            )
        members.append((info, parts))
    return members


def member_parts(name: str) -> tuple[str, ...]:
    """A member name as safe relative path parts (PackageArchiveRefused otherwise)."""
    shown = repr(name[:80])
    if not name or len(name) > MAX_NAME_CHARS or "\x00" in name:
        raise PackageArchiveRefused(f"The archive holds a member with an impossible name {shown}.")
    if "\\" in name:
        raise PackageArchiveRefused(f"The archive member {shown} uses backslashes; refused.")
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        raise PackageArchiveRefused(f"The archive member {shown} has an absolute path; refused.")
    parts = tuple(part for part in name.rstrip("/").split("/"))
    if any(part in {"", ".", ".."} for part in parts):
        raise PackageArchiveRefused(
            f"The archive member {shown} would be written outside the folder (path "
            "traversal); refused."
        )
    return parts


def _refuse_special(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageArchiveRefused(
            f"The archive member {info.filename!r} is a symbolic link; refused."
        )
    kind = stat.S_IFMT(mode)  # zero when the archiver stored permissions only
    if kind and kind not in {stat.S_IFREG, stat.S_IFDIR}:
        raise PackageArchiveRefused(
            f"The archive member {info.filename!r} is not a plain file; refused."
        )
    if info.flag_bits & 0x1:
        raise PackageArchiveRefused(f"The archive member {info.filename!r} is encrypted; refused.")


def _refuse_bomb(info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_MEMBER_BYTES:
        raise PackageArchiveRefused(
            f"The archive member {info.filename!r} is larger than 16 GiB; refused."
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise PackageArchiveRefused(
            f"The archive member {info.filename!r} would inflate {info.file_size} bytes out of "
            f"{info.compress_size} (a ZIP bomb); refused."
        )


def _extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, parts: tuple[str, ...], target: Path
) -> None:
    destination = target.joinpath(*parts)
    if not destination.resolve().is_relative_to(target.resolve()):
        raise PackageArchiveRefused(
            f"The archive member {info.filename!r} leaves the folder; refused."
        )
    if info.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, destination.open("xb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size:  # a header that lies about the size
                raise PackageArchiveRefused(
                    f"The archive member {info.filename!r} is larger than its header says; refused."
                )
            out.write(chunk)
