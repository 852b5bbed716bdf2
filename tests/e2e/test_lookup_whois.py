"""WHOIS lookups through a real gate and SOCKS5 proxy to real port-43 servers on loopback."""

from collections.abc import Iterator

import pytest

from tests.support.namednet import LoopbackInternet, loopback_internet, named_lookup_context
from tests.support.whoisserver import WhoisServer
from workstation.errors import LookupFailed, RouteError
from workstation.lookup import LookupContext
from workstation.lookup.whois import lookup_whois
from workstation.route import RouteGate
from workstation.route.exits import GateConnector

__all__ = ["loopback_internet", "named_lookup_context"]


@pytest.fixture
def servers(loopback_internet: LoopbackInternet) -> Iterator[dict[str, WhoisServer]]:
    names = [
        "whois.iana.org",
        "whois.verisign-grs.com",
        "whois.markmonitor.com",
        "whois.arin.net",
        "whois.lacnic.net",
        "whois.pir.org",
        "whois.registro.br",
    ]
    running = {name: WhoisServer(name).start() for name in names}
    for name, server in running.items():
        loopback_internet.add(name, 43, server.port)
    yield running
    for server in running.values():
        server.stop()


def test_com_domain_follows_iana_registry_and_registrar(
    servers: dict[str, WhoisServer],
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    result = lookup_whois("Google.com", named_lookup_context)
    assert [e.server for e in result.exchanges] == [
        "whois.iana.org:43",
        "whois.verisign-grs.com:43",
        "whois.markmonitor.com:43",
    ]
    assert servers["whois.verisign-grs.com"].queries == ["domain google.com"]
    assert result.data["found"] is True
    assert result.data["registrar"] == "MarkMonitor Inc."
    assert result.data["registrant"]["organization"] == "Google LLC"
    assert ("dns", "ns1.google.com") in {(p.kind, p.target) for p in result.pivots}
    assert result.exchanges[1].request == b"domain google.com\r\n"
    assert loopback_internet.refused == []


def test_ip_follows_arin_referral_to_lacnic(
    servers: dict[str, WhoisServer],
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    result = lookup_whois("170.0.0.1", named_lookup_context)
    assert servers["whois.arin.net"].queries == ["n + 170.0.0.1"]
    assert result.data["record_server"] == "whois.lacnic.net"
    assert result.data["organization"] == "Coopercitrus Cooperativa de Produtores Rurais"
    assert result.data["country"] == "BR"
    assert loopback_internet.refused == []


def test_rate_limited_registry_is_a_clear_failure(
    servers: dict[str, WhoisServer],
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    named_lookup_context.whois_server = ("whois.pir.org", 43)
    with pytest.raises(LookupFailed, match="limiting queries"):
        lookup_whois("google.org", named_lookup_context)
    assert loopback_internet.refused == []


def test_no_match_is_a_valid_result(
    servers: dict[str, WhoisServer],
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    named_lookup_context.whois_server = ("whois.registro.br", 43)
    result = lookup_whois("u34jedzcq.br", named_lookup_context)
    assert result.data["found"] is False
    assert "No match" in result.data["no_match"]
    assert loopback_internet.refused == []


def test_route_down_raises_and_nothing_reaches_the_server(servers: dict[str, WhoisServer]) -> None:
    gate = RouteGate(None)
    gate.start()
    try:
        context = LookupContext(connector=GateConnector(gate.port, "no route"), timeout=5.0)
        with pytest.raises(RouteError):
            lookup_whois("google.com", context)
    finally:
        gate.stop()
    assert all(server.queries == [] for server in servers.values())
