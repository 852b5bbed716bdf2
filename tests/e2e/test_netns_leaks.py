"""Leak test in network namespaces: the workstation reaches the target only via the route.

The workstation's command line runs in a namespace whose only link leads to the route
namespace, which would forward a direct connection to the target (a leak is possible;
see tests/support/netns.py). nftables counters in each namespace count what crossed:
the target must see packets from the proxy only, the workstation must send nothing
but to the proxy, the route must forward nothing; also after the proxy is killed in
the middle of a session. A last test proves the counters do see a direct connection.
"""

import json
import logging
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.netns import (
    HELD_PATH,
    PROXY_URL,
    SITE_HOST,
    SITE_PORT,
    TARGET_ADDRESS,
    TSA_HOST,
    TSA_PORT,
    WHOIS_HOST,
    WHOIS_PORT,
    WORKSTATION_ADDRESS,
    LeakNetwork,
    TargetSite,
    TargetWhois,
    leak_network,
    run_cli_in,
    start_cli,
)
from tests.support.procs import wait_until
from tests.support.tsa import OpenSslTsa

pytestmark = pytest.mark.e2e
log = logging.getLogger(__name__)

TSA_URL = f"http://{TSA_HOST}:{TSA_PORT}/tsa"
CAPTURE_WAIT = 90.0  # bound for a headless capture with its timestamp to reach a page

# Counters that count a packet that went around the route; each must stay at 0.
LEAK_COUNTERS = (
    "workstation.other_egress",  # the workstation sent something not to the proxy
    "route.forwarded",  # the route namespace routed a packet instead of proxying it
    "target.from_workstation",  # the target saw the workstation's own address
    "target.not_via_route",  # the target saw any source but the proxy's
)


@dataclass
class TargetServices:
    site: TargetSite
    tsa: OpenSslTsa
    whois: TargetWhois


@pytest.fixture
def network(tmp_path: Path) -> Iterator[LeakNetwork]:
    with leak_network(tmp_path) as built:
        yield built


@pytest.fixture
def services(network: LeakNetwork, tmp_path: Path) -> Iterator[TargetServices]:
    site = TargetSite()
    network.target.listen(site.server, TARGET_ADDRESS, SITE_PORT)
    (tmp_path / "tsa").mkdir()
    tsa = OpenSslTsa(tmp_path / "tsa")
    network.target.listen(tsa.server, TARGET_ADDRESS, TSA_PORT)
    whois = TargetWhois()
    network.target.listen(whois, TARGET_ADDRESS, WHOIS_PORT)
    site.port, tsa.port = SITE_PORT, TSA_PORT  # their loopback ports were given up
    running = TargetServices(site.start(), tsa.start(), whois.start())
    yield running
    for service in (site, tsa, whois):
        service.stop()


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "netns.case"
    fast_case(path).close()
    return path


def capture_args(case_path: Path, tsa: OpenSslTsa, *urls: str) -> list[str]:
    return [
        "capture", "--case", str(case_path), "--route", PROXY_URL,
        "--tsa", TSA_URL, "--tsa-cert", str(tsa.ca_pem), "--json", *urls,
    ]  # fmt: skip


def capture(
    network: LeakNetwork, case_path: Path, tsa: OpenSslTsa, *urls: str
) -> subprocess.CompletedProcess[str]:
    args = capture_args(case_path, tsa, *urls)
    return run_cli_in(network.workstation, *args, stdin=PASSPHRASE + "\n")


