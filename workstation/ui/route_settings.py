"""Choosing and testing the route out, shared by the settings and the first-run set-up.

"Test route" brings the route up and asks where it comes out, on a worker thread: in
the settings on a scratch gate of its own, so testing a route never cuts the pages
that are open.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app import resolve_route
from workstation.errors import RouteUnavailable, WorkstationError
from workstation.route import ExitIdentity, RouteGate, RouteSpec, parse_route
from workstation.route.spec import DEFAULT_ROUTE
from workstation.settings import (
    Settings,
    split_proxy_password,
)
from workstation.ui.dialogs import ok_cancel
from workstation.ui.i18n import translate
from workstation.ui.problem_text import officer_message
from workstation.ui.setting_fields import error_label
from workstation.ui.status_colours import show_status
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

TOR_READY_TIMEOUT = 180.0  # a first Tor bootstrap can take a few minutes
EXIT_TIMEOUT = 30.0


def route_problem(text: str) -> str:
    try:
        parse_route(text)
    except WorkstationError as exc:
        return officer_message(exc)
    return ""


# -- testing a route ------------------------------------------------------------------


@dataclass(frozen=True)
class RouteProbe:
    """A route that answered, and where it comes out."""

    description: str
    exit: ExitIdentity

    def summary(self) -> str:
        exit_ = self.exit
        if exit_.address:
            country = f" ({exit_.country})" if exit_.country else ""
            return translate(
                "Settings", "The route works. Sites see {address}{country}, via {via}."
            ).format(address=exit_.address, country=country, via=exit_.via)
        return translate("Settings", "The route works ({via}). {detail}").format(
            via=exit_.via, detail=exit_.detail
        )


def probe_route(
    gate: RouteGate,
    *,
    persona: str | None = None,
    echo_url: str | None = None,
    ready_timeout: float = TOR_READY_TIMEOUT,
) -> RouteProbe:
    """Wait for the gate's route, check it answers, learn its exit. Blocks: worker only."""
    route = gate.route
    if route is None:
        raise RouteUnavailable(translate("Settings", "No route is set."))
    if route.uses_tor:
        gate.wait_ready(ready_timeout)
    health = gate.check_health()
    if not health.ok:
        raise RouteUnavailable(health.detail)
    identity = gate.exit_identity(persona, timeout=EXIT_TIMEOUT, echo_url=echo_url)
    return RouteProbe(health.route_description, identity)


def probe_on_scratch_gate(route: RouteSpec, echo_url: str | None) -> RouteProbe:
    """Test a route on a gate of its own, stopped afterwards. Blocks: worker only."""
    scratch = RouteGate(None)
    scratch.start()
    try:
        scratch.set_route(route)
        return probe_route(scratch, echo_url=echo_url)
    finally:
        scratch.stop()


def route_with_password(url: str, password: str) -> str:
    """The proxy URL with the password put in after its user; a password written in the
    URL itself wins, and a URL without a user is left as it is (problem() says why)."""
    if not password or split_proxy_password(url)[1] is not None:
        return url
    with_login = Settings(route=url)
    try:
        with_login.set_proxy_password(password)
    except ValueError:
        return url
    return with_login.route


def names_user(url: str) -> bool:
    """The proxy URL has a login part (USER@ or USER:PASSWORD@)."""
    _, sep, rest = url.partition("://")
    return bool(sep) and "@" in rest


def readable_password(written: str) -> str | None:
    """A password as written in a URL (%-encoded), as typed; None if it is not text."""
    try:
        return unquote_to_bytes(written).decode("utf-8")
    except UnicodeError:
        return None


