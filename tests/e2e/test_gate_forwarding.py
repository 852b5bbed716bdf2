"""The route gate forwards through a real SOCKS5 proxy (microsocks), and only through it."""

import socket
from collections.abc import Callable
from urllib.parse import quote

import pytest

from tests.e2e.conftest import (
    CaptureOrigin,
    Gate,
    GateFactory,
    open_tunnel,
    proxy_request,
    read_until_closed,
)
from tests.support.procs import free_port, wait_until
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.route import RouteGate, RouteSpec, parse_route
from workstation.route.http1 import GATE_ITSELF


def proxy_saw(proxy: Microsocks, port: int, count: int = 1) -> None:
    """microsocks logs each connection it made; its log is read by a background thread."""
    wait_until(lambda: len(proxy.connections_to(port)) >= count, 10, "microsocks to log it")


def test_plain_http_goes_through_the_socks_proxy(
    routed_gate: Gate, socks_proxy: Microsocks, site: LoopbackSite
) -> None:
    reply = proxy_request(routed_gate.port, "GET", site.url("/"))

    assert reply.status == 200
    assert "Loopback test shop" in reply.text
    assert reply.headers["Connection"] == "close"  # so the browser never reuses it
    assert site.requests == ["/"]
    proxy_saw(socks_proxy, site.port)
    event = routed_gate.events.wait_for("forwarded", site.url("/"))
    assert event.method == "GET"
    assert event.detail == f"via SOCKS5 proxy 127.0.0.1:{socks_proxy.port}"


def test_connect_tunnel_goes_through_the_socks_proxy(
    routed_gate: Gate, socks_proxy: Microsocks, site: LoopbackSite
) -> None:
    target = f"127.0.0.1:{site.port}"
    sock, head = open_tunnel(routed_gate.port, target)
    with sock:
        assert head == b"HTTP/1.1 200 Connection established\r\n\r\n"
        sock.sendall(b"GET /style.css HTTP/1.1\r\nHost: shop\r\n\r\n")
        response = read_until_closed(sock)

    assert response.startswith(b"HTTP/1.0 200 OK")
    assert response.endswith(b"h1 { color: #803; }")
    assert site.requests == ["/style.css"]
    proxy_saw(socks_proxy, site.port)
    assert routed_gate.events.wait_for("forwarded", target).method == "CONNECT"


def test_names_are_resolved_by_the_proxy_not_here(
    routed_gate: Gate, socks_proxy: Microsocks, site: LoopbackSite
) -> None:
    reply = proxy_request(routed_gate.port, "GET", f"http://localhost:{site.port}/")

    assert reply.status == 200
    # microsocks was handed the name (it logs what it was asked for), not an address.
    wait_until(
        lambda: any(
            f"connected to localhost:{site.port}" in line
            for line in socks_proxy.connections_to(site.port)
        ),
        10,
        "microsocks to log the name",
    )


def test_request_is_rewritten_for_the_origin(
    routed_gate: Gate, capture_origin: CaptureOrigin
) -> None:
    reply = proxy_request(
        routed_gate.port,
        "POST",
        f"http://127.0.0.1:{capture_origin.port}/cart?item=7#frag",
        body=b"qty=2",
        headers={
            "Host": "elsewhere.example",
            "Proxy-Connection": "keep-alive",
            "Proxy-Authorization": "Basic cGVyc29uYTox",
            "Connection": "keep-alive, X-Hop",
            "Keep-Alive": "timeout=5",
            "X-Hop": "1",
            "Cookie": "session=abc",
        },
    )

    assert (reply.status, reply.body) == (200, b"ok")
    (raw,) = capture_origin.requests
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /cart?item=7 HTTP/1.1"
    assert f"Host: 127.0.0.1:{capture_origin.port}".encode() in lines
    assert b"Cookie: session=abc" in lines
    assert b"Content-Length: 5" in lines
    assert lines[-1] == b"Connection: close"
    for dropped in (b"proxy-", b"keep-alive", b"x-hop", b"elsewhere"):
        assert dropped not in head.lower()
    assert body == b"qty=2"


