"""The TCP connection to a configured proxy, with failures explained for the officer.

Shared by the SOCKS5 and HTTP CONNECT clients. When a proxy is reached through Tor the
connection comes from Tor instead, and only the handshakes in those clients run.
"""

import asyncio

from workstation.errors import RouteUnavailable
from workstation.route.spec import RouteSpec

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def open_proxy(spec: RouteSpec, deadline: float, timeout: float) -> Streams:
    """A TCP connection to the proxy itself; RouteUnavailable if it cannot be had in time."""
    proxy = spec.describe()
    try:
        async with asyncio.timeout_at(deadline):
            return await asyncio.open_connection(spec.host, spec.port)
    except TimeoutError:
        raise RouteUnavailable(
            f"The {proxy} did not answer within {timeout:g} seconds. Check that the route is up."
        ) from None
    except OSError as exc:
        raise RouteUnavailable(
            f"Cannot reach the {proxy} ({os_reason(exc)}). Check that the route is up."
        ) from None


def os_reason(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return (exc.strerror or type(exc).__name__).lower()
