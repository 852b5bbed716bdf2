"""The evidence package and its redacted disclosure copy from the GUI.

A real case (exhibits with WARCs, personas, contact entries, a saved lookup) is opened
in the main window; the officer's dialog builds the package on a worker thread while
QtWebEngine prints the report's PDF on the GUI thread through the PdfBridge. The window
stays responsive meanwhile, progress shows in the status bar, Cancel stops the job at
once and leaves nothing behind, and the summary appears without a modal message box.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QDialogButtonBox, QMenu

from tests.support.cases import PASSPHRASE
from tests.support.package_case import (
    HIDDEN_URL,
    SECRET_ALIAS,
    SECRET_CONTENT,
    PackageCase,
    make_package_case,
)
from tests.support.waits import WORKER_MS
from workstation.casefile import Case
from workstation.errors import WorkstationError
from workstation.package import PackageRequest, PackageSummary
from workstation.progress import OperationCancelled
from workstation.ui.case_outputs import CaseOutputActions
from workstation.ui.gui_bridge import GuiBridge, GuiStepTimeout
from workstation.ui.job_progress import JobProgress, WatchedProgress
from workstation.ui.main_window import MainWindow
from workstation.ui.package_dialog import PackageDialog
from workstation.ui.pdf_bridge import PdfBridge, renders_in_flight

JOB_TIMEOUT_MS = 60_000


def case_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "Case":
            return menu
    raise AssertionError("the window has no Case menu")


def output_actions(window: MainWindow) -> CaseOutputActions:
    """The Case menu's output actions, as the window installed them."""
    assert isinstance(window.case_output_actions, CaseOutputActions)
    return window.case_output_actions


def click_ok(dialog: Any) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


@dataclass
class Opened:
    window: MainWindow
    actions: CaseOutputActions
    made: PackageCase
    case: Case


@pytest.fixture
def opened(qtbot: Any, window: MainWindow, tmp_path: Path) -> Iterator[Opened]:
    made = make_package_case(tmp_path / "CX-17.case")
    case = Case.open(made.path, PASSPHRASE, officer="test officer")
    actions = output_actions(window)
    window.set_case(case)
    qtbot.waitUntil(lambda: len(window.explorer.exhibits) == 2)
    yield Opened(window, actions, made, case)


def collect(signal: Any) -> list[Any]:
    seen: list[Any] = []
    signal.connect(seen.append)
    return seen


def all_bytes(folder: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes().lower()) for path in folder.rglob("*") if path.is_file()]


def test_the_actions_sit_in_the_case_menu_and_follow_the_open_case(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    actions = output_actions(window)
    menu_actions = case_menu(window).actions()
    exporting = (actions.package_action, actions.disclosure_action, actions.transfer_action)
    for action in (*exporting, actions.import_action, actions.keys_action):
        assert action in menu_actions
        assert action.toolTip() and action.text().endswith("…")
    assert not any(action.isEnabled() for action in exporting)
    assert actions.import_action.isEnabled() and actions.keys_action.isEnabled()
    made = make_package_case(tmp_path / "menu.case")
    window.set_case(Case.open(made.path, PASSPHRASE))
    assert all(action.isEnabled() for action in exporting)
    window.set_case(None)
    assert not any(action.isEnabled() for action in exporting)


def test_the_package_of_the_selected_exhibit_is_built_with_a_pdf_while_the_window_responds(
    qtbot: Any, opened: Opened, tmp_path: Path
) -> None:
    window, actions, made = opened.window, opened.actions, opened.made
    window.explorer.select_exhibits([made.shown_item])
    with qtbot.waitSignal(actions.package.dialogShown) as shown:
        actions.package_action.trigger()
    dialog: PackageDialog = shown.args[0]
    assert not dialog.redacted and not dialog.isHidden()
    assert dialog.exhibits.checked_ids() == [made.shown_item], "the explorer's selection"
    assert dialog.pdf.isChecked() and not dialog.archive.isChecked()
    for control in (dialog.folder, dialog.archive, dialog.pdf, dialog.exhibits.list):
        assert control.accessibleName()
    out = tmp_path / "court" / "package"
    dialog.folder.setText(str(out))
    dialog.archive.setChecked(True)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    written = collect(actions.package.written)
    started = collect(actions.package.started)
    began = time.monotonic()
    click_ok(dialog)
    assert len(started) == 1
    strip: JobProgress = started[0]
    assert strip.isVisible() and strip.cancel_button.isEnabled()
    assert strip.accessibleName() and strip.cancel_button.accessibleName()
    qtbot.waitUntil(lambda: bool(written), timeout=JOB_TIMEOUT_MS)
    ended = time.monotonic()
    timer.stop()

    during = [tick for tick in ticks if began <= tick <= ended]
    gaps = [b - a for a, b in zip([began, *during], [*during, ended], strict=True)]
    assert len(during) >= 3, "the GUI thread kept running its timers while the job ran"
    assert max(gaps) < 2.0, f"the GUI thread stalled for {max(gaps):.2f} s"

    summary: PackageSummary = written[0]
    assert summary.out_dir == out and summary.archive == out.with_name("package.zip")
    assert summary.archive.is_file()
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert [e.item_id for e in summary.exhibits] == [made.shown_item]
    panel = actions.package.last_panel
    assert panel is not None and panel.isVisible() and not panel.isModal()
    text = panel.text()
    assert summary.merkle_root in text and summary.head_hash in text
    assert f"event {summary.head_seq}" in text and str(out) in text
    assert str(out) in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not shiboken6.isValid(strip), timeout=5000)
    assert [e.action for e in opened.case.audit_events()].count("package.exported") == 1
    panel.close()