def test_chunked_request_body_is_relayed(routed_gate: Gate, capture_origin: CaptureOrigin) -> None:
    sock = socket.create_connection(("127.0.0.1", routed_gate.port), timeout=10)
    with sock:
        sock.sendall(
            f"PUT http://127.0.0.1:{capture_origin.port}/upload HTTP/1.1\r\n".encode()
            + b"Transfer-Encoding: chunked\r\n\r\n"
            + b"3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
        )
        response = read_until_closed(sock)

    assert response.startswith(b"HTTP/1.1 200 OK")
    (raw,) = capture_origin.requests
    assert raw.startswith(b"PUT /upload HTTP/1.1\r\n")
    assert raw.endswith(
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
    )


def test_client_that_half_closes_still_gets_its_answer(
    routed_gate: Gate, site: LoopbackSite
) -> None:
    sock = socket.create_connection(("127.0.0.1", routed_gate.port), timeout=10)
    with sock:
        sock.sendall(f"GET {site.url('/')} HTTP/1.1\r\n\r\n".encode())
        sock.shutdown(socket.SHUT_WR)
        response = read_until_closed(sock)
    assert response.startswith(b"HTTP/1.0 200 OK")
    assert site.requests == ["/"]


def test_without_a_route_nothing_is_sent(make_gate: GateFactory, site: LoopbackSite) -> None:
    gate = make_gate(None)

    reply = proxy_request(gate.port, "GET", site.url("/"))
    assert reply.status == 502
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "No route out is configured: nothing was sent." in reply.text
    event = gate.events.wait_for("blocked", site.url("/"))
    assert event.detail == "No route out is configured: nothing was sent."

    sock, head = open_tunnel(gate.port, f"127.0.0.1:{site.port}")
    sock.close()
    assert head.startswith(b"HTTP/1.1 502 Bad Gateway\r\n")
    gate.events.wait_for("blocked", f"127.0.0.1:{site.port}")
    assert site.request_count() == 0


def test_a_stopped_proxy_fails_closed(
    routed_gate: Gate, socks_proxy: Microsocks, site: LoopbackSite
) -> None:
    socks_proxy.stop()

    reply = proxy_request(routed_gate.port, "GET", site.url("/"))
    assert reply.status == 502
    assert "Cannot reach the SOCKS5 proxy" in reply.text
    assert "(connection refused)" in reply.text
    sock, head = open_tunnel(routed_gate.port, f"127.0.0.1:{site.port}")
    sock.close()
    assert head.startswith(b"HTTP/1.1 502 ")
    assert site.request_count() == 0
    event = routed_gate.events.wait_for("failed", site.url("/"))
    assert "Check that the route is up" in event.detail
    health = routed_gate.gate.check_health(timeout=5)
    assert not health.ok
    assert "connection refused" in health.detail


def test_a_route_to_an_unused_port_fails_closed(make_gate: GateFactory, site: LoopbackSite) -> None:
    gate = make_gate(RouteSpec("socks5", "127.0.0.1", free_port()))
    reply = proxy_request(gate.port, "GET", site.url("/"))
    assert reply.status == 502
    assert "Cannot reach the SOCKS5 proxy" in reply.text
    assert site.request_count() == 0
    assert not gate.gate.check_health().ok


def test_a_site_the_proxy_cannot_reach(routed_gate: Gate) -> None:
    closed = free_port()
    reply = proxy_request(routed_gate.port, "GET", f"http://127.0.0.1:{closed}/")
    assert reply.status == 502
    assert f"could not reach the site 127.0.0.1:{closed}" in reply.text
    # The route itself is fine.
    assert routed_gate.gate.check_health().ok


def test_proxy_with_login(
    make_gate: GateFactory, make_socks: Callable[..., Microsocks], site: LoopbackSite
) -> None:
    proxy = make_socks(user="agent-7", password="p@ss:w/rd")
    base = f"127.0.0.1:{proxy.port}"
    good = make_gate(parse_route(f"socks5://agent-7:{quote('p@ss:w/rd', safe='')}@{base}"))
    wrong = make_gate(parse_route(f"socks5://agent-7:guess@{base}"))
    missing = make_gate(parse_route(f"socks5://{base}"))

    assert proxy_request(good.port, "GET", site.url("/")).status == 200
    proxy_saw(proxy, site.port)
    assert good.gate.check_health().ok

    reply = proxy_request(wrong.port, "GET", site.url("/"))
    assert reply.status == 502
    assert "refused the credentials" in reply.text
    health = wrong.gate.check_health()
    assert not health.ok
    assert "refused the credentials" in health.detail
    assert "guess" not in health.detail + health.route_description

    reply = proxy_request(missing.port, "GET", site.url("/"))
    assert reply.status == 502
    assert "requires a user name and password" in reply.text
    assert site.requests == ["/"]


