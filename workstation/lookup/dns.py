"""DNS lookup: the records of a name (or the reverse name of an address), with DNSSEC status.

Every question goes as DNS over TCP to the configured resolver through the route
(context.connect), never to the local resolver and never over UDP, which no route
carries. Questions are sent together on one tunnel (RFC 7766 allows several queries on
one connection, answered in any order) so a lookup costs about one round trip through
Tor rather than ten; a resolver that closes the connection early gets the rest on a
new one. Each question and its answer are kept byte for byte as an Exchange.
"""

import logging
import secrets
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import dns.exception
import dns.message
import dns.name

from workstation.errors import LookupFailed
from workstation.lookup.context import LookupContext
from workstation.lookup.dns_records import (
    DnsAnswer,
    DnsTarget,
    answer_id,
    dmarc_records,
    evaluate_dnssec,
    frame,
    make_query,
    parse_answer,
    parse_record_types,
    parse_target,
    read_frame,
    signers,
    spf_records,
    unexpected_answer,
    zone_of,
)
from workstation.lookup.result import Exchange, LookupResult, Pivot, utc_now
from workstation.route.hosts import join_host_port

log = logging.getLogger(__name__)

DEFAULT_RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "CAA")
ADDRESS_RECORD_TYPES = ("PTR",)
MAX_KEY_ZONES = 4  # zones whose DNSKEYs are fetched to check signatures
POLL_SECONDS = 0.25  # how often a wait for the resolver looks for a cancellation
ANSWERED = ("NOERROR", "NXDOMAIN")


# --- the resolver, through the route ------------------------------------------------------


class _PatientReceiver:
    """recv on the tunnel that notices a cancellation within POLL_SECONDS, and raises
    TimeoutError when no complete answer came for the context's timeout (so a resolver
    dribbling bytes cannot hold a lookup forever)."""

    def __init__(self, sock: socket.socket, context: LookupContext) -> None:
        self._sock = sock
        self._context = context
        self._deadline = time.monotonic() + context.timeout

    def answer_complete(self) -> None:
        self._deadline = time.monotonic() + self._context.timeout

    def recv(self, size: int, /) -> bytes:
        while True:
            self._context.check_cancelled()
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self._sock.settimeout(min(POLL_SECONDS, remaining))
            try:
                return self._sock.recv(size)
            except TimeoutError:
                continue


@dataclass(frozen=True)
class _Pending:
    query_id: int
    query: dns.message.QueryMessage
    wire: bytes


class DnsSession:
    """Questions to one resolver over DNS-over-TCP tunnels through the route.

    One tunnel serves as many questions as the resolver allows; exchanges collects every
    question and answer in the order the answers came.
    """

    def __init__(self, context: LookupContext) -> None:
        self._context = context
        self._host, self._port = context.resolver
        self.server = join_host_port(self._host, self._port)
        self.exchanges: list[Exchange] = []
        self._sock: socket.socket | None = None
        self._next_id = secrets.randbelow(65536)  # then upwards: unique within the session

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def ask(self, questions: Sequence[tuple[dns.name.Name, str]]) -> list[DnsAnswer]:
        """The answers to these questions, in the order asked."""
        pending = [self._pending(name, rdtype) for name, rdtype in questions]
        answers: dict[int, DnsAnswer] = {}
        while unanswered := [p for p in pending if p.query_id not in answers]:
            fresh = self._sock is None
            sock = self._tunnel()
            answered = self._exchange(sock, unanswered, answers)
            if answered < len(unanswered):  # the resolver closed the connection early
                self.close()
                if fresh and answered == 0:
                    raise LookupFailed(
                        f"The DNS resolver {self.server} closed the connection without answering."
                    )
        return [answers[p.query_id] for p in pending]

    def _pending(self, name: dns.name.Name, rdtype: str) -> _Pending:
        self._next_id = (self._next_id + 1) % 65536
        query = make_query(name, rdtype, self._next_id)
        return _Pending(self._next_id, query, query.to_wire())

    def _tunnel(self) -> socket.socket:
        if self._sock is None:
            self._context.check_cancelled()
            self._sock = self._context.connect(self._host, self._port)
        return self._sock

    def _exchange(
        self, sock: socket.socket, pending: list[_Pending], answers: dict[int, DnsAnswer]
    ) -> int:
        """Send the questions, collect answers until all came or the resolver closed."""
        by_id = {p.query_id: p for p in pending}
        sock.settimeout(self._context.timeout)
        try:
            sock.sendall(b"".join(frame(p.wire) for p in pending))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return 0
        except OSError as exc:
            raise LookupFailed(
                f"Sending to the DNS resolver {self.server} failed ({exc})."
            ) from None
        answered = 0
        receiver = _PatientReceiver(sock, self._context)
        while answered < len(pending):
            wire = self._read(receiver)
            if wire is None:
                break
            query_id = answer_id(wire)
            asked = by_id.get(query_id) if query_id is not None else None
            if asked is None or query_id in answers:
                raise unexpected_answer(wire, self.server)
            answers[asked.query_id] = parse_answer(wire, asked.query, self.server)
            self.exchanges.append(Exchange(self.server, "dns-tcp", asked.wire, wire, utc_now()))
            answered += 1
            receiver.answer_complete()
            self._context.check_cancelled()
        return answered

    def _read(self, receiver: _PatientReceiver) -> bytes | None:
        try:
            return read_frame(receiver, self.server)
        except TimeoutError:
            raise LookupFailed(
                f"The DNS resolver {self.server} did not answer within "
                f"{self._context.timeout:g} seconds."  # per answer, not per lookup
            ) from None
        except OSError as exc:
            raise LookupFailed(
                f"The connection to the DNS resolver {self.server} broke ({exc})."
            ) from None


