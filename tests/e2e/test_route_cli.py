"""`route test` on real routes: the managed Tor on the test network, microsocks, tinyproxy."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.echo import AddressEcho
from tests.support.procs import free_port
from tests.support.socks import Microsocks
from tests.support.tinyproxy import Tinyproxy
from tests.support.tornet import TorTestNetwork

pytest_plugins = ("tests.support.tornet_plugin",)


def route_test(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("route", "test", *args, timeout=120)


@pytest.fixture
def echo() -> Iterator[AddressEcho]:
    server = AddressEcho().start()
    yield server
    server.stop()


def test_tor_route_shows_progress_and_the_personas_exit(
    tor_network: TorTestNetwork, echo: AddressEcho, tmp_path: Path
) -> None:
    config = tor_network.write_client_config(tmp_path / "testnet.torrc")
    result = route_test(
        "--route", "tor", "--tor-config", str(config), "--persona", "alice",
        "--echo-url", echo.url, "--json",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("Tor:")]
    assert len(progress) > 3 and progress[-1] == "Tor: 100% connected"
    report = json.loads(result.stdout)
    assert report["ok"] and report["persona"] == "alice"
    assert report["route"].startswith("Tor (managed)")
    exit_ = report["exit"]
    assert exit_["exit_fingerprint"] in tor_network.exit_fingerprints
    assert exit_["circuit"] and exit_["address"] == exit_["seen_address"] == "127.0.0.1"
    assert echo.request_count() == 1, "the echo was asked once, through Tor"


def test_socks5_route_reports_the_echoed_exit(socks_proxy: Microsocks, echo: AddressEcho) -> None:
    result = route_test("--route", socks_proxy.url, "--echo-url", echo.url, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["exit"]["address"] == "127.0.0.1"
    assert report["exit"]["via"] == f"SOCKS5 proxy 127.0.0.1:{socks_proxy.port}"
    assert socks_proxy.connections_to(echo.port), "the echo was asked through the proxy"


def test_http_route_in_plain_text(echo: AddressEcho, tmp_path: Path) -> None:
    proxy = Tinyproxy(tmp_path, "agent", "s3cret").start()
    try:
        result = route_test("--route", proxy.url, "--echo-url", echo.url)
    finally:
        proxy.stop()
    assert result.returncode == 0, result.stderr
    assert f"Route:    HTTP proxy 127.0.0.1:{proxy.port} (user agent)" in result.stdout
    assert "Exit:     127.0.0.1 (country: unknown)" in result.stdout
    assert "s3cret" not in result.stdout + result.stderr


def test_a_route_that_cannot_carry_traffic_exits_2_with_the_reason() -> None:
    dead = f"socks5://127.0.0.1:{free_port()}"
    result = route_test("--route", dead, "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {
        "ok": False,
        "route": f"SOCKS5 proxy {dead.removeprefix('socks5://')}",
        "persona": None,
        "error": f"Cannot reach the SOCKS5 proxy {dead.removeprefix('socks5://')} "
        "(connection refused). Check that the route is up.",
    }
    assert "error: the route cannot carry traffic: Cannot reach" in result.stderr


def test_a_tor_that_cannot_start_exits_2(tmp_path: Path) -> None:
    result = route_test("--route", "tor", "--tor-binary", str(tmp_path / "no-tor"))
    assert result.returncode == 2
    assert "does not exist or cannot be run" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--route", "socks5://127.0.0.1:1", "--tor-config", "{bridges}"], "Tor routes only"),
        (["--route", "tor", "--tor-config", "/nonexistent/torrc"], "Cannot read"),
        (["--route", "ftp://x:1"], "Unsupported route"),
        (["--route", "tor", "--echo-url", "gopher://x/"], "echo URL"),
        (["--route", "tor", "--persona", "a:b"], "persona name"),
    ],
)
def test_bad_arguments_exit_2_before_anything_starts(
    args: list[str], message: str, tmp_path: Path
) -> None:
    bridges = tmp_path / "bridges.torrc"
    bridges.write_text("UseBridges 1\n")
    result = route_test(*(arg.format(bridges=bridges) for arg in args))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Tor:" not in result.stderr, "nothing was started"
