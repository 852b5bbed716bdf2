"""WACZ 1.1.1 packages of exhibits' WARC files, and a checker for them.

A WACZ is a ZIP file that replay tools (ReplayWeb.page, pywb) open as a web archive:

    archive/<name>.warc.gz     each exhibit's WARC, STORED (not deflated) so a
                               reader can seek straight to a record
    indexes/index.cdxj         every response record: URL key, time, file, offset
    pages/pages.jsonl          the pages the exhibits show (the replay tool's list)
    datapackage.json           every other file with its SHA-256 and size
    datapackage-digest.json    the SHA-256 of datapackage.json

Everything is written from memory straight into the ZIP: no temporary files.
"""

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from workstation.evidence.cdxj import (
    CdxjEntry,
    CdxjError,
    cdxj_timestamp,
    index_warc,
    parse_cdxj_line,
    payload_digest,
    strip_digest_label,
    surt_urlkey,
)
from workstation.evidence.warc import check_warc

WACZ_VERSION = "1.1.1"
DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
INDEX_PATH = "indexes/index.cdxj"
PAGES_PATH = "pages/pages.jsonl"
ARCHIVE_DIR = "archive/"
WARC_SUFFIX = ".warc.gz"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_FILE_MODE = 0o644 << 16  # permissions an unzip tool gives the extracted files


@dataclass(frozen=True)
class ExhibitForExport:
    """One exhibit's WARC and the page it shows, ready to go into a WACZ."""

    name: str  # file name stem in archive/: letters, digits, ".", "_", "-"
    warc: bytes  # a gzip WARC (one gzip member per record)
    page_url: str | None  # the page the exhibit shows; None lists no page
    title: str = ""
    page_id: str = ""  # the page's id in pages.jsonl (default: name)
    text: str | None = None  # the page's visible text, for the replay tool's search
    warc_sha256: str | None = None  # the WARC's SHA-256 when the caller has just verified it


@dataclass(frozen=True)
class WaczEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class WaczSummary:
    entries: tuple[WaczEntry, ...]  # every file in the ZIP, in the order written
    warc_files: int
    indexed_records: int
    pages: int
    warnings: tuple[str, ...]


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class WaczWriter:
    """Writes a WACZ exhibit by exhibit (each WARC is held in memory only while added)."""

    def __init__(
        self,
        out: BinaryIO,
        *,
        title: str,
        description: str,
        software: str,
        created_utc: str | None = None,
    ) -> None:
        self._zip = zipfile.ZipFile(out, mode="w", allowZip64=True)
        self._meta = {"title": title, "description": description, "software": software}
        self._created = created_utc or _utc_now()
        moment = datetime.fromisoformat(self._created)
        self._date_time = (
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
        )
        self._entries: list[WaczEntry] = []
        self._index: list[CdxjEntry] = []
        self._pages: list[dict[str, Any]] = []
        self._warnings: list[str] = []
        self._names: set[str] = set()

    def add(self, exhibit: ExhibitForExport) -> None:
        """Store the exhibit's WARC, index its records and list its page."""
        if not _SAFE_NAME.fullmatch(exhibit.name):
            raise ValueError(f"unsafe WARC name {exhibit.name!r}")
        filename = exhibit.name + WARC_SUFFIX
        if filename in self._names:
            raise ValueError(f"two exhibits are both named {exhibit.name!r}")
        self._names.add(filename)
        entries = index_warc(exhibit.warc, filename)  # raises CdxjError before anything is written
        self._write(
            ARCHIVE_DIR + filename,
            exhibit.warc,
            zipfile.ZIP_STORED,
            known_sha256=exhibit.warc_sha256,
        )
        self._index.extend(entries)
        if exhibit.page_url is not None:
            self._add_page(exhibit, entries)

    def _add_page(self, exhibit: ExhibitForExport, entries: list[CdxjEntry]) -> None:
        wanted = surt_urlkey(exhibit.page_url or "")
        captures = [entry for entry in entries if entry.urlkey == wanted]
        if not captures:
            self._warnings.append(
                f"{exhibit.name}: the page {exhibit.page_url} is not among its recorded "
                "responses, so it is not listed as a page (its WARC is in the package)"
            )
            return
        best = next((e for e in captures if e.status.startswith("2")), captures[0])
        page: dict[str, Any] = {
            "id": exhibit.page_id or exhibit.name,
            "url": best.url,
            "ts": _iso_from_timestamp(best.timestamp),
            "title": exhibit.title or best.url,
        }
        if exhibit.text:
            page["text"] = exhibit.text
        self._pages.append(page)

    def _write(
        self, path: str, data: bytes, compression: int, *, known_sha256: str | None = None
    ) -> None:
        info = zipfile.ZipInfo(path, date_time=self._date_time)
        info.compress_type = compression
        info.external_attr = _FILE_MODE
        self._zip.writestr(info, data)
        self._entries.append(WaczEntry(path, known_sha256 or _sha256(data), len(data)))

    def finish(self) -> WaczSummary:
        """Write the index, the pages and the data package, and close the ZIP."""
        try:
            self._index.sort(key=lambda entry: entry.sort_key)
            index = "".join(entry.line() + "\n" for entry in self._index).encode("utf-8")
            self._write(INDEX_PATH, index, zipfile.ZIP_DEFLATED)
            self._write(PAGES_PATH, self._pages_bytes(), zipfile.ZIP_DEFLATED)
            package = self._datapackage_bytes()
            self._write(DATAPACKAGE, package, zipfile.ZIP_DEFLATED)
            digest = {"path": DATAPACKAGE, "hash": "sha256:" + _sha256(package)}
            self._write(DATAPACKAGE_DIGEST, _json_bytes(digest), zipfile.ZIP_DEFLATED)
        finally:
            self._zip.close()
        return WaczSummary(
            entries=tuple(self._entries),
            warc_files=len(self._names),
            indexed_records=len(self._index),
            pages=len(self._pages),
            warnings=tuple(self._warnings),
        )

    def abort(self) -> None:
        """Close the ZIP after a failure (the file is incomplete and must be discarded)."""
        self._zip.close()

    def _pages_bytes(self) -> bytes:
        lines = [json.dumps(PAGES_HEADER, ensure_ascii=False)]
        lines += [json.dumps(page, ensure_ascii=False) for page in self._pages]
        return "".join(line + "\n" for line in lines).encode("utf-8")

    def _datapackage_bytes(self) -> bytes:
        package: dict[str, Any] = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            **self._meta,
            "created": self._created,
        }
        if self._pages:
            package["mainPageUrl"] = self._pages[0]["url"]
            package["mainPageDate"] = self._pages[0]["ts"]
        package["resources"] = [
            {
                "name": entry.path.rsplit("/", 1)[-1],
                "path": entry.path,
                "hash": "sha256:" + entry.sha256,
                "bytes": entry.size,
            }
            for entry in self._entries
        ]
        return _json_bytes(package)


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _iso_from_timestamp(timestamp: str) -> str:
    moment = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_wacz(
    out: BinaryIO,
    exhibits: Iterable[ExhibitForExport],
    *,
    title: str,
    description: str,
    software: str,
) -> WaczSummary:
    """Write a WACZ of the exhibits' WARC files to out (a binary file open for writing)."""
    writer = WaczWriter(out, title=title, description=description, software=software)
    try:
        for exhibit in exhibits:
            writer.add(exhibit)
    except BaseException:
        writer.abort()
        raise
    return writer.finish()


