"""Certificate lookups through a real gate and SOCKS5 proxy to TLS servers on loopback."""

import _ssl
import datetime
import hashlib
import socket
import socketserver
import ssl
import threading
import warnings
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.lookups import lookup_context, lookup_gate
from tests.support.namednet import LoopbackInternet, loopback_internet, named_lookup_context
from tests.support.testca import TestCA
from workstation import canonjson
from workstation.errors import LookupFailed, LookupInputError, RouteError
from workstation.lookup import LookupContext, LookupResult
from workstation.lookup.cert import (
    CertAnswer,
    CertTarget,
    Handshake,
    build_result,
    dns_name_matches,
    lookup_cert,
    presented_chain,
)
from workstation.lookup.context import Cancelled

__all__ = ["lookup_context", "lookup_gate", "loopback_internet", "named_lookup_context"]

pytestmark = [
    pytest.mark.e2e,
    # pytest shows every DeprecationWarning; these two are the lookup's business (see cert.py).
    pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning"),
]

DAY = datetime.timedelta(days=1)


class Page(QuietHandler):
    def do_GET(self) -> None:
        self.answer(200, "text/plain", b"ok")


ServerFactory = Callable[..., LoopbackHttpServer]


@pytest.fixture
def ca() -> TestCA:
    return TestCA()


