"""Tor killed mid-session: reported at once, and nothing more leaves (fail closed)."""

import os
import signal

from tests.e2e.conftest import proxy_request
from tests.support.site import LoopbackSite
from tests.support.tornet import TorGate

pytest_plugins = ("tests.support.tornet_plugin",)


def test_a_killed_tor_is_reported_and_the_gate_refuses(
    tor_gate: TorGate, site: LoopbackSite
) -> None:
    assert proxy_request(tor_gate.port, "GET", site.url("/")).status == 200
    seen_before = site.request_count()
    pid = tor_gate.tor.pid
    assert pid is not None

    os.kill(pid, signal.SIGKILL)

    crash = tor_gate.statuses.wait_for(lambda s: s.state == "failed", "the crash report")
    assert crash.detail.startswith("Tor stopped unexpectedly (exit code -9)")
    health = tor_gate.gate.check_health()
    assert not health.ok and "Tor stopped unexpectedly" in health.detail
    reply = proxy_request(tor_gate.port, "GET", site.url("/"))
    assert reply.status == 502 and reply.headers["X-Route-Gate"] == "refused"
    assert "Tor stopped unexpectedly" in reply.text
    assert site.request_count() == seen_before, "nothing reached the site after the crash"