# -- checking a WACZ ----------------------------------------------------------------


def check_wacz(path: Path) -> list[str]:
    """Problems with a WACZ file: missing or altered files, unreadable WARC files,
    index lines that do not lead to a record of their URL. Empty when all is well."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [f"{path.name} is not a readable ZIP file ({exc})"]


def _check_archive(archive: zipfile.ZipFile) -> list[str]:
    problems: list[str] = []
    contents = _read_entries(archive, problems)
    package = _check_datapackage(contents, problems)
    if package is not None:
        _check_resources(package, contents, problems)
    for info in archive.infolist():
        if info.filename.startswith(ARCHIVE_DIR) and info.compress_type != zipfile.ZIP_STORED:
            problems.append(f"{info.filename} is compressed in the ZIP; WARC files must be stored")
    for name, data in contents.items():
        if name.startswith(ARCHIVE_DIR):
            problems.extend(f"{name}: {problem}" for problem in check_warc(data).problems)
    indexed = _check_index(contents, problems)
    _check_pages(contents, indexed, problems)
    return problems


def _read_entries(archive: zipfile.ZipFile, problems: list[str]) -> dict[str, bytes]:
    contents: dict[str, bytes] = {}
    names = archive.namelist()
    if len(set(names)) != len(names):
        problems.append("the ZIP holds two entries of the same name")
    for name in names:
        try:
            contents[name] = archive.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            problems.append(f"{name} is damaged and cannot be read ({exc})")
    return contents


def _load_json(data: bytes, name: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(f"{name} is not valid JSON ({exc})")
        return None
    if not isinstance(value, dict):
        problems.append(f"{name} is not a JSON object")
        return None
    return value


def _check_datapackage(contents: dict[str, bytes], problems: list[str]) -> dict[str, Any] | None:
    if DATAPACKAGE not in contents:
        problems.append(f"{DATAPACKAGE} is missing")
        return None
    data = contents[DATAPACKAGE]
    if DATAPACKAGE_DIGEST not in contents:
        problems.append(f"{DATAPACKAGE_DIGEST} is missing")
    else:
        digest = _load_json(contents[DATAPACKAGE_DIGEST], DATAPACKAGE_DIGEST, problems)
        if digest is not None and digest.get("hash") != "sha256:" + _sha256(data):
            problems.append(f"{DATAPACKAGE} does not match the hash in {DATAPACKAGE_DIGEST}")
    package = _load_json(data, DATAPACKAGE, problems)
    if package is None:
        return None
    if package.get("profile") != "data-package" or package.get("wacz_version") != WACZ_VERSION:
        problems.append(f"{DATAPACKAGE} does not say it is a WACZ {WACZ_VERSION} data package")
    if not isinstance(package.get("resources"), list):
        problems.append(f"{DATAPACKAGE} has no list of resources")
        return None
    return package


def _check_resources(
    package: dict[str, Any], contents: dict[str, bytes], problems: list[str]
) -> None:
    listed: set[str] = set()
    for resource in package["resources"]:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            problems.append(f"{DATAPACKAGE} lists a malformed resource")
            continue
        path = resource["path"]
        listed.add(path)
        if path not in contents:
            problems.append(f"{path} is listed in {DATAPACKAGE} but missing")
            continue
        data = contents[path]
        if resource.get("hash") != "sha256:" + _sha256(data):
            problems.append(f"{path} does not match its SHA-256 in {DATAPACKAGE}")
        if resource.get("bytes") != len(data):
            problems.append(f"{path} is not the size {DATAPACKAGE} gives")
    for name in sorted(contents.keys() - listed - {DATAPACKAGE, DATAPACKAGE_DIGEST}):
        problems.append(f"{name} is in the package but not listed in {DATAPACKAGE}")


def _check_index(contents: dict[str, bytes], problems: list[str]) -> set[str]:
    """Check every CDXJ line against the record it points at; the URL keys indexed."""
    if INDEX_PATH not in contents:
        problems.append(f"{INDEX_PATH} is missing")
        return set()
    keys: set[str] = set()
    previous: tuple[str, str] | None = None
    text = contents[INDEX_PATH].decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{INDEX_PATH} line {number}"
        try:
            entry = parse_cdxj_line(line)
        except CdxjError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if previous is not None and (entry.urlkey, entry.timestamp) < previous:
            problems.append(f"{where}: the index is not sorted by URL key and time")
        previous = (entry.urlkey, entry.timestamp)
        keys.add(entry.urlkey)
        warc = contents.get(ARCHIVE_DIR + entry.filename)
        if warc is None:
            problems.append(f"{where}: the WARC file {entry.filename} is not in the package")
            continue
        problems.extend(f"{where}: {p}" for p in _check_entry(entry, warc))
    return keys


def _check_entry(entry: CdxjEntry, warc: bytes) -> list[str]:
    """Open the record at the entry's offset and compare it with what the entry says."""
    if entry.offset + entry.length > len(warc) or entry.length == 0:
        return [f"offset {entry.offset} and length {entry.length} lie outside {entry.filename}"]
    chunk = warc[entry.offset : entry.offset + entry.length]
    try:
        records = ArchiveIterator(io.BytesIO(chunk))
        found = []
        for record in records:
            payload = record.raw_stream.read()
            found.append((record, payload, records.get_record_length()))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, zlib.error) as exc:
        return [f"no WARC record starts at offset {entry.offset} of {entry.filename} ({exc})"]
    if len(found) != 1 or found[0][2] != entry.length:
        return [
            f"offset {entry.offset} and length {entry.length} do not frame exactly one record "
            f"of {entry.filename}"
        ]
    record, payload, _ = found[0]
    return _compare_record(entry, record, payload)


