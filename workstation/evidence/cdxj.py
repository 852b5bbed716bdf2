"""CDXJ indexes of WARC files, with SURT URL keys.

A CDXJ line is ``<urlkey> <14-digit timestamp> {json}``; the JSON says where a record
lies (WARC file name, offset and length of its gzip member) and what it holds (URL,
media type, status, payload digest). Replay tools (pywb, ReplayWeb.page) find a
capture by binary search over lines sorted by URL key, so the key must be written the
way they compute it from a URL: the SURT form.

SURT, as written here (the form the Internet Archive's and pywb's indexes use):
scheme, user info and fragment dropped; host lower-cased, a trailing dot and a leading
``www.`` (or ``www2.``...) dropped, labels reversed and joined with commas (IPv6 stays
in brackets); the port kept unless it is the scheme's default; ``)``; the path with dot
segments resolved, a trailing slash dropped (except the root), escapes of unreserved
characters decoded; the query's arguments sorted, an empty query dropped. The key is
lower-cased, and every byte outside printable ASCII is percent-escaped, so a key never
holds a space (the field separator) or a line break.
"""

import base64
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
INDEXED_RECORD_TYPES = frozenset({"response", "revisit", "resource"})
UNKNOWN_MIME = "unk"
_WWW = re.compile(r"^www\d*\.")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class CdxjError(ValueError):
    """A CDXJ line that cannot be read."""


# -- SURT ---------------------------------------------------------------------------


def surt_urlkey(url: str) -> str:
    """The SURT key of a URL (see the module's docstring for the rules)."""
    text = url.strip()
    scheme_match = _SCHEME.match(text)
    if scheme_match is None or not text[scheme_match.end() :].startswith("//"):
        return _printable(text.lower())  # no authority (e.g. "urn:...", "about:blank")
    scheme = scheme_match.group(0)[:-1].lower()
    rest = text[scheme_match.end() + 2 :]
    rest = rest.split("#", 1)[0]
    authority, path, query = _split_rest(rest)
    host, port = _split_authority(authority)
    key = _surt_host(host)
    if port and port.lstrip("0") != DEFAULT_PORTS.get(scheme, "").lstrip("0"):
        key += ":" + port
    key += ")" + _canonical_path(path)
    sorted_query = _canonical_query(query)
    if sorted_query:
        key += "?" + sorted_query
    return _printable(key.lower())


def _split_rest(rest: str) -> tuple[str, str, str | None]:
    end = len(rest)
    for mark in "/?":
        found = rest.find(mark)
        if found != -1:
            end = min(end, found)
    authority, tail = rest[:end], rest[end:]
    path, has_query, query = tail.partition("?")
    return authority, path, query if has_query else None


def _split_authority(authority: str) -> tuple[str, str]:
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        address, _, after = hostport.partition("]")
        return address + "]", after[1:] if after.startswith(":") else ""
    host, colon, port = hostport.rpartition(":")
    if colon and (port.isdigit() or not port):
        return host, port
    return hostport, ""


def _surt_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host.startswith("["):
        return host  # an IPv6 literal has no labels to reverse
    host = _WWW.sub("", host)
    return ",".join(reversed(host.split(".")))


def _canonical_path(path: str) -> str:
    segments: list[str] = []
    for segment in _decode_unreserved(path).split("/")[1:]:
        if segment == "..":
            if segments:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    canonical = "/" + "/".join(segments)
    return canonical.rstrip("/") or "/"


def _canonical_query(query: str | None) -> str:
    if not query:
        return ""
    arguments = [argument for argument in _decode_unreserved(query).split("&") if argument]
    return "&".join(sorted(argument.lower() for argument in arguments))


