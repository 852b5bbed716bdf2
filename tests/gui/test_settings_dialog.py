"""The settings dialog: every bad value says what is wrong and holds OK back; good ones apply."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QTableWidget,
    QWidget,
)

from tests.support.echo import AddressEcho
from tests.support.socks import Microsocks
from workstation.route import RouteGate, parse_route
from workstation.settings import Settings
from workstation.ui.first_run import FirstRunWizard
from workstation.ui.main_window import MainWindow
from workstation.ui.setting_fields import CheckedField
from workstation.ui.settings_dialog import SettingsDialog


@pytest.fixture
def dialog(qtbot, window: MainWindow) -> SettingsDialog:  # type: ignore[no-untyped-def]
    opened = window.open_settings()
    qtbot.waitUntil(opened.isVisible)
    assert opened.ok_button.isEnabled(), opened.problems()
    return opened


def shows(field: CheckedField, words: str) -> bool:
    return words in field.error.text() and not field.error.isHidden()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    program = tmp_path / "tor"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    plain = tmp_path / "bridges.torrc"
    plain.write_text("UseBridges 0\n")
    pem = tmp_path / "tsa.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    return {"program": program, "plain": plain, "pem": pem, "folder": tmp_path}


def test_each_bad_value_names_its_problem_and_disables_ok(  # type: ignore[no-untyped-def]
    qtbot, dialog: SettingsDialog, files: dict[str, Path]
) -> None:
    missing = str(files["folder"] / "missing.pem")
    cases: list[tuple[CheckedField, str, str]] = [
        (dialog.tsa_cert, missing, "does not exist"),
        (dialog.origin_ca, str(files["folder"]), "is a folder, not a file"),
        (dialog.tor_binary, str(files["plain"]), "not a program"),
        (dialog.tor_config, missing, "does not exist"),
        (dialog.tsa_url, "ftp://tsa.example/", "http:// or https://"),
        (dialog.tsa_url, "tsa.example", "http:// or https://"),
        (dialog.echo_url, "gopher://echo.example/", "http"),
        (dialog.lock_minutes, "0", "from 1 to 240"),
        (dialog.lock_minutes, "241", "from 1 to 240"),
        (dialog.lock_minutes, "ten", "from 1 to 240"),
        (dialog.cases, str(files["plain"]), "is a file, not a folder"),
        (dialog.cases, str(files["folder"] / "no" / "such"), "does not exist"),
    ]
    for field, value, words in cases:
        before = field.edit.text()
        field.edit.setText(value)
        assert shows(field, words), (value, field.error.text())
        assert not dialog.ok_button.isEnabled(), value
        assert words in dialog.summary.text()
        field.edit.setText(before)
        assert dialog.ok_button.isEnabled(), (value, dialog.problems())
        assert field.error.isHidden()


def test_a_bad_route_is_explained_and_disables_ok(qtbot, dialog: SettingsDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.route.proxy_choice.setChecked(True)
    assert "Type the proxy's address" in dialog.route.error.text()
    assert not dialog.ok_button.isEnabled()
    assert not dialog.route.test_button.isEnabled()
    dialog.route.proxy_url.setText("gopher://127.0.0.1:70")
    assert "Unsupported route" in dialog.route.error.text()
    assert not dialog.ok_button.isEnabled()
    dialog.route.proxy_url.setText("socks5://127.0.0.1:1080")
    assert dialog.ok_button.isEnabled()
    assert dialog.route.error.isHidden()


def test_auto_lock_can_be_off_and_then_its_minutes_are_not_checked(  # type: ignore[no-untyped-def]
    qtbot, dialog: SettingsDialog
) -> None:
    dialog.lock_minutes.edit.setText("999")
    assert not dialog.ok_button.isEnabled()
    dialog.lock_on.setChecked(False)
    assert dialog.ok_button.isEnabled()
    assert dialog.chosen().auto_lock_minutes == 0


def test_german_can_be_chosen_but_english_is_the_default(qtbot, dialog: SettingsDialog) -> None:  # type: ignore[no-untyped-def]
    box = dialog.language
    german = box.findData("de")
    assert box.currentData() == "en"
    assert box.model().flags(box.model().index(german, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert box.itemData(german, Qt.ItemDataRole.ToolTipRole) is None
    box.setCurrentIndex(german)
    assert dialog.chosen().language == "de"


def test_good_values_are_saved_and_applied(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    dialog: SettingsDialog,
    gate: RouteGate,
    socks_proxy: Microsocks,
    files: dict[str, Path],
) -> None:
    cases = files["folder"] / "cases"
    dialog.officer.setText("Insp. Keller")
    dialog.unit.setText("Customs IT crime")
    dialog.cases.edit.setText(str(cases))
    dialog.lock_minutes.edit.setText("25")
    dialog.route.proxy_choice.setChecked(True)
    dialog.route.proxy_url.setText(socks_proxy.url)
    dialog.tsa_url.edit.setText("https://tsa.example/rfc3161")
    dialog.tsa_cert.edit.setText(str(files["pem"]))
    dialog.echo_url.edit.setText("http://echo.example/ip")
    dialog.ok_button.click()

    assert gate.route == parse_route(socks_proxy.url), "the window's own route path applied it"
    assert gate.echo_url == "http://echo.example/ip"
    assert window.idle_lock._interval == 25 * 60_000
    saved = Settings.load()
    assert (saved.officer, saved.unit) == ("Insp. Keller", "Customs IT crime")
    assert saved.cases_dir == str(cases)
    assert (saved.auto_lock_minutes, saved.tsa_url, saved.tsa_cert) == (
        25, "https://tsa.example/rfc3161", str(files["pem"])
    )  # fmt: skip
    assert parse_route(saved.route) == parse_route(socks_proxy.url)
    assert window.settings == saved, "the window reads the same settings it saved"
    assert window.cases_folder() == cases
    qtbot.waitUntil(lambda: window.route_indicator.property("state") == "ok", timeout=10000)


def test_test_route_shows_the_exit_without_touching_the_windows_route(  # type: ignore[no-untyped-def]
    qtbot, dialog: SettingsDialog, gate: RouteGate, socks_proxy: Microsocks
) -> None:
    echo = AddressEcho().start()
    try:
        dialog.echo_url.edit.setText(echo.url)
        dialog.route.proxy_choice.setChecked(True)
        dialog.route.proxy_url.setText(socks_proxy.url)
        with qtbot.waitSignal(dialog.route.tested, timeout=30000) as tested:
            dialog.route.test_button.click()
    finally:
        echo.stop()
    probe = tested.args[0]
    assert probe.exit.address == "127.0.0.1"
    assert "127.0.0.1" in dialog.route.result.text()
    assert "works" in dialog.route.result.text()
    assert socks_proxy.connections_to(echo.port), "the echo was asked through the proxy"
    assert gate.route is None, "testing used a gate of its own"
    dialog.reject()
    assert Settings.load() == Settings(), "cancel saves nothing"


def test_a_dead_route_fails_in_plain_words(  # type: ignore[no-untyped-def]
    qtbot, dialog: SettingsDialog, socks_proxy: Microsocks
) -> None:
    socks_proxy.stop()
    dialog.route.proxy_choice.setChecked(True)
    dialog.route.proxy_url.setText(socks_proxy.url)
    with qtbot.waitSignal(dialog.route.testFailed, timeout=30000) as failed:
        dialog.route.test_button.click()
    assert failed.args[0]
    assert dialog.route.result.text().startswith("The route does not work: ")
    assert dialog.route.test_button.isEnabled()


def test_a_tor_program_that_is_not_executable_is_refused(  # type: ignore[no-untyped-def]
    qtbot, dialog: SettingsDialog, files: dict[str, Path]
) -> None:
    dialog.tor_binary.edit.setText(str(files["program"]))
    assert dialog.ok_button.isEnabled()
    os.chmod(files["program"], 0o644)
    dialog.tor_binary.validate()
    assert shows(dialog.tor_binary, "not a program")


def test_every_control_of_the_new_dialogs_has_an_accessible_name(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, dialog: SettingsDialog
) -> None:
    wizard = FirstRunWizard(window)
    qtbot.addWidget(wizard)
    sheet = window.show_shortcuts()
    for top in (dialog, wizard, sheet):
        controls = [
            widget
            for kind in (QLineEdit, QComboBox, QAbstractButton, QTableWidget)
            for widget in top.findChildren(kind)
            if widget.metaObject().className() not in QT_INTERNAL
        ]
        assert controls, top
        unnamed = [widget for widget in controls if not (widget.accessibleName() or _text(widget))]
        assert unnamed == [], [type(widget).__name__ for widget in unnamed]
    assert window.persona_strip.accessibleName() == "Browsing identity"


# Parts Qt builds inside its own widgets: a line edit's clear button, a table's corner.
QT_INTERNAL = {"QLineEditIconButton", "QTableCornerButton"}


def _text(widget: QWidget) -> str:
    return widget.text() if isinstance(widget, QAbstractButton) else ""
