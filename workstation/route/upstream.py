"""Where the gate's connections go next: the upstream route, behind one small interface.

The gate only talks to an Upstream: a proxy reached directly (ProxyUpstream: SOCKS5 or
HTTP CONNECT) or the managed Tor, alone or in front of such a proxy (TorUpstream).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from workstation.route.exit_identity import ExitIdentity, Opener, ask_echo, parse_echo_url
from workstation.route.httpconnect import (
    http_connect,
    http_connect_over,
    http_proxy_probe,
    http_proxy_probe_over,
)
from workstation.route.proxyconn import Streams
from workstation.route.socks5 import (
    socks5_connect,
    socks5_connect_over,
    socks5_probe,
    socks5_probe_over,
)
from workstation.route.spec import RouteSpec
from workstation.route.status import StatusCallback

if TYPE_CHECKING:
    from workstation.route.tor import ManagedTor

NO_ECHO_URL = (
    "The exit address of a proxy can only be learned by asking a site: set an address "
    "echo URL (settings key exit_echo_url, or --echo-url)."
)
CountryLookup = Callable[[str], Awaitable[str | None]]


class Upstream(Protocol):
    def describe(self) -> str:
        """The route as the officer should see it (never a password)."""
        ...

    async def open_connection(self, host: str, port: int, isolation_key: str | None) -> Streams:
        """A stream to host:port through the route; RouteError if it cannot be had.

        isolation_key names who is asking (e.g. a persona) so that routes which can keep
        identities apart (Tor) never mix two keys on one circuit.
        """
        ...

    async def probe(self, timeout: float) -> str | None:
        """Check the route is alive without sending anything to any site; RouteError if not.

        Returns a sentence for the officer, or None for the gate's generic one.
        """
        ...

    def activate(self, report: StatusCallback) -> None:
        """Start what the route needs (the managed tor) in the background; report progress."""
        ...

    def close(self) -> None:
        """Stop what activate() started; the upstream carries nothing afterwards."""
        ...

    def wait_ready(self, timeout: float) -> None:
        """Block until the route can carry traffic (Tor bootstrapped); RouteError if not."""
        ...

    def new_identity(self, isolation_key: str | None) -> bool:
        """Fresh circuits for the key's new connections; False if the route cannot do that."""
        ...

    async def exit_identity(
        self, isolation_key: str | None, echo_url: str | None, timeout: float
    ) -> ExitIdentity:
        """Where the key's traffic comes out, learned through the route; RouteError if down."""
        ...

    def managed_tor(self) -> "ManagedTor | None":
        """The tor this route runs, if any."""
        ...


@dataclass(frozen=True)
class ProxyUpstream:
    """A SOCKS5 or HTTP CONNECT proxy reached directly: one identity, nothing to start."""

    spec: RouteSpec
    connect_timeout: float

    def describe(self) -> str:
        return self.spec.describe()

    async def open_connection(self, host: str, port: int, isolation_key: str | None) -> Streams:
        # A plain proxy has one identity (its configured login), so the key is unused.
        return await proxy_connect(self.spec, host, port, timeout=self.connect_timeout)

    async def probe(self, timeout: float) -> str | None:
        await proxy_probe(self.spec, timeout)
        return None

    def activate(self, report: StatusCallback) -> None:
        return  # nothing to start: the proxy runs elsewhere

    def close(self) -> None:
        return

    def wait_ready(self, timeout: float) -> None:
        return  # a proxy is as ready as it will get; probe() tells whether it answers

    def new_identity(self, isolation_key: str | None) -> bool:
        return False

    async def exit_identity(
        self, isolation_key: str | None, echo_url: str | None, timeout: float
    ) -> ExitIdentity:
        def opener(host: str, port: int) -> Awaitable[Streams]:
            return self.open_connection(host, port, isolation_key)

        return await identity_from_echo(opener, self.describe(), echo_url, timeout)

    def managed_tor(self) -> "ManagedTor | None":
        return None


Socks5Upstream = ProxyUpstream  # the name it had when SOCKS5 was the only kind


async def identity_from_echo(
    opener: Opener,
    via: str,
    echo_url: str | None,
    timeout: float,
    country_of: CountryLookup | None = None,
) -> ExitIdentity:
    """The exit as an address echo URL reports it (proxies, and proxies reached via Tor)."""
    if not echo_url:
        return ExitIdentity(None, None, via, NO_ECHO_URL)
    answer = await ask_echo(opener, echo_url, timeout)
    country = answer.country
    if country is None and country_of is not None:
        country = await country_of(answer.address)
    host = parse_echo_url(echo_url).host
    detail = f"The address echo at {host} saw the connection come from {answer.address}."
    return ExitIdentity(answer.address, country, via, detail, seen_address=answer.address)


async def proxy_connect(spec: RouteSpec, host: str, port: int, *, timeout: float) -> Streams:
    if spec.kind == "http":
        return await http_connect(spec, host, port, timeout=timeout)
    return await socks5_connect(spec, host, port, timeout=timeout)


async def proxy_connect_over(
    spec: RouteSpec, streams: Streams, host: str, port: int, *, deadline: float, timeout: float
) -> None:
    connect_over = http_connect_over if spec.kind == "http" else socks5_connect_over
    await connect_over(spec, streams, host, port, deadline=deadline, timeout=timeout)


async def proxy_probe(spec: RouteSpec, timeout: float) -> None:
    if spec.kind == "http":
        await http_proxy_probe(spec, timeout)
    else:
        await socks5_probe(spec, timeout)


async def proxy_probe_over(spec: RouteSpec, streams: Streams, *, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    probe_over = http_proxy_probe_over if spec.kind == "http" else socks5_probe_over
    await probe_over(spec, streams, deadline=deadline, timeout=timeout)


def upstream_for(spec: RouteSpec, connect_timeout: float) -> Upstream:
    """The Upstream that implements a configured route."""
    if spec.uses_tor:
        from workstation.route.tor_upstream import TorUpstream  # noqa: PLC0415  (stem loads late)

        return TorUpstream(spec, connect_timeout)
    return ProxyUpstream(spec, connect_timeout)