def test_the_redacted_copy_withholds_what_the_officer_ticked(
    qtbot: Any, opened: Opened, tmp_path: Path
) -> None:
    actions, made = opened.actions, opened.made
    with qtbot.waitSignal(actions.package.dialogShown) as shown:
        actions.disclosure_action.trigger()
    dialog: PackageDialog = shown.args[0]
    assert dialog.redacted and dialog.redact_contacts.isChecked()
    assert sorted(dialog.exhibits.checked_ids()) == [made.shown_item, made.hidden_item]
    out = tmp_path / "disclosure"
    dialog.folder.setText(str(out))
    dialog.pdf.setChecked(False)
    dialog.redact_contacts.setChecked(False)
    click_ok(dialog)
    assert dialog.isVisible() and "withhold" in dialog.error.text(), "nothing chosen yet"
    for control in (
        dialog.redact_contacts,
        dialog.withhold_personas.list,
        dialog.withhold_exhibits.list,
    ):
        assert control.accessibleName()
    dialog.redact_contacts.setChecked(True)
    dialog.withhold_personas.set_checked([SECRET_ALIAS])
    dialog.withhold_exhibits.set_checked([made.hidden_item])
    with qtbot.waitSignal(actions.package.written, timeout=JOB_TIMEOUT_MS) as written:
        click_ok(dialog)
    summary: PackageSummary = written.args[0]
    assert summary.redacted and summary.withheld["personas"] == 1
    assert summary.withheld["exhibits"] >= 1
    assert [e.item_id for e in summary.exhibits] == [made.shown_item]
    assert not (out / "report.pdf").exists()
    for path, data in all_bytes(out):
        for secret in (SECRET_CONTENT, SECRET_ALIAS, HIDDEN_URL):
            assert secret.lower().encode() not in data, f"{secret} in {path}"
    panel = actions.package.last_panel
    assert panel is not None and not panel.isModal()
    assert "Withheld:" in panel.text() and "personas: 1" in panel.text()
    panel.close()


def test_cancel_while_the_pdf_is_printed_stops_at_once_and_keeps_nothing(
    qtbot: Any, opened: Opened, tmp_path: Path
) -> None:
    actions = opened.actions
    out = tmp_path / "cancelled"
    strip = actions.package.start(opened.case, out, PackageRequest(archive=True), pdf=True)
    bridge = actions.package.findChild(PdfBridge)
    assert bridge is not None
    # Cancel right after the GUI thread started printing: the worker is waiting for it.
    bridge.stepStarted.connect(strip.cancel)
    began = time.monotonic()
    with qtbot.waitSignal(actions.package.cancelled, timeout=JOB_TIMEOUT_MS) as cancelled:
        pass
    assert time.monotonic() - began < 20, "the worker woke on Cancel, not on a timeout"
    assert "cancelled" in cancelled.args[0]
    assert not out.exists() and not out.with_name("cancelled.zip").exists()
    assert "package.exported" not in [e.action for e in opened.case.audit_events()]
    qtbot.waitUntil(lambda: not shiboken6.isValid(strip), timeout=5000)
    qtbot.waitUntil(lambda: renders_in_flight() == 0, timeout=JOB_TIMEOUT_MS)


def test_a_bridge_hands_a_step_to_the_gui_thread_and_cancel_or_timeout_wake_the_worker(
    qtbot: Any,
) -> None:
    progress = WatchedProgress()
    bridge = GuiBridge(progress=progress)
    undone: list[bool] = []
    outcomes: list[Any] = []
    finished = threading.Event()

    def in_worker(start: Any, timeout_s: float) -> None:
        try:
            outcomes.append(bridge.call(start, what="a step", timeout_s=timeout_s))
        except WorkstationError as exc:
            outcomes.append(exc)
        finally:
            finished.set()

    def run(start: Any, timeout_s: float = 30.0) -> Any:
        finished.clear()
        outcomes.clear()
        QThreadPool.globalInstance().start(lambda: in_worker(start, timeout_s))
        qtbot.waitUntil(finished.is_set, timeout=30000)
        return outcomes[0]

    def answered(done: Any, _failed: Any) -> None:
        QTimer.singleShot(0, lambda: done(threading.current_thread() is threading.main_thread()))

    assert run(answered) is True, "the step ran on the GUI thread"

    def hanging(_done: Any, _failed: Any) -> Any:
        return lambda: undone.append(True)

    assert isinstance(run(hanging, timeout_s=0.2), GuiStepTimeout)
    qtbot.waitUntil(lambda: undone == [True], timeout=WORKER_MS)
    bridge.stepStarted.connect(progress.cancel)
    assert isinstance(run(hanging), OperationCancelled)
    qtbot.waitUntil(lambda: undone == [True, True], timeout=WORKER_MS)
    with pytest.raises(RuntimeError, match="GUI thread"):
        bridge.call(answered, what="a step", timeout_s=1.0)