def _compare_record(entry: CdxjEntry, record: Any, payload: bytes) -> list[str]:
    problems = []
    if record.rec_headers.get_header("WARC-Target-URI") != entry.url:
        problems.append(f"the record at offset {entry.offset} is not of {entry.url}")
    try:
        stamp = cdxj_timestamp(record.rec_headers.get_header("WARC-Date") or "")
    except ValueError:
        stamp = ""
    if stamp != entry.timestamp:
        problems.append(f"the record at offset {entry.offset} is not from {entry.timestamp}")
    declared = record.rec_headers.get_header("WARC-Payload-Digest")
    if declared and strip_digest_label(declared) != entry.digest:
        problems.append(f"the record at offset {entry.offset} has another payload digest")
    if entry.urlkey != surt_urlkey(entry.url):
        problems.append(f"the URL key {entry.urlkey} does not belong to {entry.url}")
    if not declared and payload_digest(payload) != entry.digest:
        problems.append(f"the record at offset {entry.offset} has another payload digest")
    return problems


def _check_pages(contents: dict[str, bytes], indexed: set[str], problems: list[str]) -> None:
    if PAGES_PATH not in contents:
        problems.append(f"{PAGES_PATH} is missing")
        return
    lines = contents[PAGES_PATH].decode("utf-8", "replace").splitlines()
    if not lines or _json_line(lines[0]).get("format") != PAGES_HEADER["format"]:
        problems.append(f"{PAGES_PATH} does not start with the json-pages-1.0 header")
    for number, line in enumerate(lines[1:], start=2):
        page = _json_line(line)
        if not isinstance(page.get("url"), str) or not isinstance(page.get("ts"), str):
            problems.append(f"{PAGES_PATH} line {number} is not a page with a URL and a time")
        elif surt_urlkey(page["url"]) not in indexed:
            problems.append(f"{PAGES_PATH} line {number}: {page['url']} is not in the index")


def _json_line(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
