"""Origin AS lookups via Team Cymru's WHOIS interface on loopback, through the route."""

from collections.abc import Iterator

import pytest

from tests.support.namednet import LoopbackInternet, loopback_internet, named_lookup_context
from tests.support.whoisserver import WhoisServer
from workstation.errors import LookupInputError
from workstation.lookup import LookupContext
from workstation.lookup.asn import lookup_asn

__all__ = ["loopback_internet", "named_lookup_context"]


@pytest.fixture
def cymru(loopback_internet: LoopbackInternet) -> Iterator[WhoisServer]:
    server = WhoisServer("whois.cymru.com").start()
    loopback_internet.add("whois.cymru.com", 43, server.port)
    yield server
    server.stop()


def test_ip_origin_and_prefix(
    cymru: WhoisServer, named_lookup_context: LookupContext, loopback_internet: LoopbackInternet
) -> None:
    result = lookup_asn("8.8.8.8", named_lookup_context)
    assert cymru.queries == [" -v 8.8.8.8"]
    assert result.data["origins"][0]["asn"] == 15169
    assert result.data["origins"][0]["prefix"] == "8.8.8.0/24"
    assert result.exchanges[0].server == "whois.cymru.com:43"
    assert loopback_internet.refused == []


def test_as_number_with_rdap_unreachable_is_a_warning(
    cymru: WhoisServer, named_lookup_context: LookupContext, loopback_internet: LoopbackInternet
) -> None:
    result = lookup_asn("as15169", named_lookup_context)
    assert result.data["origins"][0]["as_name"] == "GOOGLE, US"
    assert result.data["origins"][0]["allocated"] == "2000-03-30"
    assert any("No RDAP record" in warning for warning in result.warnings)
    assert loopback_internet.refused == [("rdap.arin.net", 443)]


def test_a_domain_is_refused_with_a_clear_message(named_lookup_context: LookupContext) -> None:
    with pytest.raises(LookupInputError, match="needs an IP address or an AS number"):
        lookup_asn("example.com", named_lookup_context)
