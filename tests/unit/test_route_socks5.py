"""The SOCKS5 client against a scripted proxy on loopback (and its pure encoding)."""

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.errors import (
    DestinationUnreachable,
    InputError,
    RouteAuthRefused,
    RouteError,
    RouteUnavailable,
)
from workstation.route import RouteSpec, parse_route
from workstation.route.http1 import HttpRequestError, parse_connect_target
from workstation.route.socks5 import encode_connect_request, socks5_connect, socks5_probe

GREETING_NONE = b"\x05\x01\x00"
GREETING_LOGIN = b"\x05\x01\x02"
SUCCESS_V4 = b"\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38"


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("shop.example", 443, b"\x05\x01\x00\x03\x0cshop.example\x01\xbb"),
        ("10.1.2.3", 80, b"\x05\x01\x00\x01\x0a\x01\x02\x03\x00\x50"),
        ("::1", 1, b"\x05\x01\x00\x04" + bytes(15) + b"\x01\x00\x01"),
        ("[::1]", 1, b"\x05\x01\x00\x04" + bytes(15) + b"\x01\x00\x01"),
        ("bücher.example", 80, b"\x05\x01\x00\x03\x15xn--bcher-kva.example\x00\x50"),
    ],
)
def test_connect_request_sends_names_unresolved(host: str, port: int, expected: bytes) -> None:
    assert encode_connect_request(host, port) == expected


@pytest.mark.parametrize(
    ("host", "port"), [("", 80), ("a b", 80), ("x" * 300, 80), ("shop.example", 0), ("h", 70000)]
)
def test_connect_request_refuses_what_cannot_be_sent(host: str, port: int) -> None:
    with pytest.raises(InputError):
        encode_connect_request(host, port)


@given(
    st.one_of(st.text(max_size=80), st.from_regex(r"[A-Za-z0-9_.-]{1,300}", fullmatch=True)),
    st.integers(1, 65535),
)
def test_every_target_the_gate_accepts_can_be_sent(host: str, port: int) -> None:
    try:
        parsed_host, parsed_port = parse_connect_target(f"{host}:{port}")
    except HttpRequestError:
        return
    assert encode_connect_request(parsed_host, parsed_port).endswith(port.to_bytes(2, "big"))


Step = tuple[int, bytes]  # read this many bytes, then answer with these


@dataclass
class ScriptedProxy:
    """A loopback server that plays a fixed SOCKS5 conversation and records what it got."""

    steps: list[Step]
    then_close: bool = False
    received: bytearray = field(default_factory=bytearray)
    port: int = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            for size, answer in self.steps:
                self.received += await reader.readexactly(size)
                writer.write(answer)
                await writer.drain()
            if not self.then_close:
                while chunk := await reader.read(1024):
                    self.received += chunk
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def spec(self, login: str = "") -> RouteSpec:
        return parse_route(f"socks5://{login}127.0.0.1:{self.port}")


def run_against(proxy: ScriptedProxy, scenario: Callable[[ScriptedProxy], Awaitable[None]]) -> None:
    async def main() -> None:
        server = await asyncio.start_server(proxy._serve, "127.0.0.1", 0)
        proxy.port = server.sockets[0].getsockname()[1]
        async with server:
            await scenario(proxy)

    asyncio.run(main())


def connect_expecting(
    steps: list[Step],
    error: type[RouteError],
    message: str,
    *,
    login: str = "",
    then_close: bool = False,
) -> None:
    async def scenario(proxy: ScriptedProxy) -> None:
        with pytest.raises(error) as caught:
            await socks5_connect(proxy.spec(login), "shop.example", 443, timeout=2)
        assert message in str(caught.value)

    run_against(ScriptedProxy(steps, then_close), scenario)


def test_connects_without_login_and_carries_data() -> None:
    request = encode_connect_request("shop.example", 443)

    async def scenario(proxy: ScriptedProxy) -> None:
        reader, writer = await socks5_connect(proxy.spec(), "shop.example", 443, timeout=2)
        writer.write(b"ping")
        writer.write_eof()
        assert await reader.read() == b""
        writer.close()
        assert bytes(proxy.received) == GREETING_NONE + request + b"ping"

    run_against(ScriptedProxy([(3, b"\x05\x00"), (len(request), SUCCESS_V4)]), scenario)


def test_logs_in_with_user_name_and_password() -> None:
    login = b"\x01\x05agent\x07pa:ss@1"
    request = encode_connect_request("shop.example", 443)

    async def scenario(proxy: ScriptedProxy) -> None:
        _, writer = await socks5_connect(
            proxy.spec("agent:pa%3Ass%401@"), "shop.example", 443, timeout=2
        )
        writer.close()
        await writer.wait_closed()

    proxy = ScriptedProxy([(3, b"\x05\x02"), (len(login), b"\x01\x00"), (len(request), SUCCESS_V4)])
    run_against(proxy, scenario)
    assert bytes(proxy.received) == GREETING_LOGIN + login + request


