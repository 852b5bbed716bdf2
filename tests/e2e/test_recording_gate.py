"""The gate as recording proxy: TLS intercepted with the workstation's CA, the origin's
certificate validated by the gate, every exchange handed to the evidence sink."""

import contextlib
import http.client
import socket
import ssl
import threading
from collections.abc import Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.e2e.conftest import GateFactory, proxy_request
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.socks import Microsocks
from tests.support.testca import TestCA
from workstation.lookup import LookupContext
from workstation.lookup.fetch import fetch
from workstation.route import parse_route
from workstation.route.exits import GateConnector
from workstation.route.interception_ca import InterceptionCA
from workstation.route.recording import Interception, RecordedExchange, origin_context

WAIT = 10.0


class Recorded:
    def __init__(self) -> None:
        self.exchanges: list[RecordedExchange] = []
        self._changed = threading.Condition()

    def __call__(self, exchange: RecordedExchange) -> None:
        with self._changed:
            self.exchanges.append(exchange)
            self._changed.notify_all()

    def wait_for(self, count: int) -> list[RecordedExchange]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.exchanges) >= count, WAIT), (
                self.exchanges
            )
            return list(self.exchanges)


class Shop(QuietHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so several exchanges share a tunnel

    def do_GET(self) -> None:
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"first part ", b"second part"):
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        self.answer(200, "text/html", f"<title>shop</title>{self.path}".encode())

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.answer(200, "text/plain", b"got " + body)


@pytest.fixture
def test_ca() -> TestCA:
    return TestCA()


@pytest.fixture
def tls_site(test_ca: TestCA) -> Iterator[LoopbackHttpServer]:
    server = LoopbackHttpServer(Shop, tls=test_ca.server_context("127.0.0.1")).start()
    yield server
    server.stop()


@pytest.fixture
def interception_ca() -> InterceptionCA:
    return InterceptionCA.ephemeral()


def browser_context(ca: InterceptionCA) -> ssl.SSLContext:
    """What the workstation's browser does: trust the interception CA for the gate."""
    pem = ca.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return ssl.create_default_context(cadata=pem)


def https_via_gate(
    gate_port: int, site_port: int, ca: InterceptionCA
) -> http.client.HTTPSConnection:
    connection = http.client.HTTPSConnection(
        "127.0.0.1", gate_port, timeout=WAIT, context=browser_context(ca)
    )
    connection.set_tunnel("127.0.0.1", site_port)
    return connection


def test_tls_is_intercepted_validated_and_every_exchange_recorded(
    make_gate: GateFactory,
    socks_proxy: Microsocks,
    tls_site: LoopbackHttpServer,
    test_ca: TestCA,
    interception_ca: InterceptionCA,
) -> None:
    recorded = Recorded()
    interception = Interception(
        interception_ca.server_context,
        origin_context(cafile=None),
        recorded,
    )
    interception.origin_context.load_verify_locations(cadata=test_ca.pem.decode())
    gate = make_gate(parse_route(socks_proxy.url), interception=interception)
    connection = https_via_gate(gate.port, tls_site.port, interception_ca)
    try:
        for path in ("/offer?id=7", "/chunked"):
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200
        connection.request("POST", "/order", body=b"qty=100")
        posted = connection.getresponse().read()
        assert isinstance(connection.sock, ssl.SSLSocket)
        browser_saw = connection.sock.getpeercert(binary_form=True)
        assert browser_saw is not None
    finally:
        connection.close()

    assert body == b"first part second part"
    assert posted == b"got qty=100"
    # The browser was served the gate's certificate, issued by the interception CA.
    issuer = x509.load_der_x509_certificate(browser_saw).issuer
    assert issuer == interception_ca.certificate.subject

    first, chunked, post = recorded.wait_for(3)
    base = f"https://127.0.0.1:{tls_site.port}"
    assert [e.url for e in (first, chunked, post)] == [
        f"{base}/offer?id=7",
        f"{base}/chunked",
        f"{base}/order",
    ]
    assert first.status == 200 and first.response_body.endswith(b"/offer?id=7")
    assert first.request_head.startswith(b"GET /offer?id=7 HTTP/1.1\r\n")
    # Transfer coding is kept as it travelled.
    assert chunked.response_body == b"b\r\nfirst part \r\nb\r\nsecond part\r\n0\r\n\r\n"
    assert post.method == "POST" and post.request_body == b"qty=100"
    # The origin's own chain, as the gate validated it: the site's leaf, then the test CA.
    assert first.tls is not None
    chain = [x509.load_der_x509_certificate(der) for der in first.tls.chain_der]
    assert chain[0].issuer == test_ca.certificate.subject
    assert chain[-1] == test_ca.certificate
    assert first.tls.version.startswith("TLSv1.")
    assert first.tls.alpn in {None, "http/1.1"}  # never h2: the gate records HTTP/1.1
    assert all(e.complete and not e.truncated for e in (first, chunked, post))


def test_an_origin_with_an_untrusted_certificate_gets_no_request(
    make_gate: GateFactory,
    socks_proxy: Microsocks,
    interception_ca: InterceptionCA,
) -> None:
    requests: list[str] = []

    class Counting(Shop):
        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

    impostor = LoopbackHttpServer(Counting, tls=TestCA("Impostor CA").server_context("127.0.0.1"))
    impostor.start()
    recorded = Recorded()
    # The gate trusts only the system's roots here, so the impostor's chain fails.
    interception = Interception(interception_ca.server_context, origin_context(), recorded)
    gate = make_gate(parse_route(socks_proxy.url), interception=interception)
    connection = https_via_gate(gate.port, impostor.port, interception_ca)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
        impostor.stop()
    assert response.status == 502
    assert response.getheader("X-Route-Gate") == "refused"
    assert "certificate" in page and "not valid" in page
    assert requests == []
    assert recorded.exchanges == []
    event = gate.events.wait_for("blocked")
    assert "certificate" in event.detail


