"""Connections for the workstation's own exits (lookups, certificate fetches), via the gate.

Everything that is not the browser but still talks to the outside world asks for its
connections here. A GateConnector opens an HTTP CONNECT tunnel through the route gate,
so these exits get exactly what the browser gets: the configured route, the persona's
own circuits, and a refusal (never a direct connection) when the route is down. Host
names travel to the route unresolved; the local resolver is never asked.
"""

import base64
import html
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from workstation.errors import DestinationUnreachable, RouteAuthRefused, RouteUnavailable
from workstation.route.hosts import join_host_port
from workstation.route.http1 import RAW_TUNNEL_HEADER, RAW_TUNNEL_VALUE

GATE_HOST = "127.0.0.1"
MAX_HEAD_BYTES = 16 * 1024
GATE_MARKER = b"x-route-gate:"


@dataclass(frozen=True)
class GateConnector:
    """Opens TCP streams to host:port through the route gate listening on gate_port.

    credentials (user, password) name the gate identity to ask as: a persona's access,
    or the workstation's research identity once personas exist on the gate's main port.
    route is the route's description, recorded with every result obtained through it.
    """

    gate_port: int
    route: str
    credentials: tuple[str, str] | None = field(default=None, repr=False)
    persona: str | None = None

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        """A connected socket to host:port through the route; RouteError if refused."""
        sock = socket.create_connection((GATE_HOST, self.gate_port), timeout=timeout)
        # Small questions and answers (DNS, WHOIS) must not wait for delayed ACKs.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.sendall(self._connect_request(host, port))
            head = _read_head(sock)
            _expect_tunnel(head, join_host_port(host, port), lambda: _read_reason(sock, head))
        except BaseException:
            sock.close()
            raise
        return sock

    def _connect_request(self, host: str, port: int) -> bytes:
        authority = join_host_port(host, port)
        lines = [
            f"CONNECT {authority} HTTP/1.1",
            f"Host: {authority}",
            f"{RAW_TUNNEL_HEADER}: {RAW_TUNNEL_VALUE}",  # never intercepted: we validate TLS
        ]
        if self.credentials is not None:
            token = base64.b64encode(":".join(self.credentials).encode()).decode("ascii")
            lines.append(f"Proxy-Authorization: Basic {token}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _read_head(sock: socket.socket) -> bytes:
    """The gate's answer head, and not one tunnelled byte more.

    The head usually arrives whole: peek, then take exactly the head. Otherwise it is
    read byte by byte.
    """
    try:
        peeked = sock.recv(MAX_HEAD_BYTES, socket.MSG_PEEK)
    except TimeoutError:
        raise RouteUnavailable("The route gate did not answer in time.") from None
    end = peeked.find(b"\r\n\r\n")
    if end >= 0:
        return _recv_exactly(sock, end + 4)
    return _read_head_bytewise(sock)


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise RouteUnavailable("The route gate closed the connection without answering.")
        data += chunk
    return bytes(data)


def _read_head_bytewise(sock: socket.socket) -> bytes:
    head = bytearray()
    while not head.endswith(b"\r\n\r\n"):
        try:
            byte = sock.recv(1)
        except TimeoutError:
            raise RouteUnavailable("The route gate did not answer in time.") from None
        if not byte:
            raise RouteUnavailable("The route gate closed the connection without answering.")
        head += byte
        if len(head) > MAX_HEAD_BYTES:
            raise RouteUnavailable("The route gate sent an answer that is too long.")
    return bytes(head)


def _read_reason(sock: socket.socket, head: bytes) -> str | None:
    """The sentence the gate wrote into its refusal page, if it can be had quickly."""
    match = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.IGNORECASE)
    if match is None:
        return None
    wanted = min(int(match.group(1)), MAX_HEAD_BYTES)
    body = bytearray()
    try:
        while len(body) < wanted and (chunk := sock.recv(wanted - len(body))):
            body += chunk
    except OSError:
        return None
    found = re.search(rb"<p>(.*?)</p>", bytes(body), re.DOTALL)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None


def _expect_tunnel(head: bytes, target: str, reason: Callable[[], str | None]) -> None:
    status_line, _, rest = head.partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        raise RouteUnavailable("The route gate sent an answer that is not HTTP.") from None
    if status == 200:
        return
    if status == 407:
        raise RouteAuthRefused(
            "The route gate did not accept this identity (persona credentials missing or wrong)."
        )
    if GATE_MARKER in rest.lower():
        if b"x-route-gate-reason: unreachable" in rest.lower():
            why = reason() or "the destination could not be reached"
            raise DestinationUnreachable(f"The route could not reach {target}: {why}")
        why = reason() or "the route is down or not ready"
        raise RouteUnavailable(f"The route did not carry the connection to {target}: {why}")
    raise DestinationUnreachable(f"The route could not reach {target} (HTTP {status}).")
