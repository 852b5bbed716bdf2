"""What the Case menu's long jobs (package, transfer, import) share: the window they
report to, a status line, the non-modal result panel, and how a stopped job is told."""

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from workstation.ui.i18n import translate
from workstation.ui.job_progress import JobProgress, status_bar_of
from workstation.ui.result_panel import ResultPanel, show_result

STATUS_MS = 15000


class OutputJob(QObject):
    """Base of the controllers that ask, run a job on a worker and show its result."""

    started = Signal(object)  # the JobProgress strip
    failed = Signal(str)
    cancelled = Signal(str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.last_panel: ResultPanel | None = None
        self.running: JobProgress | None = None

    def _status(self, text: str) -> None:
        bar = status_bar_of(self._window)
        if bar is not None:
            bar.showMessage(text, STATUS_MS)

    def _panel(
        self,
        title: str,
        heading: str,
        details: str,
        *,
        problem: bool = False,
        actions: Sequence[tuple[str, Callable[[], None]]] = (),
    ) -> ResultPanel:
        self.last_panel = show_result(
            self._window, title, heading, details, problem=problem, actions=actions
        )
        return self.last_panel

    def _stopped(self, title: str, message: str, cancelled: bool) -> None:
        """A cancel is routine (a status line); a failure gets the panel with its reason."""
        if cancelled:
            text = translate("OutputJob", "{job} cancelled; nothing was kept.").format(job=title)
            self._status(text)
            self.cancelled.emit(text)
            return
        self._status(message)
        self._panel(
            title,
            translate("OutputJob", "{job} did not finish; nothing usable was kept.").format(
                job=title
            ),
            message,
            problem=True,
        )
        self.failed.emit(message)
