"""The gate learns each request's persona and hands the upstream its isolation key.

A recording upstream (connecting straight to a loopback echo) stands in for Tor here;
tests/e2e/test_tor_personas.py does the same against a real Tor network.
"""

import asyncio
import base64
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from workstation.errors import InputError, NoRoute
from workstation.route import ExitIdentity, GateEvent, RouteGate, RouteStatus, parse_route
from workstation.route.proxyconn import Streams
from workstation.route.status import StatusCallback

WAIT = 10.0
ROUTE = parse_route("socks5://127.0.0.1:9")


@dataclass
class RecordingUpstream:
    """An Upstream that connects straight to loopback and records who asked for what."""

    name: str = "recording upstream"
    opened: list[tuple[str, int, str | None]] = field(default_factory=list)
    renewed: list[str | None] = field(default_factory=list)
    report: StatusCallback | None = None
    closed: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> str:
        return self.name

    async def open_connection(self, host: str, port: int, isolation_key: str | None) -> Streams:
        self.opened.append((host, port, isolation_key))
        return await asyncio.open_connection(host, port)

    async def probe(self, timeout: float) -> str | None:
        return f"{self.name} is fine."

    def activate(self, report: StatusCallback) -> None:
        self.report = report
        report(RouteStatus("starting", 10, "Starting", f"{self.name} is starting (10%)."))

    def close(self) -> None:
        self.closed.set()

    def wait_ready(self, timeout: float) -> None:
        return

    def new_identity(self, isolation_key: str | None) -> bool:
        self.renewed.append(isolation_key)
        return True

    async def exit_identity(
        self, isolation_key: str | None, echo_url: str | None, timeout: float
    ) -> ExitIdentity:
        return ExitIdentity("192.0.2.9", "DE", self.name, f"key={isolation_key} echo={echo_url}")

    def managed_tor(self) -> None:
        return None


class EchoOrigin:
    """Echoes every byte back; counts connections."""

    def __init__(self) -> None:
        self.connections = 0
        origin = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                origin.connections += 1
                while data := self.request.recv(65536):
                    self.request.sendall(data)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        # A short poll interval: shutdown() waits for the next poll.
        serve = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)
        serve.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Setup:
    gate: RouteGate
    upstreams: list[RecordingUpstream]
    events: list[GateEvent]
    origin: EchoOrigin

    @property
    def upstream(self) -> RecordingUpstream:
        return self.upstreams[-1]


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    upstreams: list[RecordingUpstream] = []

    def make(spec: object, timeout: float) -> RecordingUpstream:
        upstreams.append(RecordingUpstream(f"upstream {len(upstreams) + 1}"))
        return upstreams[-1]

    monkeypatch.setattr("workstation.route.gate.upstream_for", make)
    events: list[GateEvent] = []
    gate = RouteGate(ROUTE)
    gate.echo_url = "http://echo.example/ip"
    gate.add_observer(events.append)
    gate.start()
    origin = EchoOrigin()
    yield Setup(gate, upstreams, events, origin)
    gate.stop()
    origin.stop()


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def tunnel(port: int, target: str, auth: str | None = None) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    extra = f"Proxy-Authorization: {auth}\r\n" if auth else ""
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{extra}\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    return sock, head


def echo_through(sock: socket.socket, payload: bytes = b"ping") -> bytes:
    sock.sendall(payload)
    return sock.recv(len(payload))


def test_without_personas_every_request_is_the_workstations(setup: Setup) -> None:
    target = f"127.0.0.1:{setup.origin.port}"
    sock, head = tunnel(setup.gate.port, target, auth=basic("whoever", "x"))
    with sock:
        assert head.startswith(b"HTTP/1.1 200")
        assert echo_through(sock) == b"ping"
    assert setup.upstream.opened == [("127.0.0.1", setup.origin.port, None)]
    assert setup.events[-1].persona is None


def test_a_persona_port_carries_that_persona(setup: Setup) -> None:
    alice = setup.gate.add_persona("alice")
    assert setup.gate.add_persona("alice") == alice, "registering twice changes nothing"
    assert setup.gate.port_for("alice") == alice.port != setup.gate.port
    sock, head = tunnel(alice.port, f"127.0.0.1:{setup.origin.port}")
    with sock:
        assert head.startswith(b"HTTP/1.1 200")
        assert echo_through(sock) == b"ping"
    assert setup.upstream.opened[-1][2] == "persona:alice"
    assert (setup.events[-1].outcome, setup.events[-1].persona) == ("forwarded", "alice")


def test_proxy_authorization_names_the_persona_on_the_main_port(setup: Setup) -> None:
    alice = setup.gate.add_persona("alice")
    bob = setup.gate.add_persona("bob")
    target = f"127.0.0.1:{setup.origin.port}"
    for access in (alice, bob):
        sock, head = tunnel(setup.gate.port, target, basic(access.username, access.password))
        with sock:
            assert head.startswith(b"HTTP/1.1 200")
    assert [key for _h, _p, key in setup.upstream.opened] == ["persona:alice", "persona:bob"]
    assert alice.password not in repr(alice)


