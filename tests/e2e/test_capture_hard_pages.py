"""Pages that make capture hard: each gives a clear result, partial ones say so."""

import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cases import PASSPHRASE
from tests.support.cli import run_cli
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.site import long_page
from tests.support.socks import Microsocks
from workstation.casefile import Case

HUGE = long_page(screens=80, screen_height=800).encode()  # over 64,000 px tall
WANDERING = b"""<!doctype html><html><head><title>Wandering</title></head><body>
<p>This offer moves on by itself.</p>
<script>addEventListener("load", function() {
  setTimeout(function() { location.href = "/elsewhere"; }, 20);
});</script></body></html>"""


class HardSite:
    """A page that never finishes, a page that navigates away, and a huge page."""

    def __init__(self) -> None:
        self.release = threading.Event()
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                if self.path == "/endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.end_headers()
                    # More than Chromium buffers before it starts parsing (about 1 KiB).
                    listing = b"<p>lot 17: 40 cartons</p>" * 200
                    self.wfile.write(
                        b"<!doctype html><title>Endless</title><h1>Partial offer</h1>" + listing
                    )
                    self.wfile.flush()
                    site.release.wait(120)  # the rest never comes while the test runs
                    return
                pages = {"/wandering": WANDERING, "/huge": HUGE, "/elsewhere": b"<p>moved</p>"}
                self.answer(200, "text/html; charset=utf-8", pages.get(self.path, b"missing"))

        self.server = LoopbackHttpServer(Handler).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"


@pytest.fixture
def hard_site() -> Iterator[HardSite]:
    site = HardSite()
    yield site
    site.release.set()
    site.server.stop()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=PASSPHRASE + "\n")


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "hard.case"
    assert cli("case", "create", str(path)).returncode == 0
    return path


def capture(case_path: Path, proxy: Microsocks, *args: str) -> list[dict[str, object]]:
    result = cli("capture", "--case", str(case_path), "--route", proxy.url, "--json", *args)
    outcomes: list[dict[str, object]] = json.loads(result.stdout)
    return outcomes


def test_a_page_that_never_finishes_is_captured_as_it_stands_and_labelled_partial(
    case_path: Path, hard_site: HardSite, socks_proxy: Microsocks
) -> None:
    (outcome,) = capture(case_path, socks_proxy, "--load-timeout", "3", hard_site.url("/endless"))
    assert outcome["ok"] and outcome["partial"], outcome
    assert "had not finished loading after 3 s" in str(outcome["warnings"])
    with Case.open(case_path, PASSPHRASE) as case:
        stored = {a.name: a.data for a in case.artifacts(int(str(outcome["item_id"])))}
        text = stored["page.txt"]
    assert b"Partial offer" in text
    assert b"<h1>Partial offer</h1>" in stored["dom.html"]


def test_a_page_that_navigates_away_during_capture_is_not_sealed(
    case_path: Path, hard_site: HardSite, socks_proxy: Microsocks
) -> None:
    (outcome,) = capture(case_path, socks_proxy, hard_site.url("/wandering"))
    assert not outcome["ok"]
    assert "navigated to another address while it was being captured" in str(outcome["error"])
    with Case.open(case_path, PASSPHRASE) as case:
        snapshots = [r for r in case.evidence_items() if b'"page-snapshot"' in r.manifest]
    assert snapshots == []


def test_a_huge_page_is_clipped_and_labelled_partial(
    case_path: Path, hard_site: HardSite, socks_proxy: Microsocks
) -> None:
    (outcome,) = capture(case_path, socks_proxy, hard_site.url("/huge"))
    assert outcome["ok"] and outcome["partial"], outcome
    assert "the screenshot shows the first 60000 px" in str(outcome["warnings"])
