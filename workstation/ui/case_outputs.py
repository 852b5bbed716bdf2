"""What leaves the case for other people, from the GUI.

- The final report (HTML or PDF): `CaseOutputs`.
- The evidence package and its redacted disclosure copy (package_dialog.py), the
  encrypted case transfer and its import (transfer_dialogs.py), this workstation's keys
  and the address book (keys_dialog.py): their Case-menu actions are made and connected
  by `install_case_output_actions`.

Every long job runs on a worker thread with a progress strip and Cancel in the status bar
(job_progress.py); a PDF is printed by QtWebEngine on the GUI thread through a PdfBridge
while the worker waits, so the window never does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from workstation.browser.pdf_render import screenshot_thumbnail
from workstation.casefile import Case
from workstation.errors import InputError
from workstation.report import build_report, record_report
from workstation.settings import default_officer
from workstation.ui.choice_list import CaseChoices, case_choices
from workstation.ui.i18n import translate
from workstation.ui.job_progress import JobProgress, WatchedProgress, status_bar_of
from workstation.ui.keys_dialog import KeysDialog
from workstation.ui.package_dialog import PackageExport
from workstation.ui.pdf_bridge import PdfBridge
from workstation.ui.report_dialog import ReportDialog
from workstation.ui.transfer_dialogs import TransferExport, TransferImport
from workstation.ui.workers import run_in_background

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

FILE_MODE = 0o600  # the report holds case data


def write_new_file(path: Path, data: bytes) -> None:
    """Write data to a new file at path, owner-only; an existing file is never replaced."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with os.fdopen(os.open(path, flags, FILE_MODE), "wb") as out:
            out.write(data)
    except OSError as exc:
        raise InputError(
            translate("CaseOutputs", "The report could not be written to {path}: {reason}.").format(
                path=path, reason=exc.strerror
            )
        ) from exc


# -- the final report --------------------------------------------------------------------


