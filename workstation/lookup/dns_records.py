"""The DNS lookup's pure parts: what the officer typed, DNS-over-TCP frames, answers, DNSSEC.

Nothing here touches the network, so every function can be fuzzed on its own. Whatever a
server sends is either turned into plain data (str, int, bool, lists, dicts) or refused
with LookupFailed; whatever the officer types is either a normalised name or refused with
LookupInputError.
"""

import ipaddress
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.CAA
import dns.rdtypes.ANY.DNSKEY
import dns.rdtypes.ANY.MX
import dns.rdtypes.ANY.RRSIG
import dns.rdtypes.ANY.SOA
import dns.rdtypes.ANY.TXT
import dns.rdtypes.IN.SRV
import dns.reversename
import dns.rrset

from workstation.errors import LookupFailed, LookupInputError
from workstation.lookup.targets import domain_display, normalise_domain
from workstation.route.hosts import ip_literal

SHOWN_INPUT = 80  # characters of a rejected input repeated in the message

# What dnspython may raise on bytes that are not a DNS message.
_WIRE_ERRORS = (
    dns.exception.DNSException,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    struct.error,
    OverflowError,
)

# --- what the officer typed ---------------------------------------------------------------


@dataclass(frozen=True)
class DnsTarget:
    """A checked lookup target: a domain name, or an IP address (asked as its reverse name)."""

    typed: str
    kind: Literal["domain", "address"]
    name: dns.name.Name  # absolute; the reverse name for an address
    unicode_name: str  # the name as an officer reads it ("bücher.example."), absolute
    address: str | None  # the address in its normal form, for an address target

    @property
    def ascii_name(self) -> str:
        """The name as asked, absolute ("xn--bcher-kva.example.")."""
        return self.name.to_text()

    @property
    def display(self) -> str:
        """What the target is called in results: the address, or the ASCII name without dot."""
        return self.address if self.address is not None else self.name.to_text(omit_final_dot=True)


def parse_target(typed: str) -> DnsTarget:
    """The name to ask for what the officer typed; LookupInputError when it is neither a
    domain name nor an IP address."""
    text = typed.strip()
    if not text:
        raise LookupInputError("Enter a domain name or an IP address to look up.")
    address = _address(text)
    if address is not None:
        reverse = dns.reversename.from_address(str(address))
        return DnsTarget(typed, "address", reverse, reverse.to_text(), str(address))
    name, unicode_name = _domain(text)
    return DnsTarget(typed, "domain", name, unicode_name, None)


def _shown(text: str) -> str:
    return f"“{text[:SHOWN_INPUT]}…”" if len(text) > SHOWN_INPUT else f"“{text}”"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if "%" in bare and ip_literal(bare.split("%", 1)[0]) is not None:
        raise LookupInputError(
            f"{_shown(text)} is an address with a zone index; enter the address without “%…”."
        )
    return ip_literal(bare)


def _domain(text: str) -> tuple[dns.name.Name, str]:
    _refuse_obvious_non_names(text)
    ascii_name = normalise_domain(text)  # the same rules as every other lookup
    try:
        name = dns.name.from_text(ascii_name + ".")
    except dns.exception.DNSException:
        raise LookupInputError(f"{_shown(text)} is not a valid domain name.") from None
    return name, domain_display(ascii_name) + "."


def _refuse_obvious_non_names(text: str) -> None:
    """Clearer words than "not a valid domain name" for what officers often paste."""
    if "://" in text or "/" in text:
        raise LookupInputError(
            f"{_shown(text)} is a web address; enter only its host name (e.g. webshop.example)."
        )
    if "@" in text:
        raise LookupInputError(
            f"{_shown(text)} looks like an e-mail address; enter the domain after the “@”."
        )
    if any(character.isspace() for character in text):
        raise LookupInputError(f"{_shown(text)} is not a domain name: it contains spaces.")


