"""What leaves the case for other people, from the GUI: the final report (HTML or PDF).

Gathering runs on a worker thread (it reads the case), the PDF is printed by QtWebEngine
without blocking the window (PdfRender), and the file is written and recorded in the
audit log on a worker thread again. Progress and errors go to the status bar.
"""

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from workstation.browser.pdf_render import PdfRender, screenshot_thumbnail
from workstation.casefile import Case
from workstation.errors import InputError
from workstation.report import Report, build_report, record_report
from workstation.ui.workers import run_in_background

FILE_MODE = 0o600  # the report holds case data


def write_new_file(path: Path, data: bytes) -> None:
    """Write data to path, replacing what the officer chose to replace, owner-only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        with os.fdopen(os.open(path, flags, FILE_MODE), "wb") as out:
            out.write(data)
    except OSError as exc:
        raise InputError(f"The report could not be written to {path}: {exc.strerror}.") from exc


class CaseOutputs(QObject):
    """Makes the final report of the open case; emits progress, done(path) or failed."""

    progress = Signal(str)
    reportWritten = Signal(str)  # the file's path
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._render: PdfRender | None = None

    def ask_and_make_report(self, parent: QWidget, case: Case, item_ids: list[int] | None) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            parent, "Final report", str(Path.home() / "report.pdf"), "PDF (*.pdf);;HTML (*.html)"
        )
        if path:
            self.make_report(case, Path(path), item_ids)

    def make_report(self, case: Case, path: Path, item_ids: list[int] | None) -> None:
        """Write the report of case (the chosen exhibits, or all) to path (.pdf or .html)."""
        suffix = path.suffix.lower()
        if suffix not in {".pdf", ".html"}:
            self.failed.emit("The report's file name must end in .pdf or .html.")
            return
        self.progress.emit("Gathering the report…")

        def gather() -> Report:
            return build_report(
                case, item_ids=item_ids, thumbnails=screenshot_thumbnail, record_in_audit=False
            )

        def gathered(report: Report) -> None:
            if suffix == ".html":
                self._deliver(case, path, report, report.html, "html")
                return
            self.progress.emit("Printing the report to PDF…")
            self._render = PdfRender(
                report.html,
                lambda pdf: self._deliver(case, path, report, pdf, "pdf"),
                self._render_failed,
            )
            self._render.start()

        run_in_background(gather, gathered, self.failed.emit, owner=self)

    def _render_failed(self, reason: str) -> None:
        self._render = None
        self.failed.emit(f"The report could not be printed to PDF: {reason}")

    def _deliver(self, case: Case, path: Path, report: Report, data: bytes, kind: str) -> None:
        self._render = None

        def write() -> str:
            write_new_file(path, data)
            record_report(
                case, report, file_sha256=hashlib.sha256(data).hexdigest(), file_format=kind
            )
            return str(path)

        run_in_background(write, self.reportWritten.emit, self.failed.emit, owner=self)
