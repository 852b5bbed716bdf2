"""Capturing an HTTPS site: the gate intercepts and validates TLS, the exhibit carries a
WARC of every exchange that made up the page, readable with warcio."""

import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from warcio.archiveiterator import ArchiveIterator

from tests.support.cases import PASSPHRASE
from tests.support.cli import run_cli
from tests.support.http import LoopbackHttpServer, static_site
from tests.support.socks import Microsocks
from tests.support.testca import TestCA
from workstation.casefile import Case

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Secure shop</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Secure shop</h1><p id="offer">40 cartons, no tax stamps</p>
<script src="/more.js"></script></body></html>"""
STYLE = b"h1 { color: #036; }"
SCRIPT = b"fetch('/stock.json').then(r => r.text()).then(t => document.title += ' ' + t.length);"
STOCK = b'{"cartons": 40}'


SHOP_FILES = {
    "/": ("text/html", PAGE),
    "/style.css": ("text/css", STYLE),
    "/more.js": ("text/javascript", SCRIPT),
    "/stock.json": ("application/json", STOCK),
}
Shop = static_site(SHOP_FILES)


@pytest.fixture
def test_ca() -> TestCA:
    return TestCA()


@pytest.fixture
def shop(test_ca: TestCA) -> Iterator[LoopbackHttpServer]:
    server = LoopbackHttpServer(Shop, tls=test_ca.server_context("127.0.0.1")).start()
    yield server
    server.stop()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=PASSPHRASE + "\n")


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "https.case"
    created = cli("case", "create", str(path), "--title", "HTTPS")
    assert created.returncode == 0, created.stderr
    return path


def test_https_capture_seals_a_warc_of_the_page_traffic(
    case_path: Path,
    shop: LoopbackHttpServer,
    test_ca: TestCA,
    socks_proxy: Microsocks,
    tmp_path: Path,
) -> None:
    ca_file = test_ca.write_pem(tmp_path / "site-roots.pem")
    url = f"https://127.0.0.1:{shop.port}/"
    result = cli(
        "capture", "--case", str(case_path), "--route", socks_proxy.url,
        "--ca-file", str(ca_file), "--json", url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    assert outcome["ok"], outcome
    assert "page.warc.gz" in outcome["artifacts"]
    assert outcome["recorded_exchanges"] >= 4

    with Case.open(case_path, PASSPHRASE) as case:
        stored = {a.name: a.data for a in case.artifacts(outcome["item_id"])}
    warc = stored["page.warc.gz"]
    responses: dict[str, bytes] = {}
    metadata: dict[str, bytes] = {}
    for record in ArchiveIterator(io.BytesIO(warc), check_digests=True):
        uri = record.rec_headers.get_header("WARC-Target-URI")
        if record.rec_type == "response":
            responses[uri] = record.content_stream().read()
        elif record.rec_type == "metadata":
            metadata[uri] = record.content_stream().read()
        assert record.digest_checker.passed is not False
    # Every resource that made up the page, byte for byte as the site served it.
    assert responses[url] == PAGE
    assert responses[url + "style.css"] == STYLE
    assert responses[url + "more.js"] == SCRIPT
    assert responses[url + "stock.json"] == STOCK
    # The origin's certificate chain as the gate validated it, and the TLS protocol.
    fields = metadata[url].decode()
    assert "tls-protocol: TLSv1." in fields
    pem = fields.split("tls-certificate-0: ")[1].split("\ntls-")[0].replace("\n ", "\n")
    leaf = x509.load_pem_x509_certificate(pem.encode())
    assert leaf.issuer == test_ca.certificate.subject

    verified = cli("verify", str(case_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_site_with_an_untrusted_certificate_is_not_captured(
    case_path: Path, shop: LoopbackHttpServer, socks_proxy: Microsocks
) -> None:
    # Without --ca-file the test CA is unknown: the gate refuses to talk to the site.
    url = f"https://127.0.0.1:{shop.port}/"
    result = cli("capture", "--case", str(case_path), "--route", socks_proxy.url, "--json", url)
    assert result.returncode != 0
    (outcome,) = json.loads(result.stdout)
    assert not outcome["ok"]
    assert "certificate" in outcome["error"].lower() or "refused" in outcome["error"].lower()
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.evidence_items() == []
