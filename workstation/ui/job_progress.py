"""A strip in the status bar for one long job: what it does, how far it got, and Cancel.

The job runs on a worker thread and reports through a `Progress` (workstation/progress.py);
its reports reach this strip through a queued signal, coalesced so that a job reporting
thousands of steps never floods the GUI thread with events. Cancel calls
`progress.cancel()`: the core stops at its next safe point, and anything waiting for the
GUI thread on the job's behalf (a PDF being printed, a passphrase being asked) is woken
at once through `WatchedProgress.when_cancelled`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QWidget,
)

from workstation.progress import Progress, Reporter
from workstation.ui.i18n import translate
from workstation.ui.workers import run_in_background

BAR_WIDTH = 160
TEXT_WIDTH = 320

T = TypeVar("T")


class WatchedProgress(Progress):
    """A Progress whose cancel also wakes whoever waits for the GUI thread on its behalf."""

    def __init__(self, report: Reporter | None = None) -> None:
        super().__init__(report)
        self._lock = threading.Lock()
        self._watchers: list[Callable[[], None]] = []

    def when_cancelled(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call callback once on cancel (at once if it already happened); returns "forget"."""
        with self._lock:
            already = self.cancelled
            if not already:
                self._watchers.append(callback)
        if already:
            callback()
            return lambda: None

        def forget() -> None:
            with self._lock:
                if callback in self._watchers:
                    self._watchers.remove(callback)

        return forget

    def cancel(self) -> None:
        super().cancel()
        with self._lock:
            watchers, self._watchers = self._watchers, []
        for watcher in watchers:
            watcher()


class _Reports(QObject):
    """Carries a worker's reports to the GUI thread: the latest one wins, one event at a time.

    Parentless and held by the job's reporter, so a worker reporting after the strip is
    gone emits into a connection Qt has already cut rather than into a deleted object.
    """

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._latest: tuple[str, int, int] | None = None

    def report(self, text: str, done: int, total: int) -> None:
        """Called on the worker thread."""
        with self._lock:
            pending = self._latest is not None
            self._latest = (text, done, total)
        if not pending:
            self.changed.emit()

    def take(self) -> tuple[str, int, int] | None:
        with self._lock:
            latest, self._latest = self._latest, None
        return latest


class JobProgress(QWidget):
    """Text, a bar (busy while the end is unknown) and a Cancel button for one job."""

    cancelRequested = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setAccessibleName(translate("JobProgress", "Progress of: {job}").format(job=title))
        self.text = QLabel(title)
        self.text.setMinimumWidth(TEXT_WIDTH // 2)
        self.text.setMaximumWidth(TEXT_WIDTH)
        self.text.setAccessibleName(translate("JobProgress", "What is being done"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the job says how far it is
        self.bar.setFixedWidth(BAR_WIDTH)
        self.bar.setAccessibleName(translate("JobProgress", "How far: {job}").format(job=title))
        self.cancel_button = QPushButton(translate("JobProgress", "Cancel"))
        self.cancel_button.setAccessibleName(
            translate("JobProgress", "Cancel: {job}").format(job=title)
        )
        self.cancel_button.setToolTip(
            translate("JobProgress", "Stop this job; what it started is cleaned up")
        )
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._reports = _Reports()
        self._reports.changed.connect(self._show_latest, Qt.ConnectionType.QueuedConnection)
        self.progress = WatchedProgress(self._reports.report)

    def start(
        self,
        host: QObject | None,
        work: Callable[[WatchedProgress], T],
        on_result: Callable[[T], None],
        on_error: Callable[[str, bool], None],
        *,
        owner: QObject | None = None,
    ) -> None:
        """Show this strip in host's status bar and run work(progress) on a worker thread.

        on_error(message, cancelled) tells a cancel from a failure. The strip goes when
        the job has ended, before the callbacks run.
        """
        bar = status_bar_of(host)
        if bar is not None:
            bar.addPermanentWidget(self)
            self.show()

        def finished(value: Any) -> None:
            self._remove(bar)
            on_result(value)

        def failed(message: str) -> None:
            cancelled = self.progress.cancelled
            self._remove(bar)
            on_error(message, cancelled)

        progress = self.progress
        run_in_background(lambda: work(progress), finished, failed, owner=owner)

    def attach(self, host: QObject | None) -> None:
        """Show this strip in host's status bar, for a job that reports through show_step."""
        bar = status_bar_of(host)
        if bar is not None:
            bar.addPermanentWidget(self)
            self.show()

    def detach(self, host: QObject | None) -> None:
        """The job ended: the strip goes."""
        self._remove(status_bar_of(host))

    def show_step(self, text: str, done: int, total: int) -> None:
        if not self.progress.cancelled:
            self._show(text, done, total)

    def _remove(self, bar: QStatusBar | None) -> None:
        if bar is not None:
            bar.removeWidget(self)
        self.hide()
        self.deleteLater()

    def cancel(self) -> None:
        if self.progress.cancelled:
            return
        self.cancel_button.setEnabled(False)
        self.text.setText(translate("JobProgress", "Cancelling: {job}…").format(job=self.title))
        self.progress.cancel()
        self.cancelRequested.emit()

    @Slot()
    def _show_latest(self) -> None:
        latest = self._reports.take()
        if latest is not None and not self.progress.cancelled:
            self._show(*latest)

    def _show(self, text: str, done: int, total: int) -> None:
        self.text.setText(text)
        self.text.setToolTip(text)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)


def status_bar_of(host: QObject | None) -> QStatusBar | None:
    """The status bar of the main window host is, or belongs to."""
    while host is not None:
        if isinstance(host, QMainWindow):
            return host.statusBar()
        host = host.parent()
    return None


def run_job(
    host: QObject | None,
    title: str,
    work: Callable[[WatchedProgress], T],
    on_result: Callable[[T], None],
    on_error: Callable[[str, bool], None],
    *,
    owner: QObject | None = None,
) -> JobProgress:
    """A strip in host's status bar, running work(progress) on a worker thread."""
    strip = JobProgress(title)
    strip.start(host, work, on_result, on_error, owner=owner)
    return strip
