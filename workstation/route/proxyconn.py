"""The TCP connection to a configured proxy, with failures explained for the officer.

Shared by the SOCKS5 and HTTP CONNECT clients. When a proxy is reached through Tor the
connection comes from Tor instead, and only the handshakes in those clients run.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from workstation.errors import RouteError, RouteUnavailable
from workstation.route.spec import RouteSpec

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]
# Read buffer per upstream stream: larger reads make bulk downloads cheaper to relay.
STREAM_LIMIT = 1024 * 1024


async def open_proxy(spec: RouteSpec, deadline: float, timeout: float) -> Streams:
    """A TCP connection to the proxy itself; RouteUnavailable if it cannot be had in time."""
    proxy = spec.describe()
    try:
        async with asyncio.timeout_at(deadline):
            return await asyncio.open_connection(spec.host, spec.port, limit=STREAM_LIMIT)
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


@contextlib.asynccontextmanager
async def proxy_step(
    writer: asyncio.StreamWriter,
    deadline: float,
    *,
    timed_out: RouteError,
    closed: RouteError,
    broken: tuple[type[BaseException], ...] = (OSError, EOFError),
) -> AsyncIterator[None]:
    """One exchange with a proxy, due by deadline.

    Whatever goes wrong, the connection is aborted (a half-spoken proxy
    connection is never reused); a timeout or a broken connection becomes the
    given error, written for the officer.
    """
    try:
        async with asyncio.timeout_at(deadline):
            yield
    except TimeoutError:
        writer.transport.abort()
        raise timed_out from None
    except broken:
        writer.transport.abort()
        raise closed from None
    except BaseException:
        writer.transport.abort()
        raise
