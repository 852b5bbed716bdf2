"""Switching the route cuts everything that was flowing on the old one."""

import socket
from collections.abc import Callable

from tests.e2e.conftest import (
    CaptureOrigin,
    Gate,
    open_tunnel,
    proxy_request,
    read_until_closed,
)
from tests.support.procs import wait_until
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.route import parse_route

# Tunnels in these tests stay idle once open, so only the gate cutting them can close
# them; if it did not, read_until_closed would time out and the test fail.

PARTIAL_REQUEST = b"GET /style.css HTTP/1.1\r\nHost: shop\r\n"  # the site waits for the rest


def test_switching_route_closes_open_tunnels(
    routed_gate: Gate,
    socks_proxy: Microsocks,
    make_socks: Callable[..., Microsocks],
    site: LoopbackSite,
) -> None:
    other_proxy = make_socks()
    target = f"127.0.0.1:{site.port}"
    sock, head = open_tunnel(routed_gate.port, target)
    with sock:
        assert head.startswith(b"HTTP/1.1 200 ")

        routed_gate.gate.set_route(parse_route(other_proxy.url))

        assert read_until_closed(sock) == b""
    assert site.request_count() == 0
    assert routed_gate.gate.route == parse_route(other_proxy.url)

    # New requests use the new route at once.
    assert proxy_request(routed_gate.port, "GET", site.url("/")).status == 200
    wait_until(lambda: bool(other_proxy.connections_to(site.port)), 10, "the new route's log")
    wait_until(lambda: bool(socks_proxy.connections_to(site.port)), 10, "the old route's log")
    assert len(socks_proxy.connections_to(site.port)) == 1  # only the cut tunnel


def test_setting_the_same_route_again_keeps_tunnels(
    routed_gate: Gate, socks_proxy: Microsocks, site: LoopbackSite
) -> None:
    sock, head = open_tunnel(routed_gate.port, f"127.0.0.1:{site.port}")
    with sock:
        assert head.startswith(b"HTTP/1.1 200 ")
        sock.sendall(PARTIAL_REQUEST)
        routed_gate.gate.set_route(parse_route(socks_proxy.url))
        sock.sendall(b"\r\n")
        assert read_until_closed(sock).startswith(b"HTTP/1.0 200 OK")
    assert site.requests == ["/style.css"]


def test_removing_the_route_cuts_tunnels_and_blocks_new_requests(
    routed_gate: Gate, site: LoopbackSite
) -> None:
    sock, head = open_tunnel(routed_gate.port, f"127.0.0.1:{site.port}")
    with sock:
        assert head.startswith(b"HTTP/1.1 200 ")
        routed_gate.gate.set_route(None)
        assert read_until_closed(sock) == b""
    assert routed_gate.gate.route is None

    reply = proxy_request(routed_gate.port, "GET", site.url("/"))
    assert reply.status == 502
    assert "No route out is configured" in reply.text
    sock, head = open_tunnel(routed_gate.port, f"127.0.0.1:{site.port}")
    sock.close()
    assert head.startswith(b"HTTP/1.1 502 ")
    routed_gate.events.wait_for("blocked", site.url("/"))
    assert site.request_count() == 0


def test_switching_route_cuts_a_plain_http_request_in_flight(
    routed_gate: Gate, make_socks: Callable[..., Microsocks], capture_origin: CaptureOrigin
) -> None:
    url = f"http://127.0.0.1:{capture_origin.port}/upload"
    sock = socket.create_connection(("127.0.0.1", routed_gate.port), timeout=10)
    with sock:
        # A body is announced but not sent: the origin keeps waiting for it.
        sock.sendall(f"POST {url} HTTP/1.1\r\nContent-Length: 10\r\n\r\n".encode())
        routed_gate.events.wait_for("forwarded", url)

        routed_gate.gate.set_route(parse_route(make_socks().url))

        assert read_until_closed(sock) == b""
    assert capture_origin.requests == []
