"""A snapshot that takes a while (a tall page, a slow PDF print) shows how far it got,
with Cancel, in the status bar; a quick one (most pages) never flashes a bar."""

from PySide6.QtCore import QObject, QTimer

from workstation.browser.snapshot import SnapshotJob
from workstation.ui.i18n import translate
from workstation.ui.job_progress import JobProgress

SHOW_AFTER_MS = 400


def stage_text(stage: str) -> str:
    """The officer's words for a SnapshotJob stage."""
    texts = {
        "walk": translate("SnapshotProgress", "Scrolling through the page…"),
        "screenshot": translate("SnapshotProgress", "Taking the screenshot…"),
        "dom": translate("SnapshotProgress", "Saving the page's HTML…"),
        "text": translate("SnapshotProgress", "Saving the visible text…"),
        "pdf": translate("SnapshotProgress", "Printing the page to PDF…"),
        "mhtml": translate("SnapshotProgress", "Saving the page as MHTML…"),
        "finishing": translate("SnapshotProgress", "Finishing the snapshot…"),
    }
    return texts.get(stage, translate("SnapshotProgress", "Taking a snapshot…"))


class SnapshotProgress(QObject):
    """Follows one SnapshotJob: a strip with its stage and Cancel once it runs long."""

    def __init__(self, job: SnapshotJob, host: QObject) -> None:
        super().__init__(host)
        self._host = host
        self.strip = JobProgress(translate("SnapshotProgress", "Snapshot"))
        self.strip.cancelRequested.connect(job.cancel)
        self._latest = (stage_text(""), 0, 0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show)
        self._timer.start(SHOW_AFTER_MS)
        self._shown = False
        job.progressed.connect(self._progressed)
        job.finished.connect(self._ended)
        job.failed.connect(self._ended)

    @property
    def cancelled(self) -> bool:
        return self.strip.progress.cancelled

    @property
    def shown(self) -> bool:
        return self._shown

    def _progressed(self, stage: str, done: int, total: int) -> None:
        self._latest = (stage_text(stage), done, total)
        if self._shown:
            self.strip.show_step(*self._latest)

    def _show(self) -> None:
        self._shown = True
        self.strip.attach(self._host)
        self.strip.show_step(*self._latest)

    def _ended(self) -> None:
        self._timer.stop()
        if self._shown:
            self.strip.detach(self._host)
        else:
            self.strip.deleteLater()
        self._shown = False
