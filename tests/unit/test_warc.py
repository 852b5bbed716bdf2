"""WARC files from recorded exchanges: read back with warcio, checked by verify."""

import gzip
import hashlib
import io
import zlib

from warcio.archiveiterator import ArchiveIterator

from workstation.casefile.evidence_store import StoredArtifact
from workstation.evidence.manifest import ArtifactBytes, build_manifest
from workstation.evidence.verify import verify_item
from workstation.evidence.warc import check_warc, warc_bytes
from workstation.route.recording import RecordedExchange, TlsInfo

BODY = b"<html><title>shop</title>40 cartons</html>"


def exchange(path: str, body: bytes = BODY, *, chunked: bool = False) -> RecordedExchange:
    if chunked:
        head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        payload = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    else:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        payload = body
    return RecordedExchange(
        persona=None,
        url=f"https://shop.example{path}",
        method="GET",
        request_head=f"GET {path} HTTP/1.1\r\nHost: shop.example\r\n\r\n".encode(),
        request_body=b"",
        response_head=head,
        response_body=payload,
        started_utc="2026-11-30T10:00:00.000001Z",
        finished_utc="2026-11-30T10:00:00.200000Z",
        tls=TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1", (b"\x30\x03\x02\x01\x01",)),
    )


def test_records_read_back_with_their_payloads_and_tls_metadata() -> None:
    data = warc_bytes([exchange("/"), exchange("/more", b"chunks!", chunked=True)], {"a": "b"})
    kinds, payloads, metadata = [], {}, b""
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        kinds.append(record.rec_type)
        uri = record.rec_headers.get_header("WARC-Target-URI")
        if record.rec_type == "response":
            payloads[uri] = record.content_stream().read()
        elif record.rec_type == "metadata" and uri.endswith("/"):
            metadata = record.content_stream().read()
    assert kinds == ["warcinfo"] + ["response", "request", "metadata"] * 2
    assert payloads == {"https://shop.example/": BODY, "https://shop.example/more": b"chunks!"}
    assert b"tls-protocol: TLSv1.3" in metadata and b"BEGIN CERTIFICATE" in metadata
    checked = check_warc(data)
    assert checked.problems == () and checked.responses == 2


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed members of a multi-member gzip file (one per WARC record)."""
    members = []
    while data:
        inflater = zlib.decompressobj(wbits=31)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    return members


def manifest_and_artifact(warc: bytes, exchanges: int) -> tuple[str, bytes, StoredArtifact]:
    artifact = ArtifactBytes("page.warc.gz", "application/warc", warc)
    manifest = build_manifest("page-snapshot", {"recorded_exchanges": exchanges}, [artifact])
    stored = StoredArtifact(
        "page.warc.gz", "application/warc", hashlib.sha256(warc).hexdigest(), warc
    )
    return manifest.control_number, manifest.data, stored


def test_verify_accepts_a_sound_warc() -> None:
    number, manifest, stored = manifest_and_artifact(warc_bytes([exchange("/")], {}), 1)
    assert verify_item(number, manifest, [stored]).ok


def test_verify_catches_a_record_that_does_not_match_its_digest() -> None:
    # Re-sealed with a fresh manifest, so only the WARC's own digests can tell.
    members = [
        member.replace(b"40 cartons", b"90 cartons")
        for member in gzip_members(warc_bytes([exchange("/")], {}))
    ]
    altered = b"".join(gzip.compress(member) for member in members)
    number, manifest, stored = manifest_and_artifact(altered, 1)
    report = verify_item(number, manifest, [stored])
    assert not report.ok
    assert any("digest" in problem for problem in report.problems), report.problems


def test_verify_catches_a_warc_missing_exchanges() -> None:
    number, manifest, stored = manifest_and_artifact(warc_bytes([exchange("/")], {}), 3)
    report = verify_item(number, manifest, [stored])
    assert report.problems == [
        "artifact page.warc.gz holds 1 responses, the manifest says 3 exchanges were recorded"
    ]


def test_verify_reports_an_unreadable_warc_clearly() -> None:
    number, manifest, stored = manifest_and_artifact(b"\x1f\x8b not really gzip", 1)
    report = verify_item(number, manifest, [stored])
    assert any("cannot be read" in problem for problem in report.problems), report.problems