def test_check_health(make_gate: GateFactory, socks_proxy: Microsocks, site: LoopbackSite) -> None:
    gate = make_gate(parse_route(socks_proxy.url)).gate
    health = gate.check_health()
    assert health.ok
    assert health.route_description == f"SOCKS5 proxy 127.0.0.1:{socks_proxy.port}"
    assert health.checked_utc.endswith("Z")

    gate.set_route(None)
    health = gate.check_health()
    assert not health.ok
    assert health.detail == "No route out is configured: nothing can be sent."

    gate.set_route(parse_route(socks_proxy.url))
    socks_proxy.stop()
    assert not gate.check_health().ok
    # A probe never asks the proxy to go anywhere.
    assert site.request_count() == 0


def test_health_can_be_checked_before_the_gate_starts(socks_proxy: Microsocks) -> None:
    assert RouteGate(parse_route(socks_proxy.url)).check_health().ok


@pytest.mark.parametrize(
    ("request_bytes", "status", "message"),
    [
        (b"GET / HTTP/1.1\r\nHost: gate\r\n\r\n", 400, GATE_ITSELF),
        (b"GET ftp://files.example/x HTTP/1.1\r\n\r\n", 400, "not ftp://"),
        (b"GET https://shop.example/ HTTP/1.1\r\n\r\n", 400, "not https://"),
        (b"BREW coffee://pot\r\n\r\n", 400, "request line is malformed"),
        (b"CONNECT shop.example HTTP/1.1\r\n\r\n", 400, "port is missing"),
        (b"GET http://a/ HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431, "larger than 64 KiB"),
        (b"GET http://a/ HTTP/1.1\r\nX: unfinished", 400, "ended before its headers"),
    ],
)
def test_bad_requests_are_refused(
    routed_gate: Gate, site: LoopbackSite, request_bytes: bytes, status: int, message: str
) -> None:
    sock = socket.create_connection(("127.0.0.1", routed_gate.port), timeout=10)
    with sock:
        sock.sendall(request_bytes)
        sock.shutdown(socket.SHUT_WR)
        response = read_until_closed(sock)
    assert response.startswith(f"HTTP/1.1 {status} ".encode())
    assert message.encode() in response
    assert message in routed_gate.events.wait_for("blocked").detail
    # The gate carries on.
    assert proxy_request(routed_gate.port, "GET", site.url("/")).status == 200


def test_observer_errors_do_not_break_the_gate(routed_gate: Gate, site: LoopbackSite) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("observer bug")

    routed_gate.gate.add_observer(broken)
    assert proxy_request(routed_gate.port, "GET", site.url("/")).status == 200
    routed_gate.events.wait_for("forwarded")


def test_stop_closes_tunnels_and_the_listener(routed_gate: Gate, site: LoopbackSite) -> None:
    port = routed_gate.port
    sock, head = open_tunnel(port, f"127.0.0.1:{site.port}")
    with sock:
        assert head.startswith(b"HTTP/1.1 200 ")
        routed_gate.gate.stop()
        assert read_until_closed(sock) == b""
    routed_gate.gate.stop()  # idempotent
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    with pytest.raises(RuntimeError):
        _ = routed_gate.gate.port


def test_gate_listens_on_loopback_only(routed_gate: Gate) -> None:
    sock = socket.create_connection(("127.0.0.1", routed_gate.port), timeout=10)
    with sock:
        assert sock.getpeername() == ("127.0.0.1", routed_gate.port)
    running = routed_gate.gate._running
    assert running is not None
    assert [s.getsockname()[0] for s in running.server.sockets] == ["127.0.0.1"]
