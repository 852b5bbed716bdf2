"""RFC 3161 timestamps over manifests, requested through the route.

The request carries the SHA-256 of the manifest bytes and a random nonce; the
authority's signed reply is kept exactly as it arrived (DER TimeStampResp),
which is what `openssl ts -verify -in reply.tsr -data manifest.json -CAfile
root.pem` checks on any machine. The request goes through the route gate like
any browser request, so nothing leaves the PC around the route; an authority
that cannot be reached raises TimestampUnavailable so the request can be
queued and retried.

Replies are parsed with asn1crypto, which accepts the BER quirks real
authorities produce (openssl's own replies carry an unsorted certificate set),
and the CMS signature is checked here with cryptography.
"""

import base64
import hashlib
import http.client
import logging
import secrets
import ssl
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from workstation.errors import WorkstationError
from workstation.route.http1 import RAW_TUNNEL_HEADER, RAW_TUNNEL_VALUE

log = logging.getLogger(__name__)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY_BYTES = 1 << 20
MAX_CHAIN = 5
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(WorkstationError):
    """The timestamp authority's answer is unusable or does not match."""


class TimestampUnavailable(TimestampError):
    """The timestamp authority could not be reached: queue the request and retry later."""


@dataclass(frozen=True)
class Timestamp:
    """A granted timestamp: the reply as received and what it says."""

    reply: bytes
    tsa_url: str
    gen_time_utc: str
    serial: int
    policy: str
    imprint_sha256: str


# -- request -----------------------------------------------------------------


def build_query(data: bytes) -> tuple[bytes, int]:
    """DER TimeStampReq over SHA-256(data), asking for the TSA certificate; and its nonce."""
    nonce = secrets.randbits(63)
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(data).digest(),
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return request.dump(), nonce


def request_timestamp(
    data: bytes,
    tsa_url: str,
    *,
    gate_port: int,
    credentials: tuple[str, str] | None = None,
    timeout: float = 30.0,
) -> Timestamp:
    """Ask the TSA at tsa_url, through the route gate on gate_port, to timestamp data.

    credentials name the gate identity to ask as, where the gate asks (the GUI's).
    """
    if not tsa_url.startswith(("http://", "https://")):
        raise TimestampError(f"The timestamp authority address {tsa_url!r} is not an http(s) URL.")
    query, nonce = build_query(data)
    reply = _post_via_gate(tsa_url, query, gate_port, credentials, timeout)
    return parse_reply(reply, data, nonce=nonce, tsa_url=tsa_url)


def _proxy_headers(credentials: tuple[str, str] | None) -> dict[str, str]:
    if credentials is None:
        return {}
    token = base64.b64encode(":".join(credentials).encode()).decode("ascii")
    return {"Proxy-Authorization": f"Basic {token}"}


def _post_via_gate(
    url: str, query: bytes, gate_port: int, credentials: tuple[str, str] | None, timeout: float
) -> bytes:
    """POST through the gate with http.client, which, unlike urllib, never consults
    no_proxy: nothing in the environment can open a direct path to the authority."""
    target = urllib.parse.urlsplit(url)
    proxy_headers = _proxy_headers(credentials)
    headers = {"Content-Type": QUERY_TYPE, "Content-Length": str(len(query))}
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            "127.0.0.1", gate_port, timeout=timeout, context=ssl.create_default_context()
        )
        tunnel_headers = {**proxy_headers, RAW_TUNNEL_HEADER: RAW_TUNNEL_VALUE}
        connection.set_tunnel(target.hostname or "", target.port or 443, tunnel_headers)
        path = target.path or "/"
    else:
        connection = http.client.HTTPConnection("127.0.0.1", gate_port, timeout=timeout)
        headers.update(proxy_headers)
        path = url  # absolute form: the gate is an HTTP proxy
    try:
        connection.request("POST", path, body=query, headers=headers)
        answer = connection.getresponse()
        body = answer.read(MAX_REPLY_BYTES + 1)
    except OSError as exc:  # refused tunnels, resets, timeouts, TLS failures
        raise TimestampUnavailable(
            f"The timestamp authority could not be reached through the route ({exc})."
        ) from exc
    finally:
        connection.close()
    if answer.status != HTTPStatus.OK:
        if answer.getheader("X-Route-Gate"):
            raise TimestampUnavailable(
                "The timestamp authority could not be reached through the route."
            )
        raise TimestampError(f"The timestamp authority answered HTTP {answer.status}.")
    if len(body) > MAX_REPLY_BYTES:
        raise TimestampError("The timestamp authority's answer is too large.")
    return body


