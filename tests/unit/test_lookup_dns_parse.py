"""Fuzzing the DNS lookup's parsers: what a resolver sends, and what an officer types.

Whatever arrives, the answer parser, the frame reader and the DNSSEC check either give
plain (canonical-JSON-safe) data or raise LookupFailed; the target parser either gives a
normalised name or raises LookupInputError. The valid answers mutated here are signed
with a key made for the test, from the same zone file knot serves in the e2e tests.
"""

import contextlib
import ipaddress
from dataclasses import dataclass
from typing import Any

import dns.dnssec
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY
import dns.rrset
import dns.zone
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.support.knot import zone_from_data
from workstation import canonjson
from workstation.errors import LookupFailed, LookupInputError
from workstation.lookup.dns_records import (
    DnsAnswer,
    evaluate_dnssec,
    frame,
    parse_answer,
    parse_record_types,
    parse_target,
    read_frame,
    signers,
    zone_of,
)

SERVER = "127.0.0.1:53"
ZONE = dns.name.from_text("webshop.example.")
FUZZ = settings(max_examples=10_000, deadline=None)


@dataclass(frozen=True)
class Sample:
    """A question and a valid, signed answer to it, as a resolver would send it."""

    query: dns.message.Message
    wire: bytes


class SignedZone:
    """The web shop's test zone, answered and signed by dnspython with a fresh key."""

    def __init__(self) -> None:
        self.zone: dns.zone.Zone = zone_from_data("webshop.example")
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.dnskey: dns.rdtypes.ANY.DNSKEY.DNSKEY = dns.dnssec.make_dnskey(
            self.key.public_key(), "ECDSAP256SHA256", flags=257
        )
        self.query_id = 4242

    def rrset(self, name: dns.name.Name, rdtype: str) -> dns.rrset.RRset | None:
        if rdtype == "DNSKEY" and name == ZONE:
            return dns.rrset.from_rdata(name, 3600, self.dnskey)
        rdataset = self.zone.get_rdataset(name, rdtype)
        if rdataset is None:
            return None
        return dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset))

    def signed(self, rrset: dns.rrset.RRset) -> list[dns.rrset.RRset]:
        rrsig = dns.dnssec.sign(rrset, self.key, ZONE, self.dnskey, lifetime=86400)
        return [rrset, dns.rrset.from_rdata(rrset.name, rrset.ttl, rrsig)]

    def sample(self, name: str, rdtype: str) -> Sample:
        qname = dns.name.from_text(name)
        query = dns.message.make_query(qname, rdtype, want_dnssec=True, id=self.query_id)
        response = dns.message.make_response(query)
        found = self.rrset(qname, rdtype)
        if found is not None:
            response.answer += self.signed(found)
        elif self.zone.get_node(qname) is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        soa = self.rrset(ZONE, "SOA")
        if found is None and soa is not None:
            response.authority += self.signed(soa)
        return Sample(query, response.to_wire())


@pytest.fixture(scope="module")
def signed_zone() -> SignedZone:
    return SignedZone()


@pytest.fixture(scope="module")
def samples(signed_zone: SignedZone) -> list[Sample]:
    questions = [
        (name, rdtype)
        for name in ("webshop.example.", "www.webshop.example.")
        for rdtype in ("A", "AAAA", "MX", "NS", "TXT", "SOA", "CAA", "CNAME", "DNSKEY")
    ]
    questions += [("_sip._tcp.webshop.example.", "SRV"), ("_dmarc.webshop.example.", "TXT")]
    questions += [("gone.webshop.example.", "A")]
    return [signed_zone.sample(name, rdtype) for name, rdtype in questions]


def as_data(answer: DnsAnswer) -> dict[str, Any]:
    """Everything the lookup takes from an answer into its result."""
    return {
        "qname": answer.qname,
        "qtype": answer.qtype,
        "rcode": answer.rcode,
        "flags": [answer.authoritative, answer.authenticated, answer.truncated],
        "records": list(answer.records),
        "ttl": answer.ttl,
        "details": list(answer.details),
        "texts": list(answer.texts),
        "aliases": list(answer.aliases),
    }


def use_fully(answer: DnsAnswer, key_answer: DnsAnswer) -> None:
    """Run what the lookup runs on an answer; the outcome must be canonical JSON."""
    zone = zone_of(answer)
    signers([answer, key_answer])
    dnssec = evaluate_dnssec(zone, [answer], [key_answer])
    canonjson.dumps({"answer": as_data(answer), "dnssec": dnssec})


# --- answers --------------------------------------------------------------------------------


