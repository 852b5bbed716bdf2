"""The route forms beyond SOCKS5: managed Tor, HTTP CONNECT proxies, proxies via Tor."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.strategies import hosts
from workstation.errors import InputError
from workstation.route import RouteSpec, TorOptions, parse_route


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tor", RouteSpec("tor")),
        ("  TOR ", RouteSpec("tor")),
        ("http://127.0.0.1:8080", RouteSpec("http", "127.0.0.1", 8080)),
        ("HTTP://proxy.example:3128/", RouteSpec("http", "proxy.example", 3128)),
        ("http://[::1]:8080", RouteSpec("http", "::1", 8080)),
        (
            "http://agent:s3cret@10.0.0.1:8080",
            RouteSpec("http", "10.0.0.1", 8080, "agent", "s3cret"),
        ),
        (
            "http://ag%40ent:p%3Ass@host:2",
            RouteSpec("http", "host", 2, "ag@ent", "p:ss"),
        ),
        (
            "tor+socks5://u:p@proxy.example:1080",
            RouteSpec("socks5", "proxy.example", 1080, "u", "p", via_tor=True),
        ),
        ("tor+socks5h://10.1.1.1:1080", RouteSpec("socks5", "10.1.1.1", 1080, via_tor=True)),
        ("Tor+HTTP://proxy.example:8080", RouteSpec("http", "proxy.example", 8080, via_tor=True)),
    ],
)
def test_parses_the_new_route_forms(text: str, expected: RouteSpec) -> None:
    assert parse_route(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tor://", "Unsupported route"),
        ("tor:", "Unsupported route"),
        ("torify", "Unsupported route"),
        ("tor+tor://x:1", "Unsupported route"),
        ("tor+https://x:1", "Unsupported route"),
        ("https://proxy:8443", "Unsupported route"),
        ("http://proxy", "the port is missing"),
        ("http://proxy:0", "from 1 to 65535"),
        ("http://user@proxy:8080", "names a user but no password"),
        ("http://a%3Ab:pw@proxy:8080", "cannot contain ':'"),
        ("tor+http://proxy", "the port is missing"),
        ("tor+http://proxy:80/x", "HOST:PORT"),
        ("http://proxy:8080?x", "extra parts"),
    ],
)
def test_refuses_malformed_new_forms(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_route(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "tor", "host": "127.0.0.1"},
        {"kind": "tor", "port": 9050},
        {"kind": "tor", "username": "u", "password": "p"},
        {"kind": "tor", "via_tor": True},
        {"kind": "http", "host": "", "port": 8080},
        {"kind": "http", "host": "h", "port": 70000},
        {"kind": "socks5", "host": "h", "port": 1, "via_tor": "yes"},
        {"kind": "socks5", "host": "h", "port": 1, "tor": TorOptions(binary="/usr/sbin/tor")},
        {"kind": "tor", "tor": "not options"},
    ],
)
def test_invalid_specs_of_the_new_kinds_cannot_be_built(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        RouteSpec(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [
        {"binary": ""},
        {"extra_config": ("Bridge 1.2.3.4:443\nSocksPort 9050",)},
        {"extra_config": ("a\x00b",)},
        {"extra_config": ["UseBridges 1"]},
    ],
)
def test_tor_options_refuse_what_could_smuggle_lines(options: dict[str, object]) -> None:
    with pytest.raises(InputError):
        TorOptions(**options)  # type: ignore[arg-type]


def test_descriptions_say_what_the_officer_configured() -> None:
    assert parse_route("tor").describe() == "Tor (managed)"
    assert parse_route("http://agent:pw@p:3128").describe() == "HTTP proxy p:3128 (user agent)"
    chained = parse_route("tor+socks5://p.example:1080")
    assert chained.describe() == "SOCKS5 proxy p.example:1080 via Tor (managed)"
    bridged = parse_route("tor").with_tor_options(
        TorOptions("/opt/tor/tor", ("UseBridges 1", "Bridge 192.0.2.1:443"))
    )
    assert bridged.describe() == "Tor (managed) (tor program /opt/tor/tor, 2 extra torrc lines)"
    assert "192.0.2.1" not in repr(bridged), "bridge addresses stay out of logs"


def test_to_url_redacts_and_keeps_the_chain() -> None:
    assert parse_route("tor").to_url() == "tor"
    http = parse_route("http://agent:hunter2@p:3128")
    assert http.to_url() == "http://agent:***@p:3128"
    assert http.to_url(redact=False) == "http://agent:hunter2@p:3128"
    assert "hunter2" not in repr(http) + http.describe()
    chained = parse_route("tor+socks5://agent:hunter2@p:1080")
    assert chained.to_url() == "tor+socks5h://agent:***@p:1080"
    assert chained.without_tor() == parse_route("socks5://agent:hunter2@p:1080")


def test_tor_options_apply_to_tor_routes_only() -> None:
    options = TorOptions(extra_config=("UseBridges 1",))
    assert parse_route("tor").with_tor_options(options).tor == options
    assert parse_route("tor+http://p:1").with_tor_options(options).uses_tor
    with pytest.raises(InputError, match="Tor routes only"):
        parse_route("socks5://p:1").with_tor_options(options)
    with pytest.raises(InputError):
        parse_route("tor").without_tor()


route_like = st.text(alphabet="torsckhtp5+:/@[]%.0123456789abcAB-_ é\x00", max_size=40)
schemes = st.sampled_from(["tor", "http://", "tor+http://", "tor+socks5://", "socks5h://"])


@given(st.one_of(st.text(), route_like, st.tuples(schemes, route_like).map("".join)))
def test_parse_route_still_raises_nothing_but_input_error(text: str) -> None:
    try:
        spec = parse_route(text)
    except InputError:
        return
    assert parse_route(spec.to_url(redact=False)) == spec


credential = st.text(min_size=1, max_size=60)


@given(
    kind=st.sampled_from(["socks5", "http"]),
    via_tor=st.booleans(),
    host=hosts,
    port=st.integers(1, 65535),
    login=st.none() | st.tuples(credential.filter(lambda u: ":" not in u), credential),
)
def test_every_proxy_form_round_trips(
    kind: str, via_tor: bool, host: str, port: int, login: tuple[str, str] | None
) -> None:
    username, password = login if login is not None else (None, None)
    spec = RouteSpec(kind, host, port, username, password, via_tor=via_tor)  # type: ignore[arg-type]
    assert parse_route(spec.to_url(redact=False)) == spec
    if username is not None:
        assert spec.to_url().endswith(f"{quote(username, safe='')}:***@{spec.address}")
