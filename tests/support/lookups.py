"""Lookup contexts for tests: every lookup goes through a real route gate and proxy."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.socks import Microsocks
from workstation.lookup import LookupContext
from workstation.route import RouteGate, parse_route
from workstation.route.exits import GateConnector


def gate_connector(gate: RouteGate) -> GateConnector:
    route = gate.route
    return GateConnector(gate.port, route.describe() if route else "no route")


@pytest.fixture
def lookup_gate(tmp_path: Path) -> Iterator[RouteGate]:
    """A started gate whose route is a real SOCKS5 proxy (microsocks) on loopback."""
    proxy = Microsocks(tmp_path).start()
    gate = RouteGate(parse_route(proxy.url))
    gate.start()
    yield gate
    gate.stop()
    proxy.stop()


@pytest.fixture
def lookup_context(lookup_gate: RouteGate) -> LookupContext:
    """A LookupContext whose connections all go through lookup_gate; tests set servers."""
    return LookupContext(connector=gate_connector(lookup_gate), timeout=10.0)
