"""The HTTP CONNECT client against a scripted proxy on loopback (and its pure encoding)."""

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from workstation.errors import (
    DestinationUnreachable,
    InputError,
    RouteAuthRefused,
    RouteError,
    RouteUnavailable,
)
from workstation.route import RouteSpec, parse_route
from workstation.route.httpconnect import encode_connect, http_connect, http_proxy_probe

ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"


@pytest.mark.parametrize(
    ("host", "port", "request_line"),
    [
        ("shop.example", 443, b"CONNECT shop.example:443 HTTP/1.1"),
        ("bücher.example", 443, b"CONNECT xn--bcher-kva.example:443 HTTP/1.1"),
        ("10.1.2.3", 80, b"CONNECT 10.1.2.3:80 HTTP/1.1"),
        ("::1", 8443, b"CONNECT [::1]:8443 HTTP/1.1"),
        ("[::1]", 8443, b"CONNECT [::1]:8443 HTTP/1.1"),
    ],
)
def test_connect_sends_the_name_unresolved(host: str, port: int, request_line: bytes) -> None:
    request = encode_connect(parse_route("http://p:1"), host, port)
    assert request.startswith(request_line + b"\r\n")
    assert request.endswith(b"\r\n\r\n")
    assert b"Proxy-Authorization" not in request


def test_connect_carries_basic_credentials() -> None:
    request = encode_connect(parse_route("http://ag%C3%A9nt:p%40ss@p:1"), "shop.example", 443)
    token = base64.b64encode("agént:p@ss".encode()).decode()
    assert f"Proxy-Authorization: Basic {token}\r\n".encode() in request


@pytest.mark.parametrize(("host", "port"), [("", 443), ("a b", 443), ("h\r\nX: 1", 443), ("h", 0)])
def test_connect_refuses_what_cannot_be_sent(host: str, port: int) -> None:
    with pytest.raises(InputError):
        encode_connect(parse_route("http://p:1"), host, port)


@dataclass
class ScriptedHttpProxy:
    """Reads one request head, answers it, then echoes whatever else arrives."""

    answer: bytes
    close_after_answer: bool = False
    heads: list[bytes] = field(default_factory=list)
    port: int = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            self.heads.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(self.answer)
            await writer.drain()
            if not self.close_after_answer:
                while chunk := await reader.read(1024):
                    writer.write(chunk)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def spec(self, login: str = "") -> RouteSpec:
        return parse_route(f"http://{login}127.0.0.1:{self.port}")


def run_against(
    proxy: ScriptedHttpProxy, scenario: Callable[[ScriptedHttpProxy], Awaitable[None]]
) -> None:
    async def main() -> None:
        server = await asyncio.start_server(proxy.serve, "127.0.0.1", 0)
        proxy.port = server.sockets[0].getsockname()[1]
        async with server:
            await scenario(proxy)

    asyncio.run(main())


def test_tunnel_carries_data_after_200() -> None:
    async def scenario(proxy: ScriptedHttpProxy) -> None:
        reader, writer = await http_connect(proxy.spec(), "shop.example", 443, timeout=2)
        writer.write(b"ping")
        await writer.drain()
        assert await reader.readexactly(4) == b"ping"
        writer.close()

    proxy = ScriptedHttpProxy(ESTABLISHED)
    run_against(proxy, scenario)
    assert proxy.heads[0].startswith(b"CONNECT shop.example:443 HTTP/1.1\r\n")
    assert b"Host: shop.example:443\r\n" in proxy.heads[0]


def connect_expecting(
    answer: bytes, error: type[RouteError], message: str, *, login: str = ""
) -> None:
    async def scenario(proxy: ScriptedHttpProxy) -> None:
        with pytest.raises(error) as caught:
            await http_connect(proxy.spec(login), "shop.example", 443, timeout=2)
        assert message in str(caught.value)
        assert "pw" not in str(caught.value)

    run_against(ScriptedHttpProxy(answer, close_after_answer=True), scenario)


PROXY_AUTH = (
    b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\n\r\n'
)


@pytest.mark.parametrize(
    ("answer", "error", "message", "login"),
    [
        (PROXY_AUTH, RouteAuthRefused, "requires a user name and password", ""),
        (PROXY_AUTH, RouteAuthRefused, "refused the credentials", "agent:pw@"),
        (b"HTTP/1.0 401 Unauthorized\r\n\r\n", RouteAuthRefused, "refused the cred", "agent:pw@"),
        (b"HTTP/1.1 403 Forbidden\r\n\r\n", DestinationUnreachable, "do not allow", ""),
        (b"HTTP/1.0 502 Bad Gateway\r\n\r\n", DestinationUnreachable, "(502 Bad Gateway)", ""),
        (b"HTTP/1.1 500 Unable to connect\r\n\r\n", DestinationUnreachable, "could not reach", ""),
        (b"SSH-2.0-OpenSSH\r\n\r\n", RouteUnavailable, "did not answer like an HTTP proxy", ""),
        (b"HTTP/1.1 200 OK", RouteUnavailable, "closed the connection", ""),
    ],
)
def test_refusals_are_explained(
    answer: bytes, error: type[RouteError], message: str, login: str
) -> None:
    connect_expecting(answer, error, message, login=login)


def test_unreachable_proxy_is_route_unavailable() -> None:
    async def scenario() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        with pytest.raises(RouteUnavailable, match="connection refused"):
            spec = parse_route(f"http://127.0.0.1:{port}")
            await http_connect(spec, "shop.example", 443, timeout=2)

    asyncio.run(scenario())


def test_silent_proxy_times_out() -> None:
    async def scenario(proxy: ScriptedHttpProxy) -> None:
        with pytest.raises(DestinationUnreachable, match=r"within 0\.3 seconds"):
            await http_connect(proxy.spec(), "shop.example", 443, timeout=0.3)

    run_against(ScriptedHttpProxy(b""), scenario)


def test_probe_asks_the_proxy_itself_and_checks_the_login() -> None:
    async def accepted(proxy: ScriptedHttpProxy) -> None:
        await http_proxy_probe(proxy.spec("agent:pw@"), timeout=2)

    proxy = ScriptedHttpProxy(b"HTTP/1.1 500 Unable to connect\r\n\r\n", close_after_answer=True)
    run_against(proxy, accepted)
    head = proxy.heads[0]
    assert head.startswith(b"OPTIONS http://route-probe.invalid/ HTTP/1.1\r\n")
    assert b"Max-Forwards: 0\r\n" in head
    assert b"Proxy-Authorization: Basic " in head

    async def refused(proxy: ScriptedHttpProxy) -> None:
        with pytest.raises(RouteAuthRefused):
            await http_proxy_probe(proxy.spec("agent:pw@"), timeout=2)

    run_against(ScriptedHttpProxy(PROXY_AUTH, close_after_answer=True), refused)