class CaseOutputs(QObject):
    """Makes the final report of the open case; emits progress, reportWritten(path) or failed.

    Gathering, printing (through a PdfBridge, on the GUI thread) and writing form one job
    on a worker thread, shown with a progress strip and Cancel in the window's status bar.
    """

    progress = Signal(str)
    reportWritten = Signal(str)  # the file's path
    failed = Signal(str)
    cancelled = Signal(str)
    started = Signal(object)  # the JobProgress strip
    dialogShown = Signal(object)  # the ReportDialog

    def __init__(
        self, parent: QObject | None = None, *, officer: Callable[[], str] = default_officer
    ) -> None:
        super().__init__(parent)
        self.running: JobProgress | None = None
        self._officer = officer

    def ask_and_make_report(self, parent: QWidget, case: Case, item_ids: list[int] | None) -> None:
        """Read what the case offers (worker), then the dialog (not blocking); OK makes it."""
        preselected = list(item_ids or [])
        run_in_background(
            lambda: case_choices(case),
            lambda choices: self._show_dialog(parent, case, choices, preselected),
            self.failed.emit,
            owner=self,
        )

    def _show_dialog(
        self, parent: QWidget, case: Case, choices: CaseChoices, preselected: list[int]
    ) -> None:
        dialog = ReportDialog(
            choices,
            preselected=preselected,
            path=Path.home() / f"{case.path.stem}-report.pdf",
            parent=parent,
        )
        dialog.accepted.connect(
            lambda: self.make_report(
                case,
                dialog.path(),
                dialog.item_ids(),
                redact_contacts=dialog.redact_contacts.isChecked(),
                withheld_personas=dialog.withheld(),
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialogShown.emit(dialog)

    def make_report(
        self,
        case: Case,
        path: Path,
        item_ids: list[int] | None,
        *,
        redact_contacts: bool = False,
        withheld_personas: frozenset[str] = frozenset(),
    ) -> None:
        """Write the report of case (the chosen exhibits, or all) to path (.pdf or .html)."""
        suffix = path.suffix.lower()
        if suffix not in {".pdf", ".html"}:
            self.failed.emit(
                translate("CaseOutputs", "The report's file name must end in .pdf or .html.")
            )
            return
        strip = JobProgress(translate("CaseOutputs", "Final report"))
        officer = self._officer()
        bridge = PdfBridge(self, progress=strip.progress) if suffix == ".pdf" else None

        def work(progress: WatchedProgress) -> str:
            progress.step(translate("CaseOutputs", "Gathering the report…"))
            report = build_report(
                case,
                item_ids=item_ids,
                redact_contacts=redact_contacts,
                withheld_personas=withheld_personas,
                thumbnails=screenshot_thumbnail,
                generated_by=officer,
                record_in_audit=False,
            )
            data, kind = report.html, "html"
            if bridge is not None:
                data, kind = bridge.to_pdf(report.html), "pdf"
            progress.step(translate("CaseOutputs", "Writing the report…"))
            write_new_file(path, data)
            record_report(
                case, report, file_sha256=hashlib.sha256(data).hexdigest(), file_format=kind
            )
            return str(path)

        def ended() -> None:
            self.running = None
            if bridge is not None:
                bridge.deleteLater()

        def done(written: str) -> None:
            ended()
            self.reportWritten.emit(written)

        def stopped(message: str, cancelled: bool) -> None:
            ended()
            if cancelled:
                text = translate("CaseOutputs", "The report was cancelled; no file was written.")
                bar = status_bar_of(self.parent())
                if bar is not None:
                    bar.showMessage(text, 10000)
                self.cancelled.emit(text)
            else:
                self.failed.emit(message)

        self.progress.emit(translate("CaseOutputs", "Making the report…"))
        self.running = strip
        strip.start(self.parent(), work, done, stopped, owner=self)
        self.started.emit(strip)


# -- the Case menu's other outputs ----------------------------------------------------------


def _action(
    window: QWidget, text: str, tooltip: str, slot: Callable[[], object], parent: QObject
) -> QAction:
    action = QAction(text, parent)
    action.setToolTip(tooltip)
    action.setStatusTip(tooltip)
    action.setWhatsThis(tooltip)  # a menu item's accessible description
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


class CaseOutputActions(QObject):
    """The Case menu's package, disclosure copy, transfer, import and keys actions."""

    def __init__(self, window: MainWindow, case_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.package = PackageExport(window, self._officer)
        self.transfer_export = TransferExport(window)
        self.transfer_import = TransferImport(
            window,
            officer=self._officer,
            cases_folder=window.cases_folder,
            open_case=window.open_case_asking,
        )
        self.transfer_import.caseContentChanged.connect(self._reload_panes)
        self.keys_dialog: KeysDialog | None = None
        self.package_action = _action(
            window,
            translate("CaseOutputs", "Export evidence package…"),
            translate(
                "CaseOutputs",
                "The package for a court or the requesting unit: the exhibits selected in "
                "the case explorer (or all), report, audit log, verifier",
            ),
            self.export_package,
            self,
        )
        self.disclosure_action = _action(
            window,
            translate("CaseOutputs", "Export redacted disclosure copy…"),
            translate(
                "CaseOutputs",
                "The package without the contact log's content, chosen personas or exhibits",
            ),
            self.export_disclosure,
            self,
        )
        self.transfer_action = _action(
            window,
            translate("CaseOutputs", "Export encrypted case transfer…"),
            translate(
                "CaseOutputs",
                "The case (or chosen parts), signed and encrypted for partner workstations",
            ),
            self.export_transfer,
            self,
        )
        self.import_action = _action(
            window,
            translate("CaseOutputs", "Import case transfer…"),
            translate(
                "CaseOutputs",
                "Verify a transfer completely, then add it to the open case or a new one",
            ),
            self.import_transfer,
            self,
        )
        self.keys_action = _action(
            window,
            translate("CaseOutputs", "Keys and address book…"),
            translate(
                "CaseOutputs",
                "This workstation's fingerprint and key card, and the partner workstations",
            ),
            self.show_keys,
            self,
        )
        case_menu.addSeparator()
        for action in (self.package_action, self.disclosure_action):
            case_menu.addAction(action)
        case_menu.addSeparator()
        for action in (self.transfer_action, self.import_action, self.keys_action):
            case_menu.addAction(action)
        window.caseChanged.connect(self.case_changed)
        self.case_changed(window.case)

    def case_changed(self, case: Case | None) -> None:
        for action in (self.package_action, self.disclosure_action, self.transfer_action):
            action.setEnabled(case is not None)

    def _officer(self) -> str:
        return self.window.settings.officer or default_officer()

    def _selected(self) -> list[int]:
        return [row.item_id for row in self.window.explorer.selected_exhibits()]

    def export_package(self) -> None:
        if self.window.case is not None:
            self.package.ask(self.window.case, self._selected(), redacted=False)

    def export_disclosure(self) -> None:
        if self.window.case is not None:
            self.package.ask(self.window.case, self._selected(), redacted=True)

    def export_transfer(self) -> None:
        if self.window.case is not None:
            self.transfer_export.ask(self.window.case, self._selected())

    def import_transfer(self) -> None:
        self.transfer_import.ask(self.window.case)

    def show_keys(self) -> KeysDialog:
        """The keys and address book, beside the window (not modal); one at a time."""
        if self.keys_dialog is None:
            dialog = KeysDialog(self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(self._keys_dialog_gone)
            self.keys_dialog = dialog
        else:
            self.keys_dialog.reload()
        self.keys_dialog.show()
        self.keys_dialog.raise_()
        return self.keys_dialog

    def _keys_dialog_gone(self) -> None:
        self.keys_dialog = None

    def _reload_panes(self) -> None:
        for pane in (self.window.explorer, self.window.persona_pane, self.window.contact_pane):
            pane.reload()


def install_case_output_actions(window: MainWindow, case_menu: QMenu) -> CaseOutputActions:
    """Make the package, disclosure copy, transfer, import and keys actions in case_menu.

    They enable themselves as the window's case opens and closes (caseChanged).
    """
    return CaseOutputActions(window, case_menu)
