"""WACZ packages: SURT keys, the CDXJ index, pages, the data package, and the checker;
and the export folder built around it (names, refusals, SHA256SUMS)."""

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from tests.support.cases import fast_case
from workstation.casefile import ArtifactData, Case
from workstation.errors import InputError
from workstation.evidence.cdxj import CdxjError, parse_cdxj_line, surt_urlkey
from workstation.evidence.export import _HashingFile, export_evidence, export_file_name
from workstation.evidence.manifest import ArtifactBytes, build_manifest
from workstation.evidence.wacz import ExhibitForExport, check_wacz, write_wacz
from workstation.evidence.warc import warc_bytes
from workstation.route.recording import RecordedExchange, TlsInfo

# -- SURT ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://example.com", "com,example)/"),
        ("http://example.com/", "com,example)/"),
        ("https://www.Example.COM/Path/Page.html", "com,example)/path/page.html"),
        ("http://www2.example.com/", "com,example)/"),
        ("http://sub.example.co.uk/a/b/", "uk,co,example,sub)/a/b"),
        ("https://example.com:443/x", "com,example)/x"),
        ("http://example.com:80/x", "com,example)/x"),
        ("https://example.com:8443/x", "com,example:8443)/x"),
        ("http://example.com:443/x", "com,example:443)/x"),
        ("https://127.0.0.1:8443/", "1,0,0,127:8443)/"),
        ("http://example.com/a?z=1&b=2&a=3", "com,example)/a?a=3&b=2&z=1"),
        ("http://example.com/a?b&a", "com,example)/a?a&b"),
        ("http://example.com/index.html?", "com,example)/index.html"),
        ("http://example.com/page#section", "com,example)/page"),
        ("http://user:secret@example.com/x", "com,example)/x"),
        ("https://example.com./x", "com,example)/x"),
        ("http://example.com/a/./b/../c", "com,example)/a/c"),
        ("http://example.com/%7Efoo", "com,example)/~foo"),
        ("http://example.com/a%2Fb", "com,example)/a%2fb"),
        ("http://example.com/a b", "com,example)/a%20b"),
        ("http://example.com/ü", "com,example)/%c3%bc"),
        ("http://[::1]:8080/x", "[::1]:8080)/x"),
        ("urn:example:thing", "urn:example:thing"),
    ],
)
def test_surt_keys(url: str, key: str) -> None:
    assert surt_urlkey(url) == key


URL_STARTS = st.sampled_from(["", "http://", "https://www.", "HTTP://[", "ftp://u:p@", "x:"])
URL_PARTS = st.text(alphabet="abcXYZ019.:/?&=#%[]@ ü\x00\n", max_size=50)


@settings(max_examples=10_000, deadline=None)
@given(st.tuples(URL_STARTS, URL_PARTS).map("".join) | st.text(max_size=60))
def test_surt_keys_never_fail_and_never_hold_a_separator(url: str) -> None:
    key = surt_urlkey(url)
    assert all("!" <= char <= "~" for char in key), key


CDXJ_BLOCKS = st.sampled_from(
    [
        '{"url": "u", "mime": "m", "status": "200", "digest": "D", "length": "5", '
        '"offset": "0", "filename": "f"}',
        '{"url": 1, "mime": "m", "status": 200, "digest": "D", "length": 5, '
        '"offset": -1, "filename": "f"}',
        '{"url": "u", "length": true}',
        "[]",
        "{",
    ]
)


@settings(max_examples=10_000, deadline=None)
@given(
    st.tuples(
        st.text(alphabet="ab,)/ 1", max_size=8),
        st.sampled_from(["20260304050608", "2026030405060", "２０２６０３０４０５０６０８", ""]),
        CDXJ_BLOCKS | st.text(max_size=30),
    ).map(" ".join)
    | st.text(max_size=80)
)
def test_cdxj_lines_are_read_or_refused_cleanly(line: str) -> None:
    try:
        entry = parse_cdxj_line(line)
    except CdxjError:
        return
    assert entry.timestamp.isascii() and entry.timestamp.isdigit() and len(entry.timestamp) == 14
    assert entry.offset >= 0 and entry.length >= 0


