"""Fixtures and small clients for driving the route gate from tests."""

import http.client
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.socks import Microsocks
from tests.support.tsa import OpenSslTsa
from workstation.route import GateEvent, RouteGate, RouteSpec, parse_route

WAIT = 10.0  # generous bound for anything on loopback; tests never sleep


class EventLog:
    """Collects a gate's events (delivered on the gate thread) and waits for them."""

    def __init__(self) -> None:
        self.events: list[GateEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: GateEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for(self, outcome: str, target: str | None = None) -> GateEvent:
        def find() -> GateEvent | None:
            for event in self.events:
                if event.outcome == outcome and target in (None, event.target):
                    return event
            return None

        with self._changed:
            if not self._changed.wait_for(lambda: find() is not None, WAIT):
                raise AssertionError(f"no {outcome!r} event for {target!r} in {self.events}")
            found = find()
            assert found is not None
            return found


@dataclass
class Gate:
    gate: RouteGate
    events: EventLog

    @property
    def port(self) -> int:
        return self.gate.port


GateFactory = Callable[..., Gate]


@pytest.fixture
def make_gate() -> Iterator[GateFactory]:
    """make_gate(route or None, **RouteGate keywords) -> a started gate, stopped afterwards."""
    gates: list[RouteGate] = []

    def make(route: RouteSpec | None = None, **options: Any) -> Gate:
        gate = RouteGate(route, **options)
        events = EventLog()
        gate.add_observer(events)
        gate.start()
        gates.append(gate)
        return Gate(gate, events)

    yield make
    for gate in gates:
        gate.stop()


@pytest.fixture
def routed_gate(make_gate: GateFactory, socks_proxy: Microsocks) -> Gate:
    return make_gate(parse_route(socks_proxy.url))


@pytest.fixture
def make_socks(tmp_path: Path) -> Iterator[Callable[..., Microsocks]]:
    """Extra microsocks instances (e.g. a second route, or one with a login)."""
    proxies: list[Microsocks] = []

    def make(user: str | None = None, password: str | None = None) -> Microsocks:
        proxy = Microsocks(tmp_path, user=user, password=password).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.stop()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def proxy_request(
    gate_port: int,
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """A request to the gate in absolute form, as a browser configured with it sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", gate_port, timeout=WAIT)
    try:
        connection.request(method, url, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def open_tunnel(gate_port: int, target: str) -> tuple[socket.socket, bytes]:
    """Send CONNECT target and return the socket and the gate's answer head."""
    sock = socket.create_connection(("127.0.0.1", gate_port), timeout=WAIT)
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    return sock, read_head(sock)


class CaptureOrigin:
    """A loopback origin that records each raw request (head and body) and answers "ok"."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.received = threading.Event()
        origin = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                raw = origin.read_request(self.request)
                origin.requests.append(raw)
                origin.received.set()
                self.request.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                )

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @staticmethod
    def read_request(sock: socket.socket) -> bytes:
        sock.settimeout(3 * WAIT)  # outlast the client, so that only the gate can cut it short
        data = read_head(sock)
        head = data.lower()
        if b"transfer-encoding: chunked" in head:
            while not data.endswith(b"\r\n0\r\n\r\n"):
                data += sock.recv(1)
        elif b"content-length:" in head:
            length = int(head.split(b"content-length:")[1].split(b"\r\n")[0])
            while len(data) < len(head) + length:
                data += sock.recv(65536)
        return data

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def capture_origin() -> Iterator[CaptureOrigin]:
    origin = CaptureOrigin()
    yield origin
    origin.stop()


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[OpenSslTsa]:
    """An RFC 3161 authority made with `openssl ts`, on loopback."""
    (tmp_path / "tsa").mkdir()
    authority = OpenSslTsa(tmp_path / "tsa").start()
    yield authority
    authority.stop()
