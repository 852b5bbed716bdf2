"""The TLS certificate chain a host presents, and whether the workstation's trust accepts it.

The point is to see what the host shows, valid or not, so the chain is always taken from a
handshake that does not stop at a bad certificate. Trust is judged by OpenSSL itself with
the lookup's trust settings (context.ssl_context()): the first handshake verifies; when it
succeeds its chain is the answer (one connection), when verification fails a second,
non-verifying handshake fetches the chain, and the verifier's reason is reported.

Handshakes run over memory buffers (ssl.MemoryBIO) on a socket from the route, so every
byte the server sends passes through here first: a server that answers with plain HTTP
(or anything else) is named as such, and cancellation is checked between reads.

The exchange kept as evidence: request = the SNI host name as sent (empty for an IP
address, which TLS does not name), response = the presented chain's DER certificates
concatenated (leaf first). The ClientHello itself is not kept: it is OpenSSL's, differs
on every run (random, key shares) and says nothing about the host.
"""

import _ssl
import contextlib
import hashlib
import logging
import socket
import ssl
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID, NameOID

from workstation.errors import LookupFailed, LookupInputError
from workstation.lookup.context import Cancelled, LookupContext
from workstation.lookup.fetch import split_url
from workstation.lookup.result import Exchange, LookupResult, Pivot, utc_now
from workstation.lookup.targets import classify, echo_input
from workstation.route.hosts import ip_literal, join_host_port

log = logging.getLogger(__name__)

# Set once at import (warnings.catch_warnings is not thread-safe, and lookups run in
# parallel): looking at TLS 1.0 hosts and at certificates with malformed serial numbers
# is the point here, not a mistake to warn about.
warnings.filterwarnings("ignore", "ssl.TLSVersion.TLSv1", DeprecationWarning, __name__)
warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning, module=__name__)

HTTPS_PORT = 443
TLS_RECORD_TYPES = range(0x14, 0x18)  # change_cipher_spec, alert, handshake, application_data
MAX_QUOTED_BYTES = 60
MAX_PIVOT_NAMES = 50
MAX_SUMMARY_NAMES = 6
# What cryptography raises for certificates it can load but not fully read.
UNREADABLE = (
    ValueError,
    x509.InvalidVersion,
    TypeError,
    UnicodeError,
    UnsupportedAlgorithm,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
)
LEGACY_SERVER_CONNECT = getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)  # constant added in 3.12


