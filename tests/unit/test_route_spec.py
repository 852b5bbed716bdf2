"""Parsing and writing route specs (socks5://[user:password@]host:port)."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.strategies import hosts
from workstation.errors import InputError
from workstation.route import RouteSpec, parse_route


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("socks5://127.0.0.1:1080", RouteSpec("socks5", "127.0.0.1", 1080)),
        ("socks5h://proxy.example:9050", RouteSpec("socks5", "proxy.example", 9050)),
        ("  SOCKS5://localhost:1/  ", RouteSpec("socks5", "localhost", 1)),
        ("socks5://[::1]:65535", RouteSpec("socks5", "::1", 65535)),
        (
            "socks5://agent:s3cret@10.0.0.1:1080",
            RouteSpec("socks5", "10.0.0.1", 1080, "agent", "s3cret"),
        ),
        (
            "socks5://ag%40ent:p%3Ass%2Fw%20rd@host:2",
            RouteSpec("socks5", "host", 2, "ag@ent", "p:ss/w rd"),
        ),
        ("socks5://u:p@ss@host:3", RouteSpec("socks5", "host", 3, "u", "p@ss")),
        ("socks5://%C3%A9l%C3%A8ve:mot@host:4", RouteSpec("socks5", "host", 4, "élève", "mot")),
    ],
)
def test_parses_socks5_routes(text: str, expected: RouteSpec) -> None:
    assert parse_route(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No route given"),
        ("   ", "No route given"),
        ("127.0.0.1:1080", "Unsupported route '127.0.0.1:1080'. Use tor, socks5://HOST:PORT"),
        ("https://127.0.0.1:8080", "Unsupported route 'https://127.0.0.1:8080'"),
        ("tor://", "Unsupported route"),
        ("socks4://host:1080", "Unsupported route"),
        ("socks5://host", "the port is missing"),
        ("socks5://host:", "the port is missing"),
        ("socks5://[::1]", "the port is missing"),
        ("socks5://host:0", "from 1 to 65535"),
        ("socks5://host:65536", "from 1 to 65535"),
        ("socks5://host:-1", "from 1 to 65535"),
        ("socks5://host:1e3", "from 1 to 65535"),
        ("socks5://host: 80", "from 1 to 65535"),
        ("socks5://::1:1080", "must be written in brackets"),
        ("socks5://[not-v6]:1080", "IPv6 address is not valid"),
        ("socks5://[::1]x:1080", "HOST:PORT"),
        ("socks5://:1080", "host name is not valid"),
        ("socks5://exa mple:1080", "host name is not valid"),
        ("socks5://bücher.example:1080", "host name is not valid"),
        ("socks5://01.2.3.4:1080", "IP address is not valid"),
        ("socks5://host:1080/path", "HOST:PORT"),
        ("socks5://host:1080?x=1", "extra parts"),
        ("socks5://host:1080#frag", "extra parts"),
        ("socks5://user@host:1080", "names a user but no password"),
        ("socks5://:pw@host:1080", "1 to 255 bytes"),
        ("socks5://user:@host:1080", "1 to 255 bytes"),
        ("socks5://u:%FF@host:1080", "not valid text"),
        (f"socks5://{'u' * 256}:pw@host:1080", "1 to 255 bytes"),
    ],
)
def test_refuses_anything_else_with_a_plain_message(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_route(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "https://agent:hunter2@proxy:8080",
        "socks5://agent:hunter2@proxy",
        "socks5://agent:hunter2@::1:5",
        "agent:hunter2@proxy:1080",
        "socks5://agent:hunter2@proxy:1080/x?y",
        "socks5://agent:hunter2@bad host:1",
    ],
)
def test_error_messages_never_echo_the_password(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_route(text)
    assert "hunter2" not in str(caught.value)


def test_describe_and_repr_leave_the_password_out() -> None:
    spec = parse_route("socks5://agent:hunter2@127.0.0.1:1080")
    assert spec.describe() == "SOCKS5 proxy 127.0.0.1:1080 (user agent)"
    assert parse_route("socks5://[::1]:9050").describe() == "SOCKS5 proxy [::1]:9050"
    assert "hunter2" not in repr(spec)
    assert spec.to_url() == "socks5h://agent:***@127.0.0.1:1080"
    assert spec.to_url(redact=False) == "socks5h://agent:hunter2@127.0.0.1:1080"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "tor", "host": "127.0.0.1", "port": 9050},
        {"kind": "socks5", "host": "bad host", "port": 1},
        {"kind": "socks5", "host": "h", "port": 0},
        {"kind": "socks5", "host": "h", "port": True},
        {"kind": "socks5", "host": "h", "port": 1, "username": "u"},
        {"kind": "socks5", "host": "h", "port": 1, "password": "p"},
        {"kind": "socks5", "host": "h", "port": 1, "username": "u", "password": "\ud800"},
    ],
)
def test_a_spec_cannot_be_built_invalid(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        RouteSpec(**kwargs)  # type: ignore[arg-type]


url_like = st.text(alphabet="socks5h:/@[]%.0123456789abcdefABCDEF:?#-_ é\x00\ud800", max_size=40)


@given(st.one_of(st.text(), url_like, url_like.map(lambda tail: "socks5://" + tail)))
def test_parse_route_raises_nothing_but_input_error(text: str) -> None:
    try:
        spec = parse_route(text)
    except InputError:
        return
    # Whatever parses also survives being written out and read back.
    assert parse_route(spec.to_url(redact=False)) == spec


credential = st.text(min_size=1, max_size=60)


@given(
    host=hosts,
    port=st.integers(1, 65535),
    login=st.none() | st.tuples(credential, credential),
)
def test_to_url_round_trips(host: str, port: int, login: tuple[str, str] | None) -> None:
    username, password = login if login is not None else (None, None)
    spec = RouteSpec("socks5", host, port, username, password)
    assert parse_route(spec.to_url(redact=False)) == spec
    if username is not None:
        assert spec.to_url() == f"socks5h://{quote(username, safe='')}:***@{spec.address}"