# -- synthetic exhibits -------------------------------------------------------------

PAGE_ONE = b"<!doctype html><title>Shop</title><link rel=stylesheet href=/s.css><p>40 cartons"
STYLE = b"p { color: red }"
PAGE_TWO = b"<!doctype html><title>Second</title><p>cheap cigarettes"


def exchange(
    url: str, body: bytes, kind: str = "text/html", status: str = "200 OK"
) -> RecordedExchange:
    host = url.split("/")[2]
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    return RecordedExchange(
        persona=None,
        url=url,
        method="GET",
        request_head=f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode(),
        request_body=b"",
        response_head=(
            f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode(),
        response_body=body,
        started_utc="2026-03-04T05:06:07.123456Z",
        finished_utc="2026-03-04T05:06:08.000001Z",
        tls=TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", None, (b"not really a certificate",)),
    )


def exhibits() -> list[ExhibitForExport]:
    first = warc_bytes(
        [
            exchange("https://shop.example:8443/", PAGE_ONE),
            exchange("https://shop.example:8443/s.css", STYLE, "text/css"),
        ],
        {"software": "test"},
    )
    second = warc_bytes(
        [
            exchange("http://www.other.example/old", b"", status="301 Moved Permanently"),
            exchange("http://www.other.example/new?b=2&a=1", PAGE_TWO),
        ],
        {"software": "test"},
    )
    return [
        ExhibitForExport("1-aaaaaaaaaaaa", first, "https://shop.example:8443/", "Shop", text="40"),
        ExhibitForExport("2-bbbbbbbbbbbb", second, "http://www.other.example/new?b=2&a=1", "Two"),
    ]


@pytest.fixture
def wacz_path(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.wacz"
    with path.open("wb") as out:
        summary = write_wacz(
            out, exhibits(), title="Case 7", description="Two pages", software="tests"
        )
    assert summary.warc_files == 2 and summary.pages == 2 and summary.indexed_records == 4
    assert summary.warnings == ()
    return path


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_package_lists_every_file_with_its_hash(wacz_path: Path) -> None:
    files = entries(wacz_path)
    package = json.loads(files["datapackage.json"])
    assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
    assert package["title"] == "Case 7" and package["software"] == "tests"
    assert package["mainPageUrl"] == "https://shop.example:8443/"
    assert package["mainPageDate"] == "2026-03-04T05:06:08Z"
    listed = {resource["path"]: resource for resource in package["resources"]}
    assert set(listed) == set(files) - {"datapackage.json", "datapackage-digest.json"}
    assert set(listed) == {
        "archive/1-aaaaaaaaaaaa.warc.gz",
        "archive/2-bbbbbbbbbbbb.warc.gz",
        "indexes/index.cdxj",
        "pages/pages.jsonl",
    }
    for path, resource in listed.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256(files[path]).hexdigest()
        assert resource["bytes"] == len(files[path])
        assert resource["name"] == path.rsplit("/", 1)[-1]
    digest = json.loads(files["datapackage-digest.json"])
    assert digest == {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest(),
    }
    with zipfile.ZipFile(wacz_path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("archive/"):
                assert info.compress_type == zipfile.ZIP_STORED
    assert check_wacz(wacz_path) == []


def test_index_lines_open_the_right_records(wacz_path: Path) -> None:
    files = entries(wacz_path)
    lines = files["indexes/index.cdxj"].decode().splitlines()
    assert [line.split(" ")[0] for line in lines] == [
        "example,other)/new?a=1&b=2",
        "example,other)/old",
        "example,shop:8443)/",
        "example,shop:8443)/s.css",
    ]
    assert lines == sorted(lines)
    seen = {}
    for line in lines:
        _key, stamp, block = line.split(" ", 2)
        fields = json.loads(block)
        assert stamp == "20260304050608"
        warc = files["archive/" + fields["filename"]]
        chunk = warc[int(fields["offset"]) : int(fields["offset"]) + int(fields["length"])]
        (record,) = list(ArchiveIterator(io.BytesIO(chunk)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        declared = record.rec_headers.get_header("WARC-Payload-Digest")
        assert declared == "sha1:" + fields["digest"]
        seen[fields["url"]] = (fields["status"], fields["mime"])
    assert seen == {
        "https://shop.example:8443/": ("200", "text/html"),
        "https://shop.example:8443/s.css": ("200", "text/css"),
        "http://www.other.example/old": ("301", "text/html"),
        "http://www.other.example/new?b=2&a=1": ("200", "text/html"),
    }


def test_pages_list_each_exhibit_page(wacz_path: Path) -> None:
    lines = [json.loads(line) for line in entries(wacz_path)["pages/pages.jsonl"].splitlines()]
    assert lines[0] == {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    assert lines[1:] == [
        {
            "id": "1-aaaaaaaaaaaa",
            "url": "https://shop.example:8443/",
            "ts": "2026-03-04T05:06:08Z",
            "title": "Shop",
            "text": "40",
        },
        {
            "id": "2-bbbbbbbbbbbb",
            "url": "http://www.other.example/new?b=2&a=1",
            "ts": "2026-03-04T05:06:08Z",
            "title": "Two",
        },
    ]


def test_a_page_matches_its_capture_by_key_and_a_missing_one_is_a_warning() -> None:
    (first, second) = exhibits()
    respelled = ExhibitForExport(first.name, first.warc, "https://SHOP.example:8443", "Shop")
    absent = ExhibitForExport(second.name, second.warc, "http://other.example/elsewhere", "X")
    summary = write_wacz(
        io.BytesIO(), [respelled, absent], title="t", description="d", software="s"
    )
    assert summary.pages == 1
    (warning,) = summary.warnings
    assert "http://other.example/elsewhere" in warning and "not listed" in warning


@pytest.mark.parametrize("name", ["../evil", "a/b", "", ".hidden", "x y"])
def test_unsafe_warc_names_are_refused(name: str) -> None:
    exhibit = ExhibitForExport(name, exhibits()[0].warc, None)
    with pytest.raises(ValueError, match="unsafe"):
        write_wacz(io.BytesIO(), [exhibit], title="t", description="d", software="s")


def test_a_damaged_warc_is_refused_before_anything_is_written() -> None:
    exhibit = ExhibitForExport("1-x", b"\x1f\x8b\x08\x00 not a warc at all", None)
    with pytest.raises(CdxjError, match="cannot be read"):
        write_wacz(io.BytesIO(), [exhibit], title="t", description="d", software="s")


# -- the checker finds damage -------------------------------------------------------


def data_start(raw: bytes, info: zipfile.ZipInfo) -> int:
    header = info.header_offset
    name_length = int.from_bytes(raw[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(raw[header + 28 : header + 30], "little")
    return header + 30 + name_length + extra_length


ENTRY_NAMES = [
    "archive/1-aaaaaaaaaaaa.warc.gz",
    "archive/2-bbbbbbbbbbbb.warc.gz",
    "indexes/index.cdxj",
    "pages/pages.jsonl",
    "datapackage.json",
    "datapackage-digest.json",
]


@pytest.mark.parametrize("name", ENTRY_NAMES)
def test_a_flipped_byte_in_any_entry_is_found(wacz_path: Path, name: str) -> None:
    raw = bytearray(wacz_path.read_bytes())
    with zipfile.ZipFile(wacz_path) as archive:
        info = archive.getinfo(name)
    raw[data_start(bytes(raw), info) + info.compress_size // 2] ^= 0x01
    wacz_path.write_bytes(bytes(raw))
    problems = check_wacz(wacz_path)
    assert any(name in problem for problem in problems), problems


def rebuild(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Rewrite the ZIP with changed contents (valid CRCs: only our own hashes can tell)."""
    files = entries(path)
    change(files)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            stored = name.startswith("archive/")
            archive.writestr(name, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


def reseal(files: dict[str, bytes]) -> None:
    """Make datapackage.json and its digest agree with the (changed) files again."""
    package = json.loads(files["datapackage.json"])
    for resource in package["resources"]:
        data = files[resource["path"]]
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resource["bytes"] = len(data)
    files["datapackage.json"] = json.dumps(package).encode()
    digest = hashlib.sha256(files["datapackage.json"]).hexdigest()
    files["datapackage-digest.json"] = json.dumps(
        {"path": "datapackage.json", "hash": "sha256:" + digest}
    ).encode()


@pytest.mark.parametrize("name", ENTRY_NAMES)
def test_changed_content_with_a_valid_zip_checksum_is_found(wacz_path: Path, name: str) -> None:
    def change(files: dict[str, bytes]) -> None:
        data = bytearray(files[name])
        data[len(data) // 2] ^= 0x20
        files[name] = bytes(data)

    rebuild(wacz_path, change)
    problems = check_wacz(wacz_path)
    assert problems, name
    assert any(name in problem for problem in problems), problems


def test_a_wrong_index_offset_is_found(wacz_path: Path) -> None:
    def shift(files: dict[str, bytes]) -> None:
        lines = files["indexes/index.cdxj"].decode().splitlines()
        key, stamp, block = lines[2].split(" ", 2)  # the shop's page
        fields = json.loads(block)
        fields["offset"] = str(int(fields["offset"]) + 7)
        lines[2] = f"{key} {stamp} {json.dumps(fields)}"
        files["indexes/index.cdxj"] = ("\n".join(lines) + "\n").encode()
        reseal(files)

    rebuild(wacz_path, shift)
    problems = check_wacz(wacz_path)
    assert len(problems) == 1 and "indexes/index.cdxj line 3" in problems[0], problems


def test_an_offset_of_another_record_is_found(wacz_path: Path) -> None:
    def swap(files: dict[str, bytes]) -> None:
        lines = files["indexes/index.cdxj"].decode().splitlines()
        page = json.loads(lines[2].split(" ", 2)[2])
        style_key, style_stamp, style_block = lines[3].split(" ", 2)
        style = json.loads(style_block)
        style["offset"], style["length"] = page["offset"], page["length"]
        lines[3] = f"{style_key} {style_stamp} {json.dumps(style)}"
        files["indexes/index.cdxj"] = ("\n".join(lines) + "\n").encode()
        reseal(files)

    rebuild(wacz_path, swap)
    problems = check_wacz(wacz_path)
    assert any("line 4" in p and "is not of https://shop.example:8443/s.css" in p for p in problems)


def test_a_missing_file_and_a_compressed_warc_are_found(wacz_path: Path) -> None:
    files = entries(wacz_path)
    with zipfile.ZipFile(wacz_path, "w") as archive:
        for name, data in files.items():
            if name != "pages/pages.jsonl":
                archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    problems = check_wacz(wacz_path)
    assert any("pages/pages.jsonl is listed" in p and "missing" in p for p in problems)
    assert any("must be stored" in p for p in problems)


def test_something_that_is_no_zip_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.wacz"
    path.write_bytes(b"PK\x03\x04 truncated")
    (problem,) = check_wacz(path)
    assert "not a readable ZIP" in problem


# -- the export folder --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("page.warc.gz", "page.warc.gz"),
        ("../../etc/passwd", "passwd"),
        ("..", "artifact"),
        ("a\\..\\b.txt", "b.txt"),
        (".bashrc", "bashrc"),
        ("-rf", "rf"),
        ("report\n2024.pdf", "report_2024.pdf"),
        ("", "artifact"),
    ],
)
def test_artifact_names_become_safe_file_names(name: str, safe: str) -> None:
    assert export_file_name(name) == safe


def seal(case: Case, kind: str, artifacts: list[ArtifactBytes], **fields: object) -> int:
    manifest = build_manifest(kind, fields, artifacts)
    return case.add_evidence(
        manifest.control_number,
        manifest.data,
        [ArtifactData(a.name, a.media_type, a.data) for a in artifacts],
    )


def test_export_keeps_every_file_inside_the_folder(tmp_path: Path) -> None:
    with fast_case(tmp_path / "case") as case:
        warc = exhibits()[0].warc
        page = seal(
            case, "page-snapshot",
            [ArtifactBytes("page.warc.gz", "application/warc", warc),
             ArtifactBytes("page.txt", "text/plain", b"40 cartons")],
            final_url="https://shop.example:8443/", title="Shop",
        )  # fmt: skip
        hostile = seal(
            case, "download",
            [ArtifactBytes("../../escaped.txt", "text/plain", b"one"),
             ArtifactBytes("manifest.json", "application/json", b"two"),
             ArtifactBytes("..", "text/plain", b"three")],
            source_url="https://shop.example:8443/file",
        )  # fmt: skip
        out = tmp_path / "deep" / "export"
        summary = export_evidence(case, out, None)
        events = [e for e in case.audit_events() if e.action == "evidence.exported"]
    assert (
        not (tmp_path / "escaped.txt").exists() and not (tmp_path / "deep" / "escaped.txt").exists()
    )
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert all(not part.startswith(".") for path in written for part in path.split("/"))
    (page_export, download_export) = summary.exhibits
    assert page_export.item_id == page and page_export.in_wacz
    assert download_export.item_id == hostile and not download_export.in_wacz
    assert dict(download_export.renamed) == {
        "../../escaped.txt": "escaped.txt",
        "manifest.json": "manifest-2.json",
        "..": "artifact",
    }
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in sums) == sorted(
        path for path in written if path != "SHA256SUMS"
    )
    for line in sums:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest
    readme = (out / "README.txt").read_text()
    assert "openssl ts -verify" in readme and "'../../escaped.txt' -> escaped.txt" in readme
    assert check_wacz(out / "evidence.wacz") == []
    assert len(events) == 1 and events[0].details["files"] == summary.files


def test_export_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("keep me")
    with fast_case(tmp_path / "case") as case:
        seal(case, "download", [ArtifactBytes("a.txt", "text/plain", b"a")], source_url="x")
        with pytest.raises(InputError, match="not empty"):
            export_evidence(case, tmp_path / "out", None)
        with pytest.raises(InputError, match="no exhibit 9"):
            export_evidence(case, tmp_path / "fresh", [9])
    assert (tmp_path / "out" / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["notes.txt"]
    assert not (tmp_path / "fresh").exists()


def test_the_wacz_is_hashed_while_it_is_written_not_read_back(tmp_path: Path) -> None:
    target = tmp_path / "hashed.zip"
    sink = _HashingFile(target.open("wb"))
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:
        archive.writestr("archive/a.warc.gz", os.urandom(3 * 1024 * 1024), zipfile.ZIP_STORED)
        archive.writestr(
            "indexes/index.cdxj", b"key 20260101000000 {}\n" * 1000, zipfile.ZIP_DEFLATED
        )
        with archive.open("big.bin", "w", force_zip64=True) as member:
            member.write(b"x" * 100_000)
    sink.close()
    data = target.read_bytes()
    assert sink.digest() == (hashlib.sha256(data).hexdigest(), len(data))
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None


def test_an_unexpected_rewrite_leaves_the_digest_to_a_read_back(tmp_path: Path) -> None:
    sink = _HashingFile((tmp_path / "odd.bin").open("wb"))
    sink.write(b"abcdef")
    sink.seek(2)
    sink.write(b"Z")  # not the length of anything written: no digest can be trusted
    sink.close()
    assert sink.digest() is None
