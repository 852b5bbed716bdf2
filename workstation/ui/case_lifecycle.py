"""The open case's life in the window: create, open (remembered or asking the
passphrase), change the passphrase, lock when idle, unlock, close; and what the window
shows and enables while a case is open or not.

Key derivation, opening and closing run on workers. The window's `case` attribute and
its caseChanged signal stay the one place the rest of the window reads the case from.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QFileDialog

from workstation import APP_NAME
from workstation.casefile import Case
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.dialogs import NewCaseDialog, PassphraseChangeDialog, UnlockDialog
from workstation.ui.i18n import translate
from workstation.ui.window_part import WindowPart
from workstation.ui.workers import run_in_background

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class CaseLifecycle(WindowPart):
    """Opens, locks and closes the window's case and keeps the Case actions in step."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        # The case the idle lock closed: Unlock case… opens it again.
        self.locked_path: Path | None = None

    def new_case(self) -> None:
        window = self._window
        dialog = NewCaseDialog(window)
        dialog.location.setText(str(window.cases_folder()))
        if dialog.exec() != NewCaseDialog.DialogCode.Accepted:
            return
        path, title = dialog.case_path(), dialog.reference.text().strip()
        passphrase, officer = dialog.passphrase.text(), window.officer()
        changes: dict[str, object] = {**dialog.metadata_changes()}
        if window.settings.capture_new_cases:  # the unit's capture default
            changes["auto_capture"] = True

        def create() -> Case:
            case = Case.create(path, passphrase, title=title, officer=officer)
            case.update_metadata(**changes)
            return case

        window.statusBar().showMessage(translate("MainWindow", "Creating the case…"))
        run_in_background(create, self.set_case, window.show_error)

    def open_case_dialog(self) -> None:
        window = self._window
        chosen = QFileDialog.getExistingDirectory(
            window, translate("MainWindow", "Open case"), str(window.cases_folder())
        )
        if chosen:
            self.open_case_asking(Path(chosen))

    def open_case_asking(self, path: Path) -> None:
        """Open with this PC's remembered secret if there is one, else ask the passphrase."""
        window = self._window
        officer = window.officer()

        def opened(case: Case | None) -> None:
            if case is not None:
                self.set_case(case)
                return
            dialog = UnlockDialog(path, window)
            if dialog.exec() == UnlockDialog.DialogCode.Accepted:
                self.open_case(path, dialog.passphrase.text(), remember=dialog.remember.isChecked())

        run_in_background(
            lambda: Case.open_remembered(path, officer=officer), opened, window.show_error
        )

    def open_case(self, path: Path, passphrase: str, *, remember: bool = False) -> None:
        window = self._window
        window.statusBar().showMessage(translate("MainWindow", "Unlocking the case…"))
        officer = window.officer()

        def unlock() -> Case:
            case = Case.open(path, passphrase, officer=officer)
            if remember and not case.remember_on_this_pc():
                log.info("no usable keyring: the case was not remembered")
            return case

        run_in_background(unlock, self.set_case, window.show_error)

    def change_passphrase(self) -> None:
        window = self._window
        case = window.case
        if case is None:
            return
        dialog = PassphraseChangeDialog(window)
        if dialog.exec() != PassphraseChangeDialog.DialogCode.Accepted:
            return
        old, new = dialog.old.text(), dialog.new.text()
        run_in_background(
            lambda: case.change_passphrase(old, new),
            lambda _none: window.statusBar().showMessage(
                translate("MainWindow", "The case passphrase was changed."), 8000
            ),
            window.show_error,
        )

    def set_case(self, case: Case | None) -> None:
        window = self._window
        if window.case is not None and window.case is not case:
            self._leave_case(window.case)
        window.case = case
        window.timestamper.case = case
        window.auto_capture_on = False
        if case is not None:
            window.statusBar().showMessage(
                translate("MainWindow", "Case {name} is open.").format(name=case.path.name), 5000
            )
            run_in_background(
                lambda: case.metadata().auto_capture,
                functools.partial(self._auto_capture_loaded, case),
                window.show_error,
            )
        self.update_case_state()
        window.caseChanged.emit(case)

    def _leave_case(self, case: Case) -> None:
        """Close the persona tabs, keep their cookies in the case, then close it.

        Personas belong to a case: their tabs and profiles go with it. Saving and
        closing run off the GUI thread; the case is out of reach of the window at once.
        """
        window = self._window
        identities = window.identities
        states = {alias: identities.export_state(alias) for alias in identities.personas()}
        for index in reversed(range(window.tabs.count())):
            tab = window.tabs.widget(index)
            if isinstance(tab, BrowserTab) and tab.persona is not None:
                window.close_tab(index)
        for alias in list(states):
            identities.forget(alias)
        window.persona_bar.set_personas([])

        def save_and_close() -> None:
            try:
                for alias, state in states.items():
                    case.save_persona_state(alias, state)
            finally:
                case.close()

        run_in_background(save_and_close, lambda _none: None, window.show_error)

    def close_case(self) -> None:
        self.locked_path = None
        self.set_case(None)

    def lock_case(self) -> None:
        """Close the case after idle time; its key leaves memory, the panes clear."""
        window = self._window
        if window.case is None:
            return
        self.locked_path = window.case.path
        self.set_case(None)
        window.statusBar().showMessage(
            translate(
                "MainWindow",
                "Case {name} was locked after a period without input. "
                "Case ▸ Unlock case… opens it again.",
            ).format(name=self.locked_path.name)
        )
        self.update_case_state()

    def unlock_case(self) -> None:
        if self.locked_path is not None:
            self.open_case_asking(self.locked_path)

    def set_auto_capture(self, on: bool) -> None:
        """Turn automatic capture on or off for the open case (stored in the case)."""
        window = self._window
        case = window.case
        if case is None:
            return
        window.auto_capture_on = on
        run_in_background(
            lambda: case.update_metadata(auto_capture=on),
            lambda _meta: window.statusBar().showMessage(
                translate("MainWindow", "Automatic capture is on for this case.")
                if on
                else translate("MainWindow", "Automatic capture is off for this case."),
                6000,
            ),
            window.show_error,
        )

    def _auto_capture_loaded(self, case: Case, on: bool) -> None:
        if self._window.case is case:
            self._window.auto_capture_on = on
            self.update_case_state()

    def auto_capture_toggled(self, on: bool) -> None:
        window = self._window
        if window.case is not None and on != window.auto_capture_on:
            self.set_auto_capture(on)

    def update_case_state(self) -> None:
        window = self._window
        has_case = window.case is not None
        window.auto_capture_action.setEnabled(has_case and window.auto_capture is not None)
        window.report_action.setEnabled(has_case)
        with QSignalBlocker(window.auto_capture_action):
            window.auto_capture_action.setChecked(has_case and window.auto_capture_on)
        window.snapshot_action.setEnabled(has_case)
        window.close_case_action.setEnabled(has_case)
        window.new_contact_action.setEnabled(has_case)
        window.passphrase_action.setEnabled(has_case)
        window.lock_case_action.setEnabled(has_case)
        window.unlock_case_action.setEnabled(not has_case and self.locked_path is not None)
        title = f"{window.case.path.name} — {APP_NAME}" if window.case else APP_NAME
        window.setWindowTitle(title)
        window.case_label.setText(
            translate("MainWindow", "Case: {name}").format(name=window.case.path.name)
            if window.case
            else translate("MainWindow", "No case open (Case ▸ New case…)")
        )
