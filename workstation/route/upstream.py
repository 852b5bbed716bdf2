"""Where the gate's connections go next: the upstream route, behind one small interface.

The gate only ever calls Upstream.open_connection, so Tor (with per-persona stream
isolation) or an HTTP CONNECT proxy can be added as further implementations without
touching the gate.
"""

from dataclasses import dataclass
from typing import Protocol

from workstation.route.socks5 import Streams, socks5_connect, socks5_probe
from workstation.route.spec import RouteSpec


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

    async def probe(self, timeout: float) -> None:
        """Check the route is alive without sending anything to any site; RouteError if not."""
        ...


@dataclass(frozen=True)
class Socks5Upstream:
    spec: RouteSpec
    connect_timeout: float

    def describe(self) -> str:
        return self.spec.describe()

    async def open_connection(self, host: str, port: int, isolation_key: str | None) -> Streams:
        # A plain SOCKS5 proxy has one identity (its configured login), so the key is unused.
        return await socks5_connect(self.spec, host, port, timeout=self.connect_timeout)

    async def probe(self, timeout: float) -> None:
        await socks5_probe(self.spec, timeout)


def upstream_for(spec: RouteSpec, connect_timeout: float) -> Upstream:
    """The Upstream that implements a configured route."""
    return Socks5Upstream(spec, connect_timeout)
