"""The workstation's interception CA: the only authority the workstation's browser trusts
besides the real ones, and only for connections to its own route gate.

The gate terminates the browser's TLS with a certificate it issues for the requested
host, and opens its own TLS connection to the origin, which it validates itself. The
browser is told to accept this CA by the SPKI pin of its key on its command line
(`--ignore-certificate-errors-spki-list`), so no system or user trust store changes and
no other program on the PC trusts it.

Per install: the CA certificate is kept in the data directory and its key is stored
encrypted (PKCS#8, scrypt) under a random secret held in the OS keyring. Without a
usable keyring the CA lives for one run only, in memory: nothing is written that could
be used without the keyring.
"""

import base64
import datetime
import hashlib
import logging
import secrets
import ssl
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from workstation import secretstore
from workstation.paths import ensure_private_dir

log = logging.getLogger(__name__)

KEYRING_NAME = "interception-ca"
CA_NAME = "Investigator Workstation interception CA (this PC only)"
CA_YEARS = 10
LEAF_DAYS = 30
CLOCK_SKEW = datetime.timedelta(hours=1)
MAX_CACHED_HOSTS = 512


@dataclass(frozen=True)
class _LeafFiles:
    chain_pem: bytes
    key_pem: bytes  # encrypted under password
    password: bytes


class InterceptionCA:
    """Issues per-host server certificates for the gate's browser-side TLS."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> None:
        self._key = key
        self.certificate = certificate
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        # One key for every leaf: issuing a certificate then costs a signature, not a keygen.
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())

    # ---- making and keeping the CA ----

    @classmethod
    def ephemeral(cls) -> "InterceptionCA":
        """A CA for this run only (tests, or a PC without a keyring)."""
        key = ec.generate_private_key(ec.SECP256R1())
        return cls(key, _self_signed(key))

    @classmethod
    def load_or_create(cls, folder: Path) -> "InterceptionCA":
        """The install's CA from folder, made on first use; ephemeral if no keyring."""
        cert_path, key_path = folder / "ca.pem", folder / "ca.key"
        secret = secretstore.load_token(KEYRING_NAME)
        if secret is not None and cert_path.exists() and key_path.exists():
            try:
                return cls._load(cert_path, key_path, secret)
            except (ValueError, TypeError) as exc:
                log.warning("the stored interception CA cannot be read (%s); making a new one", exc)
        ca = cls.ephemeral()
        secret = secrets.token_bytes(32)
        if not secretstore.store_token(KEYRING_NAME, secret):
            log.info("no keyring: the interception CA lives for this run only")
            return ca
        ensure_private_dir(folder)
        cert_path.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            ca._key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(secret),
            )
        )
        key_path.chmod(0o600)
        return ca

    @classmethod
    def _load(cls, cert_path: Path, key_path: Path, secret: bytes) -> "InterceptionCA":
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=secret)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise TypeError("the stored CA key is not an EC key")
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if certificate.public_key() != key.public_key():
            raise ValueError("the stored CA certificate does not match its key")
        if certificate.not_valid_after_utc < datetime.datetime.now(datetime.UTC):
            raise ValueError("the stored CA certificate has expired")
        return cls(key, certificate)

    # ---- what the browser and the gate need ----

    def spki_pin(self) -> str:
        """base64(SHA-256(SubjectPublicKeyInfo)) of the CA, as Chromium's pin flag wants."""
        spki = self.certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")

    def server_context(self, host: str) -> ssl.SSLContext:
        """A server-side TLS context presenting a certificate for host (cached)."""
        key = host.lower()
        with self._lock:
            context = self._contexts.get(key)
        if context is not None:
            return context
        context = self._make_context(self._issue(key))
        with self._lock:
            if len(self._contexts) >= MAX_CACHED_HOSTS:
                self._contexts.pop(next(iter(self._contexts)))
            self._contexts[key] = context
        return context

    def _issue(self, host: str) -> _LeafFiles:
        now = datetime.datetime.now(datetime.UTC)
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host[:64])]))
            .issuer_name(self.certificate.subject)
            .public_key(self._leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + datetime.timedelta(days=LEAF_DAYS))
            .add_extension(x509.SubjectAlternativeName([_general_name(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        # The CA goes in the chain: Chromium matches the pin against the presented chain.
        chain = b"".join(
            cert.public_bytes(serialization.Encoding.PEM) for cert in (leaf, self.certificate)
        )
        password = secrets.token_bytes(24)
        key_pem = self._leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
        return _LeafFiles(chain, key_pem, password)

    @staticmethod
    def _make_context(leaf: _LeafFiles) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_alpn_protocols(["http/1.1"])  # the gate records HTTP/1.1 only
        # ssl loads keys only from files: the file exists for a moment, encrypted under a
        # one-time password, in memory-backed storage when there is one.
        with tempfile.TemporaryDirectory(dir=_key_scratch()) as folder:
            chain_path, key_path = Path(folder) / "chain.pem", Path(folder) / "key.pem"
            chain_path.write_bytes(leaf.chain_pem)
            key_path.touch(mode=0o600)
            key_path.write_bytes(leaf.key_pem)
            context.load_cert_chain(chain_path, key_path, password=leaf.password)
        return context


def _key_scratch() -> str | None:
    from workstation.paths import volatile_dir  # noqa: PLC0415

    try:
        return str(volatile_dir())
    except OSError:
        return None


def _general_name(host: str) -> x509.GeneralName:
    import ipaddress  # noqa: PLC0415

    try:
        return x509.IPAddress(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return x509.DNSName(host)


def _self_signed(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(ca_key_usage(), critical=True)
        .sign(key, hashes.SHA256())
    )


def ca_key_usage() -> x509.KeyUsage:
    """What a certificate authority's key may do: sign certificates and CRLs, nothing else."""
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
