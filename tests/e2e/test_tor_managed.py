"""The workstation's own tor on the private test network: start-up, progress, clean stop,
and pages carried by Tor and by nothing else.
"""

import os
import stat
from pathlib import Path

import pytest

from tests.e2e.conftest import open_tunnel, proxy_request, read_until_closed
from tests.support.site import LoopbackSite
from tests.support.tornet import TOR_WAIT, Collector, TorGate, TorTestNetwork, tor_route
from workstation.errors import RouteUnavailable
from workstation.paths import volatile_dir
from workstation.route import RouteGate, RouteStatus
from workstation.route.tor import ManagedTor

pytest_plugins = ("tests.support.tornet_plugin",)


def test_tor_bootstraps_with_progress_privately_and_leaves_nothing(
    tor_network: TorTestNetwork,
) -> None:
    statuses: Collector[RouteStatus] = Collector()
    tor = ManagedTor(tor_route(tor_network).tor)
    tor.add_listener(statuses)
    tor.start()
    try:
        tor.wait_ready(TOR_WAIT)
        data_dir, pid = tor.data_dir, tor.pid
        assert data_dir is not None and pid is not None
        assert data_dir.parent == volatile_dir(), "tor's state lives on a tmpfs"
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_ISSOCK((data_dir / "control.sock").stat().st_mode), "no TCP control port"
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        defaults = Path(argv[argv.index(b"--defaults-torrc") + 1].decode())
        assert defaults.read_text() == "", "/etc/tor's defaults are never read"
        assert tor.circuit_established()
        tor.new_identity_all()  # NEWNYM is accepted
    finally:
        tor.stop()

    progress = [s.percent for s in statuses.items if s.state == "starting"]
    assert progress == sorted(progress) and len(set(progress)) > 3
    states = [s.state for s in statuses.items]
    assert states[-2:] == ["ready", "stopped"]
    assert statuses.items[-2].percent == 100
    assert not data_dir.exists(), "its state is removed on stop"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_pages_go_through_tor_and_only_through_tor(tor_gate: TorGate, site: LoopbackSite) -> None:
    reply = proxy_request(tor_gate.port, "GET", site.url("/"))
    assert reply.status == 200 and "Loopback test shop" in reply.text
    assert site.requests == ["/"]
    event = tor_gate.events.wait_for(lambda e: e.outcome == "forwarded", "the forward")
    assert event.detail.startswith("via Tor (managed)")
    # Tor itself reports the stream it carried, on a circuit, for the workstation's login.
    target = f"127.0.0.1:{site.port}"
    assert tor_gate.circuit_for("workstation:0", target, after=0)

    sock, head = open_tunnel(tor_gate.port, target)
    with sock:
        assert head.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /style.css HTTP/1.1\r\nHost: shop\r\n\r\n")
        assert read_until_closed(sock).endswith(b"h1 { color: #803; }")
    health = tor_gate.gate.check_health()
    assert (health.ok, health.detail) == (True, "Tor is connected.")


def test_a_starting_tor_refuses_traffic_and_says_how_far_it_is(
    tor_network: TorTestNetwork, site: LoopbackSite
) -> None:
    # Every authority's port is closed: tor starts but stays "starting" for good.
    gate = RouteGate(tor_route(tor_network, reachable=False))
    gate.start()
    try:
        health = gate.check_health()
        assert not health.ok and "Tor is starting (" in health.detail
        reply = proxy_request(gate.port, "GET", site.url("/"))
        assert reply.status == 502 and reply.headers["X-Route-Gate"] == "refused"
        assert "Tor is starting (" in reply.text
        with pytest.raises(RouteUnavailable, match=r"did not finish connecting within 0\.2 s"):
            gate.wait_ready(0.2)
    finally:
        gate.stop()
    assert site.request_count() == 0


def test_a_tor_that_cannot_start_says_why(tor_network: TorTestNetwork) -> None:
    gate = RouteGate(tor_route(tor_network, "NoSuchTorOption 1"))
    gate.start()
    try:
        with pytest.raises(RouteUnavailable, match=r"Tor could not start: .*NoSuchTorOption"):
            gate.wait_ready(TOR_WAIT)
        assert gate.route_status is not None and gate.route_status.state == "failed"
        assert not gate.check_health().ok
    finally:
        gate.stop()
