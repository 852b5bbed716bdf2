"""RDAP lookups (RFC 9082/9083) of domains, IP addresses and AS numbers, through the route.

The IANA bootstrap files name the RDAP server; the answer is fetched with
Accept: application/rdap+json, redirects followed a bounded number of times. Thin
registries (Verisign) answer with a "related" link to the registrar's RDAP server, which is
followed once. lookup_registration() tries RDAP first and falls back to WHOIS where RDAP
has nothing, and says which one answered.
"""

import logging
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from workstation.errors import LookupFailed, LookupInputError, RouteError
from workstation.lookup import rdap_bootstrap
from workstation.lookup.context import Cancelled, LookupContext
from workstation.lookup.fetch import Fetched, fetch
from workstation.lookup.rdap_parse import load_rdap_json, summarize
from workstation.lookup.result import Exchange, LookupResult, Pivot, utc_now
from workstation.lookup.whois import lookup_whois
from workstation.lookup.whois_targets import Target, classify_target

log = logging.getLogger(__name__)

RDAP_ACCEPT = (("Accept", "application/rdap+json, application/json;q=0.9"),)
MAX_REDIRECTS = 3
REDIRECT_CODES = {301, 302, 303, 307, 308}


class RdapUnavailable(LookupFailed):
    """RDAP has nothing to say here: no server is listed, or the server cannot be reached."""


