"""Personas apart on a real Tor network: each has its own circuits and keeps them until
"new identity"; the persona reaches the gate by its own port or by Proxy-Authorization.
"""

import base64
from pathlib import Path

from tests.e2e.conftest import proxy_request
from tests.support.site import LoopbackSite
from tests.support.tinyproxy import Tinyproxy
from tests.support.tornet import TorGate, TorTestNetwork, started_tor_gate, tor_route

pytest_plugins = ("tests.support.tornet_plugin",)


def fetch(tor_gate: TorGate, port: int, site: LoopbackSite, username: str, **auth: str) -> str:
    """GET the site through the gate port; the circuit tor used for that SOCKS login."""
    after = len(tor_gate.streams)
    headers = {"Proxy-Authorization": auth["authorization"]} if auth else None
    reply = proxy_request(port, "GET", site.url("/"), headers=headers)
    assert reply.status == 200, reply.text
    return tor_gate.circuit_for(username, f"127.0.0.1:{site.port}", after=after)


def test_personas_get_their_own_circuits_and_keep_them_until_new_identity(
    tor_gate: TorGate, tor_network: TorTestNetwork, site: LoopbackSite
) -> None:
    gate = tor_gate.gate
    alice, bob = gate.add_persona("alice"), gate.add_persona("bob")

    alice_first = fetch(tor_gate, alice.port, site, "persona:alice:0")
    bob_first = fetch(tor_gate, bob.port, site, "persona:bob:0")
    assert alice_first != bob_first, "two personas never share a circuit"
    assert fetch(tor_gate, alice.port, site, "persona:alice:0") == alice_first, "kept"

    alice_exit, bob_exit = gate.exit_identity("alice"), gate.exit_identity("bob")
    assert (alice_exit.circuit, bob_exit.circuit) == (alice_first, bob_first)
    for identity in (alice_exit, bob_exit):
        assert identity.exit_fingerprint in tor_network.exit_fingerprints
        assert identity.address == "127.0.0.1"  # every relay of this network is on loopback
        assert identity.via.startswith("Tor exit relay exit")

    assert gate.new_identity("alice")
    alice_renewed = fetch(tor_gate, alice.port, site, "persona:alice:1")
    assert alice_renewed not in (alice_first, bob_first), "a new identity is a new circuit"
    assert gate.exit_identity("alice").circuit == alice_renewed
    assert fetch(tor_gate, bob.port, site, "persona:bob:0") == bob_first, "bob keeps his"


def test_the_main_port_carries_personas_by_proxy_authorization(
    tor_gate: TorGate, site: LoopbackSite
) -> None:
    gate = tor_gate.gate
    alice = gate.add_persona("alice")
    token = base64.b64encode(f"{alice.username}:{alice.password}".encode()).decode()

    by_port = fetch(tor_gate, alice.port, site, "persona:alice:0")
    by_header = fetch(tor_gate, gate.port, site, "persona:alice:0", authorization=f"Basic {token}")
    assert by_header == by_port, "the same persona, however it arrives, is one identity"

    seen = site.request_count()
    refused = proxy_request(gate.port, "GET", site.url("/"))
    assert refused.status == 407 and refused.headers["X-Route-Gate"] == "refused"
    assert site.request_count() == seen, "a request naming no persona goes nowhere"


def test_a_proxy_reached_through_tor(
    tor_network: TorTestNetwork, site: LoopbackSite, tmp_path: Path
) -> None:
    proxy = Tinyproxy(tmp_path, "agent", "s3cret").start()
    chained = started_tor_gate(
        tor_route(tor_network, base=f"tor+http://agent:s3cret@127.0.0.1:{proxy.port}")
    )
    try:
        assert chained.gate.check_health().detail.startswith("Tor is connected, and the HTTP")
        reply = proxy_request(chained.port, "GET", site.url("/"))
        assert reply.status == 200 and site.requests[-1] == "/"
        # Tor carried the stream to the proxy, and the proxy went on to the site.
        assert chained.circuit_for("workstation:0", f"127.0.0.1:{proxy.port}", after=0)
        assert proxy.connections_to(site.port)
    finally:
        chained.gate.stop()
        proxy.stop()
