"""Asyncio SOCKS5 client: RFC 1928 CONNECT with RFC 1929 user name/password login.

The destination always travels to the proxy as a name (or as the IP literal it already
is): names are never resolved here, so DNS happens at the far end of the route.
Every failure is a RouteError subclass whose message is written for the officer.
"""

import asyncio
import ipaddress

from workstation.errors import (
    DestinationUnreachable,
    InputError,
    RouteAuthRefused,
    RouteError,
    RouteUnavailable,
)
from workstation.route.hosts import check_host, ip_literal, join_host_port
from workstation.route.proxyconn import Streams, open_proxy, proxy_step
from workstation.route.spec import RouteSpec

__all__ = [
    "Streams",
    "encode_address",
    "encode_connect_request",
    "socks5_connect",
    "socks5_connect_over",
    "socks5_probe",
    "socks5_probe_over",
]

SOCKS_VERSION = 5
LOGIN_VERSION = 1  # RFC 1929 sub-negotiation
METHOD_NONE = 0x00
METHOD_LOGIN = 0x02
METHOD_REFUSED = 0xFF
CMD_CONNECT = 1
ATYP_IPV4 = 1
ATYP_DOMAIN = 3
ATYP_IPV6 = 4

# RFC 1928 section 6 reply codes, as an officer would want them explained.
_SITE_FAILURES = {
    1: "general failure at the proxy",
    3: "network unreachable",
    4: "host unreachable or name not found",
    5: "connection refused",
    6: "time-to-live expired",
    8: "the proxy does not accept this kind of address",
}


async def socks5_connect(spec: RouteSpec, host: str, port: int, *, timeout: float) -> Streams:
    """A stream to host:port through the proxy; the caller owns (and closes) the writer."""
    encode_connect_request(host, port)  # refuse a bad target before connecting anywhere
    deadline = asyncio.get_running_loop().time() + timeout
    streams = await open_proxy(spec, deadline, timeout)
    await socks5_connect_over(spec, streams, host, port, deadline=deadline, timeout=timeout)
    return streams


async def socks5_connect_over(
    spec: RouteSpec, streams: Streams, host: str, port: int, *, deadline: float, timeout: float
) -> None:
    """Log in and CONNECT over a connection already open to the proxy (e.g. through Tor).

    On failure the connection is aborted and a RouteError raised.
    """
    request = encode_connect_request(host, port)
    target = join_host_port(host.strip("[]"), port)
    await _login(spec, streams, deadline, timeout)
    reader, writer = streams
    async with proxy_step(
        writer,
        deadline,
        timed_out=DestinationUnreachable(
            f"The proxy did not reach the site {target} within {timeout:g} seconds."
        ),
        closed=RouteUnavailable(
            f"The {spec.describe()} closed the connection instead of reaching {target}."
        ),
    ):
        writer.write(request)
        await writer.drain()
        await _read_connect_reply(spec, reader, target)


async def socks5_probe(spec: RouteSpec, timeout: float) -> None:
    """Check that the proxy answers and accepts our login, without asking it to go anywhere."""
    deadline = asyncio.get_running_loop().time() + timeout
    streams = await open_proxy(spec, deadline, timeout)
    await socks5_probe_over(spec, streams, deadline=deadline, timeout=timeout)


async def socks5_probe_over(
    spec: RouteSpec, streams: Streams, *, deadline: float, timeout: float
) -> None:
    """Greeting and login only, over an open connection, which is closed afterwards."""
    await _login(spec, streams, deadline, timeout)
    streams[1].close()


def encode_connect_request(host: str, port: int) -> bytes:
    """The CONNECT request; InputError for a host or port that cannot be sent."""
    if isinstance(port, bool) or not 1 <= port <= 65535:
        raise InputError(f"The port {port} is not between 1 and 65535.")
    return bytes([SOCKS_VERSION, CMD_CONNECT, 0]) + encode_address(host) + port.to_bytes(2, "big")