def test_the_valid_samples_parse_and_validate(samples: list[Sample]) -> None:
    """The fuzzers start from answers that are really valid and really signed."""
    key_sample = next(s for s in samples if s.query.question[0].rdtype == dns.rdatatype.DNSKEY)
    key_answer = parse_answer(key_sample.wire, key_sample.query, SERVER)
    for sample in samples:
        answer = parse_answer(sample.wire, sample.query, SERVER)
        dnssec = evaluate_dnssec(ZONE, [answer], [key_answer])
        assert dnssec["signed"] and dnssec["signatures"] == "valid", answer.qname
        use_fully(answer, key_answer)


@FUZZ
@given(wire=st.binary(max_size=700), index=st.integers(min_value=0))
def test_random_bytes_only_ever_fail_as_lookup_failed(
    samples: list[Sample], wire: bytes, index: int
) -> None:
    sample = samples[index % len(samples)]
    with contextlib.suppress(LookupFailed):
        answer = parse_answer(wire, sample.query, SERVER)
        canonjson.dumps(as_data(answer))


def mutated(wire: bytes, program: bytes) -> bytes:
    """The wire changed as program says, four bytes an edit: set a byte, insert one, drop
    a few or cut the rest. (One binary draw per example keeps hypothesis fast.)"""
    data = bytearray(wire)
    for start in range(0, len(program) - 3, 4):
        operation, high, low, value = program[start : start + 4]
        position = ((high << 8) | low) % max(len(data), 1)
        if operation % 8 <= 4 and data:
            data[position] = value
        elif operation % 8 == 5:
            data.insert(position, value)
        elif operation % 8 == 6:
            del data[position : position + 1 + value % 8]
        else:
            del data[position:]
    return bytes(data)


edits = st.binary(min_size=4, max_size=24)


@pytest.fixture(scope="module")
def key_sample(samples: list[Sample]) -> Sample:
    return next(s for s in samples if s.query.question[0].rdtype == dns.rdatatype.DNSKEY)


@pytest.fixture(scope="module")
def key_answer(key_sample: Sample) -> DnsAnswer:
    return parse_answer(key_sample.wire, key_sample.query, SERVER)


@FUZZ
@given(index=st.integers(min_value=0, max_value=1000), program=edits)
def test_mutated_answers_only_ever_fail_as_lookup_failed(
    samples: list[Sample], key_answer: DnsAnswer, index: int, program: bytes
) -> None:
    sample = samples[index % len(samples)]
    with contextlib.suppress(LookupFailed):
        answer = parse_answer(mutated(sample.wire, program), sample.query, SERVER)
        use_fully(answer, answer if answer.qtype == "DNSKEY" else key_answer)


@pytest.fixture(scope="module")
def parsed_samples(samples: list[Sample]) -> list[DnsAnswer]:
    return [parse_answer(sample.wire, sample.query, SERVER) for sample in samples]


@FUZZ
@given(index=st.integers(min_value=0, max_value=1000), program=edits)
def test_mutated_keys_never_break_the_dnssec_check(
    parsed_samples: list[DnsAnswer], key_sample: Sample, index: int, program: bytes
) -> None:
    """A resolver may send any DNSKEY; the check says invalid or not checked, never crashes."""
    answer = parsed_samples[index % len(parsed_samples)]
    with contextlib.suppress(LookupFailed):
        key_answer = parse_answer(mutated(key_sample.wire, program), key_sample.query, SERVER)
        use_fully(answer, key_answer)


# --- frames -------------------------------------------------------------------------------


class ChunkedStream:
    """A stream that hands out its bytes in the chunk sizes it was given."""

    def __init__(self, data: bytes, chunks: bytes) -> None:
        self.data = data
        self.chunks = [1 + size % 64 for size in chunks] or [1]
        self.position = 0
        self.calls = 0

    def recv(self, size: int, /) -> bytes:
        chunk = self.chunks[self.calls % len(self.chunks)]
        self.calls += 1
        piece = self.data[self.position : self.position + min(size, chunk)]
        self.position += len(piece)
        return piece


@FUZZ
@given(
    data=st.binary(max_size=400),
    chunks=st.binary(max_size=6),
)
@example(data=frame(b"ab") + frame(b"") + b"\x00", chunks=b"")
def test_frames_are_read_exactly_or_fail_as_cut_off(data: bytes, chunks: bytes) -> None:
    stream = ChunkedStream(data, chunks)
    frames: list[bytes] = []
    try:
        while (message := read_frame(stream, SERVER)) is not None:
            frames.append(message)
    except LookupFailed as failure:
        assert "cut off" in str(failure)
    else:
        assert stream.position == len(data)  # only a clean end of stream ends the loop
    consumed = b"".join(frame(message) for message in frames)
    assert data.startswith(consumed)