@pytest.fixture
def tls_server() -> Iterator[ServerFactory]:
    """tls_server(ssl_context) -> a started HTTPS server on loopback, stopped afterwards."""
    servers: list[LoopbackHttpServer] = []

    def start(tls: ssl.SSLContext) -> LoopbackHttpServer:
        server = LoopbackHttpServer(Page, tls=tls).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class RawServer:
    """A TCP server on loopback that is not TLS: it answers reply (or nothing) and closes."""

    def __init__(self, reply: bytes | None) -> None:
        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                if reply is not None:
                    self.request.recv(65536)
                    self.request.sendall(reply)
                self.request.close()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[bytes | None], RawServer]]:
    servers: list[RawServer] = []

    def start(reply: bytes | None) -> RawServer:
        servers.append(RawServer(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def check_record(result: LookupResult) -> None:
    canonjson.dumps(result.record())  # only JSON types: no floats, tuples or datetimes


def test_valid_chain_is_trusted_with_the_units_ca(
    ca: TestCA, tls_server: ServerFactory, lookup_context: LookupContext
) -> None:
    issued = ca.issue("127.0.0.1", "shop.example")
    server = tls_server(ca.server_context(issued=issued))
    lookup_context.tls_context = ca.client_context()

    result = lookup_cert(f"127.0.0.1:{server.port}", lookup_context)

    check_record(result)
    data = result.data
    assert data["trust"]["trusted"] is True
    assert data["hostname"] == {
        "name": "127.0.0.1",
        "matches": True,
        "matched": "127.0.0.1",
        "reason": "matches 127.0.0.1",
    }
    assert data["tls_version"] == "TLSv1.3"
    assert data["cipher"] and data["cipher_bits"] >= 128
    assert data["sni"] is None  # TLS names no IP address
    leaf, root = data["chain"]
    assert leaf["sha256"] == hashlib.sha256(der(issued.certificate)).hexdigest()
    assert leaf["sha1"] == hashlib.sha1(der(issued.certificate)).hexdigest()
    assert leaf["serial"] == format(issued.certificate.serial_number, "x")
    assert leaf["subject"] == "CN=127.0.0.1"
    assert leaf["issuer"] == root["subject"] == "CN=Workstation Test Root CA"
    assert leaf["sans"] == {"dns": ["shop.example"], "ip": ["127.0.0.1"], "email": [], "uri": []}
    assert (leaf["key_type"], leaf["key_size"], leaf["key_curve"]) == ("EC", 256, "secp256r1")
    assert leaf["signature_algorithm"] == "ecdsa-with-SHA256"
    assert (leaf["is_ca"], root["is_ca"], root["self_issued"]) == (False, True, True)
    assert leaf["not_after"] == issued.certificate.not_valid_after_utc.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert leaf["days_left"] in {6, 7} and leaf["expired"] is False
    assert x509.load_pem_x509_certificate(leaf["pem"].encode()) == issued.certificate
    (exchange,) = result.exchanges
    assert exchange.server == f"127.0.0.1:{server.port}"
    assert exchange.protocol == "tls"
    assert exchange.request == b""
    assert exchange.response == der(issued.certificate) + der(ca.certificate)
    assert result.route == lookup_context.route
    assert result.warnings == ()
    assert {(p.kind, p.target) for p in result.pivots} >= {
        ("dns", "shop.example"),
        ("whois", "shop.example"),
        ("whois", "127.0.0.1"),
        ("asn", "127.0.0.1"),
    }
    assert result.summary[1].startswith("Trusted: yes")


def test_same_chain_is_untrusted_with_the_system_trust_store(
    ca: TestCA, tls_server: ServerFactory, lookup_context: LookupContext
) -> None:
    server = tls_server(ca.server_context("127.0.0.1"))

    result = lookup_cert(f"https://127.0.0.1:{server.port}/some/page", lookup_context)

    check_record(result)
    assert result.data["trust"]["trusted"] is False
    assert result.data["trust"]["reason"] == "self-signed certificate in certificate chain"
    assert len(result.data["chain"]) == 2  # still shown in full
    assert result.data["hostname"]["matches"] is True
    assert any("not trusted" in warning for warning in result.warnings)
    assert result.summary[1].startswith("Trusted: no")


def test_trust_settings_that_do_not_verify_say_so(
    ca: TestCA, tls_server: ServerFactory, lookup_context: LookupContext
) -> None:
    server = tls_server(ca.server_context("127.0.0.1"))
    lax = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    lax.check_hostname = False
    lax.verify_mode = ssl.CERT_NONE
    lookup_context.tls_context = lax

    result = lookup_cert(f"127.0.0.1:{server.port}", lookup_context)

    assert result.data["trust"]["trusted"] is None
    assert result.summary[1].startswith("Trusted: not checked")
    assert len(result.data["chain"]) == 2


def test_expired_certificate(
    ca: TestCA, tls_server: ServerFactory, lookup_context: LookupContext
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    expired = ca.issue("127.0.0.1", not_before=now - 30 * DAY, not_after=now - 3 * DAY)
    server = tls_server(ca.server_context(issued=expired))
    lookup_context.tls_context = ca.client_context()

    result = lookup_cert(f"127.0.0.1:{server.port}", lookup_context)

    check_record(result)
    leaf = result.data["chain"][0]
    assert result.data["trust"] == {
        "trusted": False,
        "reason": "certificate has expired",
        "handshakes": 2,  # one verifying, one to see the chain anyway
    }
    assert leaf["expired"] is True
    assert leaf["days_left"] in {-3, -4}
    assert any("expired on" in warning for warning in result.warnings)


def test_wrong_host_name_through_real_world_names(
    ca: TestCA,
    tls_server: ServerFactory,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    asked: list[str | None] = []

    def note_sni(_sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        asked.append(name)

    tls = ca.server_context("other.example", "*.cdn.other.example")
    tls.sni_callback = note_sni
    server = tls_server(tls)
    loopback_internet.add("shop.example", 443, server.port)
    named_lookup_context.tls_context = ca.client_context()

    result = lookup_cert("Shop.Example", named_lookup_context)

    check_record(result)
    assert asked and set(asked) == {"shop.example"}  # SNI named the host, twice
    assert result.data["sni"] == "shop.example"
    assert result.exchanges[0].request == b"shop.example"
    assert result.exchanges[0].server == "shop.example:443"
    assert result.data["trust"]["trusted"] is False
    assert "Hostname mismatch" in result.data["trust"]["reason"]
    assert result.data["hostname"]["matches"] is False
    assert "not among the names" in result.data["hostname"]["reason"]
    assert {(p.kind, p.target) for p in result.pivots} >= {("dns", "cdn.other.example")}
    assert loopback_internet.refused == []


def test_wildcard_name_matches_through_real_world_names(
    ca: TestCA,
    tls_server: ServerFactory,
    named_lookup_context: LookupContext,
    loopback_internet: LoopbackInternet,
) -> None:
    server = tls_server(ca.server_context("*.bücher.example".encode("idna").decode()))
    # The loopback Internet decodes the punycode name it is sent back into Unicode.
    loopback_internet.add("www.bücher.example", 8443, server.port)
    named_lookup_context.tls_context = ca.client_context()

    result = lookup_cert("https://WWW.Bücher.example:8443/", named_lookup_context)

    assert result.data["host"] == "www.xn--bcher-kva.example"
    assert result.exchanges[0].request == b"www.xn--bcher-kva.example"
    assert result.data["trust"]["trusted"] is True
    assert result.data["hostname"]["matched"] == "*.xn--bcher-kva.example"
    assert loopback_internet.connections == [("www.bücher.example", 8443)]  # one handshake
    assert loopback_internet.refused == []


def test_old_protocol_host_is_seen_but_not_trusted(
    ca: TestCA, tls_server: ServerFactory, lookup_context: LookupContext
) -> None:
    tls = ca.server_context("127.0.0.1")
    with warnings.catch_warnings():  # TLS 1.1 is deprecated: this server is meant to be old
        warnings.simplefilter("ignore", DeprecationWarning)
        tls.minimum_version = ssl.TLSVersion.TLSv1
        tls.maximum_version = ssl.TLSVersion.TLSv1_1
    tls.set_ciphers("ALL:@SECLEVEL=0")
    server = tls_server(tls)
    lookup_context.tls_context = ca.client_context()

    result = lookup_cert(f"127.0.0.1:{server.port}", lookup_context)

    assert result.data["tls_version"] == "TLSv1.1"
    assert result.data["trust"]["trusted"] is False
    assert (
        "only completed a handshake with relaxed settings (TLSv1.1"
        in (result.data["trust"]["reason"])
    )
    assert len(result.data["chain"]) == 2


def test_plain_http_on_the_port_is_named(
    raw_server: Callable[[bytes | None], RawServer], lookup_context: LookupContext
) -> None:
    server = raw_server(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    with pytest.raises(LookupFailed) as failed:
        lookup_cert(f"127.0.0.1:{server.port}", lookup_context)
    message = str(failed.value)
    assert "answered, but not with TLS" in message
    assert "HTTP/1.1 400 Bad Request" in message
    assert "plain web server" in message


def test_plain_http_server_from_the_standard_library(
    tls_server: ServerFactory, lookup_context: LookupContext
) -> None:
    server = LoopbackHttpServer(Page).start()
    try:
        with pytest.raises(LookupFailed, match="not with TLS"):
            lookup_cert(f"127.0.0.1:{server.port}", lookup_context)
    finally:
        server.stop()


def test_server_that_closes_at_once(
    raw_server: Callable[[bytes | None], RawServer], lookup_context: LookupContext
) -> None:
    server = raw_server(None)
    with pytest.raises(LookupFailed, match="closed the connection during the TLS handshake"):
        lookup_cert(f"127.0.0.1:{server.port}", lookup_context)


def test_nothing_listening_is_a_route_refusal(lookup_context: LookupContext) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        with pytest.raises(RouteError) as failed:
            lookup_cert(f"127.0.0.1:{port}", lookup_context)
    assert "127.0.0.1" in str(failed.value)


def test_cancelled_before_connecting(lookup_context: LookupContext) -> None:
    lookup_context.cancel_event.set()
    with pytest.raises(Cancelled):
        lookup_cert("127.0.0.1:443", lookup_context)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("http://example.com/", "plain http:// address"),
        ("seller@example.com", "needs a host name"),
        ("+49 30 1234567", "needs a host name"),
        ("no such host", "is not a domain"),
    ],
)
def test_bad_targets(target: str, message: str, lookup_context: LookupContext) -> None:
    with pytest.raises(LookupInputError, match=message):
        lookup_cert(target, lookup_context)


# --- pieces, without a server ---


def test_chain_accessor_prefers_the_public_method() -> None:
    public = SimpleNamespace(get_unverified_chain=lambda: [b"leaf", b"root"])
    assert presented_chain(public) == (b"leaf", b"root")  # type: ignore[arg-type]


def test_chain_accessor_falls_back_to_the_private_one() -> None:
    cert = SimpleNamespace(public_bytes=lambda encoding: b"der:%d" % encoding)
    private = SimpleNamespace(_sslobj=SimpleNamespace(get_unverified_chain=lambda: [cert]))
    assert presented_chain(private) == (b"der:%d" % _ssl.ENCODING_DER,)  # type: ignore[arg-type]


def test_chain_accessor_fails_clearly_without_either() -> None:
    with pytest.raises(LookupFailed, match="cannot show the certificate chain"):
        presented_chain(SimpleNamespace(_sslobj=SimpleNamespace()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("shop.example", "SHOP.example.", True),
        ("*.shop.example", "www.shop.example", True),
        ("*.shop.example", "a.www.shop.example", False),
        ("*.shop.example", "shop.example", False),
        ("*.com", "example.com", False),  # no wildcard directly under a top-level domain
        ("s*.example", "shop.example", False),
        ("*.*.example", "a.b.example", False),
        ("other.example", "shop.example", False),
    ],
)
def test_host_name_matching(pattern: str, host: str, matches: bool) -> None:
    assert dns_name_matches(pattern, host) is matches


# --- fuzzing what servers send: any chain bytes give a result, never a crash ---

FUZZ_CA = TestCA()
FUZZ_LEAF = der(FUZZ_CA.issue("shop.example", "*.shop.example", "192.0.2.7").certificate)
FUZZ_ROOT = der(FUZZ_CA.certificate)
FUZZ_TRUST = {"trusted": False, "reason": "fuzzing", "handshakes": 2}


def mutate(base: bytes, edits: bytes) -> bytes:
    """Overwrite bytes of base at positions taken from edits (3 bytes per edit); an odd
    number of edit bytes also cuts the certificate short."""
    data = bytearray(base)
    for start in range(0, len(edits) - 2, 3):
        data[(edits[start] << 8 | edits[start + 1]) % len(data)] = edits[start + 2]
    if len(edits) % 2:
        del data[(edits[0] << 8 | edits[-1]) % len(data) :]
    return bytes(data)


def fuzz_chain(edits: bytes) -> tuple[bytes, ...]:
    """One cheap draw picks the case: a damaged leaf, a damaged root, or junk for a chain."""
    case, rest = edits[0] % 3, edits[1:] or b"\x00"
    if case == 0:
        return mutate(FUZZ_LEAF, rest), FUZZ_ROOT
    if case == 1:
        return FUZZ_LEAF, mutate(FUZZ_ROOT, rest)
    return (rest,)


chains = st.binary(min_size=1, max_size=24).map(fuzz_chain)


@settings(max_examples=10_000, deadline=None)
@given(chains)
def test_fuzz_presented_chain_always_gives_a_result(chain: tuple[bytes, ...]) -> None:
    handshake = Handshake(chain, "TLSv1.3", "TLS_AES_128_GCM_SHA256", 128, "2026-01-01T00:00:00Z")
    answer = CertAnswer("shop.example", CertTarget("shop.example", 443), handshake, FUZZ_TRUST)
    result = build_result(answer, "test route", "2026-01-01T00:00:00Z")
    canonjson.dumps(result.record())
    assert result.exchanges[0].response == b"".join(chain)
    assert len(result.data["chain"]) == len(chain)
    assert result.summary and result.warnings  # untrusted, at least
