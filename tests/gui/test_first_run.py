"""First-run set-up: officer and unit, a tested route, the cases folder, a first case."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWizard

from tests.support.echo import AddressEcho
from tests.support.socks import Microsocks
from workstation.evidence.recorder import Recorder
from workstation.route import RouteGate, parse_route
from workstation.settings import Settings
from workstation.ui.dialogs import NewCaseDialog
from workstation.ui.first_run import FirstRunWizard, maybe_start_first_run
from workstation.ui.main_window import MainWindow


@pytest.fixture
def echo(gate: RouteGate) -> Iterator[AddressEcho]:
    server = AddressEcho().start()
    gate.echo_url = server.url  # the unit's address echo, as settings give it to the gate
    yield server
    gate.echo_url = None
    server.stop()


def open_wizard(qtbot, window: MainWindow) -> FirstRunWizard:  # type: ignore[no-untyped-def]
    wizard = maybe_start_first_run(window)
    assert isinstance(wizard, FirstRunWizard)
    qtbot.waitUntil(wizard.isVisible)
    return wizard


def can_go_on(wizard: QWizard) -> bool:
    button = QWizard.WizardButton.NextButton
    if wizard.currentPage() is wizard.page(wizard.pageIds()[-1]):
        button = QWizard.WizardButton.FinishButton
    return wizard.button(button).isEnabled()


def test_first_run_end_to_end_with_a_tested_route_and_a_first_case(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    gate: RouteGate,
    socks_proxy: Microsocks,
    echo: AddressEcho,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    session_recorder: Recorder,
) -> None:
    wizard = open_wizard(qtbot, window)
    # open(), not exec(): no nested event loop, the window behind keeps working.
    assert wizard.windowModality() == Qt.WindowModality.WindowModal

    officer = wizard.officer_page
    officer.officer.setText("")
    assert not can_go_on(wizard), "an officer name is needed"
    officer.officer.setText("Insp. Keller")
    officer.unit.setText("Customs IT crime, Hamburg")
    wizard.next()

    chooser = wizard.route_page.chooser
    chooser.proxy_choice.setChecked(True)
    chooser.proxy_url.setText("gopher://127.0.0.1:70")
    assert not can_go_on(wizard)
    assert "Unsupported route" in chooser.error.text()
    chooser.proxy_url.setText(socks_proxy.url)
    assert can_go_on(wizard)
    with qtbot.waitSignal(chooser.tested, timeout=30000) as tested:
        chooser.test_button.click()
    assert tested.args[0].exit.address == "127.0.0.1"
    assert "Sites see 127.0.0.1" in chooser.result.text()
    assert gate.route == parse_route(socks_proxy.url), "the test used the window's gate"
    assert socks_proxy.connections_to(echo.port), "the exit was learned through the route"
    wizard.next()

    cases = tmp_path / "cases"
    wizard.cases_page.folder.edit.setText(str(tmp_path / "no" / "such"))
    assert not can_go_on(wizard)
    wizard.cases_page.folder.edit.setText(str(cases))
    assert can_go_on(wizard)
    wizard.next()

    assert wizard.first_case_page.create_now.isChecked()

    def fill(dialog: NewCaseDialog) -> None:
        assert dialog.location.text() == str(cases), "new cases go where the officer said"
        dialog.reference.setText("2026-0001 first case")
        dialog.passphrase.setText("long enough passphrase")
        dialog.repeat.setText("long enough passphrase")

    def exec_filled(dialog: NewCaseDialog) -> int:
        fill(dialog)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(NewCaseDialog, "exec", exec_filled)
    with qtbot.waitSignal(window.caseChanged, timeout=30000) as changed:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible()
    case = changed.args[0]
    assert case is not None and case.path == cases / "2026-0001 first case.case"
    assert case.metadata().reference == "2026-0001 first case"

    saved = Settings.load()
    assert (saved.officer, saved.unit) == ("Insp. Keller", "Customs IT crime, Hamburg")
    assert saved.cases_dir == str(cases) and cases.is_dir()
    assert parse_route(saved.route) == parse_route(socks_proxy.url)
    assert saved.first_run_done
    assert maybe_start_first_run(window) is None, "not asked again in this session"
    again = MainWindow(gate, Settings.load(), recorder=session_recorder)
    qtbot.addWidget(again)
    assert maybe_start_first_run(again) is None, "nor at the next start"


def test_later_finishes_without_a_case(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, window)
    assert wizard.route_page.chooser.tor_choice.isChecked(), "managed Tor is proposed"
    wizard.officer_page.officer.setText("Insp. Keller")
    wizard.next()
    chooser = wizard.route_page.chooser
    chooser.proxy_choice.setChecked(True)  # no Tor in tests: it would reach the Internet
    chooser.proxy_url.setText(socks_proxy.url)
    wizard.next()  # untested: the test is offered, not forced
    wizard.cases_page.folder.edit.setText(str(tmp_path / "cases"))
    wizard.next()
    wizard.first_case_page.later.setChecked(True)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert window.case is None
    saved = Settings.load()
    assert saved.first_run_done and saved.officer == "Insp. Keller"
    assert gate.route == parse_route(socks_proxy.url), "Finish applied the route"


def test_cancel_puts_the_route_back_and_asks_again_next_time(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, socks_proxy: Microsocks
) -> None:
    wizard = open_wizard(qtbot, window)
    wizard.next()
    chooser = wizard.route_page.chooser
    chooser.proxy_choice.setChecked(True)
    chooser.proxy_url.setText(socks_proxy.url)
    with qtbot.waitSignal(chooser.tested, timeout=30000):
        chooser.test_button.click()
    assert gate.route == parse_route(socks_proxy.url)
    wizard.reject()
    assert gate.route is None, "the route before the set-up is back"
    assert not Settings.load().first_run_done
    assert not window.settings.first_run_done
    assert maybe_start_first_run(window) is not None


def test_a_route_that_does_not_answer_is_explained(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, socks_proxy: Microsocks
) -> None:
    socks_proxy.stop()
    wizard = open_wizard(qtbot, window)
    wizard.next()
    chooser = wizard.route_page.chooser
    chooser.proxy_choice.setChecked(True)
    chooser.proxy_url.setText(socks_proxy.url)
    with qtbot.waitSignal(chooser.testFailed, timeout=30000) as failed:
        chooser.test_button.click()
    assert failed.args[0] in chooser.result.text()
    assert chooser.result.text().startswith("The route does not work: ")
    assert can_go_on(wizard), "a failed test explains; it does not lock the officer in"
    wizard.reject()
