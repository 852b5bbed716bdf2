"""The route gate's HTTP/1.x parsing and rewriting, without sockets."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.route.http1 import (
    GATE_ITSELF,
    MAX_HEAD_BYTES,
    HttpRequestError,
    RequestHead,
    close_response_head,
    error_response,
    origin_form_request,
    parse_connect_target,
    parse_http_target,
    parse_request_head,
    response_status,
)


def test_parses_a_proxy_request_head() -> None:
    head = parse_request_head(
        b"GET http://shop.example/x?y=1 HTTP/1.1\r\nHost: shop.example\r\n"
        b"User-Agent:  Mozilla/5.0 \r\nX-Empty:\r\n\r\n"
    )
    assert head == RequestHead(
        "GET",
        "http://shop.example/x?y=1",
        "HTTP/1.1",
        (("Host", "shop.example"), ("User-Agent", "Mozilla/5.0"), ("X-Empty", "")),
    )


def test_keeps_non_ascii_header_bytes_as_they_came() -> None:
    head = parse_request_head(b"GET http://a/ HTTP/1.0\r\nX-Name: caf\xc3\xa9\r\n\r\n")
    assert head.headers[0][1].encode("latin-1") == b"caf\xc3\xa9"


@pytest.mark.parametrize(
    "raw",
    [
        b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET http://a/\r\n\r\n",
        b"GET  http://a/ HTTP/1.1\r\n\r\n",
        b"GET http://a/ HTTP/1.1 extra\r\n\r\n",
        b"G(T http://a/ HTTP/1.1\r\n\r\n",
        b"GET http://a/\x7f HTTP/1.1\r\n\r\n",
        b"GET http://a/ HTTP/2.0\r\n\r\n",
        b"GET http://a/ http/1.1\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\nNo-Colon\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\nSpace : before colon\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\nA: b\nInjected: 1\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\nA: b\x00c\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\n: empty name\r\n\r\n",
    ],
)
def test_malformed_heads_are_bad_requests(raw: bytes) -> None:
    with pytest.raises(HttpRequestError) as caught:
        parse_request_head(raw)
    assert caught.value.status == 400


def test_oversized_head_is_431() -> None:
    raw = b"GET http://a/ HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES + b"\r\n\r\n"
    with pytest.raises(HttpRequestError) as caught:
        parse_request_head(raw)
    assert caught.value.status == 431


@pytest.mark.parametrize(
    ("target", "host", "port", "path", "host_header"),
    [
        ("http://shop.example", "shop.example", 80, "/", "shop.example"),
        ("http://shop.example/a/b?c=d", "shop.example", 80, "/a/b?c=d", "shop.example"),
        ("http://shop.example?c=d", "shop.example", 80, "/?c=d", "shop.example"),
        ("HTTP://Shop.Example:8080/x#top", "Shop.Example", 8080, "/x", "Shop.Example:8080"),
        ("http://127.0.0.1:5000/", "127.0.0.1", 5000, "/", "127.0.0.1:5000"),
        ("http://[::1]/", "::1", 80, "/", "[::1]"),
        ("http://[::1]:81/", "::1", 81, "/", "[::1]:81"),
    ],
)
def test_splits_absolute_http_targets(
    target: str, host: str, port: int, path: str, host_header: str
) -> None:
    parsed = parse_http_target(target)
    assert (parsed.host, parsed.port, parsed.path, parsed.host_header) == (
        host,
        port,
        path,
        host_header,
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/", GATE_ITSELF),
        ("/index.html", GATE_ITSELF),
        ("*", GATE_ITSELF),
        ("ftp://files.example/x", "not ftp://"),
        ("https://shop.example/", "not https://"),
        ("shop.example:80", "not a URL"),
        ("1http://x/", "not a URL"),
        ("http://user:pw@shop.example/", "user name"),
        ("http:///path", "host"),
        ("http://shop.example:0/", "from 1 to 65535"),
        ("http://shop.example:99999/", "from 1 to 65535"),
        ("http://::1/", "brackets"),
        ("http://sh%6fp.example/", "host"),
    ],
)
def test_refuses_other_targets(target: str, message: str) -> None:
    with pytest.raises(HttpRequestError) as caught:
        parse_http_target(target)
    assert caught.value.status == 400
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("shop.example:443", ("shop.example", 443)),
        ("127.0.0.1:8443", ("127.0.0.1", 8443)),
        ("[2001:db8::1]:443", ("2001:db8::1", 443)),
    ],
)
def test_connect_targets(target: str, expected: tuple[str, int]) -> None:
    assert parse_connect_target(target) == expected


@pytest.mark.parametrize(
    "target", ["shop.example", "shop.example:", "http://shop.example:443", "a b:1", "[::1]", ":443"]
)
def test_bad_connect_targets(target: str) -> None:
    with pytest.raises(HttpRequestError) as caught:
        parse_connect_target(target)
    assert caught.value.status == 400


def test_origin_form_request_drops_hop_by_hop_headers() -> None:
    head = parse_request_head(
        b"POST http://shop.example:8080/cart?id=7 HTTP/1.1\r\n"
        b"Host: elsewhere.example\r\n"
        b"Proxy-Connection: keep-alive\r\n"
        b"Proxy-Authorization: Basic cGVyc29uYTox\r\n"
        b"Connection: keep-alive, X-Hop, Content-Length\r\n"
        b"Keep-Alive: timeout=5\r\n"
        b"TE: trailers\r\n"
        b"Trailer: X-Sum\r\n"
        b"Upgrade: websocket\r\n"
        b"X-Hop: 1\r\n"
        b"Content-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"Cookie: a=b\r\n\r\n"
    )
    sent = origin_form_request(head, parse_http_target(head.target))
    assert sent == (
        b"POST /cart?id=7 HTTP/1.1\r\n"
        b"Host: shop.example:8080\r\n"
        b"Content-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"Cookie: a=b\r\n"
        b"Connection: close\r\n\r\n"
    )


def test_response_head_is_marked_as_the_last_on_its_connection() -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
        b"Keep-Alive: timeout=5\r\nproxy-connection: keep-alive\r\nSet-Cookie: a=b\r\n\r\n"
    )
    assert close_response_head(head) == (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=b\r\nConnection: close\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"HTTP/1.1 200 OK\r\n\r\n", 200),
        (b"HTTP/1.0 404 Not Found\r\n\r\n", 404),
        (b"HTTP/1.1 100\r\n\r\n", 100),
        (b"HTTP/2 200\r\n\r\n", None),
        (b"ICY 200 OK\r\n\r\n", None),
        (b"HTTP/1.1 2000 OK\r\n\r\n", None),
        (b"", None),
    ],
)
def test_response_status(head: bytes, status: int | None) -> None:
    assert response_status(head) == status


def test_error_response_is_complete_and_escaped() -> None:
    response = error_response(502, "Bad Gateway", "Cannot reach <proxy> & co.")
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 502 Bad Gateway\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert b"Connection: close" in head
    assert b"Cannot reach &lt;proxy&gt; &amp; co." in body


def parse_or_refuse(raw: bytes) -> None:
    """Parsing either succeeds all the way to the bytes sent upstream, or gives 400/431."""
    try:
        head = parse_request_head(raw)
    except HttpRequestError as exc:
        assert exc.status in (400, 431)
        return
    try:
        if head.method == "CONNECT":
            parse_connect_target(head.target)
        else:
            origin_form_request(head, parse_http_target(head.target))
    except HttpRequestError as exc:
        assert exc.status == 400


request_ish = st.builds(
    lambda method, target, version, headers: (
        f"{method} {target} {version}\r\n{headers}\r\n\r\n".encode("utf-8", "surrogatepass")
    ),
    st.sampled_from(["GET", "CONNECT", "POST", "G T", ""]),
    st.one_of(
        st.text(max_size=30).map(lambda tail: "http://" + tail),
        st.text(alphabet="[]:.0123456789abcdef/?#@%", max_size=30),
    ),
    st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/9", ""]),
    st.text(alphabet="abc:; \t\r\n\x00é", max_size=40),
)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_are_refused(raw: bytes) -> None:
    parse_or_refuse(raw)


@given(request_ish)
def test_request_like_heads_parse_or_are_refused(raw: bytes) -> None:
    parse_or_refuse(raw)