def parse_record_types(record_types: Iterable[str]) -> list[str]:
    """Upper-case record type names, each a real data type; LookupInputError otherwise."""
    checked: list[str] = []
    for typed in record_types:
        try:
            rdtype = dns.rdatatype.from_text(typed.strip().upper())
        except (dns.exception.DNSException, ValueError):
            raise LookupInputError(f"{_shown(typed)} is not a DNS record type.") from None
        if dns.rdatatype.is_metatype(rdtype) or rdtype in {
            dns.rdatatype.RRSIG,
            dns.rdatatype.NONE,
        }:
            raise LookupInputError(f"{_shown(typed)} cannot be asked for in a lookup.")
        text = dns.rdatatype.to_text(rdtype)
        if text not in checked:
            checked.append(text)
    if not checked:
        raise LookupInputError("Choose at least one DNS record type to ask for.")
    return checked


# --- DNS over TCP frames ----------------------------------------------------------------


class Receiver(Protocol):
    """What a frame is read from: a socket, or in tests anything with recv."""

    def recv(self, size: int, /) -> bytes: ...


def frame(wire: bytes) -> bytes:
    """A DNS message as it travels over TCP: two octets of length, then the message."""
    return struct.pack("!H", len(wire)) + wire


def read_frame(stream: Receiver, server: str) -> bytes | None:
    """The next DNS message from a TCP stream; None if the server closed it between messages.

    LookupFailed when the stream ends inside a message. Timeouts (TimeoutError) are left to
    the caller, who knows how long it waited.
    """
    head = _read_exactly(stream, 2, server, at_boundary=True)
    if head is None:
        return None
    (length,) = struct.unpack("!H", head)
    body = _read_exactly(stream, length, server, at_boundary=False)
    assert body is not None  # only a read at a message boundary may end cleanly
    return body


def _read_exactly(stream: Receiver, size: int, server: str, *, at_boundary: bool) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        try:
            chunk = stream.recv(size - len(data))
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
            chunk = b""
        if not chunk:
            if at_boundary and not data:
                return None
            raise LookupFailed(
                f"The answer from the DNS resolver {server} was cut off "
                f"({len(data)} of {size} bytes arrived)."
            )
        data += chunk
    return bytes(data)


# --- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DnsAnswer:
    """One answer of the resolver, parsed and checked against the question asked."""

    qname: str  # absolute, ASCII
    qtype: str
    rcode: str  # "NOERROR", "NXDOMAIN", "SERVFAIL", ...
    authoritative: bool  # AA flag
    authenticated: bool  # AD flag: a validating resolver vouches for the answer
    truncated: bool  # TC flag: should never be set over TCP
    records: tuple[str, ...]  # presentation format of the answer records of qtype
    ttl: int | None  # the smallest TTL of those records
    details: tuple[dict[str, Any], ...]  # structured MX, SOA, CAA, SRV records
    texts: tuple[str, ...]  # TXT records, their strings joined
    aliases: tuple[str, ...]  # CNAME targets on the way to the answer
    message: dns.message.Message


def make_query(name: dns.name.Name, rdtype: str, query_id: int) -> dns.message.QueryMessage:
    """A recursive query with the DNSSEC OK bit, so signed zones send their signatures."""
    query = dns.message.make_query(name, rdtype, want_dnssec=True, id=query_id)
    assert isinstance(query, dns.message.QueryMessage)
    return query


def answer_id(wire: bytes) -> int | None:
    """The message ID of an answer (its first two octets), None if it is shorter than that."""
    return int.from_bytes(wire[:2], "big") if len(wire) >= 2 else None


def parse_answer(wire: bytes, query: dns.message.Message, server: str) -> DnsAnswer:
    """The resolver's answer to query, as data; LookupFailed for anything else."""
    try:
        message = dns.message.from_wire(wire)
    except _WIRE_ERRORS as exc:
        raise LookupFailed(
            f"The DNS resolver {server} sent an answer that is not a valid DNS message "
            f"({_describe_error(exc)})."
        ) from None
    if not query.is_response(message):
        raise LookupFailed(
            f"The DNS resolver {server} sent an answer that does not belong to the question asked."
        )
    question = query.question[0]
    try:
        return _answer(message, question.name, question.rdtype)
    except _WIRE_ERRORS as exc:
        raise LookupFailed(
            f"The DNS resolver {server} sent records that cannot be read ({_describe_error(exc)})."
        ) from None