@dataclass
class _Progress:
    exchanges: list[Exchange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def lookup_rdap(target: str, context: LookupContext) -> LookupResult:
    """RDAP record of a domain, IP address or AS number (kind "rdap")."""
    started = utc_now()
    wanted = classify_target(target)
    progress = _Progress()
    url = rdap_url(wanted, context)
    answer = _get(url, context, progress, first=True)
    data = _read_answer(wanted, url, answer)
    if data.get("found") and wanted.kind == "domain":
        _follow_registrar(data, context, progress)
    return LookupResult(
        kind="rdap",
        target=wanted.shown,
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=tuple(progress.exchanges),
        pivots=_pivots(wanted, data),
        warnings=tuple(progress.warnings),
        summary=_summary(wanted, data),
    )


def rdap_url(target: Target, context: LookupContext) -> str:
    """The RDAP query URL for target from the bootstrap files; RdapUnavailable if none."""
    folder = rdap_bootstrap.folder_for(context)
    if target.kind == "domain":
        base = rdap_bootstrap.base_url_for_domain(folder, target.query)
        path = f"domain/{target.query}"
    elif target.kind == "ip" and target.ip is not None:
        base = rdap_bootstrap.base_url_for_ip(folder, target.ip)
        path = f"ip/{target.query}"
    else:
        base = rdap_bootstrap.base_url_for_asn(folder, target.asn or 0)
        path = f"autnum/{target.asn}"
    if base is None:
        raise RdapUnavailable(f"The RDAP bootstrap files list no RDAP server for {target.shown}.")
    return base + urllib.parse.quote(path, safe="/:.")


def _get(url: str, context: LookupContext, progress: _Progress, first: bool) -> Fetched:
    """GET url, following redirects; unreachable servers become RdapUnavailable, except the
    route itself failing on the lookup's first connection, which is the officer's to see."""
    for _ in range(MAX_REDIRECTS + 1):
        context.check_cancelled()
        try:
            answer = fetch(url, context, headers=RDAP_ACCEPT)
        except RouteError as exc:
            if first and not progress.exchanges:
                raise
            raise RdapUnavailable(
                f"The RDAP server for {url} could not be reached ({exc})."
            ) from None
        except LookupInputError as exc:
            raise RdapUnavailable(f"The RDAP address {url} cannot be used ({exc}).") from None
        progress.exchanges.append(answer.exchange)
        location = answer.header("Location")
        if answer.status not in REDIRECT_CODES or not location:
            return answer
        url = urllib.parse.urljoin(url, location)
        if not url.startswith(("https://", "http://")):
            raise LookupFailed(
                f"The RDAP server redirected to {url!r}, which is not a web address."
            )
    raise LookupFailed(f"The RDAP server redirected more than {MAX_REDIRECTS} times; stopped.")


def _read_answer(target: Target, url: str, answer: Fetched) -> dict[str, Any]:
    server = urllib.parse.urlsplit(answer.url).netloc or url
    data: dict[str, Any] = {"target_kind": target.kind, "query": target.query, "url": answer.url}
    if answer.status == 404:
        data["found"] = False
        data["status_code"] = 404
        return data
    if answer.status == 429:
        retry = answer.header("Retry-After")
        wait = f" It asks to wait {retry} seconds." if retry else ""
        raise LookupFailed(f"The RDAP server {server} is limiting queries (HTTP 429).{wait}")
    if answer.status != 200:
        raise LookupFailed(
            f"The RDAP server {server} answered HTTP {answer.status} {answer.reason}."
        )
    document = load_rdap_json(answer.body, server)
    data.update(summarize(document), found=True)
    return data


def _follow_registrar(data: dict[str, Any], context: LookupContext, progress: _Progress) -> None:
    """One hop to the registrar's RDAP server named by a thin registry's "related" link."""
    own = data.get("url", "")
    links = [link for link in data.get("related_links", []) if link.lower() != own.lower()]
    if not links:
        return
    try:
        answer = _get(links[0], context, progress, first=False)
        if answer.status != 200:
            raise LookupFailed(f"it answered HTTP {answer.status}")
        registrar = summarize(load_rdap_json(answer.body, links[0]))
    except LookupFailed as exc:
        progress.warnings.append(
            f"The registrar's RDAP record ({links[0]}) could not be read: {exc}. "
            "The registry's record is shown."
        )
        return
    data["registrar_record"] = registrar
    for key in ("registrant", "abuse"):
        if key in registrar and key not in data:
            data[key] = registrar[key]


def _pivots(target: Target, data: dict[str, Any]) -> tuple[Pivot, ...]:
    pivots = [Pivot("whois", target.shown, "WHOIS record")]
    pivots += [Pivot("dns", name, "name server") for name in data.get("name_servers", [])]
    if target.kind == "ip":
        pivots.append(Pivot("asn", target.query, "origin AS and prefix"))
    abuse = data.get("abuse", {})
    pivots += [Pivot("email", email, "abuse contact") for email in abuse.get("emails", [])]
    return tuple(pivots)


def _summary(target: Target, data: dict[str, Any]) -> tuple[str, ...]:
    if not data.get("found"):
        return (f"{target.shown}: the RDAP server has no record.",)
    events = data.get("events", {})
    registrar = data.get("registrar", {}).get("name", "unknown")
    if target.kind == "domain":
        line = (
            f"{target.shown}: registrar {registrar}, registered {events.get('registration', '?')}, "
            f"expires {events.get('expiration', '?')}."
        )
    elif target.kind == "ip":
        network = data.get("network", {})
        span = f"{network.get('start', '?')} - {network.get('end', '?')}"
        line = f"{target.shown}: {span} {data.get('name', '')}"
    else:
        line = f"{target.shown}: {data.get('name', '?')} ({data.get('handle', '?')})"
    return (line.strip(),)


def lookup_registration(target: str, context: LookupContext) -> LookupResult:
    """RDAP first; WHOIS where RDAP has nothing (no server listed, not found, unreachable).

    The result's data["source"] says which protocol answered; the exchanges of both are kept.
    """
    started = utc_now()
    wanted = classify_target(target)
    try:
        rdap = lookup_rdap(wanted.shown, context)
    except Cancelled:
        raise
    except (LookupFailed, RouteError) as exc:
        # The gate cannot tell "route down" from "RDAP server unreachable"; if the route
        # is down, WHOIS's first connection fails the same way and that error reaches the
        # officer.
        return _from_whois(wanted, context, started, f"RDAP gave no answer: {exc}", ())
    if rdap.data.get("found"):
        return _relabel(rdap, "rdap", started, ())
    reason = "The RDAP server has no record; WHOIS was asked as well."
    return _from_whois(wanted, context, started, reason, rdap.exchanges)


def _from_whois(
    target: Target,
    context: LookupContext,
    started: str,
    reason: str,
    earlier: tuple[Exchange, ...],
) -> LookupResult:
    whois = lookup_whois(target.shown, context)
    return _relabel(whois, "whois", started, earlier, reason)


def _relabel(
    result: LookupResult,
    source: str,
    started: str,
    earlier: tuple[Exchange, ...],
    reason: str | None = None,
) -> LookupResult:
    data = dict(result.data, source=source)
    if reason:
        data["fallback_reason"] = reason
    return LookupResult(
        kind="registration",
        target=result.target,
        route=result.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=earlier + result.exchanges,
        pivots=result.pivots,
        warnings=((reason,) if reason else ()) + result.warnings,
        summary=(f"Answered by {source.upper()}.", *result.summary),
    )
