"""DNS lookups through the real route (gate -> microsocks) to a real knotd on loopback.

The zone files in tests/data/dns are the expectation: every record type the lookup asks
for must come back as the zone says. Resolvers that misbehave are small loopback servers
written here, reached through the same route. The system resolver must never be asked.
"""

import socket
import socketserver
import threading
from collections.abc import Callable
from typing import Any

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest

from tests.support.knot import Knot, knot, zone_from_data
from tests.support.lookups import lookup_context, lookup_gate, no_system_resolver
from tests.support.procs import free_port
from workstation import canonjson
from workstation.errors import LookupFailed, LookupInputError, RouteError
from workstation.lookup import LookupContext
from workstation.lookup.context import Cancelled
from workstation.lookup.dns import lookup_dns, resolve_addresses
from workstation.lookup.dns_records import evaluate_dnssec, frame, parse_answer
from workstation.lookup.result import LookupResult
from workstation.route import GateEvent, RouteGate

__all__ = ["knot", "lookup_context", "lookup_gate", "no_system_resolver"]  # fixtures used by name

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_system_resolver")]

SHOP = "webshop.example."
RECORD_TYPES = ("A", "AAAA", "MX", "NS", "TXT", "CAA")


@pytest.fixture
def dns_context(lookup_context: LookupContext, knot: Knot) -> LookupContext:
    lookup_context.resolver = ("127.0.0.1", knot.port)
    return lookup_context


@pytest.fixture(scope="module")
def shop_zone() -> dns.zone.Zone:
    return zone_from_data("webshop.example")


def zone_records(zone: dns.zone.Zone, name: str, rdtype: str) -> list[str]:
    rdataset = zone.get_rdataset(name, rdtype)
    return sorted(rdata.to_text() for rdata in rdataset) if rdataset is not None else []


def zone_ttl(zone: dns.zone.Zone, name: str, rdtype: str) -> int:
    rdataset = zone.get_rdataset(name, rdtype)
    assert rdataset is not None
    return int(rdataset.ttl)


def zone_rdatas(zone: dns.zone.Zone, name: str, rdtype: str) -> list[Any]:
    rdataset = zone.get_rdataset(name, rdtype)
    assert rdataset is not None
    return list(rdataset)


def assert_evidence(result: LookupResult) -> None:
    """The result is canonical JSON and every exchange is one DNS question and its answer."""
    canonjson.dumps(result.record())
    assert result.exchanges
    for exchange in result.exchanges:
        assert exchange.protocol == "dns-tcp"
        assert exchange.server == result.data["resolver"]
        query = dns.message.from_wire(exchange.request)
        answer = dns.message.from_wire(exchange.response)
        assert query.is_response(answer)


# --- what the zone says comes back through the route --------------------------------------


def test_every_record_type_comes_back_as_the_zone_says(
    dns_context: LookupContext, shop_zone: dns.zone.Zone
) -> None:
    result = lookup_dns("webshop.example", dns_context)

    data = result.data
    assert result.kind == "dns" and result.target == "webshop.example"
    assert data["exists"] is True
    for rdtype in RECORD_TYPES:
        assert sorted(data["records"][rdtype]) == zone_records(shop_zone, SHOP, rdtype), rdtype
        assert data["ttls"][rdtype] == zone_ttl(shop_zone, SHOP, rdtype), rdtype
        assert data["rcodes"][rdtype] == "NOERROR"
    assert data["records"]["CNAME"] == [] and "SRV" not in data["records"]

    (soa,) = zone_rdatas(shop_zone, SHOP, "SOA")
    assert data["soa"]["mname"] == soa.mname.to_text()
    assert data["soa"]["rname"] == soa.rname.to_text()
    assert [data["soa"][f] for f in ("refresh", "retry", "expire", "minimum")] == [
        soa.refresh,
        soa.retry,
        soa.expire,
        soa.minimum,
    ]
    assert data["soa"]["serial"] >= soa.serial  # knot may raise it when it signs

    expected_mx = [
        {"preference": r.preference, "exchange": r.exchange.to_text()}
        for r in zone_rdatas(shop_zone, SHOP, "MX")
    ]
    assert sorted(data["mx"], key=str) == sorted(expected_mx, key=str)
    expected_caa = [
        {"flags": r.flags, "tag": r.tag.decode(), "value": r.value.decode()}
        for r in zone_rdatas(shop_zone, SHOP, "CAA")
    ]
    assert sorted(data["caa"], key=str) == sorted(expected_caa, key=str)

    texts = [b"".join(r.strings).decode() for r in zone_rdatas(shop_zone, SHOP, "TXT")]
    assert data["spf"] == [text for text in texts if text.startswith("v=spf1 ")]
    dmarc = [b"".join(r.strings).decode() for r in zone_rdatas(shop_zone, "_dmarc." + SHOP, "TXT")]
    assert data["dmarc"]["records"] == dmarc and data["dmarc"]["rcode"] == "NOERROR"

    assert_evidence(result)
    assert any(line.startswith("SPF: v=spf1") for line in result.summary)