class RouteChooser(QWidget):
    """Managed Tor or a proxy URL, checked as typed, and a "Test route" button.

    The proxy's password is never shown: the URL field holds the route without it
    (socks5://USER@HOST:PORT) and a masked field holds the password; one typed into the
    URL moves to the masked field when the officer leaves the URL field.

    The owner gives the test: a function that starts the probe (returning the
    callable that runs on the worker) or raises WorkstationError at once.
    """

    changed = Signal()
    tested = Signal(object)  # RouteProbe
    testFailed = Signal(str)

    def __init__(self, route_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tester: Callable[[str], Callable[[], RouteProbe]] | None = None
        self._generation = 0
        self.tor_choice = QRadioButton(translate("Settings", "Managed Tor (recommended)"))
        self.tor_choice.setAccessibleName(translate("Settings", "Route: managed Tor"))
        self.proxy_choice = QRadioButton(translate("Settings", "A proxy of the unit"))
        self.proxy_choice.setAccessibleName(translate("Settings", "Route: a proxy"))
        choices = QButtonGroup(self)
        choices.addButton(self.tor_choice)
        choices.addButton(self.proxy_choice)
        self.proxy_url = QLineEdit()
        self.proxy_url.setAccessibleName(translate("Settings", "Proxy URL"))
        self.proxy_url.setPlaceholderText("socks5://HOST:PORT, http://HOST:PORT, tor+socks5://…")
        self.proxy_password = QLineEdit()
        self.proxy_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.proxy_password.setAccessibleName(translate("Settings", "Proxy password"))
        self.proxy_password.setPlaceholderText(
            translate("Settings", "only if the proxy asks for a login (USER@ in the URL)")
        )
        self.password_label = QLabel(translate("Settings", "Password"))
        self.password_label.setBuddy(self.proxy_password)
        self.error = error_label(translate("Settings", "Route problem"))
        self.test_button = QPushButton(translate("Settings", "Test route"))
        self.test_button.setAccessibleName(translate("Settings", "Test route"))
        self.test_button.setToolTip(
            translate("Settings", "Bring the route up and show where it comes out")
        )
        self.test_button.clicked.connect(self.test)
        self.result = QLabel()
        self.result.setAccessibleName(translate("Settings", "Route test result"))
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout()
        self.set_route_text(route_text)
        for signal in (
            self.tor_choice.toggled,
            self.proxy_url.textChanged,
            self.proxy_password.textChanged,
        ):
            signal.connect(self._edited)
        self.proxy_url.editingFinished.connect(self._mask_written_password)

    def _layout(self) -> None:
        proxy_row = QHBoxLayout()
        proxy_row.addWidget(self.proxy_choice)
        proxy_row.addWidget(self.proxy_url, 1)
        password_row = QHBoxLayout()
        password_row.addSpacing(self.proxy_choice.sizeHint().width())
        password_row.addWidget(self.password_label)
        password_row.addWidget(self.proxy_password, 1)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tor_choice)
        layout.addLayout(proxy_row)
        layout.addLayout(password_row)
        layout.addWidget(self.error)
        layout.addLayout(test_row)

    def set_route_text(self, text: str) -> None:
        is_tor = text.strip().lower() in ("", DEFAULT_ROUTE)
        self.tor_choice.setChecked(is_tor)
        self.proxy_choice.setChecked(not is_tor)
        self.proxy_url.setText("" if is_tor else text.strip())
        self.proxy_password.setText("")
        self._mask_written_password()
        self._edited()

    def route_text(self) -> str:
        """The route as typed, the password put back into it."""
        if self.tor_choice.isChecked():
            return DEFAULT_ROUTE
        return route_with_password(self.proxy_url.text().strip(), self.proxy_password.text())

    def problem(self) -> str:
        url = self.proxy_url.text().strip()
        if self.proxy_choice.isChecked() and not url:
            return translate("Settings", "Type the proxy's address, e.g. socks5://10.1.2.3:1080.")
        if self.proxy_choice.isChecked() and self.proxy_password.text() and not names_user(url):
            return translate(
                "Settings",
                "A password needs a user: write the proxy's address as "
                "socks5://USER@HOST:PORT (or http://USER@HOST:PORT).",
            )
        return route_problem(self.route_text())

    def _mask_written_password(self) -> None:
        """A password typed into the URL goes to the masked field (the URL keeps the user)."""
        on_disk, written = split_proxy_password(self.proxy_url.text().strip())
        password = readable_password(written) if written is not None else None
        if password is None:
            return  # none written, or not text: parse_route says what is wrong with it
        self.proxy_url.setText(on_disk)
        self.proxy_password.setText(password)

    def _edited(self) -> None:
        proxy = self.proxy_choice.isChecked()
        for widget in (self.proxy_url, self.proxy_password, self.password_label):
            widget.setEnabled(proxy)
        problem = self.problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        self.test_button.setEnabled(not problem)
        self._generation += 1  # a test still running is about the old text
        self.result.setText("")
        self.changed.emit()

    def test(self) -> None:
        if self.tester is None or self.problem():
            return
        try:
            work = self.tester(self.route_text())
        except WorkstationError as exc:
            self._failed(self._generation, officer_message(exc))
            return
        generation = self._generation
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(
            translate("Settings", "Testing the route… (managed Tor may need a minute to start)")
        )
        run_in_background(
            work,
            lambda probe: self._passed(generation, probe),
            lambda message: self._failed(generation, message),
            owner=self,
        )

    def _passed(self, generation: int, probe: RouteProbe) -> None:
        if generation != self._generation:
            return
        self.test_button.setEnabled(True)
        show_status(self.result, "success")
        self.result.setText(probe.summary())
        self.tested.emit(probe)

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.test_button.setEnabled(True)
        show_status(self.result, "error")
        self.result.setText(
            translate("Settings", "The route does not work: {reason}").format(reason=message)
        )
        self.testFailed.emit(message)


def scratch_gate_tester(settings: Settings) -> Callable[[str], Callable[[], RouteProbe]]:
    """A RouteChooser's test on a gate of its own, with the settings' Tor program, torrc
    and address echo: testing never cuts the pages that are open."""

    def tester(text: str) -> Callable[[], RouteProbe]:
        # Resolved now: a bad torrc fails at once, on the GUI thread, in plain words.
        route = resolve_route(text, settings)
        echo = settings.exit_echo_url or None
        return lambda: probe_on_scratch_gate(route, echo)

    return tester


class RouteDialog(QDialog):
    """Route ▸ Set route…: the route chooser alone, checked as typed; OK when it is right."""

    def __init__(self, route_text: str, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = translate("Settings", "Route")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.chooser = RouteChooser(route_text)
        self.chooser.tester = scratch_gate_tester(settings)
        explanation = QLabel(
            translate(
                "Settings",
                "Everything leaves through this route, and nothing without it. A unit's "
                "proxy is written socks5://HOST:PORT or http://HOST:PORT (USER@HOST:PORT "
                "with a login, the password in its own field); tor+socks5://… and "
                "tor+http://… reach the proxy through Tor.",
            )
        )
        explanation.setWordWrap(True)
        self.buttons = ok_cancel(self, self.accept)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(explanation)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.chooser.changed.connect(self._validate)
        self._validate()
        self.resize(620, 300)

    def route_text(self) -> str:
        return self.chooser.route_text()

    def _validate(self) -> None:
        self.ok_button.setEnabled(not self.chooser.problem())