def test_plain_http_through_the_gate_is_recorded_too(
    make_gate: GateFactory,
    socks_proxy: Microsocks,
    interception_ca: InterceptionCA,
) -> None:
    site = LoopbackHttpServer(Shop).start()
    recorded = Recorded()
    interception = Interception(interception_ca.server_context, origin_context(), recorded)
    gate = make_gate(parse_route(socks_proxy.url), interception=interception)
    try:
        reply = proxy_request(gate.port, "GET", f"http://127.0.0.1:{site.port}/plain")
    finally:
        site.stop()
    assert reply.status == 200 and reply.body.endswith(b"/plain")
    (exchange,) = recorded.wait_for(1)
    assert exchange.url == f"http://127.0.0.1:{site.port}/plain"
    assert exchange.tls is None
    assert exchange.response_body == reply.body


def test_without_a_route_nothing_is_intercepted_or_sent(
    make_gate: GateFactory, interception_ca: InterceptionCA
) -> None:
    recorded = Recorded()
    interception = Interception(interception_ca.server_context, origin_context(), recorded)
    gate = make_gate(None, interception=interception)
    connection = https_via_gate(gate.port, 443, interception_ca)
    with pytest.raises(OSError, match="502"):
        connection.request("GET", "/")
    connection.close()
    assert recorded.exchanges == []


def test_the_workstations_own_clients_get_raw_tunnels_even_when_the_gate_records(
    make_gate: GateFactory,
    socks_proxy: Microsocks,
    tls_site: LoopbackHttpServer,
    test_ca: TestCA,
    interception_ca: InterceptionCA,
) -> None:
    recorded = Recorded()
    interception = Interception(interception_ca.server_context, origin_context(), recorded)
    gate = make_gate(parse_route(socks_proxy.url), interception=interception)
    connector = GateConnector(gate.port, "test route")
    context = LookupContext(connector=connector, tls_context=test_ca.client_context())
    fetched = fetch(f"https://127.0.0.1:{tls_site.port}/raw", context)
    assert fetched.status == 200 and fetched.body.endswith(b"/raw")
    # The lookup saw the site's own certificate, not one from the interception CA.
    assert fetched.peer_certificate is not None
    seen = x509.load_der_x509_certificate(fetched.peer_certificate)
    assert seen.issuer == test_ca.certificate.subject
    assert recorded.exchanges == []


class SocketServer:
    """A loopback TCP server speaking a tiny protocol of its own, one client at a time."""

    def __init__(self, serve: Callable[[socket.socket], None]) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._serve = serve
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # closed by stop()
            while True:
                client, _address = self._listener.accept()
                with client:
                    self._serve(client)

    def stop(self) -> None:
        self._listener.close()


def websocket_upgrade(client: socket.socket) -> None:
    """Answers a WebSocket handshake with 101, then echoes what follows."""
    head = b""
    while b"\r\n\r\n" not in head:
        head += client.recv(4096)
    client.sendall(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    )
    while data := client.recv(4096):
        client.sendall(data)


def echo(client: socket.socket) -> None:
    while data := client.recv(4096):
        client.sendall(data)


def tunnel(gate_port: int, port: int) -> socket.socket:
    """A CONNECT tunnel through the gate, as Chromium opens one for ws:// and wss://."""
    sock = socket.create_connection(("127.0.0.1", gate_port), timeout=WAIT)
    sock.sendall(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert read_head(sock).startswith(b"HTTP/1.1 200")
    return sock


def read_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, head
        head += chunk
    return head


def read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, data
        data += chunk
    return data


def test_a_plain_websocket_on_any_port_is_tunnelled_and_its_handshake_recorded(
    make_gate: GateFactory, socks_proxy: Microsocks, interception_ca: InterceptionCA
) -> None:
    """ws:// is plain HTTP in a CONNECT tunnel: the gate must not answer it with TLS."""
    server = SocketServer(websocket_upgrade)
    recorded = Recorded()
    interception = Interception(interception_ca.server_context, origin_context(), recorded)
    gate = make_gate(parse_route(socks_proxy.url), interception=interception)
    try:
        with tunnel(gate.port, server.port) as sock:
            sock.sendall(
                f"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n".encode()
            )
            assert read_head(sock).startswith(b"HTTP/1.1 101")
            sock.sendall(b"\x81\x05hello")  # a frame, carried as it is after the switch
            assert read_exactly(sock, 7) == b"\x81\x05hello"
    finally:
        server.stop()
    (exchange,) = recorded.wait_for(1)
    assert exchange.url == f"http://127.0.0.1:{server.port}/chat"
    assert exchange.status == 101 and exchange.tls is None


def test_a_tunnel_carrying_neither_tls_nor_http_is_piped_unrecorded(
    make_gate: GateFactory, socks_proxy: Microsocks, interception_ca: InterceptionCA
) -> None:
    server = SocketServer(echo)
    recorded = Recorded()
    interception = Interception(interception_ca.server_context, origin_context(), recorded)
    gate = make_gate(parse_route(socks_proxy.url), interception=interception)
    try:
        with tunnel(gate.port, server.port) as sock:
            sock.sendall(b"\x00\x01binary protocol")
            assert read_exactly(sock, 17) == b"\x00\x01binary protocol"
    finally:
        server.stop()
    assert recorded.exchanges == []