def test_pivots_lead_to_name_servers_mail_servers_and_addresses(
    dns_context: LookupContext, shop_zone: dns.zone.Zone
) -> None:
    result = lookup_dns("webshop.example", dns_context)

    pivots = {(p.kind, p.target, p.label) for p in result.pivots}
    for host in zone_records(shop_zone, SHOP, "NS"):
        assert ("dns", host.rstrip("."), "nameserver") in pivots
    for mx in zone_rdatas(shop_zone, SHOP, "MX"):
        assert ("dns", mx.exchange.to_text(omit_final_dot=True), "mail server") in pivots
    for address in zone_records(shop_zone, SHOP, "A") + zone_records(shop_zone, SHOP, "AAAA"):
        assert ("asn", address, "address") in pivots
    assert ("rdap", "webshop.example", "domain registration") in pivots


def test_service_records_are_asked_for_service_names(
    dns_context: LookupContext, shop_zone: dns.zone.Zone
) -> None:
    name = "_sip._tcp." + SHOP
    result = lookup_dns("_sip._tcp.webshop.example", dns_context)

    assert sorted(result.data["records"]["SRV"]) == zone_records(shop_zone, name, "SRV")
    expected = [
        {"priority": r.priority, "weight": r.weight, "port": r.port, "target": r.target.to_text()}
        for r in zone_rdatas(shop_zone, name, "SRV")
    ]
    assert sorted(result.data["srv"], key=str) == sorted(expected, key=str)
    assert result.data["dmarc"] is None  # no _dmarc under a service name


def test_an_alias_is_followed_within_the_zone(
    dns_context: LookupContext, shop_zone: dns.zone.Zone
) -> None:
    result = lookup_dns("www.webshop.example", dns_context)

    assert result.data["records"]["CNAME"] == zone_records(shop_zone, "www." + SHOP, "CNAME")
    assert sorted(result.data["records"]["A"]) == zone_records(shop_zone, SHOP, "A")
    assert ("dns", "webshop.example", "alias target") in {
        (p.kind, p.target, p.label) for p in result.pivots
    }


def test_only_the_record_types_asked_for(dns_context: LookupContext) -> None:
    result = lookup_dns("webshop.example", dns_context, record_types=["mx"])

    assert list(result.data["records"]) == ["MX"]
    asked = {(q["name"], q["type"]) for q in result.data["questions"]}
    assert asked == {(SHOP, "MX"), (SHOP, "SOA"), (SHOP, "DNSKEY")}  # SOA, DNSKEY: for DNSSEC
    with pytest.raises(LookupInputError, match="not a DNS record type"):
        lookup_dns("webshop.example", dns_context, record_types=["BOGUS"])


@pytest.mark.parametrize(
    ("address", "zone_origin", "reverse"),
    [
        ("192.0.2.10", "2.0.192.in-addr.arpa", "10.2.0.192.in-addr.arpa."),
        (
            "2001:db8::10",
            "8.b.d.0.1.0.0.2.ip6.arpa",
            "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
        ),
    ],
)
def test_an_address_is_looked_up_by_its_reverse_name(
    dns_context: LookupContext, address: str, zone_origin: str, reverse: str
) -> None:
    zone = zone_from_data(zone_origin)
    result = lookup_dns(address, dns_context)

    assert result.target == address
    assert result.data["target_type"] == "address" and result.data["name"] == reverse
    assert result.data["records"]["PTR"] == zone_records(zone, reverse, "PTR")
    pivots = {(p.kind, p.target, p.label) for p in result.pivots}
    assert ("asn", address, "address") in pivots
    assert ("dns", "webshop.example", "reverse name") in pivots
    assert_evidence(result)


