"""RDAP lookups through a real gate and SOCKS5 proxy to loopback RDAP servers."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.namednet import LoopbackInternet, loopback_internet, named_lookup_context
from tests.support.rdapserver import RdapServer, recorded
from tests.support.testca import TestCA
from tests.support.whoisserver import WhoisServer
from workstation.errors import LookupFailed
from workstation.lookup import LookupContext
from workstation.lookup.rdap import lookup_rdap, lookup_registration
from workstation.lookup.rdap_bootstrap import update_bootstrap

__all__ = ["loopback_internet", "named_lookup_context"]

VERISIGN = recorded("rdap.verisign.com__com_v1_domain_google.com.json")
ARIN = recorded("rdap.arin.net__registry_ip_8.8.8.8.json")
NOT_FOUND = recorded("rdap.centralnic.com__design_domain_jsiqpmcurt.design.404.json")


@pytest.fixture
def test_ca() -> TestCA:
    return TestCA()


@pytest.fixture
def verisign(test_ca: TestCA, loopback_internet: LoopbackInternet) -> Iterator[RdapServer]:
    """rdap.verisign.com:443 as named in the shipped bootstrap, with a TestCA certificate."""
    server = RdapServer(
        {"/com/v1/domain/google.com": (200, VERISIGN, ())},
        tls=test_ca.server_context("rdap.verisign.com"),
    ).start()
    loopback_internet.add("rdap.verisign.com", 443, server.port)
    yield server
    server.stop()


def test_domain_through_shipped_bootstrap_over_https(
    verisign: RdapServer,
    test_ca: TestCA,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    named_lookup_context.tls_context = test_ca.client_context()
    result = lookup_rdap("google.com", named_lookup_context)
    assert verisign.requests[0][1].startswith("application/rdap+json")
    assert result.data["found"] is True
    assert result.data["registrar"]["iana_id"] == "292"
    assert result.exchanges[0].server == "https://rdap.verisign.com:443"
    # The related registrar link is followed once; its server is not on this Internet.
    assert loopback_internet.refused == [("rdap.markmonitor.com", 443)]
    assert any("registrar's RDAP record" in warning for warning in result.warnings)


def _bootstrap_folder(tmp_path: Path, base: str) -> Path:
    folder = tmp_path / "bootstrap"
    folder.mkdir()
    services = {
        "dns.json": [[["design", "com"], [base]]],
        "ipv4.json": [[["8.0.0.0/8"], [base]]],
        "ipv6.json": [[["2001:4860::/32"], [base]]],
        "asn.json": [[["15169"], [base]]],
    }
    for name, entries in services.items():
        (folder / name).write_text(json.dumps({"version": "1.0", "services": entries}))
    return folder


@pytest.fixture
def local_rdap() -> Iterator[RdapServer]:
    server = RdapServer(
        {
            "/ip/8.8.8.8": (200, ARIN, ()),
            "/domain/jsiqpmcurt.design": (404, NOT_FOUND, ()),
            "/domain/google.com": (429, b"", (("Retry-After", "30"),)),
            "/domain/moved.design": (302, b"", (("Location", "/ip/8.8.8.8"),)),
            "/autnum/15169": (200, b"{not json", ()),
        }
    ).start()
    yield server
    server.stop()


def test_bootstrap_folder_ip_404_429_redirect_and_malformed(
    local_rdap: RdapServer,
    tmp_path: Path,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    loopback_internet.add("127.0.0.1", local_rdap.port, local_rdap.port)
    named_lookup_context.rdap_bootstrap = _bootstrap_folder(tmp_path, local_rdap.base)
    ip = lookup_rdap("8.8.8.8", named_lookup_context)
    assert ip.data["network"]["start"] == "8.8.8.0"
    missing = lookup_rdap("jsiqpmcurt.design", named_lookup_context)
    assert missing.data["found"] is False
    with pytest.raises(LookupFailed, match="limiting queries"):
        lookup_rdap("google.com", named_lookup_context)
    moved = lookup_rdap("moved.design", named_lookup_context)
    assert len(moved.exchanges) == 2 and moved.data["network"]["end"] == "8.8.8.255"
    with pytest.raises(LookupFailed, match="not valid JSON"):
        lookup_rdap("AS15169", named_lookup_context)
    assert loopback_internet.refused == []


def test_registration_falls_back_to_whois_without_bootstrap_entry(
    tmp_path: Path,
    local_rdap: RdapServer,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    whois = WhoisServer("whois.registro.br").start()
    loopback_internet.add("whois.registro.br", 43, whois.port)
    named_lookup_context.rdap_bootstrap = _bootstrap_folder(tmp_path, local_rdap.base)
    named_lookup_context.whois_server = ("whois.registro.br", 43)
    try:
        result = lookup_registration("u34jedzcq.br", named_lookup_context)
    finally:
        whois.stop()
    assert result.data["source"] == "whois"
    assert result.data["found"] is False
    assert loopback_internet.refused == []


def test_bootstrap_update_from_loopback_server(
    tmp_path: Path,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    shipped = Path(__file__).resolve().parents[2] / "resources" / "rdap"
    routes = {
        f"/rdap/{name}": (200, (shipped / name).read_bytes(), ())
        for name in ("dns.json", "ipv4.json", "ipv6.json", "asn.json")
    }
    server = RdapServer(routes).start()
    loopback_internet.add("127.0.0.1", server.port, server.port)
    try:
        update = update_bootstrap(named_lookup_context, tmp_path / "new", server.base + "rdap/")
    finally:
        server.stop()
    assert update.publications["asn.json"] == "2026-06-01T20:00:01Z"
    assert (tmp_path / "new" / "dns.json").read_bytes() == (shipped / "dns.json").read_bytes()
    assert len(update.exchanges) == 4