class VerificationFailed(Exception):
    """The verifying handshake reached the certificate and refused it (not a network error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CertTarget:
    host: str  # ASCII: punycode name or IP address
    port: int

    @property
    def server(self) -> str:
        return join_host_port(self.host, self.port)

    @property
    def sni(self) -> str | None:
        return None if ip_literal(self.host) else self.host


@dataclass(frozen=True)
class Handshake:
    chain: tuple[bytes, ...]  # DER, leaf first, as presented
    version: str | None
    cipher: str | None
    cipher_bits: int | None
    utc: str


def lookup_cert(target: str, context: LookupContext) -> LookupResult:
    """The certificate chain host[:port] (or an https:// address) presents, and its trust."""
    started = utc_now()
    where = parse_cert_target(target)
    handshake, trust = _handshakes(where, context)
    return build_result(CertAnswer(target.strip(), where, handshake, trust), context.route, started)


@dataclass(frozen=True)
class CertAnswer:
    """Everything the network gave: what the officer asked, where, the handshake, trust."""

    target: str
    where: CertTarget
    handshake: Handshake
    trust: dict[str, Any]


def build_result(answer: CertAnswer, route: str, started: str) -> LookupResult:
    """The lookup's result from what the handshakes returned (no network from here on)."""
    where, handshake = answer.where, answer.handshake
    if not handshake.chain:
        raise LookupFailed(f"{where.server} completed the handshake without a certificate.")
    now = datetime.now(UTC)
    chain = [describe_certificate(der, index, now) for index, der in enumerate(handshake.chain)]
    leaf = x509.load_der_x509_certificate(handshake.chain[0]) if chain[0]["parsed"] else None
    data: dict[str, Any] = {
        "host": where.host,
        "port": where.port,
        "sni": where.sni,
        "tls_version": handshake.version,
        "cipher": handshake.cipher,
        "cipher_bits": handshake.cipher_bits,
        "trust": answer.trust,
        "hostname": hostname_match(where.host, leaf),
        "chain": chain,
    }
    exchange = Exchange(
        server=where.server,
        protocol="tls",
        request=(where.sni or "").encode("ascii"),
        response=b"".join(handshake.chain),
        utc=handshake.utc,
    )
    return LookupResult(
        kind="cert",
        target=answer.target,
        route=route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=(exchange,),
        pivots=_pivots(chain),
        warnings=_warnings(data),
        summary=_summary(data),
    )


def parse_cert_target(text: str) -> CertTarget:
    """host, host:port, [v6]:port or an https:// address; port 443 unless given."""
    target = classify(text)
    if target.kind in {"domain", "ip"}:
        return CertTarget(target.value, HTTPS_PORT)
    if target.kind == "url":
        scheme, host, port, _ = split_url(target.value)
        if scheme == "https":
            return CertTarget(host, port)
        raise LookupInputError(
            f"{echo_input(text)} is a plain http:// address, which has no certificate; "
            "give https://, or the host and its TLS port (host:port)."
        )
    raise LookupInputError(
        f"{echo_input(text)} is not a host; a certificate lookup needs a host name or IP "
        "address, host:port, or an https:// address."
    )


# --- handshakes ---


def _handshakes(where: CertTarget, context: LookupContext) -> tuple[Handshake, dict[str, Any]]:
    """The handshake whose chain is reported, and the trust verdict."""
    verifying = context.ssl_context()
    if verifying.verify_mode != ssl.CERT_REQUIRED:
        handshake = tls_handshake(where, context, _looking_context())
        return handshake, _trust(None, "the lookup's trust settings do not verify certificates", 1)
    try:
        handshake = tls_handshake(where, context, verifying)
    except VerificationFailed as failed:
        handshake = tls_handshake(where, context, _looking_context())
        return handshake, _trust(False, failed.reason, 2)
    except LookupFailed as failed:
        if isinstance(failed, _NotTls | Cancelled):
            raise
        # The trust settings may refuse old protocols or ciphers the host still uses:
        # look with relaxed settings and report what stood in the way.
        handshake = tls_handshake(where, context, _looking_context())
        reason = (
            f"the host only completed a handshake with relaxed settings ({handshake.version}, "
            f"{handshake.cipher}); with the trust settings: {failed}"
        )
        return handshake, _trust(False, reason, 2)
    return handshake, _trust(True, "the chain leads to a trusted root and names the host", 1)


def _trust(trusted: bool | None, reason: str, handshakes: int) -> dict[str, Any]:
    return {"trusted": trusted, "reason": reason, "handshakes": handshakes}


def _looking_context() -> ssl.SSLContext:
    """Accepts any certificate, and old protocols and ciphers, so the chain can be seen."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.options |= LEGACY_SERVER_CONNECT
    try:
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        log.debug("this OpenSSL keeps its minimum protocol; looking with its defaults")
    return context


class _NotTls(LookupFailed):
    """The server answered, but not with TLS: no other settings will change that."""


def tls_handshake(where: CertTarget, context: LookupContext, tls: ssl.SSLContext) -> Handshake:
    """One TLS handshake with where through the route; the presented chain and parameters.

    VerificationFailed if tls verifies and refuses the certificate; LookupFailed otherwise.
    """
    sock = context.connect(where.host, where.port)
    try:
        pump = _TlsPump(sock, tls, where, context)
        pump.handshake()
        session = pump.session
        name, bits = _cipher(session)
        handshake = Handshake(presented_chain(session), session.version(), name, bits, utc_now())
        pump.close_politely()
        return handshake
    finally:
        sock.close()


class _TlsPump:
    """OpenSSL on memory buffers, fed from a socket: every byte the server sends is seen
    here first, and cancellation is checked between reads."""

    def __init__(
        self, sock: socket.socket, tls: ssl.SSLContext, where: CertTarget, context: LookupContext
    ) -> None:
        self.sock = sock
        self.where = where
        self.context = context
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.session = tls.wrap_bio(
            self.incoming, self.outgoing, server_hostname=where.sni or where.host
        )
        self.first = b""  # the start of the server's answer, to name what it speaks

    def handshake(self) -> None:
        deadline = time.monotonic() + self.context.timeout
        while True:
            try:
                self.session.do_handshake()
            except ssl.SSLWantReadError:
                self._send()
                self._receive(deadline)
                continue
            except ssl.SSLCertVerificationError as exc:
                raise VerificationFailed(_verification_reason(exc)) from None
            except ssl.SSLError as exc:
                raise _handshake_error(self.where, self.first, exc) from None
            self._send()
            return

    def close_politely(self) -> None:
        """Send close_notify so the server sees an orderly end; its answer is not awaited."""
        # SSLWantReadError: our close_notify is queued; the server's is not needed.
        with contextlib.suppress(ssl.SSLError):
            self.session.unwrap()
        try:
            self._send()
        except LookupFailed:
            log.debug("the server of %s left before our close_notify", self.where.server)

    def _send(self) -> None:
        pending = self.outgoing.read()
        if not pending:
            return
        try:
            self.sock.sendall(pending)
        except OSError as exc:
            raise LookupFailed(f"The connection to {self.where.server} broke ({exc}).") from None

    def _receive(self, deadline: float) -> None:
        self.context.check_cancelled()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timed_out(self.where, self.context)
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise _timed_out(self.where, self.context) from None
        except (ConnectionResetError, ConnectionAbortedError):
            raise _closed(self.where, self.first) from None
        except OSError as exc:
            raise LookupFailed(
                f"The connection to {self.where.server} broke during the TLS handshake ({exc})."
            ) from None
        if not data:
            raise _closed(self.where, self.first)
        self.first = self.first or data[:MAX_QUOTED_BYTES]
        self.incoming.write(data)


def _timed_out(where: CertTarget, context: LookupContext) -> LookupFailed:
    return LookupFailed(
        f"{where.server} did not complete the TLS handshake within {context.timeout:g} seconds."
    )


def _closed(where: CertTarget, first: bytes) -> LookupFailed:
    if first and first[0] not in TLS_RECORD_TYPES:
        return _not_tls(where, first)
    return LookupFailed(
        f"{where.server} closed the connection during the TLS handshake without presenting "
        "a certificate; it may not speak TLS on that port, or refuses this host name."
    )


def _handshake_error(where: CertTarget, first: bytes, exc: ssl.SSLError) -> LookupFailed:
    if first and first[0] not in TLS_RECORD_TYPES:
        return _not_tls(where, first)
    reason = exc.reason or exc.strerror or str(exc)
    return LookupFailed(f"The TLS handshake with {where.server} failed ({reason}).")


def _not_tls(where: CertTarget, first: bytes) -> LookupFailed:
    shown = first.decode("latin-1")
    printable = "".join(char if char.isprintable() else " " for char in shown).strip()
    return _NotTls(
        f"{where.server} answered, but not with TLS: it sent {printable[:MAX_QUOTED_BYTES]!r}. "
        "It is probably a plain web server or another service on that port."
    )


def _verification_reason(exc: ssl.SSLCertVerificationError) -> str:
    message = exc.verify_message or exc.reason or str(exc)
    return str(message)


def _cipher(session: ssl.SSLObject) -> tuple[str | None, int | None]:
    cipher = session.cipher()
    if cipher is None:
        return None, None
    return cipher[0], int(cipher[2])


def presented_chain(session: ssl.SSLObject | ssl.SSLSocket) -> tuple[bytes, ...]:
    """The certificates the peer presented (DER, leaf first), verified or not.

    Python 3.13 has SSLSocket/SSLObject.get_unverified_chain(); 3.11 and 3.12 have the
    same method only on the private _sslobj, returning certificate objects.
    """
    public = getattr(session, "get_unverified_chain", None)
    if public is not None:
        return tuple(bytes(der) for der in public() or ())
    private = getattr(getattr(session, "_sslobj", None), "get_unverified_chain", None)
    if private is None:
        raise LookupFailed(
            "This Python's ssl module cannot show the certificate chain a server presents "
            "(no get_unverified_chain); the certificate lookup needs Python 3.10 or later."
        )
    return tuple(cert.public_bytes(_ssl.ENCODING_DER) for cert in private() or ())


# --- certificates ---


def describe_certificate(der: bytes, position: int, now: datetime) -> dict[str, Any]:
    """One certificate as canonical-JSON data; what cannot be read is said, not guessed."""
    described: dict[str, Any] = {
        "position": position,
        "sha256": hashlib.sha256(der).hexdigest(),
        "sha1": hashlib.sha1(der, usedforsecurity=False).hexdigest(),
        "pem": ssl.DER_cert_to_PEM_cert(der),
    }
    try:
        certificate = x509.load_der_x509_certificate(der)
    except UNREADABLE as exc:
        return described | {"parsed": False, "parse_error": str(exc)}
    described["parsed"] = True
    described |= _names(certificate)
    described |= _validity(certificate, now)
    described |= _key(certificate)
    described |= _extensions(certificate)
    return described


def _names(certificate: x509.Certificate) -> dict[str, Any]:
    return {
        # Reading .subject itself may raise on a malformed certificate, hence the lambdas.
        "subject": _read(lambda: certificate.subject.rfc4514_string()),  # noqa: PLW0108
        "subject_cn": _read(lambda: _common_name(certificate.subject)),
        "issuer": _read(lambda: certificate.issuer.rfc4514_string()),  # noqa: PLW0108
        "issuer_cn": _read(lambda: _common_name(certificate.issuer)),
        "self_issued": _read(lambda: certificate.subject == certificate.issuer),
        "serial": _read(lambda: format(certificate.serial_number, "x")),
        "version": _read(lambda: certificate.version.name),
        "signature_algorithm": _read(lambda: certificate.signature_algorithm_oid._name),
        "signature_algorithm_oid": certificate.signature_algorithm_oid.dotted_string,
    }


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None


def _validity(certificate: x509.Certificate, now: datetime) -> dict[str, Any]:
    not_before = certificate.not_valid_before_utc
    not_after = certificate.not_valid_after_utc
    return {
        "not_before": _iso(not_before),
        "not_after": _iso(not_after),
        "days_left": (not_after - now).days,
        "expired": now > not_after,
        "not_yet_valid": now < not_before,
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key(certificate: x509.Certificate) -> dict[str, Any]:
    try:
        key = certificate.public_key()
        spki = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except UNREADABLE as exc:
        return {"key_type": None, "key_size": None, "key_curve": None, "key_error": str(exc)}
    key_type, size, curve = _key_kind(key)
    return {
        "key_type": key_type,
        "key_size": size,
        "key_curve": curve,
        "spki_sha256": hashlib.sha256(spki).hexdigest(),  # the same key in other certificates
    }


def _key_kind(key: object) -> tuple[str, int | None, str | None]:
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.key_size, key.curve.name
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456, None
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size, None
    return type(key).__name__, None, None


def _extensions(certificate: x509.Certificate) -> dict[str, Any]:
    try:
        extensions = certificate.extensions
    except UNREADABLE as exc:  # duplicate or malformed extensions
        return {
            "sans": _empty_sans(),
            "is_ca": None,
            "issuer_urls": [],
            "ocsp_urls": [],
            "extensions_error": str(exc),
        }
    return {
        "sans": _sans(extensions),
        "is_ca": _is_ca(extensions),
        "issuer_urls": _access_urls(extensions, AuthorityInformationAccessOID.CA_ISSUERS),
        "ocsp_urls": _access_urls(extensions, AuthorityInformationAccessOID.OCSP),
    }


def _empty_sans() -> dict[str, list[str]]:
    return {"dns": [], "ip": [], "email": [], "uri": []}


def _sans(extensions: x509.Extensions) -> dict[str, list[str]]:
    sans = _empty_sans()
    try:
        names = extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return sans
    sans["dns"] = [str(name) for name in names.get_values_for_type(x509.DNSName)]
    sans["ip"] = [str(address) for address in names.get_values_for_type(x509.IPAddress)]
    sans["email"] = [str(mail) for mail in names.get_values_for_type(x509.RFC822Name)]
    sans["uri"] = [str(uri) for uri in names.get_values_for_type(x509.UniformResourceIdentifier)]
    return sans


def _is_ca(extensions: x509.Extensions) -> bool:
    try:
        return bool(extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _access_urls(extensions: x509.Extensions, method: x509.ObjectIdentifier) -> list[str]:
    try:
        access = extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
    except x509.ExtensionNotFound:
        return []
    assert isinstance(access.value, x509.AuthorityInformationAccess)
    return [
        str(entry.access_location.value)
        for entry in access.value
        if entry.access_method == method
        and isinstance(entry.access_location, x509.UniformResourceIdentifier)
    ]


def _read(getter: Callable[[], Any]) -> Any:
    """A field of a certificate that may be malformed in ways only reading it reveals."""
    try:
        return getter()
    except UNREADABLE:
        return None


# --- host name ---


def hostname_match(host: str, leaf: x509.Certificate | None) -> dict[str, Any]:
    """Whether the leaf names host, the way browsers decide (RFC 6125: subjectAltName only,
    a wildcard only as the whole left-most label)."""
    result: dict[str, Any] = {"name": host, "matches": False, "matched": None}
    if leaf is None:
        return result | {"reason": "the certificate could not be read"}
    try:
        sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, *UNREADABLE):
        return result | {"reason": "the certificate lists no readable names (subjectAltName)"}
    address = ip_literal(host)
    if address is not None:
        found = next((a for a in sans.get_values_for_type(x509.IPAddress) if a == address), None)
        matched = str(found) if found is not None else None
    else:
        names = sans.get_values_for_type(x509.DNSName)
        matched = next((pattern for pattern in names if dns_name_matches(pattern, host)), None)
    if matched is None:
        return result | {"reason": f"{host} is not among the names in the certificate"}
    return result | {"matches": True, "matched": matched, "reason": f"matches {matched}"}


def dns_name_matches(pattern: str, host: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    host = host.lower().rstrip(".")
    if not pattern.startswith("*."):
        return "*" not in pattern and pattern == host
    first, _, rest = host.partition(".")
    return bool(first) and "*" not in pattern[2:] and rest == pattern[2:] and "." in rest


# --- pivots, warnings, summary ---


def _pivots(chain: list[dict[str, Any]]) -> tuple[Pivot, ...]:
    leaf = chain[0]
    if not leaf["parsed"]:
        return ()
    pivots: list[Pivot] = []
    names = dict.fromkeys(name.removeprefix("*.").lower() for name in leaf["sans"]["dns"])
    for name in list(names)[:MAX_PIVOT_NAMES]:
        pivots += [
            Pivot("dns", name, "name in the certificate"),
            Pivot("whois", name, "name in the certificate"),
        ]
    for address in leaf["sans"]["ip"][:MAX_PIVOT_NAMES]:
        pivots += [
            Pivot("whois", address, "address in the certificate"),
            Pivot("asn", address, "address in the certificate"),
        ]
    pivots += [Pivot("headers", url, "issuer's certificate") for url in leaf["issuer_urls"]]
    return tuple(pivots)


def _warnings(data: dict[str, Any]) -> tuple[str, ...]:
    warnings = []
    if data["trust"]["trusted"] is False:
        warnings.append(f"The certificate is not trusted: {data['trust']['reason']}.")
    if not data["hostname"]["matches"]:
        warnings.append(f"The certificate does not name {data['host']}.")
    leaf = data["chain"][0]
    if leaf.get("expired"):
        warnings.append(f"The certificate expired on {leaf['not_after']}.")
    if leaf.get("not_yet_valid"):
        warnings.append(f"The certificate is not valid before {leaf['not_before']}.")
    unread = [str(c["position"]) for c in data["chain"] if not c["parsed"]]
    if unread:
        warnings.append("Certificates that could not be read (position): " + ", ".join(unread))
    return tuple(warnings)


def _summary(data: dict[str, Any]) -> tuple[str, ...]:
    trust = data["trust"]
    verdict = {True: "yes", False: "no", None: "not checked"}[trust["trusted"]]
    lines = [
        f"{join_host_port(data['host'], data['port'])}: {data['tls_version']}, {data['cipher']}",
        f"Trusted: {verdict} ({trust['reason']})",
        f"Host name: {data['hostname']['reason']}",
    ]
    leaf = data["chain"][0]
    if leaf["parsed"]:
        names = leaf["sans"]["dns"] + leaf["sans"]["ip"]
        more = len(names) - MAX_SUMMARY_NAMES
        shown = ", ".join(names[:MAX_SUMMARY_NAMES]) + (f" and {more} more" if more > 0 else "")
        lines += [
            f"Subject: {leaf['subject']}; issuer: {leaf['issuer']}",
            f"Valid {leaf['not_before']} to {leaf['not_after']} ({_days(leaf)})",
            f"Names: {shown or 'none'}",
        ]
    lines.append(f"SHA-256: {leaf['sha256']}")
    lines.append(f"Chain: {len(data['chain'])} certificate(s) presented")
    return tuple(lines)


def _days(certificate: dict[str, Any]) -> str:
    if certificate["expired"]:
        return "expired"
    if certificate["not_yet_valid"]:
        return "not valid yet"
    return f"{certificate['days_left']} days left"
