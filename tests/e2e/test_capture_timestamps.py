"""`capture --tsa`: exhibits are timestamped through the route, or queued; verify checks them."""

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.procs import free_port
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from tests.support.tsa import OpenSslTsa
from workstation.casefile import Case

PASSPHRASE = "timestamp passphrase, long enough"


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "stamped.case"
    assert run_cli("case", "create", str(path), stdin=PASSPHRASE + "\n").returncode == 0
    return path


def capture(
    case_path: Path, proxy: Microsocks, tsa_url: str, tsa: OpenSslTsa | None, url: str
) -> dict:  # type: ignore[type-arg]
    trust = ["--tsa-cert", str(tsa.ca_pem)] if tsa is not None else []
    result = run_cli(
        "capture", "--case", str(case_path), "--route", proxy.url, "--json",
        "--tsa", tsa_url, *trust, url,
        stdin=PASSPHRASE + "\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome: dict = json.loads(result.stdout)[0]  # type: ignore[type-arg]
    return outcome


def test_an_exhibit_is_timestamped_and_verifies(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks, tsa: OpenSslTsa
) -> None:
    outcome = capture(case_path, socks_proxy, tsa.url, tsa, site.url("/"))
    assert outcome["timestamp"]["status"] == "granted"
    assert tsa.requests == 1 and socks_proxy.connections_to(tsa.port)

    verified = run_cli("verify", str(case_path), "--tsa-cert", str(tsa.ca_pem), "--json",
                       stdin=PASSPHRASE + "\n")  # fmt: skip
    report = json.loads(verified.stdout)
    assert verified.returncode == 0, report
    assert report["exhibits"][0]["timestamps"] == 1


def test_an_unreachable_authority_queues_the_exhibit(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks, tsa: OpenSslTsa
) -> None:
    port = tsa.port
    tsa.stop()
    outcome = capture(case_path, socks_proxy, f"http://127.0.0.1:{port}/tsa", tsa, site.url("/"))
    assert outcome["ok"] and outcome["timestamp"]["status"] == "queued"
    with Case.open(case_path, PASSPHRASE) as case:
        (waiting,) = case.pending_timestamps()
        assert waiting.control_number == outcome["control_number"]
        assert "could not be reached" in waiting.last_error


def test_a_tampered_timestamp_fails_verification(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks, tsa: OpenSslTsa
) -> None:
    outcome = capture(case_path, socks_proxy, tsa.url, tsa, site.url("/"))
    with Case.open(case_path, PASSPHRASE) as case, case._db() as conn:
        conn.execute("DROP TRIGGER evidence_timestamp_no_update")
        (reply,) = conn.execute("SELECT reply FROM evidence_timestamp").fetchone() or (b"",)
        changed = bytearray(reply)
        changed[len(changed) // 2] ^= 0x01
        conn.execute("UPDATE evidence_timestamp SET reply = ?", (bytes(changed),))
        conn.commit()
    verified = run_cli("verify", str(case_path), "--tsa-cert", str(tsa.ca_pem),
                       stdin=PASSPHRASE + "\n")  # fmt: skip
    assert verified.returncode == 1
    assert f"MISMATCH {outcome['control_number']}" in verified.stdout
    assert "timestamp" in verified.stderr


def test_queued_timestamps_are_retried_from_the_command_line(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there yet
    tsa_url = f"http://127.0.0.1:{port}/tsa"
    outcome = capture(case_path, socks_proxy, tsa_url, None, site.url("/"))
    assert outcome["timestamp"]["status"] == "queued"

    (tmp_path / "late").mkdir()
    late = OpenSslTsa(tmp_path / "late", port=port).start()
    try:
        retried = run_cli(
            "timestamp", "retry", "--case", str(case_path), "--route", socks_proxy.url,
            "--tsa-cert", str(late.ca_pem), "--json", stdin=PASSPHRASE + "\n",
        )  # fmt: skip
    finally:
        late.stop()
    assert retried.returncode == 0, retried.stderr
    assert json.loads(retried.stdout) == [
        {
            "control_number": outcome["control_number"],
            "status": "granted",
            "tsa_url": tsa_url,
            "gen_time_utc": json.loads(retried.stdout)[0]["gen_time_utc"],
        }
    ]
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.pending_timestamps() == []
