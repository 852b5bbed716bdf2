"""Application start-up: Chromium flags, QApplication, the route gate, the main window."""

import logging
import os
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from workstation import APP_NAME, __version__
from workstation.browser.flags import chromium_flags
from workstation.errors import WorkstationError
from workstation.route import RouteGate, RouteSpec, parse_route
from workstation.settings import Settings

log = logging.getLogger(__name__)


def prepare_environment(*, headless: bool) -> None:
    """Environment QtWebEngine reads at start-up; must run before QApplication."""
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Chromium's sandbox refuses to run as root; outside root it stays on.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    # Chromium flags from the environment could point the browser around the
    # route gate (e.g. --no-proxy-server); only the flag table applies.
    if os.environ.pop("QTWEBENGINE_CHROMIUM_FLAGS", None):
        log.warning("ignored QTWEBENGINE_CHROMIUM_FLAGS: the route flags are fixed")


def create_application(gate_port: int, *, headless: bool) -> QApplication:
    existing = QCoreApplication.instance()
    if existing is not None:
        if not isinstance(existing, QApplication):
            raise RuntimeError("a non-GUI Qt application already exists")
        return existing
    prepare_environment(headless=headless)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QCoreApplication.setOrganizationName("investigator-workstation")
    # Qt 6 hands Chromium only the arguments after --webEngineArgs.
    flags = chromium_flags(gate_port, headless=headless)
    return QApplication([sys.argv[0], "--webEngineArgs", *flags])


def resolve_route(route_text: str | None, settings: Settings) -> RouteSpec | None:
    """The route from the command line, else from settings; None means fail closed."""
    text = route_text if route_text is not None else settings.route
    return parse_route(text) if text else None


def run_gui(route_text: str | None = None) -> int:
    from workstation.ui.main_window import MainWindow  # noqa: PLC0415  (Qt widgets load late)

    settings = Settings.load()
    try:
        route = resolve_route(route_text, settings)
    except WorkstationError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    gate = RouteGate(route)
    gate.start()
    try:
        app = create_application(gate.port, headless=False)
        window = MainWindow(gate, settings)
        window.show()
        return app.exec()
    finally:
        gate.stop()