def test_an_internationalised_name_is_asked_in_punycode(dns_context: LookupContext) -> None:
    zone = zone_from_data("xn--bcher-kva.example")

    for typed in ("bücher.example", "BÜCHER.example.", "xn--bcher-kva.example"):
        result = lookup_dns(typed, dns_context)
        assert result.data["name"] == "xn--bcher-kva.example."
        assert result.data["unicode_name"] == "bücher.example."
        assert result.data["target"] == typed
        assert result.data["records"]["A"] == zone_records(zone, "xn--bcher-kva.example.", "A")
    # A null MX ("0 .": this domain takes no mail) is shown but is no server to pivot to.
    assert result.data["mx"] == [{"preference": 0, "exchange": "."}]
    assert not any(p.label == "mail server" for p in result.pivots)
    assert result.summary[0] == "bücher.example. (xn--bcher-kva.example.)"


def test_a_name_that_does_not_exist_is_a_result(dns_context: LookupContext) -> None:
    result = lookup_dns("no-such-shop.webshop.example", dns_context)

    assert result.data["exists"] is False
    assert set(result.data["rcodes"].values()) == {"NXDOMAIN"}
    assert all(records == [] for records in result.data["records"].values())
    assert "does not exist (NXDOMAIN)" in result.summary[0]
    # The denial is signed: the NSEC records and the SOA in the answer check out.
    checked = {c["type"]: c["result"] for c in result.data["dnssec"]["checked"]}
    assert checked["NSEC"] == "valid" and checked["SOA"] == "valid"
    assert_evidence(result)


def test_a_resolver_that_refuses_is_reported_per_question(dns_context: LookupContext) -> None:
    """knot serves only its own zones and refuses the rest: every rcode is kept."""
    result = lookup_dns("elsewhere.test", dns_context)

    assert result.data["exists"] is None
    assert set(result.data["rcodes"].values()) == {"REFUSED"}
    assert result.data["dnssec"]["signatures"] == "unknown"
    assert "could not answer" in result.summary[0]
    assert any("REFUSED" in warning and "MX" in warning for warning in result.warnings)
    with pytest.raises(LookupFailed, match=r"could not resolve elsewhere\.test"):
        resolve_addresses("elsewhere.test", dns_context)


def test_resolve_addresses_follows_aliases_and_knows_no_such_name(
    dns_context: LookupContext, shop_zone: dns.zone.Zone
) -> None:
    expected = zone_records(shop_zone, SHOP, "A") + zone_records(shop_zone, SHOP, "AAAA")

    assert sorted(resolve_addresses("webshop.example", dns_context)) == sorted(expected)
    assert sorted(resolve_addresses("www.webshop.example", dns_context)) == sorted(expected)
    assert resolve_addresses("no-such-shop.webshop.example", dns_context) == []
    assert resolve_addresses("192.0.2.77", dns_context) == ["192.0.2.77"]


# --- DNSSEC -------------------------------------------------------------------------------


def dnskey_tags(knot: Knot, zone: str) -> list[int]:
    answer = knot.ask(zone, "DNSKEY")
    keys = answer.find_rrset(
        answer.answer, dns.name.from_text(zone), dns.rdataclass.IN, dns.rdatatype.DNSKEY
    )
    return sorted(dns.dnssec.key_id(rdata) for rdata in keys)


def test_a_signed_zone_validates_against_its_own_keys(
    dns_context: LookupContext, knot: Knot
) -> None:
    result = lookup_dns("webshop.example", dns_context)

    dnssec = result.data["dnssec"]
    assert dnssec["zone"] == SHOP
    assert dnssec["signed"] and dnssec["dnskey_present"] and dnssec["rrsigs_present"]
    assert dnssec["signatures"] == "valid"
    assert sorted(key["key_tag"] for key in dnssec["keys"]) == dnskey_tags(knot, SHOP)
    checked_types = {c["type"] for c in dnssec["checked"] if c["result"] == "valid"}
    assert {*RECORD_TYPES, "SOA", "DNSKEY"} <= checked_types
    # An authoritative server does not validate: no AD flag, and the chain is not claimed.
    assert dnssec["resolver_authenticated"] is False
    assert dnssec["chain_of_trust_checked"] is False
    assert "chain of trust" in dnssec["explanation"] and "not checked" in dnssec["explanation"]
    assert result.summary[-1].startswith("DNSSEC: signed, signatures valid")


def test_an_unsigned_zone_is_reported_unsigned(dns_context: LookupContext) -> None:
    result = lookup_dns("bücher.example", dns_context)

    dnssec = result.data["dnssec"]
    assert dnssec["zone"] == "xn--bcher-kva.example."
    assert not dnssec["signed"] and not dnssec["dnskey_present"] and not dnssec["rrsigs_present"]
    assert dnssec["signatures"] == "unsigned"
    assert "not signed" in dnssec["explanation"]
    assert result.summary[-1] == "DNSSEC: not signed"


