"""The gate through a real HTTP CONNECT proxy (Debian's tinyproxy), with and without login."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import GateFactory, open_tunnel, proxy_request, read_until_closed
from tests.support.echo import AddressEcho
from tests.support.procs import free_port, wait_until
from tests.support.site import LoopbackSite
from tests.support.tinyproxy import Tinyproxy
from workstation.route import parse_route

ProxyFactory = Callable[..., Tinyproxy]


@pytest.fixture
def make_tinyproxy(tmp_path: Path) -> Iterator[ProxyFactory]:
    proxies: list[Tinyproxy] = []

    def make(user: str | None = None, password: str | None = None) -> Tinyproxy:
        proxies.append(Tinyproxy(tmp_path, user, password).start())
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.stop()


def proxy_saw(proxy: Tinyproxy, port: int) -> None:
    wait_until(lambda: bool(proxy.connections_to(port)), 10, "tinyproxy to log the connection")


@pytest.mark.parametrize("login", [None, ("agent", "s3cret")])
def test_pages_go_through_the_http_proxy(
    make_gate: GateFactory,
    make_tinyproxy: ProxyFactory,
    site: LoopbackSite,
    login: tuple[str, str] | None,
) -> None:
    proxy = make_tinyproxy(*(login or ()))
    gate = make_gate(parse_route(proxy.url))

    reply = proxy_request(gate.port, "GET", site.url("/"))
    assert reply.status == 200 and "Loopback test shop" in reply.text
    sock, head = open_tunnel(gate.port, f"localhost:{site.port}")  # a name, sent unresolved
    with sock:
        assert head.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /style.css HTTP/1.1\r\nHost: shop\r\n\r\n")
        assert read_until_closed(sock).endswith(b"h1 { color: #803; }")

    assert site.requests == ["/", "/style.css"]
    proxy_saw(proxy, site.port)
    event = gate.events.wait_for("forwarded", site.url("/"))
    assert event.detail == f"via HTTP proxy 127.0.0.1:{proxy.port}" + (
        " (user agent)" if login else ""
    )
    assert gate.gate.check_health().ok


@pytest.mark.parametrize(
    ("route_login", "message"),
    [("", "requires a user name and password"), ("agent:hunter2@", "refused the credentials")],
)
def test_a_login_the_proxy_refuses_is_reported_and_nothing_is_sent(
    make_gate: GateFactory,
    make_tinyproxy: ProxyFactory,
    site: LoopbackSite,
    route_login: str,
    message: str,
) -> None:
    proxy = make_tinyproxy("agent", "s3cret")
    gate = make_gate(parse_route(f"http://{route_login}127.0.0.1:{proxy.port}"))

    reply = proxy_request(gate.port, "GET", site.url("/"))
    assert reply.status == 502 and reply.headers["X-Route-Gate"] == "refused"
    assert message in reply.text and "hunter2" not in reply.text
    health = gate.gate.check_health()
    assert not health.ok and message in health.detail
    assert site.request_count() == 0 and not proxy.connections_to(site.port)


def test_a_dead_http_proxy_fails_closed(make_gate: GateFactory, site: LoopbackSite) -> None:
    gate = make_gate(parse_route(f"http://127.0.0.1:{free_port()}"))
    reply = proxy_request(gate.port, "GET", site.url("/"))
    assert reply.status == 502 and "connection refused" in reply.text
    assert site.request_count() == 0


def test_exit_identity_through_the_proxy_comes_from_the_echo(
    make_gate: GateFactory, make_tinyproxy: ProxyFactory
) -> None:
    proxy = make_tinyproxy()
    echo = AddressEcho().start()
    try:
        gate = make_gate(parse_route(proxy.url)).gate
        unknown = gate.exit_identity()
        assert unknown.address is None and "echo URL" in unknown.detail
        assert echo.request_count() == 0, "no echo configured, nothing asked"
        identity = gate.exit_identity(echo_url=echo.url)
        assert (identity.address, identity.seen_address) == ("127.0.0.1", "127.0.0.1")
        assert identity.via == f"HTTP proxy 127.0.0.1:{proxy.port}"
        proxy_saw(proxy, echo.port)
    finally:
        echo.stop()
