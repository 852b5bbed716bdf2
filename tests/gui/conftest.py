"""GUI fixtures: one QApplication per session whose browser points at a route gate.

Chromium reads its proxy flags once per process, so the gate is session-wide;
each test sets the gate's route to its own proxy and resets it afterwards. As in the
application, the gate records (TLS intercepted with a CA the browser trusts by pin).
"""

import sys
from collections.abc import Iterator

import pytest

from workstation.app import prepare_environment
from workstation.browser.flags import chromium_flags
from workstation.evidence.recorder import Recorder
from workstation.route import RouteGate
from workstation.route.interception_ca import InterceptionCA
from workstation.settings import Settings
from workstation.ui.main_window import MainWindow


@pytest.fixture(scope="session")
def session_recorder() -> Recorder:
    return Recorder(InterceptionCA.ephemeral())


@pytest.fixture(scope="session")
def session_gate(session_recorder: Recorder) -> Iterator[RouteGate]:
    gate = RouteGate(None, interception=session_recorder.interception())
    gate.start()
    yield gate
    gate.stop()


@pytest.fixture(scope="session")
def qapp_args(session_gate: RouteGate, session_recorder: Recorder) -> list[str]:
    prepare_environment(headless=True)
    flags = chromium_flags(session_gate.port, headless=True, spki_pin=session_recorder.spki_pin())
    return [sys.argv[0], "--webEngineArgs", *flags]


@pytest.fixture
def gate(session_gate: RouteGate) -> Iterator[RouteGate]:
    session_gate.set_route(None)
    yield session_gate
    session_gate.set_route(None)


@pytest.fixture
def window(qtbot, gate: RouteGate, session_recorder: Recorder) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(gate, Settings(), recorder=session_recorder)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.set_case(None)