def _decode_unreserved(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        value = int(match.group(1), 16)
        return chr(value) if value in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(decode, text)


def _printable(text: str) -> str:
    if all("!" <= char <= "~" for char in text):
        return text
    out = []
    for char in text:
        if "!" <= char <= "~":
            out.append(char)
        else:
            raw = char.encode("utf-8", "surrogatepass")
            out.append("".join(f"%{byte:02x}" for byte in raw))
    return "".join(out)


# -- CDXJ lines ---------------------------------------------------------------------


@dataclass(frozen=True)
class CdxjEntry:
    """One indexed record: where it lies in which WARC file, and what it holds."""

    urlkey: str
    timestamp: str  # 14 digits, UTC
    url: str
    mime: str
    status: str
    digest: str  # base32 SHA-1 of the payload, without the "sha1:" label
    length: int
    offset: int
    filename: str

    def line(self) -> str:
        # Strings throughout, as pywb and its indexer write them (pywb reads status as text).
        fields = {
            "url": self.url,
            "mime": self.mime,
            "status": self.status,
            "digest": self.digest,
            "length": str(self.length),
            "offset": str(self.offset),
            "filename": self.filename,
        }
        return f"{self.urlkey} {self.timestamp} {json.dumps(fields)}"

    @property
    def sort_key(self) -> tuple[str, str, str, int]:
        return (self.urlkey, self.timestamp, self.filename, self.offset)


def parse_cdxj_line(line: str) -> CdxjEntry:
    """Read one CDXJ line; CdxjError says what is wrong with it."""
    parts = line.rstrip("\r\n").split(" ", 2)
    if len(parts) != 3:
        raise CdxjError("a line needs a URL key, a timestamp and a JSON block")
    urlkey, timestamp, block = parts
    if not re.fullmatch(r"[0-9]{14}", timestamp):
        raise CdxjError(f"the timestamp {timestamp[:40]!r} is not 14 digits")
    try:
        fields = json.loads(block)
    except ValueError as exc:
        raise CdxjError(f"the JSON block cannot be read ({exc})") from exc
    if not isinstance(fields, dict):
        raise CdxjError("the JSON block is not an object")
    try:
        return CdxjEntry(
            urlkey=urlkey,
            timestamp=timestamp,
            url=_text_field(fields, "url"),
            mime=_text_field(fields, "mime"),
            status=_text_field(fields, "status"),
            digest=_text_field(fields, "digest"),
            length=_number_field(fields, "length"),
            offset=_number_field(fields, "offset"),
            filename=_text_field(fields, "filename"),
        )
    except (KeyError, TypeError) as exc:
        raise CdxjError(f"the JSON block lacks a valid {exc}") from exc


def _text_field(fields: dict[str, object], name: str) -> str:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(name)
    return str(value)


def _number_field(fields: dict[str, object], name: str) -> int:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(name)
    text = str(value)
    if not text.isascii() or not text.isdigit():
        raise TypeError(name)
    return int(text)


# -- indexing a WARC ----------------------------------------------------------------


def cdxj_timestamp(warc_date: str) -> str:
    """14-digit UTC timestamp of a WARC-Date (fractions of a second dropped)."""
    moment = datetime.fromisoformat(warc_date.strip())
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M%S")


def payload_digest(payload: bytes) -> str:
    return base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")  # noqa: S324  (WARC's own digest)


def strip_digest_label(value: str) -> str:
    return value.split(":", 1)[1] if ":" in value else value


def index_warc(data: bytes, filename: str) -> list[CdxjEntry]:
    """Index every response (and revisit, resource) record of a gzip WARC file.

    Offsets and lengths are those of each record's gzip member in ``data``.
    Raises CdxjError when the WARC cannot be read.
    """
    try:
        return list(_index_records(data, filename))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError) as exc:
        raise CdxjError(f"{filename} cannot be read as a WARC file ({exc})") from exc


def _index_records(data: bytes, filename: str) -> Iterator[CdxjEntry]:
    records = ArchiveIterator(io.BytesIO(data))
    for record in records:
        if record.rec_type not in INDEXED_RECORD_TYPES:
            continue
        payload = record.raw_stream.read()
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        declared = record.rec_headers.get_header("WARC-Payload-Digest")
        yield CdxjEntry(
            urlkey=surt_urlkey(url),
            timestamp=cdxj_timestamp(record.rec_headers.get_header("WARC-Date") or ""),
            url=url,
            mime=_mime(record),
            status=_status(record),
            digest=strip_digest_label(declared) if declared else payload_digest(payload),
            length=records.get_record_length(),
            offset=records.get_record_offset(),
            filename=filename,
        )


def _mime(record: object) -> str:
    headers = getattr(record, "http_headers", None)
    content_type = headers.get_header("Content-Type") if headers is not None else None
    if content_type is None:
        rec_headers = getattr(record, "rec_headers", None)
        content_type = rec_headers.get_header("Content-Type") if rec_headers else None
    if not content_type:
        return UNKNOWN_MIME
    return str(content_type).split(";", 1)[0].strip().lower() or UNKNOWN_MIME


def _status(record: object) -> str:
    headers = getattr(record, "http_headers", None)
    if headers is None:
        return "200"  # a resource record has no HTTP status: it is what was taken
    status = headers.get_statuscode()
    return str(status) if status else "-"
