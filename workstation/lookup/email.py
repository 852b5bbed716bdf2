"""E-mail address lookup: where the address's mail goes, and what its domain says about mail.

The address is checked (targets.classify), then its domain's MX, SPF (TXT "v=spf1") and
DMARC (_dmarc TXT) records are asked in one DNS lookup, and each mail server's
addresses in parallel. Nothing is sent to the mail servers themselves: asking a server
whether a mailbox exists (SMTP RCPT) would tell its operator that someone is interested
in it. Every DNS question and answer is kept as an exchange.
"""

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from workstation.errors import LookupFailed, LookupInputError
from workstation.lookup.context import LookupContext
from workstation.lookup.result import Exchange, LookupResult, Pivot, utc_now
from workstation.lookup.targets import classify

log = logging.getLogger(__name__)

MAIL_RECORD_TYPES = ("MX", "TXT", "A", "AAAA")  # A/AAAA: the implicit MX of RFC 5321 5.1
MAX_MAIL_HOSTS = 10  # mail servers whose addresses are asked; real domains list a few
NULL_MX = "."  # RFC 7505: the domain accepts no mail
ANSWERED = ("NOERROR", "NXDOMAIN")  # anything else says nothing about the name


@dataclass(frozen=True)
class _HostAnswer:
    host: str
    addresses: list[str]
    rcodes: dict[str, str]
    exchanges: tuple[Exchange, ...]
    error: str | None


def lookup_email(target: str, context: LookupContext) -> LookupResult:
    """The mail servers, SPF and DMARC of an e-mail address's domain, through the route."""
    from workstation.lookup.dns import lookup_dns  # noqa: PLC0415 - dnspython loads on use

    address = _address(target)
    local_part, _, domain = address.rpartition("@")
    started = utc_now()
    mail = lookup_dns(domain, context, record_types=MAIL_RECORD_TYPES)
    context.check_cancelled()
    servers = _mail_servers(mail.data)
    hosts = _resolve_hosts([s["host"] for s in servers if s["host"] != NULL_MX], context)
    log.debug("e-mail lookup: %d mail servers, %d resolved", len(servers), len(hosts))
    data = _data(address, local_part, domain, mail.data, servers, hosts)
    return LookupResult(
        kind="email",
        target=address,
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=(*mail.exchanges, *(e for h in hosts.values() for e in h.exchanges)),
        pivots=tuple(_pivots(domain, data)),
        warnings=tuple(_warnings(mail.warnings, data)),
        summary=tuple(_summary(address, data)),
    )


def _address(target: str) -> str:
    classified = classify(target)
    if classified.kind != "email":
        raise LookupInputError(
            f"{target.strip()[:80]!r} is not an e-mail address (it looks like a "
            f"{'web address' if classified.kind == 'url' else classified.kind})."
        )
    return classified.value


def _host(name: str) -> str:
    return name if name == NULL_MX else name.removesuffix(".")


