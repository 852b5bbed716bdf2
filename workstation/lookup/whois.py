"""WHOIS lookups of domains, IP addresses and AS numbers, following referrals, through the route.

Domains and AS numbers start at IANA (or the server the unit configured), which names the
registry; a thin registry (Verisign for .com/.net) names the registrar, whose server holds
the full record. IP addresses start at ARIN, which refers addresses of the other regions
to their registry (RIPE NCC, APNIC, LACNIC, AFRINIC). Every server asked is one Exchange
in the result, so the evidence shows the whole chain byte for byte.
"""

import logging
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workstation.errors import LookupFailed, RouteError
from workstation.lookup.context import LookupContext
from workstation.lookup.result import Exchange, LookupResult, Pivot, utc_now
from workstation.lookup.whois_parse import (
    asn_facts,
    decode_answer,
    domain_facts,
    find_referral,
    network_facts,
    no_match_line,
    rate_limit_line,
)
from workstation.lookup.whois_protocol import ask, query_for
from workstation.lookup.whois_targets import Target, classify_target

log = logging.getLogger(__name__)

IANA_WHOIS = ("whois.iana.org", 43)
ARIN_WHOIS = ("whois.arin.net", 43)
MAX_SERVERS = 5  # IANA -> registry -> registrar is three; a loop never gets far
PYWHOIS_MAX_TEXT = 100_000  # python-whois runs many regular expressions over the text


@dataclass(frozen=True)
class Answer:
    """One server's answer, decoded."""

    host: str
    port: int
    query: str
    exchange: Exchange
    text: str


@dataclass
class Chain:
    answers: list[Answer] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def lookup_whois(target: str, context: LookupContext) -> LookupResult:
    """WHOIS record of a domain, IP address or AS number, with the referral chain."""
    started = utc_now()
    wanted = classify_target(target)
    chain = follow_referrals(wanted, context)
    data, warnings = interpret(wanted, [(a.host, a.port, a.query, a.text) for a in chain.answers])
    return LookupResult(
        kind="whois",
        target=wanted.shown,
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=tuple(answer.exchange for answer in chain.answers),
        pivots=pivots_for(wanted, data),
        warnings=tuple(chain.warnings + warnings),
        summary=summary_for(wanted, data),
    )


def follow_referrals(target: Target, context: LookupContext) -> Chain:
    """Ask the first server, then every server it refers to, until one holds the record."""
    chain = Chain()
    server: tuple[str, int] | None = context.whois_server or _first_server(target)
    visited: set[tuple[str, int]] = set()
    while server is not None:
        context.check_cancelled()
        visited.add(server)
        answer = _ask_or_note(context, server, target, chain)
        if answer is None:
            break
        chain.answers.append(answer)
        _stop_if_rate_limited(answer, chain)
        server = _next_server(answer, visited, chain)
    return chain


def _first_server(target: Target) -> tuple[str, int]:
    return ARIN_WHOIS if target.kind == "ip" else IANA_WHOIS


def _ask_or_note(
    context: LookupContext, server: tuple[str, int], target: Target, chain: Chain
) -> Answer | None:
    """The server's answer; a server after the first that fails becomes a warning."""
    host, port = server
    query = query_for(host, target)
    try:
        exchange = ask(context, host, port, query)
    except (RouteError, LookupFailed) as exc:
        if not chain.answers:
            raise
        chain.warnings.append(
            f"The WHOIS server {host} named by {chain.answers[-1].host} could not be asked "
            f"({exc}); the result stops at {chain.answers[-1].host}."
        )
        return None
    return Answer(host, port, query, exchange, decode_answer(exchange.response))


def _stop_if_rate_limited(answer: Answer, chain: Chain) -> None:
    limited = rate_limit_line(answer.text)
    if limited is None:
        return
    message = (
        f"The WHOIS server {answer.host} is limiting queries and did not answer: "
        f'"{limited}". Try again later, or through another route.'
    )
    if len(chain.answers) == 1:
        raise LookupFailed(message)
    chain.warnings.append(message)


def _next_server(
    answer: Answer, visited: set[tuple[str, int]], chain: Chain
) -> tuple[str, int] | None:
    if rate_limit_line(answer.text) is not None:
        return None
    referral = find_referral(answer.text, answer.host)
    if referral is None:
        return None
    if referral in visited:
        chain.warnings.append(
            f"{answer.host} refers back to {referral[0]}; the loop was not followed."
        )
        return None
    if len(chain.answers) >= MAX_SERVERS:
        chain.warnings.append(
            f"Stopped after {MAX_SERVERS} WHOIS servers; {referral[0]} was not asked."
        )
        return None
    return referral


def interpret(
    target: Target, answers: list[tuple[str, int, str, str]]
) -> tuple[dict[str, Any], list[str]]:
    """The parsed view of a chain of (host, port, query, text) answers, plus warnings.

    Pure: no network, never raises on odd text, so the parser can be fuzzed on its own.
    """
    data: dict[str, Any] = {
        "target_kind": target.kind,
        "query": target.query,
        "chain": [{"server": f"{host}:{port}", "query": query} for host, port, query, _ in answers],
    }
    if target.kind == "domain":
        return _interpret_domain(target, answers, data)
    return _interpret_numbers(target, answers, data)


def _registry_answers(answers: list[tuple[str, int, str, str]]) -> list[tuple[str, str]]:
    return [(host, text) for host, _, _, text in answers if host != IANA_WHOIS[0]]


