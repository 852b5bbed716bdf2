"""Downloads become evidence: a file a page hands the browser is sealed into the case.

The file is received into the workstation's memory-backed folder (never persistent
storage), read back at once, deleted, and sealed with its source URL and hash. Without
an open case, or without memory-backed storage, the download is refused and the
officer told why. Downloads larger than the limit are stopped and sealed as partial.
"""

import dataclasses
import logging
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineDownloadRequest, QWebEngineProfile

from workstation.casefile import Case
from workstation.errors import CaptureError
from workstation.evidence.snapshot import SealContext, SealedExhibit
from workstation.evidence.visit import Download, seal_download
from workstation.paths import volatile_dir
from workstation.route.recording import utc_now
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024
State = QWebEngineDownloadRequest.DownloadState


class DownloadKeeper(QObject):
    """Accepts downloads into the open case as evidence; refuses them otherwise."""

    sealed = Signal(object)  # SealedExhibit
    refused = Signal(str)  # why, for the officer
    failed = Signal(str)

    def __init__(
        self,
        case: Callable[[], Case | None],
        context: Callable[[str | None], SealContext],
        parent: QObject | None = None,
        *,
        limit_bytes: int = MAX_DOWNLOAD_BYTES,
    ) -> None:
        super().__init__(parent)
        self._case = case
        self._context = context
        self._limit = limit_bytes
        self._started: dict[int, str] = {}

    def watch(self, profile: QWebEngineProfile, persona: str | None) -> None:
        profile.downloadRequested.connect(lambda request: self._requested(request, persona))

    def _requested(self, request: QWebEngineDownloadRequest, persona: str | None) -> None:
        if request.isSavePageDownload():
            return  # the snapshot's own MHTML
        host = request.url().host()
        if self._case() is None:
            request.cancel()
            log.info("refused a download from %s: no case is open", host)
            self.refused.emit(
                QCoreApplication.translate(
                    "Downloads", "A page offered a file; open a case to keep downloads as evidence."
                )
            )
            return
        try:
            folder = volatile_dir() / f"download-{secrets.token_hex(8)}"
            folder.mkdir(mode=0o700)
        except OSError:
            request.cancel()
            self.refused.emit(
                QCoreApplication.translate(
                    "Downloads",
                    "A page offered a file, but this PC has no memory-backed storage to receive "
                    "it without writing to disk; it was refused.",
                )
            )
            return
        request.setDownloadDirectory(str(folder))
        request.setDownloadFileName("incoming")
        started = utc_now()
        request.receivedBytesChanged.connect(lambda: self._check_size(request))
        request.isFinishedChanged.connect(lambda: self._finished(request, folder, persona, started))
        request.accept()

    def _check_size(self, request: QWebEngineDownloadRequest) -> None:
        if request.receivedBytes() > self._limit and not request.isFinished():
            log.info("stopped a download beyond %d bytes", self._limit)
            request.cancel()

    def _finished(
        self, request: QWebEngineDownloadRequest, folder: Path, persona: str | None, started: str
    ) -> None:
        if not request.isFinished():
            return
        complete = request.state() == State.DownloadCompleted
        warnings: tuple[str, ...] = ()
        if not complete:
            warnings = (f"the download did not complete ({request.interruptReasonString()})",)
        case = self._case()
        if case is None:
            shutil.rmtree(folder, ignore_errors=True)
            self.failed.emit(
                QCoreApplication.translate(
                    "Downloads", "A download arrived after the case was closed; it was not kept."
                )
            )
            return
        # What Qt knows is read here; the file (up to the limit) is read on the worker.
        page = request.page()
        facts = Download(
            source_url=request.url().toString(),
            page_url=page.url().toString() if page is not None else "",
            suggested_name=request.suggestedFileName() or request.downloadFileName(),
            media_type=request.mimeType() or "application/octet-stream",
            data=b"",
            started_utc=started,
            finished_utc=utc_now(),
            complete=complete,
            warnings=warnings,
        )
        context = self._context(persona)

        def seal() -> SealedExhibit:
            path = folder / "incoming"
            try:
                data = path.read_bytes() if path.exists() else b""
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            if not data and not complete:
                raise DownloadNotKept(
                    "A download could not be kept: " + ", ".join(warnings or ("empty",))
                )
            return seal_download(case, dataclasses.replace(facts, data=data), context)

        run_in_background(seal, self.sealed.emit, self.failed.emit, owner=self)


class DownloadNotKept(CaptureError):
    """Nothing of a download arrived to be sealed."""
