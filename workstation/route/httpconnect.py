"""Asyncio HTTP CONNECT client for upstream HTTP proxies, with optional Basic login.

The target travels to the proxy as the name the browser asked for (or the IP literal it
already is): nothing is resolved here. Every failure is a RouteError subclass whose
message is written for the officer.
"""

import asyncio
import base64

from workstation.errors import (
    DestinationUnreachable,
    RouteAuthRefused,
    RouteError,
    RouteUnavailable,
)
from workstation.route import http1
from workstation.route.hosts import join_host_port
from workstation.route.proxyconn import Streams, open_proxy, proxy_step
from workstation.route.socks5 import encode_connect_request
from workstation.route.spec import RouteSpec

MAX_ANSWER_HEAD = 16 * 1024
# 407 is the standard answer; some proxies (tinyproxy) say 401 to a wrong login. Before a
# tunnel exists only the proxy can answer, so either means our login.
AUTH_STATUSES = (401, 407)
# Asks the proxy itself, not any site: RFC 9110 section 7.6.2 forbids forwarding an
# OPTIONS request with Max-Forwards: 0. Proxies that ignore that only fail to resolve
# a reserved name (RFC 6761), so a probe never reaches a site either way.
_PROBE_TARGET = "http://route-probe.invalid/"


def encode_connect(spec: RouteSpec, host: str, port: int) -> bytes:
    """The CONNECT request head; InputError for a host or port that cannot be sent."""
    encode_connect_request(host, port)  # the same rules as for SOCKS5: name or IP literal
    authority = join_host_port(_ascii_host(host), port)
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}", *_login_headers(spec)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def http_connect(spec: RouteSpec, host: str, port: int, *, timeout: float) -> Streams:
    """A stream to host:port through the proxy; the caller owns (and closes) the writer."""
    encode_connect(spec, host, port)  # refuse a bad target before connecting anywhere
    deadline = asyncio.get_running_loop().time() + timeout
    streams = await open_proxy(spec, deadline, timeout)
    await http_connect_over(spec, streams, host, port, deadline=deadline, timeout=timeout)
    return streams


async def http_connect_over(
    spec: RouteSpec, streams: Streams, host: str, port: int, *, deadline: float, timeout: float
) -> None:
    """Send CONNECT over a connection already open to the proxy; abort it on failure."""
    request = encode_connect(spec, host, port)
    target = join_host_port(host.strip("[]"), port)
    status, reason = await _exchange(
        spec, streams, request, target, deadline=deadline, timeout=timeout
    )
    if not 200 <= status < 300:
        streams[1].transport.abort()
        raise _refusal(spec, status, reason, target)


async def http_proxy_probe(spec: RouteSpec, timeout: float) -> None:
    """Check the proxy answers HTTP and accepts our login, asking it to go nowhere."""
    deadline = asyncio.get_running_loop().time() + timeout
    streams = await open_proxy(spec, deadline, timeout)
    await http_proxy_probe_over(spec, streams, deadline=deadline, timeout=timeout)


async def http_proxy_probe_over(
    spec: RouteSpec, streams: Streams, *, deadline: float, timeout: float
) -> None:
    lines = [
        f"OPTIONS {_PROBE_TARGET} HTTP/1.1",
        "Host: route-probe.invalid",
        "Max-Forwards: 0",
        *_login_headers(spec),
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    status, _reason = await _exchange(
        spec, streams, request, "the proxy", deadline=deadline, timeout=timeout
    )
    streams[1].transport.abort()
    if status in AUTH_STATUSES:
        raise _auth_refused(spec)


async def _exchange(
    spec: RouteSpec,
    streams: Streams,
    request: bytes,
    target: str,
    *,
    deadline: float,
    timeout: float,
) -> tuple[int, str]:
    """Send a request head and read the answer's status; the connection stays open."""
    reader, writer = streams
    async with proxy_step(
        writer,
        deadline,
        timed_out=DestinationUnreachable(
            f"The {spec.describe()} did not answer for {target} within {timeout:g} seconds."
        ),
        closed=RouteUnavailable(
            f"The {spec.describe()} closed the connection or did not answer like an HTTP proxy."
        ),
        broken=(OSError, EOFError, asyncio.LimitOverrunError),
    ):
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(http1.HEAD_END)
    return _status(spec, head, writer)


def _status(spec: RouteSpec, head: bytes, writer: asyncio.StreamWriter) -> tuple[int, str]:
    status = http1.response_status(head)
    if status is None or len(head) > MAX_ANSWER_HEAD:
        writer.transport.abort()
        raise RouteUnavailable(f"The {spec.describe()} did not answer like an HTTP proxy.")
    first_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    reason = first_line.split(" ", 2)[2] if first_line.count(" ") >= 2 else ""
    return status, "".join(c if c.isprintable() else "?" for c in reason)[:80]


def _refusal(spec: RouteSpec, status: int, reason: str, target: str) -> RouteError:
    shown = f"{status} {reason}".strip()
    if status in AUTH_STATUSES:
        return _auth_refused(spec)
    if status in (403, 405):
        return DestinationUnreachable(
            f"The proxy's rules do not allow a connection to {target} ({shown})."
        )
    return DestinationUnreachable(f"The proxy could not reach the site {target} ({shown}).")


def _auth_refused(spec: RouteSpec) -> RouteAuthRefused:
    if spec.username is None:
        return RouteAuthRefused(
            f"The {spec.describe()} requires a user name and password. "
            "Add them to the route: http://USER:PASSWORD@HOST:PORT."
        )
    return RouteAuthRefused(
        f"The {spec.describe()} refused the credentials: the user name or password is wrong."
    )


def _login_headers(spec: RouteSpec) -> list[str]:
    if spec.username is None or spec.password is None:
        return []
    token = base64.b64encode(f"{spec.username}:{spec.password}".encode()).decode("ascii")
    return [f"Proxy-Authorization: Basic {token}"]


def _ascii_host(host: str) -> str:
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        return bare  # IPv6 literal; join_host_port adds the brackets
    return bare.encode("idna").decode("ascii")
