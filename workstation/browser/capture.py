"""Headless capture of URLs for the command line: load, snapshot, seal, next.

Uses the same profile, page and SnapshotJob as the GUI, in an offscreen view,
driven by the Qt event loop; sealing runs in a worker thread.
"""

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo
from PySide6.QtWebEngineWidgets import QWebEngineView

from workstation.browser.loading import failure_message, site_http_status
from workstation.browser.page import WorkstationPage
from workstation.browser.profile import off_the_record_profile
from workstation.browser.snapshot import SnapshotJob, png_bytes
from workstation.canonjson import JsonValue
from workstation.evidence.snapshot import (
    CapturedPage,
    EvidenceSink,
    SealContext,
    SealedExhibit,
    seal_page,
)
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

LOAD_TIMEOUT_MS = 60000
VIEWPORT = (1280, 900)


@dataclass(frozen=True)
class CaptureOutcome:
    url: str
    exhibit: SealedExhibit | None
    error: str = ""
    timestamp: dict[str, JsonValue] | None = None


class BatchCapture(QObject):
    """Captures URLs one after another; emits done(list[CaptureOutcome])."""

    done = Signal(list)

    def __init__(
        self,
        urls: list[str],
        sink: EvidenceSink,
        context: SealContext,
        parent: QObject | None = None,
        *,
        exit_identity: Callable[[], dict[str, JsonValue]] | None = None,
        after_seal: Callable[[SealedExhibit], dict[str, JsonValue]] | None = None,
        recorded: Callable[[CapturedPage], CapturedPage] | None = None,
        explain_failure: Callable[[str], str | None] | None = None,
        load_timeout_ms: int = LOAD_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self._urls = list(urls)
        self._sink = sink
        self._context = context
        self._exit_identity = exit_identity
        self._after_seal = after_seal
        self._recorded = recorded  # adds the page's recorded traffic (WARC) before sealing
        # Given the URL that failed to load, the route's own account of why (or None).
        self._explain_failure = explain_failure
        self._outcomes: list[CaptureOutcome] = []
        self.profile = off_the_record_profile(self)
        self.profile.downloadRequested.connect(
            lambda request: None if request.isSavePageDownload() else request.cancel()
        )
        self._view: QWebEngineView | None = None
        self._current = ""
        self._failure = ""
        self._capturing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._load_timeout_ms = load_timeout_ms
        self._timer.timeout.connect(self._load_timed_out)

    def start(self) -> None:
        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        self._dispose_view()
        if not self._urls:
            self.done.emit(self._outcomes)
            return
        self._current = self._urls.pop(0)
        self._failure = ""
        self._capturing = False
        view = QWebEngineView()
        page = WorkstationPage(self.profile, view)
        view.setPage(page)
        view.resize(*VIEWPORT)
        view.show()
        page.loadingChanged.connect(self._loading_changed)
        self._view = view
        self._timer.start(self._load_timeout_ms)
        view.load(QUrl.fromUserInput(self._current))

    def _loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus or self._capturing:
            return  # once capturing, the snapshot job watches the page itself
        self._timer.stop()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            self._snapshot(None)
            return
        http_status = site_http_status(info)
        if http_status is not None:
            # The site's own error page is evidence too (a shop taken down).
            self._snapshot(http_status)
            return
        message = failure_message(info)
        if self._explain_failure is not None:
            message = self._explain_failure(self._current) or message
        self._record_error(message)

    def _load_timed_out(self) -> None:
        """A page that never finishes loading is captured as it stands, labelled partial."""
        assert self._view is not None
        seconds = self._load_timeout_ms / 1000
        self._view.stop()
        self._snapshot(
            None,
            warnings=[f"the page had not finished loading after {seconds:g} s; captured as it was"],
            still_loading=True,
        )

    def _snapshot(
        self,
        site_status: int | None,
        warnings: list[str] | None = None,
        *,
        still_loading: bool = False,
    ) -> None:
        assert self._view is not None
        self._capturing = True
        job = SnapshotJob(
            self._view,
            self._current,
            site_status=site_status,
            warnings=warnings,
            still_loading=still_loading,
            parent=self,
        )
        job.finished.connect(self._seal)
        job.failed.connect(self._record_error)
        job.start()

    def _seal(self, page: CapturedPage, image: QImage) -> None:
        sink, context, url = self._sink, self._context, self._current
        learn_exit, after_seal, recorded = self._exit_identity, self._after_seal, self._recorded

        def seal() -> CaptureOutcome:
            full = dataclasses.replace(page, screenshot_png=png_bytes(image))
            if recorded is not None:
                full = recorded(full)
            extra = {"exit": learn_exit()} if learn_exit is not None else {}
            exhibit = seal_page(sink, full, context.with_extra(**extra))
            stamped = after_seal(exhibit) if after_seal is not None else None
            return CaptureOutcome(url, exhibit, timestamp=stamped)

        run_in_background(seal, self._record, self._record_error)

    def _dispose_view(self) -> None:
        # Deleted at once, not later: the profile must never outlive a page
        # (Qt aborts on that), and no event loop may run after the last URL.
        if self._view is not None:
            shiboken6.delete(self._view)
            self._view = None

    def _record(self, outcome: CaptureOutcome) -> None:
        self._outcomes.append(outcome)
        QTimer.singleShot(0, self._next)  # leave the signal that brought us here first

    def _record_error(self, message: str) -> None:
        self._timer.stop()
        self._outcomes.append(CaptureOutcome(self._current, None, message))
        QTimer.singleShot(0, self._next)


def run_batch(batch: BatchCapture, exec_loop: Callable[[], Any]) -> list[CaptureOutcome]:
    """Run a batch to completion on the given event loop runner."""
    results: list[CaptureOutcome] = []

    def finished(outcomes: list[CaptureOutcome]) -> None:
        results.extend(outcomes)
        from PySide6.QtCore import QCoreApplication  # noqa: PLC0415

        QCoreApplication.quit()

    batch.done.connect(finished)
    batch.start()
    exec_loop()
    return results
