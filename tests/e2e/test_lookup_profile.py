"""The e-mail lookup and the profile against real servers, through the real route.

knotd serves the test zones (tests/data/dns); the route is the gate -> microsocks. The
system resolver must never be asked.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dns.message
import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.cli import run_cli
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.knot import Knot, knot
from tests.support.lookups import lookup_context, lookup_gate, no_system_resolver
from tests.support.namednet import LoopbackInternet, loopback_internet
from tests.support.rdapserver import RdapServer, recorded
from tests.support.testca import TestCA
from tests.support.whoisserver import WhoisServer
from workstation import canonjson
from workstation.casefile import Case
from workstation.errors import LookupInputError
from workstation.lookup import LookupContext
from workstation.lookup.email import lookup_email
from workstation.lookup.profile import run_profile
from workstation.lookup.result import LookupResult, Pivot

__all__ = [
    "knot",
    "lookup_context",
    "lookup_gate",
    "loopback_internet",
    "no_system_resolver",
]  # fixtures by name

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_system_resolver")]


@pytest.fixture
def dns_context(lookup_context: LookupContext, knot: Knot) -> LookupContext:
    lookup_context.resolver = ("127.0.0.1", knot.port)
    return lookup_context


def assert_dns_evidence(result: LookupResult, resolver: str) -> None:
    canonjson.dumps(result.record())
    assert result.exchanges
    for exchange in result.exchanges:
        assert (exchange.server, exchange.protocol) == (resolver, "dns-tcp")
        query = dns.message.from_wire(exchange.request)
        assert query.is_response(dns.message.from_wire(exchange.response))


def test_email_lookup_finds_mail_servers_spf_and_dmarc(
    dns_context: LookupContext, knot: Knot
) -> None:
    result = lookup_email("Seller.77@Webshop.Example", dns_context)

    data = result.data
    assert (result.kind, result.target) == ("email", "Seller.77@webshop.example")
    assert (data["domain"], data["domain_exists"], data["accepts_mail"]) == (
        "webshop.example",
        True,
        True,
    )
    mail, provider = data["mx"]
    assert mail == {
        "preference": 10,
        "host": "mail.webshop.example",
        "addresses": ["192.0.2.25", "2001:db8::25"],
        "resolves": True,
    }
    # knot serves no zone for the provider: it refuses, which tells nothing about the name.
    assert (provider["host"], provider["resolves"]) == ("mx2.mail-provider.example", None)
    assert "REFUSED" in provider["note"]
    assert data["spf"]["all"] == "-all"
    assert data["spf"]["includes"] == ["_spf.mail-provider.example"]
    assert data["dmarc"]["tags"] == {
        "v": "DMARC1",
        "p": "reject",
        "rua": "mailto:dmarc@webshop.example",
    }
    assert data["dnssec"] == "valid"
    assert Pivot("profile", "webshop.example", "mail domain") in result.pivots
    assert Pivot("dns", "mail.webshop.example", "mail server") in result.pivots
    assert Pivot("asn", "192.0.2.25", "mail server address") in result.pivots
    assert any("mx2.mail-provider.example" in w for w in result.warnings)
    assert result.summary[1].startswith("Mail servers: mail.webshop.example (10; 192.0.2.25")
    assert_dns_evidence(result, f"127.0.0.1:{knot.port}")
    # The mail servers' own questions are among the exchanges, byte for byte.
    asked = {dns.message.from_wire(e.request).question[0].name.to_text() for e in result.exchanges}
    assert {"webshop.example.", "_dmarc.webshop.example.", "mail.webshop.example."} <= asked


def test_an_address_at_a_domain_that_does_not_exist_takes_no_mail(
    dns_context: LookupContext,
) -> None:
    result = lookup_email("someone@missing.webshop.example", dns_context)
    assert result.data["domain_exists"] is False
    assert result.data["accepts_mail"] is False
    assert result.data["mx"] == []
    assert "does not exist" in result.summary[1]


@pytest.mark.parametrize("typed", ["webshop.example", "not an address", "a@b"])
def test_what_is_not_an_email_address_is_refused_before_anything_is_asked(
    dns_context: LookupContext, knot: Knot, typed: str
) -> None:
    before = knot.queries_received()
    with pytest.raises(LookupInputError):
        lookup_email(typed, dns_context)
    assert knot.queries_received() == before


def test_profile_of_an_address_streams_the_email_and_dns_lookups(
    dns_context: LookupContext,
) -> None:
    # Only the lookups whose servers this test runs; the CLI test covers the full profile.
    from workstation.lookup.kinds import KINDS  # noqa: PLC0415

    streamed: list[str] = []
    outcome = run_profile(
        "seller@webshop.example",
        dns_context,
        lambda result: streamed.append(result.kind),
        lookups={"email": KINDS["email"], "dns": KINDS["dns"]},
    )
    assert sorted(streamed) == ["dns", "email"]
    assert sorted(outcome.failures) == ["cert", "headers", "registration"]
    by_kind = {r.kind: r for r in outcome.results}
    assert sorted(by_kind["dns"].data["records"]["MX"]) == [
        "10 mail.webshop.example.",
        "20 mx2.mail-provider.example.",
    ]
    pivots = {(p.kind, p.target) for p in outcome.pivots}
    assert ("dns", "mail.webshop.example") in pivots and ("dns", "ns1.webshop.example") in pivots
    assert ("profile", "webshop.example") not in pivots  # the profile covers the domain


# -- the whole profile of an address, through the command line ------------------------------

# A registry's WHOIS answer for the test domain (written for this test in the usual layout).
WEBSHOP_WHOIS = b"""Domain Name: WEBSHOP.EXAMPLE\r
Registry Domain ID: 2336799_DOMAIN_EXAMPLE-VRSN\r
Registrar: Example Registrar, Inc.\r
Registrar IANA ID: 9999\r
Creation Date: 2023-03-14T09:26:53Z\r
Registry Expiry Date: 2025-03-14T09:26:53Z\r
Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\r
Name Server: NS1.WEBSHOP.EXAMPLE\r
Name Server: NS2.DNS-PROVIDER.EXAMPLE\r
DNSSEC: signedDelegation\r
>>> Last update of whois database: 2024-06-01T10:00:00Z <<<\r
"""
SHOP_PAGE = b"<html><title>Webshop</title></html>"


class ShopHandler(QuietHandler):
    def date_time_string(self, timestamp: float | None = None) -> str:
        return "Mon, 03 Jun 2024 10:00:00 GMT"  # only what the test changes, changes

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Strict-Transport-Security", "max-age=31536000")
        self.send_header("Content-Length", str(len(SHOP_PAGE)))
        self.end_headers()
        self.wfile.write(SHOP_PAGE)


@dataclass
class ShopNet:
    """Every server the profile of seller@webshop.example asks, on the loopback Internet."""

    internet: LoopbackInternet
    knot: Knot
    whois: WhoisServer
    rdap: RdapServer
    shop: LoopbackHttpServer
    ca_file: Path
    bootstrap: Path

    def profile_args(self, *extra: str) -> list[str]:
        return [
            "lookup", "profile", "seller@webshop.example",
            "--route", self.internet.url,
            "--resolver", f"127.0.0.1:{self.knot.port}",
            "--whois-server", f"127.0.0.1:{self.whois.port}",
            "--rdap-bootstrap", str(self.bootstrap),
            "--ca-file", str(self.ca_file),
            *extra,
        ]  # fmt: skip


@pytest.fixture
def shop_net(loopback_internet: LoopbackInternet, knot: Knot, tmp_path: Path) -> Iterator[ShopNet]:
    ca = TestCA()
    shop = LoopbackHttpServer(ShopHandler, tls=ca.server_context("webshop.example")).start()
    whois = WhoisServer("registry", {"webshop.example": WEBSHOP_WHOIS}).start()
    not_found = recorded("rdap.centralnic.com__design_domain_jsiqpmcurt.design.404.json")
    rdap = RdapServer({"/domain/webshop.example": (404, not_found, ())}).start()
    bootstrap = tmp_path / "bootstrap"
    bootstrap.mkdir()
    for name, entries in {
        "dns.json": [[["example"], [rdap.base]]],
        "ipv4.json": [],
        "ipv6.json": [],
        "asn.json": [],
    }.items():
        (bootstrap / name).write_text(json.dumps({"version": "1.0", "services": entries}))
    for server_port in (knot.port, whois.port, rdap.port):
        loopback_internet.add("127.0.0.1", server_port, server_port)
    loopback_internet.add("webshop.example", 443, shop.port)
    yield ShopNet(
        loopback_internet, knot, whois, rdap, shop, ca.write_pem(tmp_path / "ca.pem"), bootstrap
    )
    for server in (shop, whois, rdap):
        server.stop()


def test_profile_of_an_address_on_the_command_line_saves_every_lookup(
    shop_net: ShopNet, tmp_path: Path
) -> None:
    case_path = tmp_path / "profile.case"
    fast_case(case_path).close()
    first = run_cli(*shop_net.profile_args("--case", str(case_path), "--json"),
                    stdin=PASSPHRASE + "\n")  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    document = json.loads(first.stdout)
    assert document["ok"] is True and document["failures"] == {}
    assert (document["target"], document["target_kind"]) == ("seller@webshop.example", "email")
    by_kind = {r["record"]["kind"]: r for r in document["results"]}
    assert sorted(by_kind) == ["cert", "dns", "email", "headers", "registration"]
    assert sorted(r["lookup_id"] for r in document["results"]) == [1, 2, 3, 4, 5]
    assert all(r["changes"] is None for r in document["results"])
    email = by_kind["email"]["record"]["data"]
    assert email["mx"][0]["host"] == "mail.webshop.example" and email["accepts_mail"] is True
    registration = by_kind["registration"]["record"]["data"]
    assert registration["source"] == "whois"  # the RDAP server had no record
    assert by_kind["cert"]["record"]["data"]["trust"]["trusted"] is True
    assert by_kind["headers"]["record"]["data"]["final"]["status"] == 200
    pivots = {(p["kind"], p["target"]) for p in document["pivots"]}
    assert {("dns", "mail.webshop.example"), ("dns", "ns1.webshop.example")} <= pivots
    # Only the servers of this test were asked, and each of them was.
    assert shop_net.internet.refused == []
    assert shop_net.whois.queries == ["webshop.example"]
    assert [path for path, _ in shop_net.rdap.requests] == ["/domain/webshop.example"]

    again = run_cli(*shop_net.profile_args("--case", str(case_path)), stdin=PASSPHRASE + "\n")
    assert again.returncode == 0, again.stdout + again.stderr
    for kind in ("email", "dns", "registration", "cert", "headers"):
        assert f"== {kind} lookup of" in again.stdout
    assert again.stdout.count("Saved as lookup") == 5
    assert again.stdout.count("No changes since lookup") == 5  # nothing changed meanwhile
    assert "== Profile of seller@webshop.example (email): 5 of 5 lookups answered" in again.stdout
    with Case.open(case_path, PASSPHRASE) as case:
        assert len(case.lookups()) == 10
        assert len(case.lookups(kind="email", target="seller@webshop.example")) == 2
    verified = run_cli("verify", str(case_path), "--json", stdin=PASSPHRASE + "\n")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_failing_lookup_in_a_profile_is_reported_and_the_rest_is_kept(
    shop_net: ShopNet,
) -> None:
    shop_net.shop.stop()  # the web server is gone: cert and headers fail, the rest answers
    result = run_cli(*shop_net.profile_args("--json"))
    assert result.returncode == 1, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert sorted(document["failures"]) == ["cert", "headers"]
    assert sorted(r["record"]["kind"] for r in document["results"]) == [
        "dns",
        "email",
        "registration",
    ]
    assert "error: the cert lookup failed" in result.stderr