def _interpret_domain(
    target: Target, answers: list[tuple[str, int, str, str]], data: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    registry = _registry_answers(answers)
    if not registry:
        data["found"] = None
        tld = target.query.rsplit(".", 1)[-1]
        if answers and no_match_line(answers[-1][3]):
            data["found"] = False
            warnings.append(f"IANA knows no top-level domain .{tld}.")
        elif answers:
            warnings.append(f"IANA names no WHOIS server for .{tld}; try RDAP instead.")
        return data, warnings
    first_host, first_text = registry[0]
    missing = no_match_line(first_text)
    if missing is not None:
        data.update(found=False, record_server=first_host, no_match=missing)
        return data, warnings
    merged: dict[str, Any] = {}
    for host, text in registry:
        facts = domain_facts(text)
        if facts:
            _fill_from_python_whois(target.query, text, facts)
            _merge(merged, facts)
            data["record_server"] = host
    data.update(merged)
    data["found"] = bool(merged)
    if not merged:
        warnings.append(f"The answer from {registry[-1][0]} could not be read as a domain record.")
    return data, warnings


def _interpret_numbers(
    target: Target, answers: list[tuple[str, int, str, str]], data: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """IP and AS answers: the most specific registry (the last to answer) wins."""
    warnings: list[str] = []
    reader = network_facts if target.kind == "ip" else asn_facts
    data["found"] = False
    for host, text in reversed(_registry_answers(answers)):
        facts = reader(text)
        if _is_record(target, facts):
            data.update(facts, found=True, record_server=host)
            return data, warnings
        missing = no_match_line(text)
        if missing is not None:
            data.setdefault("no_match", missing)
    if len(answers) > 1:
        warnings.append("No registry answer held a record for this resource.")
    return data, warnings


def _is_record(target: Target, facts: dict[str, Any]) -> bool:
    if target.kind == "ip":
        return "range" in facts or "netname" in facts
    return "aut_num" in facts or "as_name" in facts


def _merge(merged: dict[str, Any], facts: dict[str, Any]) -> None:
    """The registry's values come first; the registrar adds what the registry leaves out."""
    for key, value in facts.items():
        if isinstance(value, list):
            known = merged.setdefault(key, [])
            known.extend(item for item in value if item not in known)
        elif isinstance(value, dict):
            known_parts = merged.setdefault(key, {})
            for part, text in value.items():
                known_parts.setdefault(part, text)
        else:
            merged.setdefault(key, value)


def _fill_from_python_whois(domain: str, text: str, facts: dict[str, Any]) -> None:
    """python-whois knows per-TLD layouts our generic reader misses; fill only the gaps."""
    if len(text) > PYWHOIS_MAX_TEXT:
        return
    try:
        from whois.parser import WhoisEntry  # noqa: PLC0415  (heavy import, only when needed)

        with warnings.catch_warnings():  # dateutil warns about odd time zone names
            warnings.simplefilter("ignore")
            entry = WhoisEntry.load(domain, text)
    except Exception:  # noqa: BLE001  (a third-party parser may raise anything on odd text)
        return
    simple = {
        "registrar": entry.get("registrar"),
        "created": _first_date(entry.get("creation_date")),
        "expires": _first_date(entry.get("expiration_date")),
        "updated": _first_date(entry.get("updated_date")),
    }
    for key, value in simple.items():
        if value and isinstance(value, str) and key not in facts:
            facts[key] = value[:200]
    servers = entry.get("name_servers")
    if "name_servers" not in facts and isinstance(servers, list):
        names = [s.lower().rstrip(".") for s in servers if isinstance(s, str) and "." in s]
        if names:
            facts["name_servers"] = sorted(set(names))[:50]


def _first_date(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, datetime):
        return None
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):
        return None


def pivots_for(target: Target, data: dict[str, Any]) -> tuple[Pivot, ...]:
    pivots: list[Pivot] = [Pivot("rdap", target.shown, "RDAP record")]
    pivots += [Pivot("dns", name, "name server") for name in data.get("name_servers", [])]
    registrar_whois = data.get("registrar_whois_server")
    if isinstance(registrar_whois, str) and "." in registrar_whois:
        pivots.append(Pivot("whois", registrar_whois.lower(), "registrar WHOIS server"))
    origin = data.get("origin_as")
    if isinstance(origin, str) and origin.strip():
        pivots.append(Pivot("asn", origin.split()[0].upper(), "origin AS"))
    if target.kind == "ip":
        pivots.append(Pivot("asn", target.query, "origin AS and prefix"))
    pivots += [Pivot("email", email, "abuse contact") for email in data.get("abuse_emails", [])]
    registrant = data.get("registrant", {})
    if isinstance(registrant, dict) and "@" in str(registrant.get("email", "")):
        pivots.append(Pivot("email", str(registrant["email"]), "registrant e-mail"))
    return tuple(pivots)


def summary_for(target: Target, data: dict[str, Any]) -> tuple[str, ...]:
    if data.get("found") is False:
        return (f"{target.shown}: no record ({data.get('no_match') or 'not registered'}).",)
    lines: list[str] = []
    if target.kind == "domain":
        lines.append(
            f"{target.shown}: registrar {data.get('registrar', 'unknown')}, created "
            f"{data.get('created', '?')}, expires {data.get('expires', '?')}."
        )
        if data.get("name_servers"):
            lines.append("Name servers: " + ", ".join(data["name_servers"][:6]))
    else:
        lines.append(
            f"{target.shown}: {data.get('range') or data.get('aut_num') or '?'} "
            f"{data.get('netname') or data.get('as_name') or ''} "
            f"({data.get('organization', 'unknown holder')}, {data.get('country', '?')})".strip()
        )
    if data.get("abuse_emails"):
        lines.append("Abuse: " + ", ".join(data["abuse_emails"][:3]))
    return tuple(lines)
