"""The settings dialog, and the route chooser it shares with the first-run set-up.

Every field is checked as it is typed; a problem shows under its field in plain
words and OK stays disabled until none is left. "Test route" brings the route up
and asks where it comes out, on a worker thread: in this dialog on a scratch gate
of its own, so testing a route never cuts the pages that are open.
"""

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes, urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app import resolve_route
from workstation.errors import RouteUnavailable, WorkstationError
from workstation.paths import cases_dir
from workstation.route import ExitIdentity, RouteGate, RouteSpec, parse_route
from workstation.route.exit_identity import parse_echo_url
from workstation.route.spec import DEFAULT_ROUTE
from workstation.settings import (
    CAPTURE_HEIGHTS,
    DEFAULT_LANGUAGE,
    DEFAULT_THEME,
    ProxyPassword,
    Settings,
    split_proxy_password,
)
from workstation.ui.dialogs import no_keyring_message
from workstation.ui.i18n import LANGUAGES, QT_TRANSLATE_NOOP, translate
from workstation.ui.problem_text import officer_message
from workstation.ui.status_colours import show_status
from workstation.ui.theme import apply_theme, requested_theme
from workstation.ui.workers import run_in_background

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

log = logging.getLogger(__name__)

MIN_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 240
TOR_READY_TIMEOUT = 180.0  # a first Tor bootstrap can take a few minutes
EXIT_TIMEOUT = 30.0
# Each in its own name; a language whose translation is not complete is listed, disabled.
# Settings.theme values with their names (translated where shown).
THEME_NAMES = (
    ("system", QT_TRANSLATE_NOOP("Settings", "Follow the system")),
    ("light", QT_TRANSLATE_NOOP("Settings", "Light")),
    ("dark", QT_TRANSLATE_NOOP("Settings", "Dark")),
)


# -- checks: "" when the value is fine, else what is wrong -----------------------------


def route_problem(text: str) -> str:
    try:
        parse_route(text)
    except WorkstationError as exc:
        return officer_message(exc)
    return ""


def file_problem(text: str, what: str, *, program: bool = False) -> str:
    """An optional file: empty is fine, anything else must be there (and runnable)."""
    if not text.strip():
        return ""
    path = Path(text.strip()).expanduser()
    if not path.exists():
        return translate("Settings", "{what}: {path} does not exist.").format(what=what, path=path)
    if not path.is_file():
        return translate("Settings", "{what}: {path} is a folder, not a file.").format(
            what=what, path=path
        )
    if program and not os.access(path, os.X_OK):
        return translate("Settings", "{what}: {path} is not a program that can be run.").format(
            what=what, path=path
        )
    return ""


def url_problem(text: str, what: str) -> str:
    """An optional web address: empty is fine, else http(s)://host/..."""
    if not text.strip():
        return ""
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return translate(
            "Settings", "{what} must be a web address starting with http:// or https://."
        ).format(what=what)
    return ""


def echo_problem(text: str) -> str:
    if not text.strip():
        return ""
    try:
        parse_echo_url(text)
    except WorkstationError as exc:
        return officer_message(exc)
    return ""


def minutes_problem(text: str) -> str:
    try:
        minutes = int(text.strip())
    except ValueError:
        minutes = 0
    if not MIN_LOCK_MINUTES <= minutes <= MAX_LOCK_MINUTES:
        return translate("Settings", "Auto-lock takes whole minutes from {low} to {high}.").format(
            low=MIN_LOCK_MINUTES, high=MAX_LOCK_MINUTES
        )
    return ""


def capture_height_problem(text: str) -> str:
    try:
        height = int(text.strip().replace(",", "").replace(".", ""))
    except ValueError:
        height = 0
    low, high = CAPTURE_HEIGHTS
    if not low <= height <= high:
        return translate(
            "Settings", "The longest page takes whole pixels from {low} to {high}."
        ).format(low=low, high=high)
    return ""


def folder_problem(text: str) -> str:
    """Where cases live: an existing folder, or one that can be made in an existing one."""
    if not text.strip():
        return translate("Settings", "Choose a folder for the cases.")
    path = Path(text.strip()).expanduser()
    if path.exists() and not path.is_dir():
        return translate("Settings", "{path} is a file, not a folder.").format(path=path)
    if not path.exists() and not path.parent.is_dir():
        return translate("Settings", "{path} cannot be made: {parent} does not exist.").format(
            path=path, parent=path.parent
        )
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
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


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setAccessibleName(name)
    show_status(label, "error")
    label.setWordWrap(True)
    label.hide()
    return label


