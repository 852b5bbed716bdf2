"""GUI fixtures: one QApplication per session whose browser points at a route gate.

Chromium reads its proxy flags once per process, so the gate is session-wide;
each test sets the gate's route to its own proxy and resets it afterwards.
"""

import sys
from collections.abc import Iterator

import pytest

from workstation.app import prepare_environment
from workstation.browser.flags import chromium_flags
from workstation.route import RouteGate
from workstation.settings import Settings
from workstation.ui.main_window import MainWindow


@pytest.fixture(scope="session")
def session_gate() -> Iterator[RouteGate]:
    gate = RouteGate(None)
    gate.start()
    yield gate
    gate.stop()


@pytest.fixture(scope="session")
def qapp_args(session_gate: RouteGate) -> list[str]:
    prepare_environment(headless=True)
    return [sys.argv[0], "--webEngineArgs", *chromium_flags(session_gate.port, headless=True)]


@pytest.fixture
def gate(session_gate: RouteGate) -> Iterator[RouteGate]:
    session_gate.set_route(None)
    yield session_gate
    session_gate.set_route(None)


@pytest.fixture
def window(qtbot, gate: RouteGate) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(gate, Settings())
    qtbot.addWidget(win)
    win.show()
    yield win
    win.set_case(None)