# --- what the officer types -----------------------------------------------------------------

# Placeholders stand for whole tokens, so that a plain character alphabet (cheap for
# hypothesis to generate) still builds punycode, IDN labels, schemes and addresses.
TOKENS = {
    "!": "xn--",
    "~": "http://",
    "^": "bücher",
    "$": "straße",
    "=": "2001:db8::",
    "&": "example",
    "#": "a" * 60,
    "*": "192.0.2.",
}
ALPHABET = "abcxyzABC019.-_@:/ %[]ßüΣ例Ａ。\t" + "".join(TOKENS)


def expand_tokens(text: str) -> str:
    for placeholder, token in TOKENS.items():
        text = text.replace(placeholder, token)
    return text


typed_targets = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=ALPHABET, max_size=40).map(expand_tokens),
)


@FUZZ
@given(typed=typed_targets)
@example(typed="a" * 64 + ".example")
@example(typed=".".join(["a" * 63] * 4))
def test_typed_targets_are_a_normalised_name_or_refused(typed: str) -> None:
    try:
        target = parse_target(typed)
    except LookupInputError as refusal:
        assert str(refusal)
        return
    name = target.ascii_name
    assert name.isascii() and name.endswith(".") and len(name) <= 254
    assert all(len(label) <= 63 for label in target.name.labels)
    assert target.unicode_name.endswith(".")
    again = parse_target(target.display)
    assert again.name == target.name and again.kind == target.kind
    if target.address is not None:
        assert target.address == str(ipaddress.ip_address(target.address))
    canonjson.dumps({"name": name, "unicode": target.unicode_name, "typed": target.typed})


@FUZZ
@given(typed=st.text(alphabet="AaMXNSTYPE0123456789 *-,", max_size=24))
def test_record_types_are_known_data_types_or_refused(typed: str) -> None:
    types = typed.split(",")
    try:
        checked = parse_record_types(types)
    except LookupInputError as refusal:
        assert str(refusal)
        return
    assert checked and len(set(checked)) == len(checked)
    for text in checked:
        assert not dns.rdatatype.is_metatype(dns.rdatatype.from_text(text))


@pytest.mark.parametrize(
    ("typed", "name", "unicode_name"),
    [
        ("webshop.example", "webshop.example.", "webshop.example."),
        ("  WebShop.Example.  ", "webshop.example.", "webshop.example."),
        ("BÜCHER.example", "xn--bcher-kva.example.", "bücher.example."),
        ("xn--bcher-kva.example", "xn--bcher-kva.example.", "bücher.example."),
        ("straße.example", "xn--strae-oqa.example.", "straße.example."),
        ("_sip._tcp.webshop.example", "_sip._tcp.webshop.example.", "_sip._tcp.webshop.example."),
        ("192.0.2.10", "10.2.0.192.in-addr.arpa.", "10.2.0.192.in-addr.arpa."),
    ],
)
def test_names_are_normalised(typed: str, name: str, unicode_name: str) -> None:
    target = parse_target(typed)
    assert (target.ascii_name, target.unicode_name) == (name, unicode_name)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Enter a domain name or an IP address"),
        ("http://webshop.example/", "web address"),
        ("officer@webshop.example", "e-mail address"),
        ("web shop.example", "spaces"),
        ("webshop..example", "empty part"),
        ("a" * 64 + ".example", "longer than 63"),
        (".".join(["a" * 60] * 5), "longer than 253"),
        ("fe80::1%eth0", "zone index"),
        ("192.0.2.300", "not a valid"),
    ],
)
def test_garbage_is_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(LookupInputError, match=reason):
        parse_target(typed)


def test_ipv6_addresses_in_brackets_are_addresses() -> None:
    target = parse_target("[2001:db8::10]")
    assert target.kind == "address" and target.address == "2001:db8::10"
    assert target.ascii_name.endswith(".8.b.d.0.1.0.0.2.ip6.arpa.")


def test_record_types_are_checked() -> None:
    assert parse_record_types(["mx", "A", "MX"]) == ["MX", "A"]
    for bad in (["ANY"], ["AXFR"], ["RRSIG"], ["NOPE"], []):
        with pytest.raises(LookupInputError):
            parse_record_types(bad)


def test_a_message_from_another_conversation_is_refused(samples: list[Sample]) -> None:
    first, second = samples[0], samples[1]
    with pytest.raises(LookupFailed, match="does not belong"):
        parse_answer(second.wire, first.query, SERVER)