def unexpected_answer(wire: bytes, server: str) -> LookupFailed:
    """The error for an answer whose ID matches no open question."""
    try:
        dns.message.from_wire(wire)
    except _WIRE_ERRORS as exc:
        return LookupFailed(
            f"The DNS resolver {server} sent an answer that is not a valid DNS message "
            f"({_describe_error(exc)})."
        )
    return LookupFailed(f"The DNS resolver {server} sent an answer to a question not asked.")


def _describe_error(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".")
    reason = text[:120] if text else type(exc).__name__
    return reason.replace("\n", " ")


def _answer(
    message: dns.message.Message, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> DnsAnswer:
    rrsets = [
        rrset
        for rrset in message.answer
        if rrset.rdtype == rdtype and rrset.rdclass == dns.rdataclass.IN
    ]
    rdatas = [rdata for rrset in rrsets for rdata in rrset]
    aliases = tuple(
        rdata.to_text()
        for rrset in message.answer
        if rrset.rdtype == dns.rdatatype.CNAME and rdtype != dns.rdatatype.CNAME
        for rdata in rrset
    )
    return DnsAnswer(
        qname=qname.to_text(),
        qtype=dns.rdatatype.to_text(rdtype),
        rcode=dns.rcode.to_text(message.rcode()),
        authoritative=bool(message.flags & dns.flags.AA),
        authenticated=bool(message.flags & dns.flags.AD),
        truncated=bool(message.flags & dns.flags.TC),
        records=tuple(rdata.to_text() for rdata in rdatas),
        ttl=min((rrset.ttl for rrset in rrsets), default=None),
        details=tuple(d for d in (record_details(rdata) for rdata in rdatas) if d is not None),
        texts=tuple(
            txt_text(rdata) for rdata in rdatas if isinstance(rdata, dns.rdtypes.ANY.TXT.TXT)
        ),
        aliases=aliases,
        message=message,
    )


def _text(data: bytes) -> str:
    """Bytes from the wire as text; bytes that are not UTF-8 are shown as \\x.. escapes."""
    return data.decode("utf-8", "backslashreplace")


def txt_text(rdata: dns.rdtypes.ANY.TXT.TXT) -> str:
    """A TXT record's strings joined, as SPF and DMARC read them (RFC 7208 3.3)."""
    return _text(b"".join(rdata.strings))


def record_details(rdata: dns.rdata.Rdata) -> dict[str, Any] | None:
    """The fields of an MX, SOA, CAA or SRV record; None for other types."""
    if isinstance(rdata, dns.rdtypes.ANY.MX.MX):
        return {"preference": rdata.preference, "exchange": rdata.exchange.to_text()}
    if isinstance(rdata, dns.rdtypes.ANY.SOA.SOA):
        return {
            "mname": rdata.mname.to_text(),
            "rname": rdata.rname.to_text(),
            "serial": rdata.serial,
            "refresh": rdata.refresh,
            "retry": rdata.retry,
            "expire": rdata.expire,
            "minimum": rdata.minimum,
        }
    if isinstance(rdata, dns.rdtypes.ANY.CAA.CAA):
        return {"flags": rdata.flags, "tag": _text(rdata.tag), "value": _text(rdata.value)}
    if isinstance(rdata, dns.rdtypes.IN.SRV.SRV):
        return {
            "priority": rdata.priority,
            "weight": rdata.weight,
            "port": rdata.port,
            "target": rdata.target.to_text(),
        }
    return None


def spf_records(texts: Sequence[str]) -> list[str]:
    """The SPF policies among a name's TXT records (RFC 7208 4.5: "v=spf1" then space or end)."""
    return [text for text in texts if re.match(r"v=spf1(\s|$)", text, re.IGNORECASE)]


def dmarc_records(texts: Sequence[str]) -> list[str]:
    """The DMARC policies among the TXT records at _dmarc.<domain> (RFC 7489 6.6.3)."""
    return [text for text in texts if re.match(r"v\s*=\s*DMARC1(\s|;|$)", text, re.IGNORECASE)]


def zone_of(answer: DnsAnswer) -> dns.name.Name | None:
    """The zone the asked name lives in, as an SOA question's answer shows it.

    The SOA itself when the name is the zone's apex, the SOA of a negative answer, or the
    signer of the signatures over the name's own records (a name that is only an alias).
    """
    qname = dns.name.from_text(answer.qname)
    message = answer.message
    for rrset in message.answer:
        if rrset.rdtype == dns.rdatatype.SOA and rrset.name == qname:
            return rrset.name
    has_alias = any(rrset.rdtype == dns.rdatatype.CNAME for rrset in message.answer)
    if not has_alias:
        for rrset in message.authority:
            if rrset.rdtype == dns.rdatatype.SOA and qname.is_subdomain(rrset.name):
                return rrset.name
    for rrset in message.answer:
        if rrset.rdtype == dns.rdatatype.RRSIG and rrset.name == qname:
            for rdata in rrset:
                assert isinstance(rdata, dns.rdtypes.ANY.RRSIG.RRSIG)
                if qname.is_subdomain(rdata.signer):
                    return rdata.signer
    return None


def signers(answers: Iterable[DnsAnswer]) -> set[dns.name.Name]:
    """Every zone that signed something in these answers (the RRSIGs' signer names)."""
    found: set[dns.name.Name] = set()
    for answer in answers:
        for section in (answer.message.answer, answer.message.authority):
            for rrset in section:
                if rrset.rdtype == dns.rdatatype.RRSIG:
                    found.update(
                        rdata.signer
                        for rdata in rrset
                        if isinstance(rdata, dns.rdtypes.ANY.RRSIG.RRSIG)
                    )
    return found


# --- DNSSEC -------------------------------------------------------------------------------

CHAIN_NOT_CHECKED = (
    "The chain of trust from the DNS root down to this zone (DS records in the parent "
    "zones) was not checked: the signatures were checked against the zone's own keys only."
)


def dnskey_rdataset(answer: DnsAnswer) -> dns.rrset.RRset | None:
    """The DNSKEY records at the asked zone's apex, if the answer has them."""
    zone = dns.name.from_text(answer.qname)
    for rrset in answer.message.answer:
        if rrset.rdtype == dns.rdatatype.DNSKEY and rrset.name == zone:
            return rrset
    return None


def describe_keys(keys: dns.rrset.RRset) -> list[dict[str, Any]]:
    described = []
    for rdata in keys:
        assert isinstance(rdata, dns.rdtypes.ANY.DNSKEY.DNSKEY)
        secure_entry_point = bool(rdata.flags & 0x0001)
        described.append(
            {
                "flags": rdata.flags,
                "algorithm": dns.dnssec.algorithm_to_text(rdata.algorithm),
                "key_tag": dns.dnssec.key_id(rdata),
                "role": "key-signing key" if secure_entry_point else "zone-signing key",
            }
        )
    return described


def evaluate_dnssec(
    zone: dns.name.Name | None,
    answers: Sequence[DnsAnswer],
    key_answers: Sequence[DnsAnswer],
) -> dict[str, Any]:
    """Is the zone signed, and do the signatures over these answers hold for its keys?

    key_answers are the answers to DNSKEY questions, one per signing zone seen. Every
    RRset of the answer and authority sections is checked against the keys of the zone
    that signed it. The chain of trust to the root is not followed.
    """
    keys = {
        dns.name.from_text(answer.qname): rrset
        for answer in key_answers
        if (rrset := dnskey_rdataset(answer)) is not None
    }
    checks = _check_signatures([*answers, *key_answers], keys)
    zone_keys = keys.get(zone) if zone is not None else None
    zone_signed_something = any(c["signer"] == _text_or_none(zone) for c in checks)
    signed = zone_keys is not None and zone_signed_something
    status = _overall(zone is not None, signed, checks)
    everything = [*answers, *key_answers]
    resolver_authenticated = bool(everything) and all(a.authenticated for a in everything)
    return {
        "zone": _text_or_none(zone),
        "signed": signed,
        "dnskey_present": zone_keys is not None,
        "rrsigs_present": any(c["result"] != "unsigned" for c in checks),
        "keys": describe_keys(zone_keys) if zone_keys is not None else [],
        "signatures": status,
        "checked": checks,
        "resolver_authenticated": resolver_authenticated,
        "chain_of_trust_checked": False,
        "explanation": _explain(zone, signed, status, resolver_authenticated),
    }


def _text_or_none(name: dns.name.Name | None) -> str | None:
    return name.to_text() if name is not None else None


def _check_signatures(
    answers: Sequence[DnsAnswer], keys: dict[dns.name.Name, dns.rrset.RRset]
) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    seen: set[tuple[dns.name.Name, int, int]] = set()
    for answer in answers:
        message = answer.message
        for section in (message.answer, message.authority):
            for rrset in section:
                key = (rrset.name, rrset.rdtype, rrset.rdclass)
                if rrset.rdtype == dns.rdatatype.RRSIG or key in seen:
                    continue
                seen.add(key)
                sigs = message.get_rrset(
                    section, rrset.name, rrset.rdclass, dns.rdatatype.RRSIG, rrset.rdtype
                )
                checks.append(_check_rrset(rrset, sigs, keys))
    return checks


def _check_rrset(
    rrset: dns.rrset.RRset,
    sigs: dns.rrset.RRset | None,
    keys: dict[dns.name.Name, dns.rrset.RRset],
) -> dict[str, Any]:
    check: dict[str, Any] = {
        "name": rrset.name.to_text(),
        "type": dns.rdatatype.to_text(rrset.rdtype),
        "signer": None,
        "result": "unsigned",
        "detail": "no signature",
    }
    if sigs is None or len(sigs) == 0:
        return check
    first = next(iter(sigs))
    assert isinstance(first, dns.rdtypes.ANY.RRSIG.RRSIG)
    signer = first.signer
    check["signer"] = signer.to_text()
    signer_keys = keys.get(signer)
    if signer_keys is None:
        check.update(result="not checked", detail=f"the keys of {signer} could not be had")
        return check
    try:
        dns.dnssec.validate(rrset, sigs, {signer: signer_keys})
    except dns.exception.ValidationFailure as exc:
        check.update(result="invalid", detail=_describe_error(exc))
    except _WIRE_ERRORS as exc:
        check.update(result="not checked", detail=_describe_error(exc))
    else:
        check.update(result="valid", detail=f"signature valid for a DNSKEY of {signer}")
    return check


def _overall(zone_known: bool, signed: bool, checks: Sequence[dict[str, Any]]) -> str:
    results = {check["result"] for check in checks}
    if "invalid" in results:
        return "invalid"
    if not zone_known:
        return "unknown"
    if not signed:
        return "unsigned"
    if results == {"valid"}:
        return "valid"
    return "incomplete"


def _explain(zone: dns.name.Name | None, signed: bool, status: str, ad: bool) -> str:
    where = f"The zone {zone}" if zone is not None else "The zone of this name"
    resolver = (
        " The resolver says the answers are authenticated (AD flag)."
        if ad
        else " The resolver did not mark the answers as authenticated (no AD flag)."
    )
    if zone is None and status != "invalid":
        return "The zone of this name could not be determined; DNSSEC was not assessed." + resolver
    if status == "invalid":
        return (
            f"{where} has signatures that do NOT match its keys: the answers may have been "
            "altered, or the zone is misconfigured." + resolver
        )
    if not signed:
        return f"{where} is not signed (no DNSKEY and RRSIG records)." + resolver
    if status == "valid":
        return (
            f"{where} is signed (DNSKEY and RRSIG records present) and every signature in "
            f"the answers is valid for the zone's own keys. {CHAIN_NOT_CHECKED}" + resolver
        )
    return (
        f"{where} is signed, but some records in the answers carry no signature that could "
        f"be checked. {CHAIN_NOT_CHECKED}" + resolver
    )
