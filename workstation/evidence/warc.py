"""WARC 1.1 files from the exchanges the route gate recorded.

Per exchange: a request record, a response record (the HTTP response exactly as it
came from the origin, transfer coding included, so replay tools see what the site sent)
and a metadata record with how the gate reached the origin: TLS protocol and cipher and
the origin's certificate chain as the gate validated it. WARC-IP-Address is left out on
purpose: the route (Tor or the proxy) resolves names, so the workstation never learns
the origin's address, and the metadata record says so.
"""

import base64
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from workstation.route.recording import RecordedExchange, TlsInfo

WARC_MEDIA_TYPE = "application/warc"
WARC_NAME = "page.warc.gz"
NO_ADDRESS = (
    "not known to the workstation: the route resolved the name and connected "
    "(the exit's address is in the exhibit's manifest)"
)


def _warc_date(utc: str) -> str:
    # WARC 1.1 allows fractions of a second; keep microseconds, drop nothing else.
    return utc if utc.endswith("Z") else utc + "Z"


def _pem(der: bytes) -> str:
    lines = base64.encodebytes(der).decode("ascii").replace("\n", "")
    wrapped = "\n".join(lines[i : i + 64] for i in range(0, len(lines), 64))
    return f"-----BEGIN CERTIFICATE-----\n{wrapped}\n-----END CERTIFICATE-----\n"


def _metadata(exchange: RecordedExchange) -> bytes:
    fields: list[tuple[str, str]] = [
        ("via", "the workstation's route gate (recording proxy)"),
        ("ip-address", NO_ADDRESS),
        ("persona", exchange.persona or "(none)"),
        ("complete", "yes" if exchange.complete else "no: the origin closed early"),
        ("truncated", "yes" if exchange.truncated else "no"),
    ]
    fields += _tls_fields(exchange.tls)
    return "".join(f"{name}: {value}\n" for name, value in fields).encode("utf-8")


def _tls_fields(tls: TlsInfo | None) -> list[tuple[str, str]]:
    if tls is None:
        return [("tls", "none (plain HTTP)")]
    fields = [("tls-protocol", tls.version), ("tls-cipher", tls.cipher)]
    if tls.alpn:
        fields.append(("tls-alpn", tls.alpn))
    for index, der in enumerate(tls.chain_der):
        pem = _pem(der).strip().replace("\n", "\n ")  # folded continuation lines
        fields.append((f"tls-certificate-{index}", pem))
    return fields


def write_warc(
    exchanges: Iterable[RecordedExchange],
    out: io.BufferedIOBase | io.BytesIO,
    warcinfo: Mapping[str, str],
) -> int:
    """Write a gzip WARC of exchanges to out; returns the number of exchanges written."""
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    info = writer.create_warcinfo_record(WARC_NAME, dict(warcinfo))
    writer.write_record(info)
    count = 0
    for exchange in exchanges:
        _write_exchange(writer, exchange)
        count += 1
    return count


def _record(
    writer: WARCWriter, url: str, kind: str, payload: bytes, content_type: str, **headers: str
) -> Any:
    return writer.create_warc_record(
        url,
        kind,
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_content_type=content_type,
        warc_headers_dict={name.replace("_", "-"): value for name, value in headers.items()},
    )


def _write_exchange(writer: WARCWriter, exchange: RecordedExchange) -> None:
    url, finished = exchange.url, _warc_date(exchange.finished_utc)
    truncated = {"WARC_Truncated": "length"} if exchange.truncated else {}
    response = _record(
        writer,
        url,
        "response",
        exchange.response_head + exchange.response_body,
        "application/http; msgtype=response",
        WARC_Date=finished,
        **truncated,
    )
    request = _record(
        writer,
        url,
        "request",
        exchange.request_head + exchange.request_body,
        "application/http; msgtype=request",
        WARC_Date=_warc_date(exchange.started_utc),
    )
    metadata = _record(
        writer, url, "metadata", _metadata(exchange), "application/warc-fields", WARC_Date=finished
    )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    request.rec_headers.add_header("WARC-Concurrent-To", response_id)
    metadata.rec_headers.add_header("WARC-Refers-To", response_id)
    for record in (response, request, metadata):
        writer.write_record(record)


def warc_bytes(exchanges: Iterable[RecordedExchange], warcinfo: Mapping[str, str]) -> bytes:
    buffer = io.BytesIO()
    write_warc(exchanges, buffer, warcinfo)
    return buffer.getvalue()


@dataclass(frozen=True)
class WarcCheck:
    records: int
    responses: int
    problems: tuple[str, ...]


def check_warc(data: bytes) -> WarcCheck:
    """Read every record back, checking the digests warcio can check."""
    problems: list[str] = []
    records = responses = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
            records += 1
            if record.rec_type == "response":
                responses += 1
            record.content_stream().read()
            if record.digest_checker.passed is False:
                problems.append(
                    f"record {records} ({record.rec_headers.get_header('WARC-Target-URI')}) "
                    "does not match its digest"
                )
    except (ArchiveLoadFailed, OSError, ValueError, EOFError) as exc:
        problems.append(f"the WARC cannot be read past record {records} ({exc})")
    return WarcCheck(records, responses, tuple(problems))