# --- the lookups --------------------------------------------------------------------------


def resolve_addresses(name: str, context: LookupContext) -> list[str]:
    """The IPv4 and IPv6 addresses of a name, asked through the route like every lookup.

    An address is returned as it is; a name that does not exist has none.
    """
    target = parse_target(name)
    if target.address is not None:
        return [target.address]
    with DnsSession(context) as session:
        answers = session.ask([(target.name, "A"), (target.name, "AAAA")])
    failed = [a for a in answers if a.rcode not in ANSWERED]
    if len(failed) == len(answers):
        raise LookupFailed(
            f"The DNS resolver {session.server} could not resolve {target.display} "
            f"({failed[0].rcode})."
        )
    return [record for answer in answers for record in answer.records]


def lookup_dns(
    target: str, context: LookupContext, record_types: Sequence[str] | None = None
) -> LookupResult:
    """The records of a domain (or of an address's reverse name) and their DNSSEC status."""
    parsed = parse_target(target)
    types = _record_types(parsed, record_types)
    started = utc_now()
    plan = _Plan.make(parsed, types)
    with DnsSession(context) as session:
        answers = session.ask(plan.questions)
        soa = answers[plan.questions.index((parsed.name, "SOA"))]
        zone = zone_of(soa)
        key_zones = _key_zones(zone, answers)
        key_answers = session.ask([(z, "DNSKEY") for z in key_zones]) if key_zones else []
    log.debug("DNS lookup: %d questions to %s", len(session.exchanges), session.server)
    main = {a.qtype: a for a in answers[: len(types)]}
    dmarc = answers[plan.dmarc_index] if plan.dmarc_index is not None else None
    dnssec = evaluate_dnssec(zone, answers, key_answers)
    data = _data(parsed, session.server, main, dmarc, answers, key_answers, dnssec)
    return LookupResult(
        kind="dns",
        target=parsed.display,
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=tuple(session.exchanges),
        pivots=tuple(_pivots(parsed, main, zone)),
        warnings=tuple(_warnings(answers, key_answers, data)),
        summary=tuple(_summary(parsed, main, data)),
    )


def _record_types(target: DnsTarget, record_types: Sequence[str] | None) -> list[str]:
    if record_types is not None:
        return parse_record_types(record_types)
    if target.kind == "address":
        return list(ADDRESS_RECORD_TYPES)
    types = list(DEFAULT_RECORD_TYPES)
    if _is_service_name(target.name):
        types.append("SRV")
    return types


def _is_service_name(name: dns.name.Name) -> bool:
    """_service._proto.domain (RFC 2782), where SRV records live."""
    labels = name.labels
    return len(labels) > 2 and labels[0].startswith(b"_") and labels[1].startswith(b"_")