def test_an_altered_answer_fails_the_signature_check(dns_context: LookupContext) -> None:
    """The same answers knot signed, one address changed on the way: caught as invalid."""
    result = lookup_dns("webshop.example", dns_context, record_types=["A"])
    server = result.data["resolver"]
    answers = [
        parse_answer(e.response, dns.message.from_wire(e.request), server) for e in result.exchanges
    ]
    a_answer = next(a for a in answers if a.qtype == "A")
    key_answers = [a for a in answers if a.qtype == "DNSKEY"]
    zone = dns.name.from_text(SHOP)
    assert evaluate_dnssec(zone, [a_answer], key_answers)["signatures"] == "valid"

    rrset = a_answer.message.find_rrset(
        a_answer.message.answer, zone, dns.rdataclass.IN, dns.rdatatype.A
    )
    forged = dns.rrset.from_text(zone, rrset.ttl, "IN", "A", "192.0.2.66", "192.0.2.11")
    a_answer.message.answer[a_answer.message.answer.index(rrset)] = forged

    verdict = evaluate_dnssec(zone, [a_answer], key_answers)
    assert verdict["signatures"] == "invalid"
    assert {c["type"]: c["result"] for c in verdict["checked"]}["A"] == "invalid"
    assert "do NOT match" in verdict["explanation"]


# --- the route ------------------------------------------------------------------------------


def test_one_tunnel_through_the_route_carries_the_whole_lookup(
    dns_context: LookupContext,
    lookup_gate: RouteGate,
    knot: Knot,
    no_system_resolver: list[object],
) -> None:
    events: list[GateEvent] = []
    lookup_gate.add_observer(events.append)
    before = knot.queries_received()

    result = lookup_dns("webshop.example", dns_context)

    tunnels = [e for e in events if e.method == "CONNECT"]
    assert [(e.target, e.outcome) for e in tunnels] == [(f"127.0.0.1:{knot.port}", "forwarded")]
    assert knot.queries_received() - before == len(result.exchanges)
    assert result.route == dns_context.route
    # The guard saw the connection to the gate, and only loopback literals ever.
    assert "127.0.0.1" in no_system_resolver


def test_route_down_refuses_and_nothing_reaches_the_server(
    dns_context: LookupContext, lookup_gate: RouteGate, knot: Knot
) -> None:
    before = knot.queries_received()
    lookup_gate.set_route(None)

    with pytest.raises(RouteError):
        lookup_dns("webshop.example", dns_context)
    with pytest.raises(RouteError):
        resolve_addresses("webshop.example", dns_context)

    assert knot.queries_received() == before


def test_a_cancelled_lookup_asks_nothing(dns_context: LookupContext, knot: Knot) -> None:
    before = knot.queries_received()
    dns_context.cancel_event.set()

    with pytest.raises(Cancelled):
        lookup_dns("webshop.example", dns_context)

    assert knot.queries_received() == before


@pytest.mark.parametrize(
    "typed", ["http://webshop.example/", "shop@webshop.example", "web shop.example", "a..b", ""]
)
def test_invalid_input_is_refused_before_anything_is_sent(
    dns_context: LookupContext, knot: Knot, typed: str
) -> None:
    before = knot.queries_received()
    with pytest.raises(LookupInputError):
        lookup_dns(typed, dns_context)
    assert knot.queries_received() == before


# --- resolvers that misbehave -------------------------------------------------------------

Reply = Callable[[bytes], bytes | None]  # the question's wire -> raw bytes to send, or silence


class ScriptedResolver:
    """A loopback TCP server that reads a DNS question and answers it as scripted."""

    def __init__(self, reply: Reply) -> None:
        self.connections = 0
        resolver = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                resolver.connections += 1
                sock: socket.socket = self.request
                sock.settimeout(30)
                question = read_question(sock)
                answer = reply(question) if question is not None else b""
                if answer is not None:
                    sock.sendall(answer)
                    # Close gently: a close with questions still unread would reset the
                    # connection, and a reset can destroy the answer on its way.
                    sock.shutdown(socket.SHUT_WR)
                while sock.recv(65536):  # until the client gives up or hangs up
                    pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def read_question(sock: socket.socket) -> bytes | None:
    data = b""
    while len(data) < 2 or len(data) < 2 + int.from_bytes(data[:2], "big"):
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data[2 : 2 + int.from_bytes(data[:2], "big")]