def test_persona_credentials_never_reach_the_site(setup: Setup) -> None:
    alice = setup.gate.add_persona("alice")
    sock = socket.create_connection(("127.0.0.1", setup.gate.port), timeout=WAIT)
    with sock:
        sock.sendall(
            f"GET http://127.0.0.1:{setup.origin.port}/x HTTP/1.1\r\nHost: x\r\n"
            f"Proxy-Authorization: {basic(alice.username, alice.password)}\r\n\r\n".encode()
        )
        echoed = b""
        while b"\r\n\r\n" not in echoed and (chunk := sock.recv(65536)):
            echoed += chunk
    # The origin echoes what it received: the request, without the persona's credentials.
    assert echoed.startswith(b"GET /x HTTP/1.1\r\n")
    assert b"proxy-authorization" not in echoed.lower() and alice.password.encode() not in echoed
    assert setup.upstream.opened[-1][2] == "persona:alice"


@pytest.mark.parametrize(
    "auth",
    [
        None,
        basic("alice", "wrong"),
        basic("mallory", "x"),
        "Bearer abc",
        "Basic !!!",
        basic("", ""),
    ],
)
def test_once_personas_exist_the_main_port_refuses_anonymous_or_wrong_ones(
    setup: Setup, auth: str | None
) -> None:
    setup.gate.add_persona("alice")
    sock, head = tunnel(setup.gate.port, f"127.0.0.1:{setup.origin.port}", auth)
    sock.close()
    assert head.startswith(b"HTTP/1.1 407 Proxy Authentication Required")
    assert b'Proxy-Authenticate: Basic realm="workstation persona"' in head
    assert b"X-Route-Gate: refused" in head
    assert setup.upstream.opened == [], "nothing was opened for an unknown identity"
    assert setup.events[-1].outcome == "blocked"


def test_new_identity_cuts_only_that_personas_connections(setup: Setup) -> None:
    target = f"127.0.0.1:{setup.origin.port}"
    alice_sock, _ = tunnel(setup.gate.port_for("alice"), target)
    bob_sock, _ = tunnel(setup.gate.port_for("bob"), target)
    with alice_sock, bob_sock:
        assert echo_through(alice_sock) == echo_through(bob_sock) == b"ping"
        assert setup.gate.new_identity("alice")
        assert alice_sock.recv(10) == b"", "alice's old tunnel is cut"
        assert echo_through(bob_sock) == b"ping", "bob keeps his"
    assert setup.upstream.renewed == ["persona:alice"]


def test_removing_a_persona_closes_its_port(setup: Setup) -> None:
    port = setup.gate.port_for("alice")
    sock, _ = tunnel(port, f"127.0.0.1:{setup.origin.port}")
    with sock:
        setup.gate.remove_persona("alice")
        assert sock.recv(10) == b""
    assert setup.gate.personas() == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=WAIT).close()


@pytest.mark.parametrize("alias", ["", "  ", "a:b", "x" * 65, "tab\there"])
def test_persona_names_are_checked(setup: Setup, alias: str) -> None:
    with pytest.raises(InputError):
        setup.gate.add_persona(alias)


def test_personas_need_a_running_gate() -> None:
    with pytest.raises(RuntimeError):
        RouteGate(None).add_persona("alice")


def test_exit_identity_asks_the_upstream_with_the_personas_key(setup: Setup) -> None:
    identity = setup.gate.exit_identity("alice", timeout=WAIT)
    assert identity.detail == "key=persona:alice echo=http://echo.example/ip"
    other = setup.gate.exit_identity(timeout=WAIT, echo_url="http://other.example/")
    assert other.detail == "key=None echo=http://other.example/"
    setup.gate.set_route(None)
    with pytest.raises(NoRoute):
        setup.gate.exit_identity()


def test_route_status_comes_from_the_current_upstream_only(setup: Setup) -> None:
    seen: list[RouteStatus] = []
    setup.gate.add_status_observer(seen.append)
    first = setup.upstream
    assert setup.gate.route_status is not None and setup.gate.route_status.percent == 10
    setup.gate.set_route(parse_route("socks5://127.0.0.1:10"))
    second = setup.upstream
    assert second is not first
    assert [s.detail for s in seen] == ["upstream 2 is starting (10%)."]
    assert first.closed.wait(WAIT), "the old route's upstream is closed"
    assert first.report is not None
    first.report(RouteStatus("failed", 0, "failed", "old news"))
    assert len(seen) == 1 and setup.gate.route_status == seen[0]
    health = setup.gate.check_health()
    assert (health.ok, health.detail) == (True, "upstream 2 is fine.")


def test_stopping_the_gate_closes_the_upstream_and_forgets_personas(setup: Setup) -> None:
    setup.gate.add_persona("alice")
    setup.gate.stop()
    assert setup.upstream.closed.is_set()
    assert setup.gate.personas() == []