def encode_address(host: str) -> bytes:
    """ATYP + address: IP literals as such, everything else as a name for the proxy to resolve."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    address = ip_literal(bare)
    if isinstance(address, ipaddress.IPv4Address):
        return bytes([ATYP_IPV4]) + address.packed
    if isinstance(address, ipaddress.IPv6Address):
        return bytes([ATYP_IPV6]) + address.packed
    try:
        name = check_host(bare.encode("idna").decode("ascii"))
    except (UnicodeError, ValueError):
        raise InputError(
            f"'{bare[:80]}' is not a host name that can be sent to the proxy."
        ) from None
    return bytes([ATYP_DOMAIN, len(name)]) + name.encode("ascii")


async def _login(spec: RouteSpec, streams: Streams, deadline: float, timeout: float) -> None:
    proxy = spec.describe()
    reader, writer = streams
    async with proxy_step(
        writer,
        deadline,
        timed_out=RouteUnavailable(
            f"The {proxy} did not finish the SOCKS5 handshake within {timeout:g} seconds."
        ),
        closed=RouteUnavailable(f"The {proxy} closed the connection during the SOCKS5 handshake."),
    ):
        await _negotiate(spec, reader, writer)


async def _negotiate(
    spec: RouteSpec, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    # Offer exactly one method: with credentials configured they must be used (Tor isolates
    # streams by them), and without them there is nothing else to offer.
    method = METHOD_LOGIN if spec.username is not None else METHOD_NONE
    writer.write(bytes([SOCKS_VERSION, 1, method]))
    await writer.drain()
    version, chosen = await reader.readexactly(2)
    if version != SOCKS_VERSION:
        raise _not_socks5(spec)
    if chosen == METHOD_REFUSED and method == METHOD_NONE:
        raise RouteAuthRefused(
            f"The {spec.describe()} requires a user name and password. "
            "Add them to the route: socks5://USER:PASSWORD@HOST:PORT."
        )
    if chosen == METHOD_REFUSED:
        raise RouteAuthRefused(f"The {spec.describe()} does not accept a user name and password.")
    if chosen != method:
        raise _not_socks5(spec)
    if method == METHOD_LOGIN:
        await _send_login(spec, reader, writer)


async def _send_login(
    spec: RouteSpec, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    assert spec.username is not None and spec.password is not None
    user = spec.username.encode("utf-8")
    password = spec.password.encode("utf-8")
    writer.write(bytes([LOGIN_VERSION, len(user)]) + user + bytes([len(password)]) + password)
    await writer.drain()
    version, status = await reader.readexactly(2)
    # Some servers answer the sub-negotiation with version 5; accept both.
    if version not in (LOGIN_VERSION, SOCKS_VERSION):
        raise _not_socks5(spec)
    if status != 0:
        raise RouteAuthRefused(
            f"The {spec.describe()} refused the credentials: the user name or password is wrong."
        )


async def _read_connect_reply(spec: RouteSpec, reader: asyncio.StreamReader, target: str) -> None:
    version, reply, _reserved, address_type = await reader.readexactly(4)
    if version != SOCKS_VERSION:
        raise _not_socks5(spec)
    if reply != 0:
        raise _reply_error(spec, reply, target)
    if address_type == ATYP_IPV4:
        length = 4
    elif address_type == ATYP_IPV6:
        length = 16
    elif address_type == ATYP_DOMAIN:
        length = (await reader.readexactly(1))[0]
    else:
        raise _not_socks5(spec)
    await reader.readexactly(length + 2)  # bound address and port: not needed


def _reply_error(spec: RouteSpec, reply: int, target: str) -> RouteError:
    if reply == 2:
        return DestinationUnreachable(f"The proxy's rules do not allow a connection to {target}.")
    if reply == 7:
        return RouteUnavailable(f"The {spec.describe()} does not support connections.")
    reason = _SITE_FAILURES.get(reply, f"proxy error code {reply}")
    return DestinationUnreachable(f"The proxy could not reach the site {target} ({reason}).")


def _not_socks5(spec: RouteSpec) -> RouteUnavailable:
    return RouteUnavailable(f"The {spec.describe()} did not answer like a SOCKS5 proxy.")
