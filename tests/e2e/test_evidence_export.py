"""`evidence export`: two HTTPS pages captured through the real route and timestamped by
a real `openssl ts` authority are exported, then checked the way a court's expert or a
partner unit would: sha256sum, openssl ts -verify, warcio, and replay in pywb."""

import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support.cases import PASSPHRASE
from tests.support.cli import run_cli
from tests.support.http import LoopbackHttpServer, static_site
from tests.support.procs import require_program
from tests.support.pywb import PywbServer
from tests.support.socks import Microsocks
from tests.support.testca import TestCA
from tests.support.tsa import OpenSslTsa
from workstation.evidence.wacz import check_wacz

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Secure shop</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Secure shop</h1><p id="offer">40 cartons, no tax stamps</p>
<img src="/carton.png" alt="carton"></body></html>"""
SECOND = b"""<!doctype html><html><head><meta charset="utf-8"><title>Price list</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Prices</h1><table><tr><td>Carton</td><td>19 EUR</td></tr></table></body></html>"""
STYLE = b"h1 { color: #036; } table { border: 1px solid; }"
# The smallest PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105"
    "4b1c3e1f0000000049454e44ae426082"
)


SHOP_FILES = {
    "/": ("text/html; charset=utf-8", PAGE),
    "/prices": ("text/html; charset=utf-8", SECOND),
    "/style.css": ("text/css", STYLE),
    "/carton.png": ("image/png", PIXEL),
}
Shop = static_site(SHOP_FILES)


@dataclass
class Exported:
    root: Path
    out: Path
    environment: dict[str, str]
    case_path: Path
    captured: list[dict[str, Any]]
    summary: dict[str, Any]
    tsa: OpenSslTsa
    page_url: str
    prices_url: str

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, stdin=PASSPHRASE + "\n", env=self.environment)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    """Capture two pages (timestamped) into a case once, and export them."""
    root = tmp_path_factory.mktemp("evidence-export")
    (root / "home").mkdir()
    (root / "tsa").mkdir()
    environment = dict(os.environ, WORKSTATION_HOME=str(root / "home"))
    test_ca = TestCA()
    shop = LoopbackHttpServer(Shop, tls=test_ca.server_context("127.0.0.1")).start()
    proxy = Microsocks(root).start()
    tsa = OpenSslTsa(root / "tsa").start()
    try:
        yield _capture_and_export(root, environment, test_ca, shop, proxy, tsa)
    finally:
        tsa.stop()
        proxy.stop()
        shop.stop()


def _capture_and_export(
    root: Path,
    environment: dict[str, str],
    test_ca: TestCA,
    shop: LoopbackHttpServer,
    proxy: Microsocks,
    tsa: OpenSslTsa,
) -> Exported:
    case_path = root / "export.case"
    page_url = f"https://127.0.0.1:{shop.port}/"
    prices_url = f"https://127.0.0.1:{shop.port}/prices"
    exported = Exported(
        root, root / "out", environment, case_path, [], {}, tsa, page_url, prices_url
    )
    created = exported.cli("case", "create", str(case_path), "--title", "CX-2026-17")
    assert created.returncode == 0, created.stderr
    captured = exported.cli(
        "capture", "--case", str(case_path), "--route", proxy.url,
        "--ca-file", str(test_ca.write_pem(root / "site-roots.pem")),
        "--tsa", tsa.url, "--tsa-cert", str(tsa.ca_pem), "--json", page_url, prices_url,
    )  # fmt: skip
    assert captured.returncode == 0, captured.stderr
    exported.captured = json.loads(captured.stdout)
    assert [c["timestamp"]["status"] for c in exported.captured] == ["granted", "granted"]
    export = exported.cli("evidence", "export", "--case", str(case_path),
                          "--out", str(exported.out), "--json")  # fmt: skip
    assert export.returncode == 0, export.stdout + export.stderr
    exported.summary = json.loads(export.stdout)
    return exported


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def wacz_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_each_exhibit_with_its_manifest_and_timestamp(
    exported: Exported,
) -> None:
    summary = exported.summary
    assert summary["ok"] and summary["problems"] == []
    assert summary["wacz"]["pages"] == 2 and summary["wacz"]["warc_files"] == 2
    by_number = {e["control_number"]: e for e in summary["exhibits"]}
    assert set(by_number) == {c["control_number"] for c in exported.captured}
    for capture in exported.captured:
        exhibit = by_number[capture["control_number"]]
        folder = exported.out / exhibit["folder"]
        assert folder.name == f"{capture['item_id']}-{capture['control_number'][:12]}"
        manifest = json.loads((folder / "manifest.json").read_bytes())
        listed = {entry["name"] for entry in manifest["artifacts"]}
        assert listed == set(capture["artifacts"])
        assert {p.name for p in folder.iterdir()} == listed | {
            "manifest.json",
            "timestamp-1.tsr",
            "timestamp-1-certs.pem",
        }
        assert exhibit["in_wacz"] and exhibit["timestamps"] == [
            f"{exhibit['folder']}/timestamp-1.tsr"
        ]
    readme = (exported.out / "README.txt").read_text()
    for capture in exported.captured:
        assert capture["control_number"] in readme
    # The export is in the audit log, and the case still verifies.
    verified = exported.cli("verify", str(exported.case_path), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["audit_events"] > 0


def test_sha256sum_accepts_the_export_and_manifests_hash_to_control_numbers(
    exported: Exported,
) -> None:
    sha256sum = require_program("sha256sum", "coreutils")
    checked = run(sha256sum, "--strict", "-c", "SHA256SUMS", cwd=exported.out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert len(lines) == exported.summary["files"] - 1  # every file but SHA256SUMS itself
    assert all(line.endswith(": OK") for line in lines)
    assert "evidence.wacz: OK" in lines and "README.txt: OK" in lines

    manifests = sorted(
        str(p.relative_to(exported.out)) for p in exported.out.glob("exhibits/*/manifest.json")
    )
    hashed = run(sha256sum, *manifests, cwd=exported.out)
    digests = {line.split("  ")[0] for line in hashed.stdout.splitlines()}
    assert digests == {c["control_number"] for c in exported.captured}


def test_openssl_verifies_each_timestamp_against_its_manifest(exported: Exported) -> None:
    openssl = require_program("openssl", "openssl")
    for exhibit in exported.summary["exhibits"]:
        folder = exported.out / exhibit["folder"]
        verified = run(
            openssl, "ts", "-verify", "-in", "timestamp-1.tsr", "-data", "manifest.json",
            "-CAfile", str(exported.tsa.ca_pem), cwd=folder,
        )  # fmt: skip
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "Verification: OK" in verified.stdout
        # The certificates carried in the reply name the authority.
        shown = run(
            openssl, "x509", "-in", "timestamp-1-certs.pem", "-noout", "-subject", cwd=folder
        )
        assert "Test Timestamp Authority" in shown.stdout


def test_warcio_reads_every_warc_in_the_wacz(exported: Exported) -> None:
    wacz = exported.out / "evidence.wacz"
    assert check_wacz(wacz) == []
    entries = wacz_entries(wacz)
    warcs = [name for name in entries if name.startswith("archive/")]
    assert len(warcs) == 2
    responses: dict[str, bytes] = {}
    for name in warcs:
        kinds = []
        for record in ArchiveIterator(io.BytesIO(entries[name]), check_digests=True):
            kinds.append(record.rec_type)
            if record.rec_type == "response":
                responses[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.content_stream().read()
                )
            assert record.digest_checker.passed is not False, name
        assert {"warcinfo", "request", "response", "metadata"} <= set(kinds)
    assert responses[exported.page_url] == PAGE
    assert responses[exported.prices_url] == SECOND
    assert responses[exported.page_url + "style.css"] == STYLE
    assert responses[exported.page_url + "carton.png"] == PIXEL
    # Each exhibit's own copy of its WARC is the one in the package.
    for exhibit in exported.summary["exhibits"]:
        own = (exported.out / exhibit["folder"] / "page.warc.gz").read_bytes()
        assert own == entries[f"archive/{exhibit['folder'].rsplit('/', 1)[-1]}.warc.gz"]


def test_a_changed_byte_in_an_exported_artifact_fails_sha256sum(
    exported: Exported, tmp_path: Path
) -> None:
    sha256sum = require_program("sha256sum", "coreutils")
    copy = tmp_path / "copy"
    shutil.copytree(exported.out, copy)
    folder = copy / exported.summary["exhibits"][0]["folder"]
    screenshot = bytearray((folder / "screenshot.png").read_bytes())
    screenshot[len(screenshot) // 2] ^= 0x01
    (folder / "screenshot.png").write_bytes(bytes(screenshot))
    checked = run(sha256sum, "-c", "SHA256SUMS", cwd=copy)
    assert checked.returncode == 1
    failed = [line for line in checked.stdout.splitlines() if not line.endswith(": OK")]
    assert failed == [f"{exported.summary['exhibits'][0]['folder']}/screenshot.png: FAILED"]


@pytest.fixture(scope="module")
def replay(exported: Exported) -> Iterator[PywbServer]:
    """pywb over the WACZ's WARC files: indexed by pywb, and through the WACZ's own index."""
    unpacked = exported.root / "unpacked"
    with zipfile.ZipFile(exported.out / "evidence.wacz") as archive:
        archive.extractall(unpacked)
    warcs = sorted((unpacked / "archive").glob("*.warc.gz"))
    server = PywbServer(exported.root / "pywb")
    server.collection_from_warcs("indexed", warcs)
    server.collection_with_index("packaged", warcs, unpacked / "indexes" / "index.cdxj")
    server.start()
    yield server
    server.stop()


def page_timestamps(exported: Exported) -> dict[str, str]:
    pages = wacz_entries(exported.out / "evidence.wacz")["pages/pages.jsonl"].splitlines()[1:]
    stamps = {}
    for line in pages:
        page = json.loads(line)
        moment = datetime.fromisoformat(page["ts"])
        stamps[page["url"]] = moment.strftime("%Y%m%d%H%M%S")
    return stamps


@pytest.mark.parametrize("collection", ["indexed", "packaged"])
def test_pywb_replays_the_archived_pages_byte_for_byte(
    exported: Exported, replay: PywbServer, collection: str
) -> None:
    stamps = page_timestamps(exported)
    assert set(stamps) == {exported.page_url, exported.prices_url}
    for url, body in ((exported.page_url, PAGE), (exported.prices_url, SECOND)):
        status, served = replay.fetch_raw(collection, stamps[url], url)
        assert (status, served) == (200, body), replay.replay_url(collection, stamps[url], url)
    stamp = stamps[exported.page_url]
    for path, body in (("style.css", STYLE), ("carton.png", PIXEL)):
        assert replay.fetch_raw(collection, stamp, exported.page_url + path) == (200, body)


def test_one_chosen_exhibit_and_refusals(exported: Exported) -> None:
    second = exported.captured[1]
    only = exported.root / "only-second"
    result = exported.cli("evidence", "export", "--case", str(exported.case_path),
                          "--out", str(only), str(second["item_id"]))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Exported 1 exhibit(s)" in result.stdout
    assert [p.name for p in (only / "exhibits").iterdir()] == [
        f"{second['item_id']}-{second['control_number'][:12]}"
    ]
    again = exported.cli("evidence", "export", "--case", str(exported.case_path),
                         "--out", str(only))  # fmt: skip
    assert again.returncode == 2 and "is not empty" in again.stderr
    unknown = exported.cli("evidence", "export", "--case", str(exported.case_path),
                           "--out", str(exported.root / "unknown"), "99")  # fmt: skip
    assert unknown.returncode == 2 and "no exhibit 99" in unknown.stderr
    typo = exported.cli("evidence", "export", "--case", str(exported.case_path),
                        "--out", str(exported.root / "typo"), "2x")  # fmt: skip
    assert typo.returncode == 2 and "'2x' is not an exhibit number" in typo.stderr
    assert not (exported.root / "unknown").exists() and not (exported.root / "typo").exists()
