"""`lookup` on the command line, as an officer's script runs it: real proxy, real site,
a real case; saving, re-running after the site changed, failing closed, bad input."""

import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.cli import run_cli
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.procs import free_port
from tests.support.socks import Microsocks
from workstation.casefile import Case
from workstation.route import parse_route

pytestmark = pytest.mark.e2e

FIXED_DATE = "Mon, 03 Jun 2024 10:00:00 GMT"  # so that only what the test changes, changes


class VersionedShop(LoopbackHttpServer):
    """A site whose answer carries a version the test can change between lookups."""

    def __init__(self) -> None:
        self.version = "shop-v1"
        self.requests = 0
        self._lock = threading.Lock()
        shop = self

        class Handler(QuietHandler):
            def date_time_string(self, timestamp: float | None = None) -> str:
                return FIXED_DATE

            def do_GET(self) -> None:
                with shop._lock:
                    shop.requests += 1
                    version = shop.version
                body = f"<html><title>{version}</title></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("X-Shop-Version", version)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def shop() -> Iterator[VersionedShop]:
    server = VersionedShop().start()
    yield server
    server.stop()


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "lookups.case"
    fast_case(path).close()
    return path


def lookup(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli("lookup", *args, stdin=stdin)


def saved_lookup(
    case_path: Path, proxy: Microsocks, url: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    return lookup(
        "headers", url, "--route", proxy.url, "--case", str(case_path), *extra,
        stdin=PASSPHRASE + "\n",
    )  # fmt: skip


def described(route: str) -> str:
    return parse_route(route).describe()


def values(changes: list[dict[str, Any]], side: str) -> str:
    return json.dumps([change[side] for change in changes])


def test_phone_lookup_needs_no_route() -> None:
    # A tor program that does not exist: starting the default route would fail.
    result = lookup("phone", "+4930123456", "--json", "--tor-binary", "/nonexistent/tor")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    record = document["record"]
    assert document["ok"] is True
    assert (record["kind"], record["target"], record["exchanges"]) == ("phone", "+4930123456", [])
    assert record["data"]["e164"] == "+4930123456"
    assert record["route"].startswith("none")
    assert "Tor" not in result.stderr


def test_a_saved_lookup_shows_what_changed_when_run_again(
    case_path: Path, shop: VersionedShop, socks_proxy: Microsocks
) -> None:
    first = saved_lookup(case_path, socks_proxy, shop.url("/"), "--json")
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    assert document["lookup_id"] == 1
    assert document["previous_lookup_id"] is None and document["changes"] is None
    assert document["record"]["route"] == described(socks_proxy.url)
    assert len(socks_proxy.connections_to(shop.port)) == shop.requests == 1

    shop.version = "shop-v2"
    second = saved_lookup(case_path, socks_proxy, shop.url("/"), "--json")
    assert second.returncode == 0, second.stderr
    document = json.loads(second.stdout)
    assert (document["lookup_id"], document["previous_lookup_id"]) == (2, 1)
    changes = document["changes"]
    assert changes, "the site changed, so the lookup must show changes"
    assert "shop-v1" in values(changes, "old") and "shop-v1" not in values(changes, "new")
    assert "shop-v2" in values(changes, "new") and "shop-v2" not in values(changes, "old")

    third = saved_lookup(case_path, socks_proxy, shop.url("/"))
    assert third.returncode == 0, third.stderr
    assert "Saved as lookup 3" in third.stdout
    assert "No changes since lookup 2" in third.stdout
    assert "== headers lookup of" in third.stdout and "X-Shop-Version" in third.stdout

    with Case.open(case_path, PASSPHRASE) as case:
        saved = case.lookups(kind="headers")
        assert [s.id for s in saved] == [1, 2, 3]
        assert any(b"shop-v1" in e.response for e in case.lookup(1).exchanges)
        assert [e.action for e in case.audit_events()].count("lookup.saved") == 3
    verified = run_cli("verify", str(case_path), "--json", stdin=PASSPHRASE + "\n")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["ok"] is True


def test_changes_are_shown_in_the_readable_report(
    case_path: Path, shop: VersionedShop, socks_proxy: Microsocks
) -> None:
    assert saved_lookup(case_path, socks_proxy, shop.url("/")).returncode == 0
    shop.version = "shop-v2"
    again = saved_lookup(case_path, socks_proxy, shop.url("/"))
    assert again.returncode == 0, again.stderr
    assert "Saved as lookup 2" in again.stdout
    report = again.stdout.split("Changes since lookup 1", 1)[1]
    assert "shop-v1" in report and "shop-v2" in report


def test_a_persona_is_named_in_the_result(shop: VersionedShop, socks_proxy: Microsocks) -> None:
    result = lookup("headers", shop.url("/"), "--route", socks_proxy.url, "--persona", "alice",
                    "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    route = json.loads(result.stdout)["record"]["route"]
    assert route == f"{described(socks_proxy.url)} (persona alice)"
    assert shop.requests == 1


def test_a_route_that_is_down_fails_closed_with_a_clear_message(
    case_path: Path, shop: VersionedShop
) -> None:
    dead_route = f"socks5://127.0.0.1:{free_port()}"
    result = lookup("headers", shop.url("/"), "--route", dead_route, "--json", "--case",
                    str(case_path), stdin=PASSPHRASE + "\n")  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error: The route cannot carry traffic" in result.stderr
    assert json.loads(result.stdout)["ok"] is False
    assert shop.requests == 0
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.lookups() == []


def test_a_proxy_that_stops_answering_fails_the_profile_and_nothing_reaches_the_site(
    shop: VersionedShop, socks_proxy: Microsocks
) -> None:
    socks_proxy.stop()
    result = lookup("profile", shop.url("/"), "--route", socks_proxy.url)
    assert result.returncode == 1
    assert "error:" in result.stderr and "route" in result.stderr.lower()
    assert shop.requests == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bogus", "webshop.example"), "invalid choice: 'bogus'"),
        (("dns", "not a target!"), "is not a domain"),
        (("email", "webshop.example"), "a domain name; the email lookup needs an e-mail"),
        (("asn", "https://webshop.example/"), "a web address; the asn lookup needs"),
        (("dns", "webshop.example", "--resolver", "[::1"), "--resolver"),
        (("whois", "webshop.example", "--whois-server", "whois.example:99999"), "--whois-server"),
        (("dns", "webshop.example", "--timeout", "0"), "--timeout"),
        (("rdap", "webshop.example", "--rdap-bootstrap", "/nonexistent"), "is not a folder"),
        (("dns", "webshop.example", "--route", "gopher://x"), "error:"),
    ],
)
def test_bad_input_is_exit_code_2_before_anything_starts(
    args: tuple[str, ...], message: str, socks_proxy: Microsocks
) -> None:
    # Given a route, so that even a regression can never start Tor here.
    has_route = "--route" in args
    result = lookup(*args, *(() if has_route else ("--route", socks_proxy.url)))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Tor:" not in result.stderr
    assert socks_proxy.process is not None and socks_proxy.process.lines() == []


def test_a_wrong_passphrase_is_exit_code_2(
    case_path: Path, shop: VersionedShop, socks_proxy: Microsocks
) -> None:
    result = lookup("headers", shop.url("/"), "--route", socks_proxy.url, "--case",
                    str(case_path), stdin="wrong passphrase\n")  # fmt: skip
    assert result.returncode == 2
    assert "error:" in result.stderr
    assert shop.requests == 0