def test_reads_a_reply_bound_to_a_name() -> None:
    request = encode_connect_request("shop.example", 443)
    reply = b"\x05\x00\x00\x03\x05proxy\x00\x50data"

    async def scenario(proxy: ScriptedProxy) -> None:
        reader, writer = await socks5_connect(proxy.spec(), "shop.example", 443, timeout=2)
        assert await reader.readexactly(4) == b"data"
        writer.close()

    run_against(ScriptedProxy([(3, b"\x05\x00"), (len(request), reply)]), scenario)


def test_wrong_password_is_refused_clearly() -> None:
    connect_expecting(
        [(3, b"\x05\x02"), (10, b"\x01\x01")],
        RouteAuthRefused,
        "refused the credentials",
        login="agent:pw@",
        then_close=True,
    )


def test_proxy_that_wants_a_login_says_so() -> None:
    connect_expecting([(3, b"\x05\xff")], RouteAuthRefused, "requires a user name and password")


def test_proxy_without_login_support_says_so() -> None:
    connect_expecting(
        [(3, b"\x05\xff")], RouteAuthRefused, "does not accept a user name", login="a:b@"
    )


@pytest.mark.parametrize(
    "answer", [b"HTTP/1.1 400", b"\x04\x00", b"\x05\x01", b"\x05\x02"], ids=repr
)
def test_something_that_is_not_a_socks5_proxy(answer: bytes) -> None:
    connect_expecting([(3, answer)], RouteUnavailable, "did not answer like a SOCKS5 proxy")


@pytest.mark.parametrize(
    ("code", "error", "message"),
    [
        (1, DestinationUnreachable, "could not reach the site shop.example:443 (general"),
        (2, DestinationUnreachable, "rules do not allow a connection to shop.example:443"),
        (3, DestinationUnreachable, "(network unreachable)"),
        (4, DestinationUnreachable, "(host unreachable or name not found)"),
        (5, DestinationUnreachable, "(connection refused)"),
        (6, DestinationUnreachable, "(time-to-live expired)"),
        (7, RouteUnavailable, "does not support connections"),
        (8, DestinationUnreachable, "does not accept this kind of address"),
        (42, DestinationUnreachable, "(proxy error code 42)"),
    ],
)
def test_reply_codes_are_explained(code: int, error: type[RouteError], message: str) -> None:
    request_size = len(encode_connect_request("shop.example", 443))
    reply = bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0])
    connect_expecting([(3, b"\x05\x00"), (request_size, reply)], error, message, then_close=True)


def test_short_greeting_reply() -> None:
    connect_expecting(
        [(3, b"\x05")], RouteUnavailable, "closed the connection during", then_close=True
    )


def test_short_connect_reply() -> None:
    request_size = len(encode_connect_request("shop.example", 443))
    connect_expecting(
        [(3, b"\x05\x00"), (request_size, b"\x05\x00\x00\x01\x7f")],
        RouteUnavailable,
        "closed the connection instead of reaching shop.example:443",
        then_close=True,
    )


def test_unknown_bound_address_type() -> None:
    request_size = len(encode_connect_request("shop.example", 443))
    connect_expecting(
        [(3, b"\x05\x00"), (request_size, b"\x05\x00\x00\x09")],
        RouteUnavailable,
        "did not answer like a SOCKS5 proxy",
    )


def test_silent_proxy_times_out_in_the_handshake() -> None:
    async def scenario(proxy: ScriptedProxy) -> None:
        with pytest.raises(RouteUnavailable, match="did not finish the SOCKS5 handshake"):
            await socks5_connect(proxy.spec(), "shop.example", 443, timeout=0.2)

    run_against(ScriptedProxy([]), scenario)


def test_slow_site_times_out_as_unreachable() -> None:
    async def scenario(proxy: ScriptedProxy) -> None:
        with pytest.raises(DestinationUnreachable, match="did not reach the site"):
            await socks5_connect(proxy.spec(), "shop.example", 443, timeout=0.2)

    run_against(ScriptedProxy([(3, b"\x05\x00")]), scenario)


def test_proxy_not_listening() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    spec = RouteSpec("socks5", "127.0.0.1", port)
    with pytest.raises(RouteUnavailable, match=r"Cannot reach .* \(connection refused\)"):
        asyncio.run(socks5_connect(spec, "shop.example", 443, timeout=2))


def test_target_names_are_never_resolved_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"local name lookup for {args[0]!r}")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    request = encode_connect_request("hidden-service.example", 80)

    async def scenario(proxy: ScriptedProxy) -> None:
        _, writer = await socks5_connect(proxy.spec(), "hidden-service.example", 80, timeout=2)
        writer.close()

    proxy = ScriptedProxy([(3, b"\x05\x00"), (len(request), SUCCESS_V4)])
    run_against(proxy, scenario)
    assert bytes(proxy.received).endswith(b"\x03\x16hidden-service.example\x00\x50")


def test_probe_greets_and_logs_in_but_asks_for_nothing() -> None:
    login = b"\x01\x01u\x01p"

    async def scenario(proxy: ScriptedProxy) -> None:
        await socks5_probe(proxy.spec("u:p@"), timeout=2)

    proxy = ScriptedProxy([(3, b"\x05\x02"), (len(login), b"\x01\x00")])
    run_against(proxy, scenario)
    assert bytes(proxy.received) == GREETING_LOGIN + login
