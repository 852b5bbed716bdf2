"""HTTP response headers of a web address and the redirect chain behind it, hop by hop.

Each hop is one GET through the route (lookup.fetch), kept byte for byte. Redirects
(301, 302, 303, 307, 308) are followed up to MAX_HOPS requests; a loop, too many hops,
a redirect to something that is not a web address or a hop that fails ends the chain
and is reported with the hops so far, because how far a chain got is itself evidence.
Only a failure of the very first request fails the lookup.

Certificates are checked on every https hop: an origin whose certificate cannot be
trusted is a failure, not a silent success. verify_tls=False lets the officer look
anyway; the result says so.

The route resolves host names, so the servers' IP addresses are not known here.
"""

import hashlib
import urllib.parse
from dataclasses import dataclass
from typing import Any

from workstation.errors import LookupFailed, LookupInputError, RouteError
from workstation.lookup.context import Cancelled, LookupContext
from workstation.lookup.fetch import Fetched, fetch, split_url
from workstation.lookup.result import LookupResult, Pivot, utc_now
from workstation.lookup.targets import classify, echo_input, normalise_url
from workstation.route.hosts import ip_literal, join_host_port

MAX_HOPS = 10  # requests, the first one included
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOTABLE_HEADERS = (
    "Server",
    "X-Powered-By",
    "Via",
    "X-Generator",
    "X-AspNet-Version",
    "X-Served-By",
    "X-Cache",
    "CF-Ray",
    "Content-Type",
    "Location",
)
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)
ADDRESS_NOTE = (
    "The route resolved the host names; the servers' IP addresses are not known to the workstation."
)
MAX_SUMMARY_COOKIES = 10

# How the chain ended.
COMPLETE = "complete"
LOOP = "redirect-loop"
TOO_MANY = "too-many-redirects"
BAD_REDIRECT = "bad-redirect"
FAILED = "failed"


@dataclass(frozen=True)
class Hop:
    fetched: Fetched
    next_url: str | None  # where it redirects, resolved and normalised; None: nowhere


@dataclass(frozen=True)
class Chain:
    hops: tuple[Hop, ...]
    outcome: str
    problem: str | None  # why the chain stopped early, for the officer


def lookup_headers(target: str, context: LookupContext, *, verify_tls: bool = True) -> LookupResult:
    """GET a web address (a bare domain means https://domain/) and follow its redirects."""
    started = utc_now()
    url = start_url(target)
    chain = follow(url, context, verify_tls=verify_tls)
    hops = [_describe_hop(hop) for hop in chain.hops]
    final = chain.hops[-1].fetched
    data: dict[str, Any] = {
        "url": url,
        "final_url": final.url,
        "outcome": chain.outcome,
        "problem": chain.problem,
        "verify_tls": verify_tls,
        "server_addresses": ADDRESS_NOTE,
        "hops": hops,
        "final": _final_view(final),
    }
    return LookupResult(
        kind="headers",
        target=target.strip(),
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=tuple(hop.fetched.exchange for hop in chain.hops),
        pivots=_pivots(chain.hops),
        warnings=_warnings(chain, verify_tls),
        summary=_summary(data),
    )


def start_url(target: str) -> str:
    """The URL to ask first: a web address as given, a domain or IP as https://host/."""
    classified = classify(target)
    if classified.kind == "url":
        return classified.value
    if classified.kind in {"domain", "ip"}:
        host = classified.value
        return f"https://[{host}]/" if ":" in host else f"https://{host}/"
    raise LookupInputError(
        f"{echo_input(target)} is not a web address; a headers lookup needs an address "
        "such as https://example.com/ or a domain name."
    )


def follow(url: str, context: LookupContext, *, verify_tls: bool = True) -> Chain:
    """Request url and the redirects it leads to; see the module's note on how it ends."""
    hops: list[Hop] = []
    visited: set[str] = set()
    current = url
    while True:
        visited.add(current)
        try:
            fetched = fetch(current, context, verify_tls=verify_tls)
        except Cancelled:
            raise
        except (LookupFailed, RouteError) as exc:
            if not hops:
                raise
            return Chain(tuple(hops), FAILED, str(exc))
        try:
            next_url = redirect_target(fetched)
        except LookupInputError as exc:
            hops.append(Hop(fetched, None))
            return Chain(tuple(hops), BAD_REDIRECT, str(exc))
        hops.append(Hop(fetched, next_url))
        stop = _stop_reason(next_url, visited, len(hops))
        if stop is not None:
            return Chain(tuple(hops), *stop)
        assert next_url is not None
        current = next_url


def _stop_reason(
    next_url: str | None, visited: set[str], hop_count: int
) -> tuple[str, str | None] | None:
    if next_url is None:
        return COMPLETE, None
    if next_url in visited:
        return LOOP, f"The redirects go round in a loop: {next_url} was already visited."
    if hop_count >= MAX_HOPS:
        return TOO_MANY, f"Stopped after {MAX_HOPS} requests; the next redirect was to {next_url}."
    return None


