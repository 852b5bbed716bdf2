"""Lookup contexts for tests: every lookup goes through a real route gate and proxy."""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


LOOPBACK_LITERALS = {"127.0.0.1", "localhost", b"127.0.0.1", b"localhost"}


@pytest.fixture
def no_system_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail if anything in this process asks the system resolver about a real name;
    yields what it was asked (loopback literals only, or the test fails)."""
    asked: list[object] = []
    real_getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        if host not in LOOPBACK_LITERALS:
            raise AssertionError(f"the system resolver was asked for {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def refuse(host: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        raise AssertionError(f"the system resolver was asked for {host!r}")

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    monkeypatch.setattr(socket, "gethostbyname_ex", refuse)
    yield asked
    assert all(host in LOOPBACK_LITERALS for host in asked), asked
