"""Headers lookups: redirect chains through a real gate and SOCKS5 proxy to loopback sites."""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.lookups import lookup_context, lookup_gate
from tests.support.namednet import LoopbackInternet, loopback_internet, named_lookup_context
from tests.support.testca import IssuedCertificate, TestCA
from workstation import canonjson
from workstation.errors import LookupFailed, LookupInputError, RouteError
from workstation.lookup import LookupContext, LookupResult
from workstation.lookup.context import Cancelled
from workstation.lookup.fetch import Fetched
from workstation.lookup.headers import MAX_HOPS, cookie_names, lookup_headers, redirect_target
from workstation.lookup.result import Exchange
from workstation.lookup.targets import normalise_url

__all__ = ["lookup_context", "lookup_gate", "loopback_internet", "named_lookup_context"]

pytestmark = pytest.mark.e2e


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    before: Callable[[], None] | None = None  # run before answering (e.g. cancel the lookup)


class Site:
    """A loopback HTTP(S) site answering from a table of paths the test fills in; it records
    every path asked for."""

    def __init__(self, issued: IssuedCertificate | None = None, ca: TestCA | None = None) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[str] = []
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                answer = site.answers.get(self.path, Answer(404, body=b"not here"))
                if answer.before is not None:
                    answer.before()
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        tls = ca.server_context(issued=issued) if ca is not None and issued is not None else None
        self.server = LoopbackHttpServer(Handler, tls=tls).start()
        self.port = self.server.port
        self.scheme = self.server.scheme

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def redirect(self, path: str, status: int, location: str) -> None:
        self.answers[path] = Answer(status, [("Location", location)])


SiteFactory = Callable[..., Site]


@pytest.fixture
def make_site() -> Iterator[SiteFactory]:
    sites: list[Site] = []

    def make(issued: IssuedCertificate | None = None, ca: TestCA | None = None) -> Site:
        sites.append(Site(issued, ca))
        return sites[-1]

    yield make
    for site in sites:
        site.server.stop()


@pytest.fixture
def ca() -> TestCA:
    return TestCA()


def check_record(result: LookupResult) -> None:
    canonjson.dumps(result.record())  # only JSON types: no floats, tuples or datetimes
    assert len(result.exchanges) == len(result.data["hops"])


def test_redirect_chain_with_every_status_and_location_form(
    make_site: SiteFactory, lookup_context: LookupContext
) -> None:
    site = make_site()
    site.redirect("/start", 301, "next")  # relative to the path
    site.redirect("/next", 302, "/dir/page?x=1")  # absolute path, with a query
    site.redirect("/dir/page?x=1", 303, "../final")  # dot segments
    site.redirect("/final", 307, site.url("/done"))  # absolute URL
    site.redirect("/done", 308, f"//127.0.0.1:{site.port}/end")  # scheme-relative
    site.answers["/end"] = Answer(
        200,
        [
            ("X-Powered-By", "PHP/8.1.2"),
            ("Set-Cookie", "session=secret-value; HttpOnly; Path=/"),
            ("Set-Cookie", "tracker=42"),
            ("Content-Security-Policy", "default-src 'self'"),
            ("Content-Type", "text/html"),
        ],
        b"<h1>Shop</h1>",
    )

    result = lookup_headers(site.url("/start"), lookup_context)

    check_record(result)
    data = result.data
    assert site.requests == ["/start", "/next", "/dir/page?x=1", "/final", "/done", "/end"]
    assert [hop["status"] for hop in data["hops"]] == [301, 302, 303, 307, 308, 200]
    assert [hop["url"] for hop in data["hops"]] == [site.url(p) for p in site.requests]
    assert data["hops"][0]["next_url"] == site.url("/next")
    assert data["hops"][0]["location"] == "next"
    assert (data["outcome"], data["problem"], data["final_url"]) == (
        "complete",
        None,
        site.url("/end"),
    )
    first = data["hops"][0]
    assert first["status_line"] == "HTTP/1.0 301 Moved Permanently"
    assert [name for name, _ in first["headers"]] == [
        "Server",
        "Date",
        "Location",
        "Content-Length",
    ]
    assert first["server"] == f"http://127.0.0.1:{site.port}"
    assert first["server_address"] is None
    assert first["certificate_sha256"] is None
    last = data["hops"][-1]
    assert last["body_bytes"] == len(b"<h1>Shop</h1>")
    assert last["body_sha256"] == hashlib.sha256(b"<h1>Shop</h1>").hexdigest()
    final = data["final"]
    assert final["cookies"] == ["session", "tracker"]
    assert ["X-Powered-By", "PHP/8.1.2"] in final["notable"]
    assert final["security"]["Content-Security-Policy"] == "default-src 'self'"
    assert final["security"]["Strict-Transport-Security"] is None
    assert "IP addresses are not known" in data["server_addresses"]
    summary = "\n".join(result.summary)
    assert "Cookies set: session, tracker" in summary
    assert "secret-value" not in summary  # cookie values stay in the raw headers
    assert "X-Powered-By: PHP/8.1.2" in summary
    assert "Security headers missing: Strict-Transport-Security" in summary
    exchange = result.exchanges[0]
    assert exchange.request.startswith(
        f"GET /start HTTP/1.1\r\nHost: 127.0.0.1:{site.port}\r\n".encode()
    )
    assert exchange.response.startswith(b"HTTP/1.0 301 Moved Permanently\r\n")
    assert result.warnings == ()
    assert {(p.kind, p.target) for p in result.pivots} == {
        ("whois", "127.0.0.1"),
        ("asn", "127.0.0.1"),
    }


