"""Garbage sent to the gate gets a 4xx (or a closed connection) and never takes it down."""

import re
import socket
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import Gate, GateFactory, proxy_request, read_until_closed
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.route import parse_route

STATUS = re.compile(rb"HTTP/1\.1 (\d{3}) ")


@pytest.fixture
def unrouted_gate(make_gate: GateFactory) -> Iterator[Gate]:
    # No route while fuzzing: a head that happens to be valid must not send anything
    # anywhere (a route would let microsocks look up random names).
    yield make_gate(None)


def send_raw(port: int, data: bytes) -> bytes:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    with sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the gate may refuse before it has read everything
        return read_until_closed(sock)


def assert_refused_or_blocked(answer: bytes) -> None:
    """A 4xx for what is not a proxy request, a 502 for a valid one (there is no route)."""
    if answer == b"":
        return
    match = STATUS.match(answer)
    assert match is not None, answer[:200]
    status = int(match.group(1))
    assert 400 <= status < 500 or status == 502, answer[:200]


tokens = st.sampled_from(
    [
        b"GET",
        b"CONNECT",
        b"POST",
        b" ",
        b"  ",
        b"\r\n",
        b"\n",
        b"\r\n\r\n",
        b":",
        b"http://",
        b"ftp://",
        b"HTTP/1.1",
        b"HTTP/1.0",
        b"Host: ",
        b"[::1]",
        b"127.0.0.1",
        b":80",
        b"/",
        b"\x00",
        b"\xff",
        b"%",
        b"@",
        b"#",
        b"?",
        b"Content-Length: 5",
        b"\t",
    ]
)
request_ish = st.lists(st.one_of(tokens, st.binary(max_size=8)), max_size=30).map(b"".join)
garbage = st.one_of(st.binary(max_size=2000), request_ish)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=garbage)
def test_garbage_never_kills_the_gate(unrouted_gate: Gate, site: LoopbackSite, data: bytes) -> None:
    assert_refused_or_blocked(send_raw(unrouted_gate.port, data))
    # ...and the gate still answers a proper request properly.
    reply = proxy_request(unrouted_gate.port, "GET", site.url("/"))
    assert reply.status == 502
    assert "No route out is configured" in reply.text
    assert site.request_count() == 0


def test_after_fuzzing_the_gate_still_forwards(
    make_gate: GateFactory, socks_proxy: Microsocks, site: LoopbackSite
) -> None:
    gate = make_gate(None)
    for data in (b"\x00" * 100, b"GET\r\n\r\n", b"CONNECT [::1 HTTP/1.1\r\n\r\n", b"\r\n" * 50):
        assert_refused_or_blocked(send_raw(gate.port, data))
    gate.gate.set_route(parse_route(socks_proxy.url))
    assert proxy_request(gate.port, "GET", site.url("/")).status == 200
    assert site.requests == ["/"]