def lookup(network: LeakNetwork, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in(network.workstation, "lookup", *args, "--route", PROXY_URL, "--json")


def assert_no_leak(counters: dict[str, int]) -> None:
    leaks = {name: counters[name] for name in LEAK_COUNTERS if counters[name] != 0}
    assert leaks == {}, f"packets went around the route: {leaks} (all counters: {counters})"


def proxied_from_workstation(network: LeakNetwork, host: str, port: int) -> bool:
    wanted = f"{WORKSTATION_ADDRESS}: connected to {host}:{port}"
    return any(wanted in line for line in network.proxy_connections())


def test_capture_and_timestamp_reach_the_target_only_through_the_route(
    network: LeakNetwork,
    services: TargetServices,
    case_path: Path,
) -> None:
    result = capture(network, case_path, services.tsa, services.site.url("/"))

    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    assert outcome["ok"] and outcome["timestamp"]["status"] == "granted", outcome
    assert "/" in services.site.paths() and services.tsa.requests == 1
    assert proxied_from_workstation(network, SITE_HOST, SITE_PORT)
    assert proxied_from_workstation(network, TSA_HOST, TSA_PORT)
    counters = network.counters()
    log.info("counters: %s", counters)  # shown with --log-cli-level=INFO
    assert counters["target.site_via_route"] > 0 and counters["target.tsa_via_route"] > 0
    assert counters["workstation.to_proxy"] > 0
    assert_no_leak(counters)


def test_route_killed_mid_session_fails_closed_with_nothing_around_it(
    network: LeakNetwork,
    services: TargetServices,
    case_path: Path,
) -> None:
    site = services.site
    urls = (site.url("/"), site.url(HELD_PATH), site.url("/after"))
    running = start_cli(
        network.workstation, *capture_args(case_path, services.tsa, *urls), stdin=PASSPHRASE + "\n"
    )
    # The first page is captured and stamped; the second one's answer is held at the
    # site while the proxy dies; the third is asked for with the route gone.
    wait_until(
        lambda: site.held.is_set() or running.process.poll() is not None,
        CAPTURE_WAIT,
        "the capture to ask for the held page",
    )
    assert site.held.is_set(), running.finish().stderr
    network.kill_proxy()
    site.release.set()
    result = running.finish()

    assert result.returncode == 1, result.stderr
    first, held, after = json.loads(result.stdout)
    assert first["ok"] and first["timestamp"]["status"] == "granted", first
    assert not held["ok"], held
    assert not after["ok"] and "route" in after["error"], after
    assert "/after" not in site.paths()

    # A new session on the dead route: refused with a clear message, nothing sent.
    later = capture(network, case_path, services.tsa, site.url("/later"))
    assert later.returncode == 1, later.stderr
    (refused,) = json.loads(later.stdout)
    assert not refused["ok"] and "route" in refused["error"], refused
    assert "/later" not in site.paths() and services.tsa.requests == 1

    counters = network.counters()
    log.info("counters: %s", counters)  # shown with --log-cli-level=INFO
    log.info("errors: %s", [held.get("error"), after["error"], refused["error"]])
    assert counters["target.site_via_route"] > 0 and counters["target.tsa_via_route"] > 0
    assert_no_leak(counters)


def test_lookups_reach_the_target_only_through_the_route(
    network: LeakNetwork, services: TargetServices
) -> None:
    headers = lookup(network, "headers", services.site.url("/"))
    assert headers.returncode == 0, headers.stderr
    (hop,) = json.loads(headers.stdout)["record"]["data"]["hops"]
    assert hop["status"] == 200 and hop["server_address"] is None  # the route resolved the name
    whois_server = f"{WHOIS_HOST}:{WHOIS_PORT}"
    whois = lookup(network, "whois", SITE_HOST, "--whois-server", whois_server)
    assert whois.returncode == 0, whois.stderr
    assert json.loads(whois.stdout)["record"]["data"]["registrar"] == "Namespace Test Registrar"
    assert services.whois.queries == [SITE_HOST]
    assert proxied_from_workstation(network, SITE_HOST, SITE_PORT)
    assert proxied_from_workstation(network, WHOIS_HOST, WHOIS_PORT)

    network.kill_proxy()
    seen = len(services.site.paths())
    refused = lookup(network, "headers", services.site.url("/after"))
    assert refused.returncode == 1, refused.stderr
    answer = json.loads(refused.stdout)
    assert not answer["ok"] and "route" in answer["error"].lower(), answer
    assert len(services.site.paths()) == seen

    counters = network.counters()
    log.info("counters: %s", counters)  # shown with --log-cli-level=INFO
    log.info("error: %s", answer["error"])
    assert counters["target.site_via_route"] > 0 and counters["target.whois_via_route"] > 0
    assert_no_leak(counters)


def test_the_counters_see_a_connection_that_bypasses_the_route(
    network: LeakNetwork, services: TargetServices
) -> None:
    """Without this, zero leaks could mean blind counters or a network with no way around."""

    def leak_directly() -> bytes:
        with socket.create_connection((TARGET_ADDRESS, SITE_PORT), timeout=10) as sock:
            sock.sendall(f"GET /direct HTTP/1.0\r\nHost: {SITE_HOST}\r\n\r\n".encode())
            answer = sock.recv(64)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"a DNS-like query", (TARGET_ADDRESS, 53))
        return answer

    assert network.workstation.inside(leak_directly).startswith(b"HTTP/1.0 200")
    assert "/direct" in services.site.paths()
    counters = network.counters()
    log.info("counters: %s", counters)  # shown with --log-cli-level=INFO
    for name in LEAK_COUNTERS:
        assert counters[name] > 0, f"{name} did not count the direct connection: {counters}"
    assert counters["workstation.to_proxy"] == 0
