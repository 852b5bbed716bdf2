"""Application start-up: Chromium flags, QApplication, the route gate, the main window."""

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from workstation import APP_NAME, __version__
from workstation.browser.flags import chromium_flags
from workstation.errors import WorkstationError
from workstation.evidence.recorder import Recorder
from workstation.route import RouteGate, RouteSpec, parse_route
from workstation.route.spec import DEFAULT_ROUTE
from workstation.route.torrc import tor_options
from workstation.settings import ProxyPassword, Settings

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


def create_application(
    gate_port: int, *, headless: bool, spki_pin: str | None = None
) -> QApplication:
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
    flags = chromium_flags(gate_port, headless=headless, spki_pin=spki_pin)
    return QApplication([sys.argv[0], "--webEngineArgs", *flags])


def resolve_route(route_text: str | None, settings: Settings) -> RouteSpec:
    """The route from the command line, else from settings, else the managed Tor.

    A Tor route runs with the tor program and extra torrc lines named in the settings.
    """
    text = route_text if route_text is not None else settings.route
    route = parse_route(text or DEFAULT_ROUTE)
    if not route.uses_tor:
        return route
    config = Path(settings.tor_config) if settings.tor_config else None
    return route.with_tor_options(tor_options(settings.tor_binary or None, config))


def needs_proxy_password(route_text: str | None, settings: Settings) -> bool:
    """The saved route names a proxy login whose password this PC could not keep (no
    usable keyring at the last start): the window asks for it."""
    return route_text is None and settings.proxy_password_kept is ProxyPassword.MISSING


def start_route(route_text: str | None, settings: Settings) -> RouteSpec | None:
    """The route the gate starts with; None (nothing leaves, fail closed) while the
    proxy password is still to be asked."""
    if needs_proxy_password(route_text, settings):
        return None
    return resolve_route(route_text, settings)


def run_gui(route_text: str | None = None) -> int:
    from workstation.ui.first_run import maybe_start_first_run  # noqa: PLC0415
    from workstation.ui.i18n import install_translations  # noqa: PLC0415
    from workstation.ui.main_window import MainWindow  # noqa: PLC0415  (Qt widgets load late)
    from workstation.ui.theme import application_icon, apply_theme  # noqa: PLC0415

    settings = Settings.load()
    ask_password = needs_proxy_password(route_text, settings)
    try:
        route = start_route(route_text, settings)
    except WorkstationError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    # start() launches the managed tor in the background: until it has bootstrapped the
    # gate refuses traffic, and its health and status observers say how far it is.
    recorder = Recorder.for_this_install(settings.origin_ca_file or None)
    gate = RouteGate(
        route,
        interception=recorder.interception(),
        allow_local_destinations=settings.allow_local_destinations or None,
    )
    gate.echo_url = settings.exit_echo_url or None
    gate.start()
    try:
        app = create_application(gate.port, headless=False, spki_pin=recorder.spki_pin())
        apply_theme(settings.theme, app)
        app.setWindowIcon(application_icon())
        # Before the window: every text is looked up as its widget is made.
        install_translations(settings.language)
        window = MainWindow(gate, settings, recorder=recorder)
        window.show()
        # The first start asks who works here, the route and where cases live; else a
        # proxy password this PC could not keep is asked (the gate has no route until then).
        if maybe_start_first_run(window) is None and ask_password:
            window.ask_proxy_password()
        return app.exec()
    finally:
        gate.stop()