def test_cross_scheme_redirect_between_real_world_names(
    make_site: SiteFactory,
    ca: TestCA,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    plain = make_site()
    issued = ca.issue("secure.shop.example")
    secure = make_site(issued, ca)
    loopback_internet.add("shop.example", 80, plain.port)
    loopback_internet.add("secure.shop.example", 443, secure.port)
    plain.redirect("/", 301, "https://secure.shop.example/welcome")
    secure.answers["/welcome"] = Answer(
        200, [("Strict-Transport-Security", "max-age=63072000")], b"welcome"
    )
    named_lookup_context.tls_context = ca.client_context()

    result = lookup_headers("http://Shop.Example/", named_lookup_context)

    check_record(result)
    hops = result.data["hops"]
    assert [(hop["url"], hop["status"]) for hop in hops] == [
        ("http://shop.example/", 301),
        ("https://secure.shop.example/welcome", 200),
    ]
    leaf_der = issued.certificate.public_bytes(serialization.Encoding.DER)
    assert hops[1]["certificate_sha256"] == hashlib.sha256(leaf_der).hexdigest()
    assert result.exchanges[1].server == "https://secure.shop.example:443"
    assert result.data["final"]["security"]["Strict-Transport-Security"] == "max-age=63072000"
    assert {(p.kind, p.target) for p in result.pivots} == {
        ("dns", "shop.example"),
        ("whois", "shop.example"),
        ("dns", "secure.shop.example"),
        ("whois", "secure.shop.example"),
        ("cert", "secure.shop.example"),
    }
    assert loopback_internet.connections == [("shop.example", 80), ("secure.shop.example", 443)]
    assert loopback_internet.refused == []


def test_bare_domain_means_https(
    make_site: SiteFactory,
    ca: TestCA,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    secure = make_site(ca.issue("bücher.example".encode("idna").decode()), ca)
    secure.answers["/"] = Answer(200, [("Server", "nginx")], b"books")
    # The loopback Internet decodes the punycode name it is sent back into Unicode.
    loopback_internet.add("bücher.example", 443, secure.port)
    named_lookup_context.tls_context = ca.client_context()

    result = lookup_headers("Bücher.example", named_lookup_context)

    assert result.data["url"] == "https://xn--bcher-kva.example/"
    assert result.data["hops"][0]["status"] == 200
    assert result.exchanges[0].request.startswith(
        b"GET / HTTP/1.1\r\nHost: xn--bcher-kva.example\r\n"
    )
    assert loopback_internet.refused == []


def test_redirect_loop_is_reported_with_the_hops(
    make_site: SiteFactory, lookup_context: LookupContext
) -> None:
    site = make_site()
    site.redirect("/a", 302, "/b")
    site.redirect("/b", 302, "/a")

    result = lookup_headers(site.url("/a"), lookup_context)

    check_record(result)
    assert result.data["outcome"] == "redirect-loop"
    assert site.requests == ["/a", "/b"]
    assert result.data["hops"][-1]["next_url"] == site.url("/a")
    assert result.warnings == (
        f"The redirects go round in a loop: {site.url('/a')} was already visited.",
    )
    assert any(line.startswith("Stopped (redirect-loop)") for line in result.summary)


def test_too_many_redirects_stop_at_the_limit(
    make_site: SiteFactory, lookup_context: LookupContext
) -> None:
    site = make_site()
    for number in range(3 * MAX_HOPS):
        site.redirect(f"/hop/{number}", 302, f"/hop/{number + 1}")

    result = lookup_headers(site.url("/hop/0"), lookup_context)

    check_record(result)
    assert result.data["outcome"] == "too-many-redirects"
    assert len(site.requests) == MAX_HOPS == len(result.data["hops"])
    assert f"Stopped after {MAX_HOPS} requests" in result.data["problem"]


def test_untrusted_certificate_is_a_failure_unless_the_officer_looks_anyway(
    make_site: SiteFactory, ca: TestCA, lookup_context: LookupContext
) -> None:
    secure = make_site(ca.issue("127.0.0.1"), ca)
    secure.answers["/"] = Answer(200, [("Server", "hidden-shop")], b"hello")

    with pytest.raises(LookupFailed, match="cannot be trusted"):
        lookup_headers(secure.url("/"), lookup_context)
    assert secure.requests == []  # no request was sent over the untrusted connection

    result = lookup_headers(secure.url("/"), lookup_context, verify_tls=False)

    check_record(result)
    assert result.data["verify_tls"] is False
    assert result.data["hops"][0]["status"] == 200
    assert result.data["hops"][0]["certificate_sha256"]
    assert any("Certificates were not checked" in warning for warning in result.warnings)


def test_untrusted_certificate_later_in_the_chain_ends_it(
    make_site: SiteFactory, ca: TestCA, lookup_context: LookupContext
) -> None:
    plain = make_site()
    secure = make_site(ca.issue("127.0.0.1"), ca)
    plain.redirect("/", 301, secure.url("/"))

    result = lookup_headers(plain.url("/"), lookup_context)

    check_record(result)
    assert result.data["outcome"] == "failed"
    assert len(result.data["hops"]) == 1
    assert result.data["hops"][0]["next_url"] == secure.url("/")
    assert "cannot be trusted" in result.data["problem"]
    assert secure.requests == []


def test_downgrade_from_https_to_http_is_a_warning(
    make_site: SiteFactory, ca: TestCA, lookup_context: LookupContext
) -> None:
    plain = make_site()
    secure = make_site(ca.issue("127.0.0.1"), ca)
    secure.redirect("/", 302, plain.url("/landing"))
    plain.answers["/landing"] = Answer(200)
    lookup_context.tls_context = ca.client_context()

    result = lookup_headers(secure.url("/"), lookup_context)

    assert result.data["outcome"] == "complete"
    assert result.warnings == (
        f"{secure.url('/')} redirects from https to plain http ({plain.url('/landing')}).",
    )


def test_redirect_to_something_that_is_not_a_web_address(
    make_site: SiteFactory, lookup_context: LookupContext
) -> None:
    site = make_site()
    site.redirect("/", 302, "ftp://files.example/offer.zip")

    result = lookup_headers(site.url("/"), lookup_context)

    assert result.data["outcome"] == "bad-redirect"
    assert "only http:// and https://" in result.data["problem"]
    assert result.data["hops"][0]["location"] == "ftp://files.example/offer.zip"


def test_utf8_location_is_followed_percent_encoded(
    make_site: SiteFactory, lookup_context: LookupContext
) -> None:
    site = make_site()
    site.answers["/"] = Answer(302, [("Location", "/café?q=ü".encode().decode("latin-1"))])
    site.answers["/caf%C3%A9?q=%C3%BC"] = Answer(200)

    result = lookup_headers(site.url("/"), lookup_context)

    assert result.data["final_url"] == site.url("/caf%C3%A9?q=%C3%BC")
    assert result.data["hops"][-1]["status"] == 200


def test_cancelled_between_hops(make_site: SiteFactory, lookup_context: LookupContext) -> None:
    site = make_site()
    site.redirect("/a", 302, "/b")
    site.answers["/a"].before = lookup_context.cancel_event.set  # the officer cancels now

    with pytest.raises(Cancelled):
        lookup_headers(site.url("/a"), lookup_context)
    assert site.requests == ["/a"]


def test_first_request_failing_fails_the_lookup(
    make_site: SiteFactory, lookup_context: LookupContext
) -> None:
    site = make_site()
    port = site.port
    site.server.stop()
    with pytest.raises(RouteError) as failed:  # the route could not reach it: no hop at all
        lookup_headers(f"http://127.0.0.1:{port}/", lookup_context)
    assert f"127.0.0.1:{port}" in str(failed.value)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("seller@example.com", "not a web address"),
        ("+49 30 1234567", "not a web address"),
        ("AS64500", "not a web address"),
        ("ftp://example.com/", "only http:// and https://"),
        ("no such thing", "is not a domain"),
    ],
)
def test_bad_targets(target: str, message: str, lookup_context: LookupContext) -> None:
    with pytest.raises(LookupInputError, match=message):
        lookup_headers(target, lookup_context)


# --- fuzzing what servers send: any Location or Set-Cookie is followed or refused cleanly ---

FUZZ_EXCHANGE = Exchange("https://shop.example:443", "https", b"", b"", "2026-01-01T00:00:00Z")
LOCATION_PARTS = "/.:?#%@[]ü é\\" + "".join(TOKENS := {"!": "https://", "~": "//", "^": "../"})


def expand(text: str) -> str:
    for placeholder, token in TOKENS.items():
        text = text.replace(placeholder, token)
    return text


locations = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abc01" + LOCATION_PARTS, max_size=30).map(expand),
)


@settings(max_examples=10_000, deadline=None)
@given(locations)
def test_fuzz_any_location_is_followed_or_refused(location: str) -> None:
    headers = (("Location", location), ("Set-Cookie", location))
    answer = Fetched("https://shop.example/a/b", 302, "Found", headers, b"", FUZZ_EXCHANGE, None)
    assert len(cookie_names(answer)) == 1
    try:
        target = redirect_target(answer)
    except LookupInputError as exc:
        assert "cannot be followed" in str(exc)
        return
    if target is not None:
        assert normalise_url(target) == target  # already in the form fetch is given