def answer_to(question: bytes) -> dns.message.Message:
    query = dns.message.from_wire(question)
    response = dns.message.make_response(query)
    name = query.question[0].name
    response.answer.append(dns.rrset.from_text(name, 60, "IN", "A", "192.0.2.10"))
    return response


def other_question(question: bytes) -> bytes:
    response = answer_to(question)
    response.question = [
        dns.rrset.RRset(
            dns.name.from_text("elsewhere.example."), dns.rdataclass.IN, dns.rdatatype.A
        )
    ]
    return frame(response.to_wire())


def wrong_id(question: bytes) -> bytes:
    response = answer_to(question)
    # The lookup numbers its questions upwards from the first: the one before is no question.
    response.id = (response.id - 1) % 65536
    return frame(response.to_wire())


def cut_message(question: bytes) -> bytes:
    wire = answer_to(question).to_wire()
    return frame(wire[: len(wire) - 5])


MISBEHAVIOUR: dict[str, tuple[Reply, str]] = {
    "not DNS": (lambda q: frame(q[:2] + b"\x81\x80 this is not DNS at all"), "not a valid DNS"),
    "empty message": (lambda q: frame(b""), "not a valid DNS message"),
    "frame cut off": (lambda q: b"\x02\x00" + q[:2] + b"\x81\x80" + bytes(96), "was cut off"),
    "message cut off": (cut_message, "not a valid DNS message"),
    "oversized junk": (
        lambda q: b"\xff\xff" + q[:2] + bytes(range(256)) * 255 + bytes(253),
        "not a valid DNS message",
    ),
    "HTTP instead": (
        lambda q: b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
        "was cut off",
    ),
    "wrong ID": (wrong_id, "question not asked"),
    "other question": (other_question, "does not belong to the question asked"),
    "hangs up": (lambda q: b"", "closed the connection without answering"),
    "silent": (lambda q: None, "did not answer within 1.5 seconds"),
}


@pytest.mark.parametrize("behaviour", list(MISBEHAVIOUR))
def test_a_resolver_that_misbehaves_fails_the_lookup_plainly(
    lookup_context: LookupContext, behaviour: str
) -> None:
    reply, message = MISBEHAVIOUR[behaviour]
    resolver = ScriptedResolver(reply)
    lookup_context.resolver = ("127.0.0.1", resolver.port)
    lookup_context.timeout = 1.5
    try:
        with pytest.raises(LookupFailed) as failure:
            lookup_dns("webshop.example", lookup_context)
    finally:
        resolver.stop()

    assert not isinstance(failure.value, Cancelled)
    assert message in str(failure.value)
    assert f"DNS resolver 127.0.0.1:{resolver.port}" in str(failure.value)
    assert "Traceback" not in str(failure.value)


def test_a_resolver_that_answers_once_per_connection_gets_new_connections(
    lookup_context: LookupContext,
) -> None:
    resolver = ScriptedResolver(lambda q: frame(answer_to(q).to_wire()))
    lookup_context.resolver = ("127.0.0.1", resolver.port)
    try:
        result = lookup_dns("webshop.example", lookup_context)
    finally:
        resolver.stop()

    assert resolver.connections == len(result.exchanges) > 1
    assert result.data["records"]["A"] == ["192.0.2.10"]
    assert_evidence(result)


def test_an_unreachable_resolver_is_a_route_error(lookup_context: LookupContext) -> None:
    lookup_context.resolver = ("127.0.0.1", free_port())  # nothing listens there

    with pytest.raises(RouteError, match=r"127\.0\.0\.1"):
        lookup_dns("webshop.example", lookup_context)


def test_exchanges_hold_the_wire_bytes_the_data_came_from(dns_context: LookupContext) -> None:
    result = lookup_dns("webshop.example", dns_context)

    asked = {(q["name"], q["type"]): q for q in result.data["questions"]}
    assert len(result.exchanges) == len(asked)
    for exchange in result.exchanges:
        query = dns.message.from_wire(exchange.request)
        response = dns.message.from_wire(exchange.response)
        assert query.ednsflags & dns.flags.DO  # signatures were asked for
        question = query.question[0]
        entry = asked.pop((question.name.to_text(), dns.rdatatype.to_text(question.rdtype)))
        records = sorted(
            rdata.to_text()
            for rrset in response.answer
            if rrset.rdtype == question.rdtype
            for rdata in rrset
        )
        assert sorted(entry["records"]) == records
        assert entry["rcode"] == dns.rcode.to_text(response.rcode())
    assert asked == {}