def _mail_servers(dns_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The MX records, most preferred first (lowest preference number)."""
    found = [
        {"preference": int(record["preference"]), "host": _host(str(record["exchange"]))}
        for record in dns_data.get("mx", [])
    ]
    return sorted(found, key=lambda server: (server["preference"], server["host"]))


def _resolve_hosts(hosts: Sequence[str], context: LookupContext) -> dict[str, _HostAnswer]:
    unique = list(dict.fromkeys(hosts))[:MAX_MAIL_HOSTS]
    if not unique:
        return {}
    with ThreadPoolExecutor(max_workers=len(unique), thread_name_prefix="email-mx") as pool:
        answers = list(pool.map(lambda host: _resolve_host(host, context), unique))
    return {answer.host: answer for answer in answers}


def _resolve_host(host: str, context: LookupContext) -> _HostAnswer:
    """A mail server's addresses, keeping the DNS exchanges (resolve_addresses drops them)."""
    from workstation.lookup.dns import DnsSession  # noqa: PLC0415
    from workstation.lookup.dns_records import parse_target  # noqa: PLC0415

    try:
        name = parse_target(host).name
    except LookupInputError as exc:
        return _HostAnswer(host, [], {}, (), f"the name is not valid ({exc})")
    with DnsSession(context) as session:
        try:
            answers = session.ask([(name, "A"), (name, "AAAA")])
        except LookupFailed as exc:
            return _HostAnswer(host, [], {}, tuple(session.exchanges), str(exc))
    return _HostAnswer(
        host,
        [record for answer in answers for record in answer.records],
        {answer.qtype: answer.rcode for answer in answers},
        tuple(session.exchanges),
        None,
    )


def _data(  # noqa: PLR0917  (private; called once)
    address: str,
    local_part: str,
    domain: str,
    dns_data: Mapping[str, Any],
    servers: list[dict[str, Any]],
    hosts: Mapping[str, _HostAnswer],
) -> dict[str, Any]:
    records = dns_data.get("records", {})
    null_mx = any(server["host"] == NULL_MX for server in servers)
    mail_servers = [_server(server, hosts.get(server["host"])) for server in servers]
    domain_addresses = [*records.get("A", []), *records.get("AAAA", [])]
    implicit = not servers and bool(domain_addresses)
    return {
        "address": address,
        "local_part": local_part,
        "domain": domain,
        "domain_exists": bool(dns_data.get("exists", False)),
        "mx": mail_servers,
        "null_mx": null_mx,
        "implicit_mx": implicit,
        "domain_addresses": domain_addresses,
        "accepts_mail": _accepts_mail(dns_data, null_mx, implicit, mail_servers),
        "spf": _spf(list(dns_data.get("spf", []))),
        "dmarc": _dmarc(dns_data.get("dmarc")),
        "dnssec": (dns_data.get("dnssec") or {}).get("signatures"),
    }


def _server(server: Mapping[str, Any], answer: _HostAnswer | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"preference": server["preference"], "host": server["host"]}
    if server["host"] == NULL_MX:
        return entry
    if answer is None:
        entry.update(addresses=[], resolves=None, note="not asked (too many mail servers)")
    elif answer.error is not None:
        entry.update(addresses=[], resolves=None, note=answer.error)
    elif answer.addresses or all(rcode in ANSWERED for rcode in answer.rcodes.values()):
        entry.update(addresses=answer.addresses, resolves=bool(answer.addresses))
    else:
        refused = sorted(set(answer.rcodes.values()) - set(ANSWERED))
        entry.update(
            addresses=[], resolves=None, note=f"the resolver answered {', '.join(refused)}"
        )
    return entry


def _accepts_mail(
    dns_data: Mapping[str, Any], null_mx: bool, implicit: bool, servers: list[dict[str, Any]]
) -> bool | None:
    """True: some server can take mail; False: none can; None: could not be told."""
    if not dns_data.get("exists", False) or null_mx:
        return False
    if implicit or any(server.get("resolves") for server in servers):
        return True
    if any(server.get("resolves") is None for server in servers):
        return None
    return False


def _spf(records: list[str]) -> dict[str, Any]:
    policy = records[0] if len(records) == 1 else None
    terms = policy.split()[1:] if policy else []
    all_terms = [t for t in terms if t.lower().lstrip("+-~?") == "all"]
    return {
        "records": records,
        "policy": policy,
        "all": all_terms[-1] if all_terms else None,
        "includes": [t.split(":", 1)[1] for t in terms if t.lower().startswith("include:")],
        "redirect": next(
            (t.split("=", 1)[1] for t in terms if t.lower().startswith("redirect=")), None
        ),
    }


def _dmarc(dmarc: Any) -> dict[str, Any]:
    records = list(dmarc.get("records", [])) if isinstance(dmarc, Mapping) else []
    policy = records[0] if len(records) == 1 else None
    tags: dict[str, str] = {}
    for part in (policy or "").split(";"):
        name, equals, value = part.partition("=")
        if equals and name.strip():
            tags.setdefault(name.strip().lower(), value.strip())
    return {
        "name": dmarc.get("name") if isinstance(dmarc, Mapping) else None,
        "records": records,
        "policy": policy,
        "tags": tags,
    }


def _pivots(domain: str, data: Mapping[str, Any]) -> list[Pivot]:
    pivots = [Pivot("profile", domain, "mail domain")]
    for server in data["mx"]:
        if server["host"] == NULL_MX:
            continue
        pivots.append(Pivot("dns", server["host"], "mail server"))
        pivots += [Pivot("asn", a, "mail server address") for a in server.get("addresses", [])]
    return list(dict.fromkeys(pivots))


def _warnings(from_dns: Sequence[str], data: Mapping[str, Any]) -> list[str]:
    warnings = list(from_dns)
    for server in data["mx"]:
        note = server.get("note")
        if note:
            warnings.append(f"The addresses of mail server {server['host']} are unknown: {note}")
    if len(data["dmarc"]["records"]) > 1:
        warnings.append(
            f"{data['domain']} publishes {len(data['dmarc']['records'])} DMARC records; "
            "receivers then apply none (RFC 7489 6.6.3)."
        )
    unresolved = [s["host"] for s in data["mx"] if s.get("resolves") is False]
    if unresolved:
        warnings.append(f"Mail server(s) without an address: {', '.join(unresolved)}.")
    return warnings


def _summary(address: str, data: Mapping[str, Any]) -> list[str]:
    lines = [address]
    if not data["domain_exists"]:
        lines.append(f"The domain {data['domain']} does not exist: no mail reaches this address.")
    elif data["null_mx"]:
        lines.append(f"{data['domain']} declares that it accepts no mail (null MX).")
    elif data["implicit_mx"]:
        lines.append(
            f"No MX records: mail goes to {data['domain']} itself "
            f"({', '.join(data['domain_addresses'])})."
        )
    elif data["mx"]:
        shown = [
            f"{s['host']} ({s['preference']}; {', '.join(s['addresses']) or 'no address'})"
            for s in data["mx"]
        ]
        lines.append(f"Mail servers: {'; '.join(shown)}")
    else:
        lines.append(f"{data['domain']} has no mail servers and no address: it takes no mail.")
    lines.append(f"SPF: {data['spf']['policy'] or _count(data['spf']['records'])}")
    lines.append(f"DMARC: {data['dmarc']['policy'] or _count(data['dmarc']['records'])}")
    return lines


def _count(records: Sequence[str]) -> str:
    return "none" if not records else f"{len(records)} conflicting records"