# -- reading a reply -----------------------------------------------------------


def parse_reply(reply: bytes, data: bytes, *, nonce: int | None, tsa_url: str) -> Timestamp:
    """Check a reply is granted, covers data and answers our nonce."""
    try:
        return _read_reply(reply, data, nonce, tsa_url)
    except TimestampError:
        raise
    except Exception as exc:  # a hostile reply can break the parser anywhere
        raise TimestampError(f"The timestamp authority's answer is malformed ({exc}).") from exc


def _read_reply(reply: bytes, data: bytes, nonce: int | None, tsa_url: str) -> Timestamp:
    response = tsp.TimeStampResp.load(reply, strict=True)
    status = response["status"]["status"].native
    if status not in ("granted", "granted_with_mods"):
        raise TimestampError(f"The timestamp authority refused the request ({status}).")
    info = _tst_info(response)
    imprint = info["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm != "sha256" or imprint["hashed_message"].native != hashlib.sha256(data).digest():
        raise TimestampError("The timestamp covers different data than the manifest.")
    if nonce is not None and info["nonce"].native != nonce:
        raise TimestampError("The timestamp answers a different request (nonce mismatch).")
    return Timestamp(
        reply=reply,
        tsa_url=tsa_url,
        gen_time_utc=_utc(info["gen_time"].native),
        serial=int(info["serial_number"].native),
        policy=str(info["policy"].dotted),
        imprint_sha256=imprint["hashed_message"].native.hex(),
    )


def _signed_data(response: tsp.TimeStampResp) -> cms.SignedData:
    token = response["time_stamp_token"]
    if token["content_type"].native != "signed_data":
        raise TimestampError("The timestamp token is not signed data.")
    return token["content"]


def _tst_info(response: tsp.TimeStampResp) -> tsp.TSTInfo:
    content = _signed_data(response)["encap_content_info"]
    if content["content_type"].native != "tst_info":
        raise TimestampError("The timestamp token does not hold timestamp information.")
    info: tsp.TSTInfo = content["content"].parsed
    return info


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# -- verifying a stored reply ------------------------------------------------------


def verify_timestamp(reply: bytes, data: bytes, roots: Sequence[x509.Certificate]) -> list[str]:
    """Problems with a stored reply for data, checked against trusted TSA root certificates."""
    try:
        stamp = parse_reply(reply, data, nonce=None, tsa_url="")
        response = tsp.TimeStampResp.load(reply)
        signed = _signed_data(response)
        signer_info = _single_signer(signed)
        signer = _signer_certificate(signed, signer_info)
        problems = _check_signature(signed, signer_info, signer)
        problems += _check_signer(signer, signed, roots, stamp.gen_time_utc)
    except TimestampError as exc:
        return [str(exc)]
    except Exception as exc:  # noqa: BLE001  (see parse_reply)
        return [f"the timestamp token is malformed ({exc})"]
    return problems


def verify_stored_timestamp(
    reply: bytes, recorded_sha256: str, data: bytes, roots: Sequence[x509.Certificate]
) -> list[str]:
    """As verify_timestamp, and the reply is byte for byte the one recorded when it arrived.

    Parts of a reply lie outside the authority's signature (the certificate bag);
    the SHA-256 recorded in the audit log covers those too.
    """
    if hashlib.sha256(reply).hexdigest() != recorded_sha256:
        return ["the stored timestamp differs from the one received"]
    return verify_timestamp(reply, data, roots)


def _single_signer(signed: cms.SignedData) -> cms.SignerInfo:
    signers = signed["signer_infos"]
    if len(signers) != 1:
        raise TimestampError(f"the timestamp token has {len(signers)} signers, expected one")
    signer: cms.SignerInfo = signers[0]
    return signer


def _embedded_certificates(signed: cms.SignedData) -> list[x509.Certificate]:
    found = []
    for choice in signed["certificates"] or []:
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _signer_certificate(signed: cms.SignedData, signer_info: cms.SignerInfo) -> x509.Certificate:
    sid = signer_info["sid"]
    for certificate in _embedded_certificates(signed):
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.serial_number == wanted["serial_number"].native
                and certificate.issuer.public_bytes() == wanted["issuer"].dump()
            ):
                return certificate
        elif _subject_key_id(certificate) == sid.chosen.native:
            return certificate
    raise TimestampError("the certificate that signed the timestamp is not in the token")


