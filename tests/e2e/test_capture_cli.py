"""The thin end-to-end slice on real parts, through the command line:
create a case, capture pages through a real SOCKS5 proxy, verify, tamper, verify again.
"""

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation import canonjson
from workstation.casefile import Case
from workstation.casefile.store import DB_NAME

PASSPHRASE = "e2e passphrase, long enough"


def cli(*args: str, stdin: str = PASSPHRASE + "\n") -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin)


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "e2e.case"
    result = cli("case", "create", str(path), "--title", "E2E 1")
    assert result.returncode == 0, result.stderr
    return path


def capture(case_path: Path, proxy: Microsocks, *urls: str) -> subprocess.CompletedProcess[str]:
    return cli("capture", "--case", str(case_path), "--route", proxy.url, "--json", *urls)


def test_capture_goes_through_the_proxy_and_verifies(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    result = capture(case_path, socks_proxy, site.url("/"), site.url("/long"))
    assert result.returncode == 0, result.stderr
    outcomes = json.loads(result.stdout)
    assert [o["ok"] for o in outcomes] == [True, True]
    numbers = [o["control_number"] for o in outcomes]
    assert all(len(n) == 64 for n in numbers) and numbers[0] != numbers[1]
    # Every request the site saw was carried by the proxy.
    assert "/" in site.requests and "/long" in site.requests
    assert len(socks_proxy.connections_to(site.port)) >= 2

    verified = cli("verify", str(case_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for number in numbers:
        assert f"OK       {number}" in verified.stdout


def test_capture_fails_closed_when_the_proxy_is_down(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    socks_proxy.stop()
    result = capture(case_path, socks_proxy, site.url("/"))
    assert result.returncode == 1
    outcome = json.loads(result.stdout)[0]
    assert not outcome["ok"]
    assert "route" in outcome["error"]
    assert site.request_count() == 0, "nothing may reach the site around the route"


def test_a_site_error_page_is_captured_and_labelled(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    result = capture(case_path, socks_proxy, site.url("/gone"))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)[0]
    assert outcome["ok"] and outcome["site_error_status"] == 404
    assert not outcome["partial"]


def test_redirects_and_lazy_content_are_captured(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    result = capture(case_path, socks_proxy, site.url("/old-shop"), site.url("/lazy"))
    assert result.returncode == 0, result.stderr
    with Case.open(case_path, PASSPHRASE) as case:
        first, second = case.evidence_items()
        redirect = canonjson.loads(first.manifest)
        lazy = {a.name: a.data for a in case.artifacts(second.id)}
    assert redirect["navigation_chain"] == [
        site.url("/old-shop"),
        site.url("/redirect"),
        site.url("/"),
    ]
    assert redirect["final_url"] == site.url("/")
    assert redirect["response_headers"]["Content-Type"] == ["text/html; charset=utf-8"]
    assert b"LAZY-OFFER-LOADED" in lazy["dom.html"], "the walk down the page loaded lazy content"
    assert b"LAZY-OFFER-LOADED" in lazy["page.txt"]
    assert lazy["page.pdf"].startswith(b"%PDF-")
    assert "/pixel.png" in site.requests


def test_unknown_route_is_refused_before_anything_loads(
    case_path: Path, site: LoopbackSite
) -> None:
    result = cli("capture", "--case", str(case_path), "--route", "direct://", site.url("/"))
    assert result.returncode == 2
    assert "Unsupported route" in result.stderr
    assert site.request_count() == 0


def test_verify_detects_a_flipped_byte_in_an_artifact(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    result = capture(case_path, socks_proxy, site.url("/"))
    number = json.loads(result.stdout)[0]["control_number"]
    tamper_with_screenshot(case_path)

    verified = cli("verify", str(case_path))
    assert verified.returncode == 1
    assert f"MISMATCH {number}" in verified.stdout
    assert "screenshot.png" in verified.stderr


def test_verify_reports_a_damaged_case_file(
    case_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    capture(case_path, socks_proxy, site.url("/"))
    db = case_path / DB_NAME
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))

    verified = cli("verify", str(case_path))
    assert verified.returncode != 0
    assert "damaged" in (verified.stdout + verified.stderr).lower()


def test_wrong_passphrase_is_a_clear_error(case_path: Path) -> None:
    result = cli("verify", str(case_path), stdin="not it\n")
    assert result.returncode == 2
    assert "passphrase" in result.stderr.lower()


def tamper_with_screenshot(case_path: Path) -> None:
    """What someone holding the key could do: bypass the triggers and edit bytes."""
    with Case.open(case_path, PASSPHRASE) as case, case._db() as conn:
        conn.execute("DROP TRIGGER IF EXISTS artifact_no_update")
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='artifact'"
        ).fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        row = conn.execute("SELECT data FROM artifact WHERE name='screenshot.png'").fetchone()
        assert row is not None
        flipped = bytearray(row[0])
        flipped[100] ^= 0x01
        conn.execute("UPDATE artifact SET data=? WHERE name='screenshot.png'", (bytes(flipped),))
        conn.commit()
