"""RFC 3161 timestamps from a real `openssl ts` authority, requested through the route."""

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.socks import Microsocks
from tests.support.tsa import OpenSslTsa
from workstation.evidence.timestamp import (
    TimestampError,
    TimestampUnavailable,
    build_query,
    load_certificates,
    parse_reply,
    request_timestamp,
    verify_stored_timestamp,
    verify_timestamp,
)
from workstation.route import RouteGate, parse_route

MANIFEST = b'{"format":"investigator-workstation-manifest","title":"shop"}'


@pytest.fixture
def gate(socks_proxy: Microsocks) -> Iterator[RouteGate]:
    route_gate = RouteGate(parse_route(socks_proxy.url))
    route_gate.start()
    yield route_gate
    route_gate.stop()


def openssl_verify(reply: Path, data: Path, tsa: OpenSslTsa) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            str(reply),
            "-data",
            str(data),
            "-CAfile",
            str(tsa.ca_pem),
            "-untrusted",
            str(tsa.tsa_pem),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_timestamp_through_the_route_verifies_with_openssl_and_ourselves(
    tsa: OpenSslTsa, gate: RouteGate, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    stamp = request_timestamp(MANIFEST, tsa.url, gate_port=gate.port)
    assert tsa.requests == 1
    assert socks_proxy.connections_to(tsa.port), "the request went through the SOCKS proxy"
    assert stamp.gen_time_utc.endswith("Z") and stamp.policy == "1.3.6.1.4.1.55555.1.1"

    reply, data = tmp_path / "reply.tsr", tmp_path / "manifest.json"
    reply.write_bytes(stamp.reply)
    data.write_bytes(MANIFEST)
    result = openssl_verify(reply, data, tsa)
    assert result.returncode == 0 and "Verification: OK" in result.stdout, result.stderr

    roots = load_certificates(tsa.ca_pem.read_bytes())
    assert verify_timestamp(stamp.reply, MANIFEST, roots) == []


def test_a_changed_manifest_no_longer_matches_its_timestamp(
    tsa: OpenSslTsa, gate: RouteGate, tmp_path: Path
) -> None:
    stamp = request_timestamp(MANIFEST, tsa.url, gate_port=gate.port)
    altered = MANIFEST.replace(b"shop", b"shoe")
    reply, data = tmp_path / "reply.tsr", tmp_path / "manifest.json"
    reply.write_bytes(stamp.reply)
    data.write_bytes(altered)
    assert openssl_verify(reply, data, tsa).returncode != 0
    roots = load_certificates(tsa.ca_pem.read_bytes())
    assert verify_timestamp(stamp.reply, altered, roots) != []


def test_a_timestamp_from_an_untrusted_authority_is_rejected(
    tsa: OpenSslTsa, gate: RouteGate, tmp_path: Path
) -> None:
    stamp = request_timestamp(MANIFEST, tsa.url, gate_port=gate.port)
    (tmp_path / "other").mkdir()
    other = OpenSslTsa(tmp_path / "other")
    roots = load_certificates(other.ca_pem.read_bytes())
    assert verify_timestamp(stamp.reply, MANIFEST, roots) != []


def flipped(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x40
    return bytes(changed)


def test_flipped_bytes_in_a_stored_reply_are_caught(tsa: OpenSslTsa, gate: RouteGate) -> None:
    stamp = request_timestamp(MANIFEST, tsa.url, gate_port=gate.port)
    roots = load_certificates(tsa.ca_pem.read_bytes())
    recorded = hashlib.sha256(stamp.reply).hexdigest()
    assert verify_stored_timestamp(stamp.reply, recorded, MANIFEST, roots) == []
    for position in range(len(stamp.reply)):
        assert verify_stored_timestamp(flipped(stamp.reply, position), recorded, MANIFEST, roots)


def test_the_signature_alone_catches_changes_to_what_was_stamped(
    tsa: OpenSslTsa, gate: RouteGate
) -> None:
    stamp = request_timestamp(MANIFEST, tsa.url, gate_port=gate.port)
    roots = load_certificates(tsa.ca_pem.read_bytes())
    imprint = stamp.reply.index(bytes.fromhex(stamp.imprint_sha256))
    for position in range(imprint - 40, imprint + 80):  # the signed timestamp information
        assert verify_timestamp(flipped(stamp.reply, position), MANIFEST, roots), position


def test_an_unreachable_authority_is_reported_for_queueing(
    tsa: OpenSslTsa, gate: RouteGate
) -> None:
    port = tsa.port
    tsa.stop()
    with pytest.raises(TimestampUnavailable):
        request_timestamp(MANIFEST, f"http://127.0.0.1:{port}/tsa", gate_port=gate.port)


def test_with_the_route_down_nothing_reaches_the_authority(
    tsa: OpenSslTsa, gate: RouteGate, socks_proxy: Microsocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An environment that exempts everything from proxies must not open a direct path.
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    socks_proxy.stop()
    with pytest.raises(TimestampUnavailable, match="through the route"):
        request_timestamp(MANIFEST, tsa.url, gate_port=gate.port)
    assert tsa.requests == 0


def test_a_reply_for_another_request_is_refused(tsa: OpenSslTsa) -> None:
    query, nonce = build_query(MANIFEST)
    reply = tsa.sign(query)
    assert parse_reply(reply, MANIFEST, nonce=nonce, tsa_url=tsa.url).imprint_sha256
    with pytest.raises(TimestampError, match="nonce"):
        parse_reply(reply, MANIFEST, nonce=nonce + 1, tsa_url=tsa.url)
    with pytest.raises(TimestampError, match="different data"):
        parse_reply(reply, MANIFEST + b" ", nonce=nonce, tsa_url=tsa.url)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_garbage_replies_give_a_clear_error(garbage: bytes) -> None:
    with pytest.raises(TimestampError):
        parse_reply(garbage, MANIFEST, nonce=1, tsa_url="http://tsa.test/")