def _subject_key_id(certificate: x509.Certificate) -> bytes | None:
    try:
        return certificate.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier
        ).value.digest
    except x509.ExtensionNotFound:
        return None


def _check_signature(
    signed: cms.SignedData, signer_info: cms.SignerInfo, signer: x509.Certificate
) -> list[str]:
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        return [f"the timestamp is signed with an unsupported digest ({digest_name})"]
    algorithm = _HASHES[digest_name]()
    content = signed["encap_content_info"]["content"].contents
    attributes = signer_info["signed_attrs"]
    problems = _check_signed_attributes(attributes, content, digest_name)
    # The signature covers the attributes as a DER SET (tag 0x31), not as the [0] field.
    signed_bytes = b"\x31" + _der_length(len(attributes.contents)) + attributes.contents
    if not _signature_valid(signer, signer_info, signed_bytes, algorithm):
        problems.append("the timestamp's signature does not verify")
    return problems


def _check_signed_attributes(attributes: Any, content: bytes, digest_name: str) -> list[str]:
    values = {attr["type"].native: attr["values"][0].native for attr in attributes}
    problems = []
    if values.get("content_type") != "tst_info":
        problems.append("the signed content type is not timestamp information")
    if values.get("message_digest") != hashlib.new(digest_name, content).digest():
        problems.append("the timestamp information was changed after signing")
    return problems


def _signature_valid(
    signer: x509.Certificate,
    signer_info: cms.SignerInfo,
    signed_bytes: bytes,
    algorithm: hashes.HashAlgorithm,
) -> bool:
    signature = signer_info["signature"].native
    key = signer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            if signer_info["signature_algorithm"].signature_algo == "rsassa_pss":
                pss = padding.PSS(padding.MGF1(algorithm), padding.PSS.DIGEST_LENGTH)
                key.verify(signature, signed_bytes, pss, algorithm)
            else:
                key.verify(signature, signed_bytes, padding.PKCS1v15(), algorithm)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _check_signer(
    signer: x509.Certificate,
    signed: cms.SignedData,
    roots: Sequence[x509.Certificate],
    gen_time_utc: str,
) -> list[str]:
    problems = []
    try:
        usage = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        if not usage.critical or ExtendedKeyUsageOID.TIME_STAMPING not in usage.value:
            problems.append("the signing certificate is not a critical timeStamping certificate")
    except x509.ExtensionNotFound:
        problems.append("the signing certificate has no timeStamping usage")
    moment = datetime.fromisoformat(gen_time_utc.replace("Z", "+00:00"))
    if not signer.not_valid_before_utc <= moment <= signer.not_valid_after_utc:
        problems.append("the signing certificate was not valid at the time stamped")
    if not _chains_to(signer, _embedded_certificates(signed), roots):
        problems.append("the timestamp authority is not one of the trusted authorities")
    return problems


def _chains_to(
    certificate: x509.Certificate,
    pool: list[x509.Certificate],
    roots: Sequence[x509.Certificate],
) -> bool:
    current = certificate
    for _ in range(MAX_CHAIN):
        for root in roots:
            if current == root or _issued_by(current, root):
                return True
        issuers = [c for c in pool if c != current and _issued_by(current, c)]
        if not issuers:
            return False
        current = issuers[0]
    return False


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TimestampError(
            f"The timestamp authority certificate is not valid PEM ({exc})."
        ) from exc
