"""Fixtures for tests on the private Tor network (tests/support/tornet.py).

Test modules that need them say `pytest_plugins = ("tests.support.tornet_plugin",)`;
pytest registers the plugin once, so the network is built once per session, and it is
stopped (every tor process) when the session ends.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.tornet import TorGate, TorTestNetwork, started_tor_gate, tor_route

_started: list[TorTestNetwork] = []


@pytest.fixture(scope="session")
def tor_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TorTestNetwork]:
    network = TorTestNetwork(tmp_path_factory.mktemp("tornet"))
    _started.append(network)
    network.start()
    yield network
    network.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for network in _started:
        terminalreporter.write_line(
            f"test Tor network: {len(network.nodes)} relays on loopback, "
            f"ready for clients {network.bootstrap_seconds:.1f} s after the first key was made"
        )


@pytest.fixture
def tor_gate(tor_network: TorTestNetwork) -> Iterator[TorGate]:
    """A route gate on the managed Tor, bootstrapped on the test network."""
    started = started_tor_gate(tor_route(tor_network))
    yield started
    started.gate.stop()
