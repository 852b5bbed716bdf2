"""The settings dialog: general, route, evidence and capture, each field checked as it
is typed; a problem shows under its field in plain words and OK stays disabled until
none is left. The route part (`route_settings.py`) and the checked fields
(`setting_fields.py`) are shared with the first-run set-up.
"""

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app import resolve_route
from workstation.errors import WorkstationError
from workstation.paths import cases_dir
from workstation.route.spec import DEFAULT_ROUTE
from workstation.settings import (
    DEFAULT_LANGUAGE,
    DEFAULT_THEME,
    ProxyPassword,
    Settings,
)
from workstation.ui.dialogs import no_keyring_message, ok_cancel
from workstation.ui.i18n import LANGUAGES, QT_TRANSLATE_NOOP, translate
from workstation.ui.route_settings import RouteChooser, RouteProbe, probe_on_scratch_gate
from workstation.ui.setting_fields import (
    CheckedField,
    capture_height,
    capture_height_problem,
    choose_file,
    choose_folder,
    echo_problem,
    error_label,
    file_problem,
    folder_problem,
    minutes_problem,
    url_problem,
)
from workstation.ui.theme import apply_theme, requested_theme

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Each in its own name; a language whose translation is not complete is listed, disabled.
# Settings.theme values with their names (translated where shown).
THEME_NAMES = (
    ("system", QT_TRANSLATE_NOOP("Settings", "Follow the system")),
    ("light", QT_TRANSLATE_NOOP("Settings", "Light")),
    ("dark", QT_TRANSLATE_NOOP("Settings", "Dark")),
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
        self.buttons = ok_cancel(self, self.accept)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
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
        typed = capture_height(self.max_height.text())
        # Disabled (visible part only) and left wrong: unchanged.
        return self.settings.capture_max_height if typed is None else typed

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