def redirect_target(fetched: Fetched) -> str | None:
    """Where a redirect points (absolute, normalised), or None if the answer is no redirect.

    LookupInputError if it points at something that is not an http(s) address.
    """
    location = fetched.header("Location")
    if fetched.status not in REDIRECT_STATUSES or location is None or not location.strip():
        return None
    try:
        return normalise_url(urllib.parse.urljoin(fetched.url, _as_sent(location.strip())))
    except ValueError:  # urljoin: e.g. an unbalanced [ in the host
        raise LookupInputError(
            f"{fetched.url} redirects to {echo_input(location)}, which cannot be followed: "
            "it is not a valid web address."
        ) from None
    except LookupInputError as exc:
        raise LookupInputError(
            f"{fetched.url} redirects to {echo_input(location)}, which cannot be followed: {exc}"
        ) from None


def _as_sent(location: str) -> str:
    """http.client decodes header bytes as Latin-1; servers and browsers mean UTF-8."""
    try:
        return location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return location


# --- the parsed view ---


def _describe_hop(hop: Hop) -> dict[str, Any]:
    fetched = hop.fetched
    scheme = urllib.parse.urlsplit(fetched.url).scheme
    status_line = fetched.exchange.response.split(b"\r\n", 1)[0].decode("latin-1")
    return {
        "url": fetched.url,
        "status": fetched.status,
        "reason": fetched.reason,
        "status_line": status_line,
        "headers": [[name, value] for name, value in fetched.headers],
        "body_bytes": len(fetched.body),
        "body_sha256": hashlib.sha256(fetched.body).hexdigest(),
        "location": fetched.header("Location"),
        "next_url": hop.next_url,
        "server": fetched.exchange.server,
        "server_address": None,  # resolved by the route: see ADDRESS_NOTE
        "certificate_sha256": _certificate_hash(fetched) if scheme == "https" else None,
        "utc": fetched.exchange.utc,
    }


def _certificate_hash(fetched: Fetched) -> str | None:
    if fetched.peer_certificate is None:
        return None
    return hashlib.sha256(fetched.peer_certificate).hexdigest()


def _final_view(final: Fetched) -> dict[str, Any]:
    return {
        "url": final.url,
        "status": final.status,
        "reason": final.reason,
        "notable": [
            [name, value]
            for name, value in final.headers
            if name.lower() in {wanted.lower() for wanted in NOTABLE_HEADERS}
        ],
        "cookies": cookie_names(final),
        "security": {name: final.header(name) for name in SECURITY_HEADERS},
    }


def cookie_names(fetched: Fetched) -> list[str]:
    """The names of the cookies an answer sets (their values stay in the raw headers)."""
    names = []
    for name, value in fetched.headers:
        if name.lower() == "set-cookie":
            cookie, _, _ = value.partition(";")
            names.append(cookie.partition("=")[0].strip())
    return names


def _pivots(hops: tuple[Hop, ...]) -> tuple[Pivot, ...]:
    pivots: dict[tuple[str, str], Pivot] = {}
    for hop in hops:
        scheme, host, port, _ = split_url(hop.fetched.url)
        for pivot in _host_pivots(host):
            pivots.setdefault((pivot.kind, pivot.target), pivot)
        if scheme == "https":
            shown = f"[{host}]" if ":" in host else host
            cert_target = shown if port == 443 else join_host_port(host, port)
            pivot = Pivot("cert", cert_target, "certificate of a site in the chain")
            pivots.setdefault((pivot.kind, pivot.target), pivot)
    return tuple(pivots.values())


def _host_pivots(host: str) -> list[Pivot]:
    label = "host in the redirect chain"
    if ip_literal(host) is not None:
        return [Pivot("whois", host, label), Pivot("asn", host, label)]
    return [Pivot("dns", host, label), Pivot("whois", host, label)]


def _warnings(chain: Chain, verify_tls: bool) -> tuple[str, ...]:
    warnings = []
    if chain.problem is not None:
        warnings.append(chain.problem)
    if not verify_tls:
        warnings.append(
            "Certificates were not checked (verify_tls off): the answers may come from "
            "anyone able to intercept the connection."
        )
    for hop in chain.hops:
        url, next_url = hop.fetched.url, hop.next_url
        if next_url and url.startswith("https:") and next_url.startswith("http:"):
            warnings.append(f"{url} redirects from https to plain http ({next_url}).")
    return tuple(warnings)


def _summary(data: dict[str, Any]) -> tuple[str, ...]:
    hops = data["hops"]
    lines = [
        f"{number}. {hop['status']} {hop['reason']} {hop['url']}"
        for number, hop in enumerate(hops, start=1)
    ]
    final = data["final"]
    if data["outcome"] != COMPLETE:
        lines.append(f"Stopped ({data['outcome']}): {data['problem']}")
    lines += [f"{name}: {value}" for name, value in final["notable"] if name != "Location"]
    cookies = final["cookies"]
    if cookies:
        more = len(cookies) - MAX_SUMMARY_COOKIES
        shown = ", ".join(cookies[:MAX_SUMMARY_COOKIES]) + (f" and {more} more" if more > 0 else "")
        lines.append(f"Cookies set: {shown}")
    missing = [name for name, value in final["security"].items() if value is None]
    present = [name for name, value in final["security"].items() if value is not None]
    if present:
        lines.append("Security headers: " + ", ".join(present))
    if missing:
        lines.append("Security headers missing: " + ", ".join(missing))
    lines.append(ADDRESS_NOTE)
    return tuple(lines)
