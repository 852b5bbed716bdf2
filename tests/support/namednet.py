"""A pretend Internet on loopback: a SOCKS5 proxy that knows names, and only those.

Real-world names in recorded answers (whois.verisign-grs.com, rdap.example-registry...)
must be followed by the workstation as they are, but tests may only reach loopback.
This proxy stands where a route's exit would: it accepts SOCKS5 CONNECT by host name,
looks the name up in its own table (never the system resolver) and connects to the
loopback port registered for it. Anything not in the table is refused with "host
unreachable" and remembered, so tests can assert that nothing else was attempted.
"""

import contextlib
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from typing import Self

import pytest

from workstation.lookup import LookupContext
from workstation.route import RouteGate, parse_route
from workstation.route.exits import GateConnector

SOCKS_VERSION = 5
REPLY_OK = 0
REPLY_HOST_UNREACHABLE = 4
REPLY_COMMAND_UNSUPPORTED = 7
ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 1, 3, 4


class LoopbackInternet:
    """SOCKS5 proxy resolving (host, port) through a table of loopback ports."""

    def __init__(self, connect_delay: float = 0.0) -> None:
        # Benchmarks model a route's connection set-up time (Tor: a few hundred ms) with it.
        self._connect_delay = connect_delay
        self._table: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self.connections: list[tuple[str, int]] = []  # every CONNECT asked, in order
        self.refused: list[tuple[str, int]] = []
        internet = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                internet._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"

    def add(self, host: str, port: int, loopback_port: int) -> None:
        """Make host:port (a name or address the workstation will ask for) reach
        127.0.0.1:loopback_port."""
        with self._lock:
            self._table[(host.lower().rstrip("."), port)] = loopback_port

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(30)
        try:
            target = _handshake(client)
        except (OSError, ValueError):
            return
        if target is None:
            return
        with self._lock:
            self.connections.append(target)
            loopback_port = self._table.get((target[0].lower().rstrip("."), target[1]))
        if loopback_port is None:
            with self._lock:
                self.refused.append(target)
            client.sendall(_reply(REPLY_HOST_UNREACHABLE))
            return
        if self._connect_delay:
            threading.Event().wait(self._connect_delay)  # the modelled route's set-up time
        try:
            upstream = socket.create_connection(("127.0.0.1", loopback_port), timeout=30)
        except OSError:
            client.sendall(_reply(REPLY_HOST_UNREACHABLE))
            return
        client.sendall(_reply(REPLY_OK))
        for sock in (client, upstream):  # relay small messages at once, as real proxies do
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _splice(client, upstream)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ValueError("client closed during the SOCKS handshake")
        data += chunk
    return data


def _handshake(client: socket.socket) -> tuple[str, int] | None:
    version, count = _recv_exact(client, 2)
    if version != SOCKS_VERSION:
        return None
    _recv_exact(client, count)  # offered methods: this proxy wants no login
    client.sendall(bytes([SOCKS_VERSION, 0]))
    _, command, _, atyp = _recv_exact(client, 4)
    if atyp == ATYP_DOMAIN:
        host = _recv_exact(client, _recv_exact(client, 1)[0]).decode("idna")
    elif atyp == ATYP_IPV4:
        host = socket.inet_ntop(socket.AF_INET, _recv_exact(client, 4))
    elif atyp == ATYP_IPV6:
        host = socket.inet_ntop(socket.AF_INET6, _recv_exact(client, 16))
    else:
        return None
    (port,) = struct.unpack("!H", _recv_exact(client, 2))
    if command != 1:
        client.sendall(_reply(REPLY_COMMAND_UNSUPPORTED))
        return None
    return host, port


def _reply(code: int) -> bytes:
    return bytes([SOCKS_VERSION, code, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0])


def _splice(client: socket.socket, upstream: socket.socket) -> None:
    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    upstream.settimeout(None)
    client.settimeout(None)
    other = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    other.start()
    pump(client, upstream)
    other.join()
    upstream.close()


@pytest.fixture
def loopback_internet() -> Iterator[LoopbackInternet]:
    internet = LoopbackInternet().start()
    yield internet
    internet.stop()


@pytest.fixture
def named_lookup_context(loopback_internet: LoopbackInternet) -> Iterator[LookupContext]:
    """A LookupContext routed through a real gate to the loopback Internet: lookups may
    ask for real-world names, which reach only what the test registered."""
    gate = RouteGate(parse_route(loopback_internet.url))
    gate.start()
    route = gate.route
    assert route is not None
    yield LookupContext(connector=GateConnector(gate.port, route.describe()), timeout=10.0)
    gate.stop()