@dataclass(frozen=True)
class _Plan:
    """The questions of one lookup: the types asked, then the helpers (SOA for the zone,
    _dmarc TXT)."""

    questions: list[tuple[dns.name.Name, str]]
    dmarc_index: int | None

    @classmethod
    def make(cls, target: DnsTarget, types: list[str]) -> "_Plan":
        questions = [(target.name, rdtype) for rdtype in types]
        if "SOA" not in types:  # the zone is needed for the DNSSEC check
            questions.append((target.name, "SOA"))
        dmarc_index = None
        dmarc_name = _dmarc_name(target) if "TXT" in types else None
        if dmarc_name is not None:
            dmarc_index = len(questions)
            questions.append((dmarc_name, "TXT"))
        return cls(questions, dmarc_index)


def _dmarc_name(target: DnsTarget) -> dns.name.Name | None:
    if target.kind != "domain" or target.name.labels[0].startswith(b"_"):
        return None
    try:
        return dns.name.from_text("_dmarc", origin=target.name)
    except dns.exception.DNSException:  # the name is too long to prefix
        return None


def _key_zones(zone: dns.name.Name | None, answers: Sequence[DnsAnswer]) -> list[dns.name.Name]:
    zones = [zone] if zone is not None else []
    zones += sorted(signers(answers) - set(zones))
    return zones[:MAX_KEY_ZONES]


# --- what the lookup found, for the officer -----------------------------------------------


def _data(  # noqa: PLR0917  (private; called once)
    target: DnsTarget,
    server: str,
    main: dict[str, DnsAnswer],
    dmarc: DnsAnswer | None,
    answers: Sequence[DnsAnswer],
    key_answers: Sequence[DnsAnswer],
    dnssec: dict[str, Any],
) -> dict[str, Any]:
    txt = main.get("TXT")
    soa = main.get("SOA")
    return {
        "target": target.typed,
        "target_type": target.kind,
        "name": target.ascii_name,
        "unicode_name": target.unicode_name,
        "address": target.address,
        "resolver": server,
        "transport": "DNS over TCP through the route",
        "exists": _exists(main),
        "records": {rdtype: list(answer.records) for rdtype, answer in main.items()},
        "ttls": {t: a.ttl for t, a in main.items() if a.ttl is not None},
        "rcodes": {rdtype: answer.rcode for rdtype, answer in main.items()},
        "mx": _details(main, "MX"),
        "soa": soa.details[0] if soa is not None and soa.details else None,
        "caa": _details(main, "CAA"),
        "srv": _details(main, "SRV"),
        "spf": spf_records(txt.texts) if txt is not None else [],
        "dmarc": _dmarc_data(dmarc),
        "questions": [_question(answer) for answer in [*answers, *key_answers]],
        "dnssec": dnssec,
    }


def _exists(main: dict[str, DnsAnswer]) -> bool | None:
    """False for NXDOMAIN, True when the resolver answered, None when it could not say."""
    rcodes = {answer.rcode for answer in main.values()}
    if "NXDOMAIN" in rcodes:
        return False
    return True if "NOERROR" in rcodes else None


def _details(main: dict[str, DnsAnswer], rdtype: str) -> list[dict[str, Any]]:
    answer = main.get(rdtype)
    return list(answer.details) if answer is not None else []