class CheckedField(QWidget):
    """A line edit with an optional Browse… button and its problem underneath."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        text: str,
        check: Callable[[str], str],
        *,
        browse: Callable[[QWidget, str], str] | None = None,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.check = check
        self.edit = QLineEdit(text)
        self.edit.setAccessibleName(name)
        self.edit.setPlaceholderText(placeholder)
        self.error = error_label(translate("Settings", "{name}: problem").format(name=name))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        if browse is not None:
            button = QPushButton(translate("Settings", "Browse…"))
            button.setAccessibleName(translate("Settings", "Browse for {name}").format(name=name))
            button.clicked.connect(lambda: self._browse(browse))
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self.validate)

    def text(self) -> str:
        return self.edit.text().strip()

    def problem(self) -> str:
        return self.check(self.edit.text()) if self.isEnabled() else ""

    def validate(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        self.changed.emit()

    def _browse(self, browse: Callable[[QWidget, str], str]) -> None:
        chosen = browse(self, self.edit.text())
        if chosen:
            self.edit.setText(chosen)


def choose_file(parent: QWidget, current: str) -> str:
    return QFileDialog.getOpenFileName(parent, translate("Settings", "Choose a file"), current)[0]


def choose_folder(parent: QWidget, current: str) -> str:
    return QFileDialog.getExistingDirectory(
        parent, translate("Settings", "Choose a folder"), current
    )


def language_box(current: str) -> QComboBox:
    """The languages; those whose translation is not complete are listed but disabled."""
    box = QComboBox()
    box.setAccessibleName(translate("Settings", "Language"))
    model = box.model()
    for index, (name, code, complete) in enumerate(LANGUAGES):
        box.addItem(name, code)
        if not complete and isinstance(model, QStandardItemModel):
            item = model.item(index)
            item.setEnabled(False)
            item.setToolTip(translate("Settings", "Translation in progress"))
    box.setCurrentIndex(max(0, box.findData(current if current else DEFAULT_LANGUAGE)))
    return box


def theme_box(current: str) -> QComboBox:
    """Follow the system, light or dark; applied as soon as the settings are saved."""
    box = QComboBox()
    box.setAccessibleName(translate("Settings", "Theme"))
    for code, name in THEME_NAMES:
        box.addItem(translate("Settings", name), code)
    box.setCurrentIndex(max(0, box.findData(current or DEFAULT_THEME)))
    return box


class SettingsDialog(QDialog):
    """Officer, route, Tor, evidence services, auto-lock, language and theme, checked as typed."""

    def __init__(self, settings: Settings, route_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Settings", "Settings"))
        self.setAccessibleName(translate("Settings", "Settings"))
        self.settings = settings
        self._build_fields(settings)
        self.route = RouteChooser(route_text)
        self.route.tester = self._route_tester
        self.summary = error_label(translate("Settings", "Settings problem"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._tabs(), 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        for field in self.fields():
            field.changed.connect(self.validate)
            field.validate()
        self.route.changed.connect(self.validate)
        self.lock_on.toggled.connect(self._lock_toggled)
        self._lock_toggled(self.lock_on.isChecked())
        self.resize(640, 520)

    def _build_fields(self, settings: Settings) -> None:
        self.officer = QLineEdit(settings.officer)
        self.officer.setAccessibleName(translate("Settings", "Officer"))
        self.unit = QLineEdit(settings.unit)
        self.unit.setAccessibleName(translate("Settings", "Unit"))
        self.cases = CheckedField(
            translate("Settings", "Cases folder"),
            settings.cases_dir or str(cases_dir()),
            folder_problem,
            browse=choose_folder,
        )
        self.language = language_box(settings.language)
        self.theme = theme_box(settings.theme)
        self.lock_on = QCheckBox(translate("Settings", "Lock an open case after"))
        self.lock_on.setAccessibleName(translate("Settings", "Auto-lock on"))
        self.lock_on.setChecked(settings.auto_lock_minutes > 0)
        minutes = settings.auto_lock_minutes or 10
        self.lock_minutes = CheckedField(
            translate("Settings", "Auto-lock minutes"), str(minutes), minutes_problem
        )
        self.tor_binary = CheckedField(
            translate("Settings", "Tor program"),
            settings.tor_binary,
            lambda text: file_problem(text, translate("Settings", "Tor program"), program=True),
            browse=choose_file,
            placeholder=translate("Settings", "the bundled or system tor"),
        )
        self.tor_config = CheckedField(
            translate("Settings", "Extra torrc file"),
            settings.tor_config,
            lambda text: file_problem(text, translate("Settings", "Extra torrc file")),
            browse=choose_file,
            placeholder=translate("Settings", "e.g. bridges; optional"),
        )
        self.echo_url = CheckedField(
            translate("Settings", "Address echo URL"),
            settings.exit_echo_url,
            echo_problem,
            placeholder=translate("Settings", "the unit's “what is my address” service; optional"),
        )
        self.tsa_url = CheckedField(
            translate("Settings", "Timestamp authority URL"),
            settings.tsa_url,
            lambda text: url_problem(text, translate("Settings", "The timestamp authority URL")),
            placeholder=translate("Settings", "RFC 3161 service; optional"),
        )
        self.tsa_cert = CheckedField(
            translate("Settings", "Timestamp authority certificate"),
            settings.tsa_cert,
            lambda text: file_problem(
                text, translate("Settings", "Timestamp authority certificate")
            ),
            browse=choose_file,
        )
        self.origin_ca = CheckedField(
            translate("Settings", "Extra trusted CA file"),
            settings.origin_ca_file,
            lambda text: file_problem(text, translate("Settings", "Extra trusted CA file")),
            browse=choose_file,
            placeholder=translate("Settings", "the unit's own PKI; optional"),
        )
        self._build_capture_fields(settings)

    def _build_capture_fields(self, settings: Settings) -> None:
        self.screenshot = QComboBox()
        self.screenshot.setAccessibleName(translate("Settings", "Screenshot"))
        self.screenshot.addItem(
            translate("Settings", "The whole page (scrolled through once)"), True
        )
        self.screenshot.addItem(
            translate("Settings", "Only what is on screen (nothing is scrolled)"), False
        )
        self.screenshot.setCurrentIndex(0 if settings.capture_whole_page else 1)
        self.max_height = CheckedField(
            translate("Settings", "Longest page in pixels"),
            str(settings.capture_max_height),
            capture_height_problem,
        )
        self.capture_new_cases = QCheckBox(
            translate("Settings", "Capture every page visited in new cases")
        )
        self.capture_new_cases.setAccessibleName(
            translate("Settings", "Capture every page visited in new cases")
        )
        self.capture_new_cases.setChecked(settings.capture_new_cases)
        self.screenshot.currentIndexChanged.connect(self._screenshot_chosen)
        self._screenshot_chosen()

    def fields(self) -> list[CheckedField]:
        return [
            self.cases, self.lock_minutes, self.tor_binary, self.tor_config, self.echo_url,
            self.tsa_url, self.tsa_cert, self.origin_ca, self.max_height,
        ]  # fmt: skip

    def _tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setAccessibleName(translate("Settings", "Settings sections"))
        general = QFormLayout()
        general.addRow(translate("Settings", "Officer"), self.officer)
        general.addRow(translate("Settings", "Unit"), self.unit)
        general.addRow(translate("Settings", "Cases folder"), self.cases)
        general.addRow(translate("Settings", "Language"), self.language)
        general.addRow(translate("Settings", "Theme"), self.theme)
        lock_row = QHBoxLayout()
        lock_row.addWidget(self.lock_on)
        lock_row.addWidget(self.lock_minutes, 1)
        lock_row.addWidget(QLabel(translate("Settings", "minutes without input")))
        general.addRow(translate("Settings", "Auto-lock"), lock_row)
        route = QFormLayout()
        route.addRow(translate("Settings", "Route"), self.route)
        route.addRow(translate("Settings", "Tor program"), self.tor_binary)
        route.addRow(translate("Settings", "Extra torrc file"), self.tor_config)
        route.addRow(translate("Settings", "Address echo URL"), self.echo_url)
        evidence = QFormLayout()
        evidence.addRow(translate("Settings", "Timestamp authority URL"), self.tsa_url)
        evidence.addRow(translate("Settings", "TSA certificate"), self.tsa_cert)
        evidence.addRow(translate("Settings", "Extra trusted CA file"), self.origin_ca)
        evidence.addRow(translate("Settings", "Screenshot"), self.screenshot)
        evidence.addRow(translate("Settings", "Longest page (pixels)"), self.max_height)
        evidence.addRow(translate("Settings", "New cases"), self.capture_new_cases)
        evidence.addRow(
            QLabel(translate("Settings", "A new CA file or language applies from the next start."))
        )
        for layout, title in (
            (general, translate("Settings", "General")),
            (route, translate("Settings", "Route")),
            (evidence, translate("Settings", "Evidence")),
        ):
            page = QWidget()
            page.setLayout(layout)
            tabs.addTab(page, title)
        return tabs

    def _screenshot_chosen(self) -> None:
        # Only a whole-page screenshot has a longest page.
        self.max_height.setEnabled(bool(self.screenshot.currentData()))
        self.max_height.validate()

    def _lock_toggled(self, on: bool) -> None:
        self.lock_minutes.setEnabled(on)
        self.lock_minutes.validate()

    def problems(self) -> list[str]:
        found = [self.route.problem(), *(field.problem() for field in self.fields())]
        return [problem for problem in found if problem]

    def validate(self) -> None:
        problems = self.problems()
        self.ok_button.setEnabled(not problems)
        self.summary.setText(
            translate("Settings", "Fix this first: {problem}").format(problem=problems[0])
            if problems
            else ""
        )
        self.summary.setVisible(bool(problems))

    def chosen(self) -> Settings:
        """The settings as the dialog shows them."""
        minutes = int(self.lock_minutes.text()) if self.lock_on.isChecked() else 0
        return dataclasses.replace(
            self.settings,
            officer=self.officer.text().strip(),
            unit=self.unit.text().strip(),
            cases_dir=self.cases.text(),
            language=str(self.language.currentData()),
            theme=str(self.theme.currentData()),
            auto_lock_minutes=minutes,
            route=self.route.route_text(),
            tor_binary=self.tor_binary.text(),
            tor_config=self.tor_config.text(),
            exit_echo_url=self.echo_url.text(),
            tsa_url=self.tsa_url.text(),
            tsa_cert=self.tsa_cert.text(),
            origin_ca_file=self.origin_ca.text(),
            capture_whole_page=bool(self.screenshot.currentData()),
            capture_max_height=self._max_height(),
            capture_new_cases=self.capture_new_cases.isChecked(),
        )

    def _max_height(self) -> int:
        if capture_height_problem(self.max_height.text()):
            return self.settings.capture_max_height  # disabled and left wrong: unchanged
        return int(self.max_height.text().strip().replace(",", "").replace(".", ""))

    def _route_tester(self, text: str) -> Callable[[], RouteProbe]:
        # Resolved now, with the Tor program and torrc as typed: a bad torrc fails at once.
        tor = Settings(tor_binary=self.tor_binary.text(), tor_config=self.tor_config.text())
        route = resolve_route(text, tor)
        echo = self.echo_url.text() or None
        return lambda: probe_on_scratch_gate(route, echo)


def apply_settings(window: "MainWindow", chosen: Settings) -> None:
    """Make the chosen settings the window's own (the same object everyone reads)."""
    settings = window.settings
    restart_needed = (
        chosen.origin_ca_file != settings.origin_ca_file or chosen.language != settings.language
    )
    for field in dataclasses.fields(Settings):
        setattr(settings, field.name, getattr(chosen, field.name))
    window.gate.echo_url = settings.exit_echo_url or None
    window.idle_lock.set_interval(settings.auto_lock_minutes * 60_000)
    try:
        route_changed = resolve_route(settings.route, settings) != window.gate.route
    except WorkstationError:
        route_changed = True  # apply_route reports the problem
    if route_changed:
        window.apply_route(settings.route)  # saves the settings too
    if settings.theme != requested_theme():
        apply_theme(settings.theme)  # at once: the palette reaches every open widget
    kept = settings.save()
    message = translate("Settings", "Settings saved.")
    if restart_needed:
        message += " " + translate(
            "Settings", "The CA file and language apply from the next start."
        )
    if kept is ProxyPassword.THIS_RUN_ONLY:
        message += " " + no_keyring_message()
    window.statusBar().showMessage(message, 15000 if kept is ProxyPassword.THIS_RUN_ONLY else 8000)


def show_settings(window: "MainWindow") -> SettingsDialog:
    """Open the dialog over the window (not blocking); OK applies it."""
    route = window.gate.route
    current = window.settings.route or (route.to_url(redact=False) if route else DEFAULT_ROUTE)
    dialog = SettingsDialog(window.settings, current, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: apply_settings(window, dialog.chosen()))
    dialog.open()
    return dialog