def _dmarc_data(answer: DnsAnswer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {
        "name": answer.qname,
        "rcode": answer.rcode,
        "ttl": answer.ttl,
        "records": dmarc_records(answer.texts),
    }


def _question(answer: DnsAnswer) -> dict[str, Any]:
    return {
        "name": answer.qname,
        "type": answer.qtype,
        "rcode": answer.rcode,
        "ttl": answer.ttl,
        "records": list(answer.records),
        "authoritative": answer.authoritative,
        "authenticated": answer.authenticated,
    }


def _host(text: str) -> str:
    return text.removesuffix(".")


def _pivots(
    target: DnsTarget, main: dict[str, DnsAnswer], zone: dns.name.Name | None
) -> list[Pivot]:
    pivots: list[Pivot] = []
    if target.address is not None:
        pivots.append(Pivot("asn", target.address, "address"))
        pivots.append(Pivot("rdap", target.address, "address registration"))
        pivots.append(Pivot("whois", target.address, "address registration"))
    for rdtype, label in (("CNAME", "alias target"), ("NS", "nameserver"), ("PTR", "reverse name")):
        answer = main.get(rdtype)
        pivots += [Pivot("dns", _host(r), label) for r in answer.records] if answer else []
    pivots += [
        Pivot("dns", _host(d["exchange"]), "mail server")
        for d in _details(main, "MX")
        if d["exchange"] != "."
    ]
    pivots += [
        Pivot("dns", _host(d["target"]), "service host")
        for d in _details(main, "SRV")
        if d["target"] != "."
    ]
    for rdtype in ("A", "AAAA"):
        answer = main.get(rdtype)
        pivots += [Pivot("asn", r, "address") for r in answer.records] if answer else []
    if target.kind == "domain" and zone is not None and len(zone.labels) > 1:
        pivots.append(Pivot("rdap", _host(zone.to_text()), "domain registration"))
        pivots.append(Pivot("whois", _host(zone.to_text()), "domain registration"))
    return list(dict.fromkeys(pivots))


def _warnings(
    answers: Sequence[DnsAnswer], key_answers: Sequence[DnsAnswer], data: dict[str, Any]
) -> list[str]:
    failed: dict[tuple[str, str], list[str]] = {}
    for answer in [*answers, *key_answers]:
        if answer.rcode not in ANSWERED:
            failed.setdefault((answer.rcode, answer.qname), []).append(answer.qtype)
    warnings = [
        f"The resolver answered {rcode} for {qname} {', '.join(types)}."
        for (rcode, qname), types in failed.items()
    ]
    warnings += [
        f"The answer for {a.qname} {a.qtype} was marked truncated."
        for a in [*answers, *key_answers]
        if a.truncated
    ]
    if len(data["spf"]) > 1:
        warnings.append(
            f"{data['name']} publishes {len(data['spf'])} SPF records; mail receivers treat "
            "that as an error (RFC 7208 4.5)."
        )
    if data["dnssec"]["signatures"] == "invalid":
        warnings.append("DNSSEC signatures in the answers do not match the zone's keys.")
    return warnings


def _summary(target: DnsTarget, main: dict[str, DnsAnswer], data: dict[str, Any]) -> list[str]:
    shown = target.unicode_name
    if target.unicode_name != target.ascii_name:
        shown += f" ({target.ascii_name})"
    if data["exists"] is None:
        rcodes = ", ".join(sorted(set(data["rcodes"].values())))
        lines = [f"The resolver could not answer for {shown} ({rcodes})."]
    elif not data["exists"]:
        lines = [f"{shown} does not exist (NXDOMAIN)."]
    elif target.address is not None:
        ptr = main.get("PTR")
        names = ", ".join(ptr.records) if ptr and ptr.records else "no PTR record"
        lines = [f"{target.address} ({target.ascii_name}): {names}"]
    else:
        lines = [shown, *_record_lines(main, data)]
    lines.append(f"DNSSEC: {_dnssec_line(data['dnssec'])}")
    return lines


def _record_lines(main: dict[str, DnsAnswer], data: dict[str, Any]) -> list[str]:
    def joined(rdtype: str) -> str:
        answer = main.get(rdtype)
        return ", ".join(answer.records) if answer is not None else ""

    addresses = ", ".join(filter(None, (joined("A"), joined("AAAA"))))
    lines = [f"Addresses: {addresses}" if addresses else "Addresses: none"]
    candidates = [
        ("Alias of", joined("CNAME")),
        ("Mail servers", joined("MX")),
        ("Name servers", joined("NS")),
        ("Services", joined("SRV")),
        ("SPF", " | ".join(data["spf"])),
        ("DMARC", " | ".join(data["dmarc"]["records"]) if data["dmarc"] else ""),
    ]
    lines += [f"{label}: {value}" for label, value in candidates if value]
    return lines


def _dnssec_line(dnssec: dict[str, Any]) -> str:
    status = dnssec["signatures"]
    ad = "; resolver says authenticated" if dnssec["resolver_authenticated"] else ""
    if status == "valid":
        return f"signed, signatures valid for the zone's keys (chain to the root not checked){ad}"
    if status == "invalid":
        return f"signatures DO NOT match the zone's keys{ad}"
    if status == "incomplete":
        return f"signed, some records not covered by checkable signatures{ad}"
    if status == "unknown":
        return f"not assessed (the zone could not be determined){ad}"
    return f"not signed{ad}"
