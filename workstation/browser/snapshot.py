"""One-click snapshot of a browser view: full-page PNG, DOM HTML and MHTML.

Everything runs asynchronously on the GUI thread's event loop (QtWebEngine
demands it) and ends in `finished(CapturedPage)` or `failed(str)`; the PNG is
encoded and the exhibit sealed in a worker thread by the caller. Nothing is
written to persistent storage: MHTML, which Qt only saves to a path, goes to a
memory-backed directory and is deleted as soon as it has been read.
"""

import contextlib
import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QImage, QImageWriter
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEngineScript,
    qWebEngineChromiumVersion,
    qWebEngineVersion,
)
from PySide6.QtWebEngineWidgets import QWebEngineView

from workstation.browser.page import WorkstationPage
from workstation.evidence.snapshot import CapturedPage
from workstation.paths import volatile_dir

log = logging.getLogger(__name__)

# Taller pages are clipped (and the exhibit says so); tiling comes with the
# full evidence capture.
MAX_CAPTURE_HEIGHT = 30000
SNAPSHOT_TIMEOUT_MS = 60000
STABLE_GRAB_ATTEMPTS = 5

_MEASURE_JS = """(function() {
  var root = document.documentElement, body = document.body || root;
  return JSON.stringify({
    width: Math.max(root.scrollWidth, body.scrollWidth),
    height: Math.max(root.scrollHeight, body.scrollHeight),
    ua: navigator.userAgent
  });
})()"""

# Waits until the viewport has the requested height, then lets the renderer
# produce a few frames and reports with the token.
_FRAMES_JS = """(function(token, height, frames) {
  function after(n) {
    if (n <= 0) { console.log(token + " " + window.innerHeight); return; }
    requestAnimationFrame(function() { after(n - 1); });
  }
  function wait() {
    if (window.innerHeight >= height) { after(frames); } else { requestAnimationFrame(wait); }
  }
  window.scrollTo(0, 0);
  wait();
})(%s, %d, %d)"""


class CaptureSurface(Protocol):
    """Where the view lives; lets it be resized beyond the window during capture."""

    def enter_capture_mode(self) -> None: ...
    def leave_capture_mode(self) -> None: ...


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def png_bytes(image: QImage) -> bytes:
    """Encode a QImage as PNG in memory (safe in a worker thread)."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"the screenshot could not be encoded as PNG: {writer.errorString()}")
    buffer.close()
    return bytes(array.data())


class SnapshotJob(QObject):
    """Captures the page shown in a view. Emits exactly one of finished / failed."""

    finished = Signal(object, object)  # CapturedPage without PNG, QImage to encode
    failed = Signal(str)

    def __init__(
        self,
        view: QWebEngineView,
        requested_url: str,
        surface: CaptureSurface | None = None,
        site_status: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._view = view
        page = view.page()
        if not isinstance(page, WorkstationPage):
            raise TypeError("snapshots need a WorkstationPage")
        self._page: WorkstationPage = page
        self._requested_url = requested_url
        self._surface = surface
        self._done = False
        self._original_size = view.size()
        self._started = now_utc()
        self._warnings: list[str] = []
        self._site_status = site_status
        self._measure: dict[str, Any] = {}
        self._image: QImage | None = None
        self._dom: bytes = b""
        self._token = ""
        self._attempts = 0
        self._mhtml_path: Path | None = None
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(
            lambda: self._fail("the page did not finish rendering in time")
        )

    # -- steps, in order -------------------------------------------------

    def start(self) -> None:
        self._timeout.start(SNAPSHOT_TIMEOUT_MS)
        self._page.tokenSeen.connect(self._on_token)
        self._page.runJavaScript(
            _MEASURE_JS, QWebEngineScript.ScriptWorldId.ApplicationWorld, self._measured
        )

    def _measured(self, result: Any) -> None:
        log.debug("snapshot: measured %s", result)
        if self._done:
            return
        try:
            self._measure = json.loads(result)
            width = int(self._measure["width"])
            height = int(self._measure["height"])
        except (TypeError, ValueError, KeyError):
            self._fail("the page could not be measured (is it still loading?)")
            return
        if height > MAX_CAPTURE_HEIGHT:
            self._warnings.append(
                f"page is {height} px tall; the screenshot shows the first {MAX_CAPTURE_HEIGHT} px"
            )
            height = MAX_CAPTURE_HEIGHT
        target = QSize(max(self._original_size.width(), min(width, 4096)), max(height, 1))
        if self._surface is not None:
            self._surface.enter_capture_mode()
        self._view.resize(target)
        self._wait_for_frames(target.height(), frames=3)

    def _wait_for_frames(self, height: int, frames: int) -> None:
        self._token = self._page.new_token()
        script = _FRAMES_JS % (json.dumps(self._token), height, frames)
        self._page.runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld)

    def _on_token(self, token: str, _payload: str) -> None:
        if self._done or token != self._token:
            return
        image = self._view.grab().toImage()
        self._attempts += 1
        log.debug("snapshot: grab %d at %dx%d", self._attempts, image.width(), image.height())
        # Two equal grabs a few frames apart mean the renderer has caught up.
        if self._image is not None and image == self._image:
            self._grabbed(image)
            return
        if self._attempts >= STABLE_GRAB_ATTEMPTS:
            self._warnings.append("the page kept changing while the screenshot was taken")
            self._grabbed(image)
            return
        self._image = image
        self._wait_for_frames(self._view.height(), frames=2)

    def _grabbed(self, image: QImage) -> None:
        self._image = image
        self._restore_view()
        self._page.toHtml(self._got_dom)

    def _got_dom(self, html: str) -> None:
        log.debug("snapshot: DOM of %d characters", len(html))
        if self._done:
            return
        self._dom = html.encode("utf-8")
        self._save_mhtml()

    def _save_mhtml(self) -> None:
        try:
            directory = volatile_dir()
        except OSError as exc:
            self._warnings.append(f"MHTML not saved: {exc}")
            self._complete(None)
            return
        self._mhtml_path = directory / f"snapshot-{os.getpid()}-{id(self)}.mhtml"
        self._page.profile().downloadRequested.connect(self._on_download)
        self._page.save(
            str(self._mhtml_path), QWebEngineDownloadRequest.SavePageFormat.MimeHtmlSaveFormat
        )

    def _on_download(self, request: QWebEngineDownloadRequest) -> None:
        if not request.isSavePageDownload() or self._mhtml_path is None:
            return
        if Path(request.downloadDirectory(), request.downloadFileName()) != self._mhtml_path:
            return
        request.isFinishedChanged.connect(lambda: self._mhtml_finished(request))

    def _mhtml_finished(self, request: QWebEngineDownloadRequest) -> None:
        log.debug("snapshot: MHTML save ended in state %s", request.state().name)
        if self._done or self._mhtml_path is None:
            return
        data: bytes | None = None
        if request.state() == QWebEngineDownloadRequest.DownloadState.DownloadCompleted:
            data = self._mhtml_path.read_bytes()
        else:
            self._warnings.append("MHTML could not be saved: " + request.interruptReasonString())
        self._complete(data)

    def _complete(self, mhtml: bytes | None) -> None:
        self._discard_mhtml_file()
        assert self._image is not None
        size = self._image.size()
        page = CapturedPage(
            requested_url=self._requested_url,
            final_url=self._page.url().toString(),
            title=self._page.title(),
            started_utc=self._started,
            finished_utc=now_utc(),
            screenshot_png=b"",
            mhtml=mhtml,
            dom_html=self._dom,
            viewport=(self._original_size.width(), self._original_size.height()),
            page_size=(
                int(self._measure.get("width", size.width())),
                int(self._measure.get("height", size.height())),
            ),
            user_agent=str(self._measure.get("ua", "")),
            engine={
                "qtwebengine": str(qWebEngineVersion()),
                "chromium": str(qWebEngineChromiumVersion()),
            },
            warnings=tuple(self._warnings),
            site_error_status=self._site_status,
        )
        self._finish(lambda: self.finished.emit(page, self._image))

    # -- endings ---------------------------------------------------------

    def _fail(self, reason: str) -> None:
        if self._done:
            return
        self._restore_view()
        self._discard_mhtml_file()
        self._finish(lambda: self.failed.emit(reason))

    def _finish(self, emit: Callable[[], None]) -> None:
        self._done = True
        self._timeout.stop()
        for signal, slot in (
            (self._page.tokenSeen, self._on_token),
            (self._page.profile().downloadRequested, self._on_download),
        ):
            with contextlib.suppress(RuntimeError, TypeError):  # never connected
                signal.disconnect(slot)
        emit()

    def _restore_view(self) -> None:
        self._view.resize(self._original_size)
        if self._surface is not None:
            self._surface.leave_capture_mode()

    def _discard_mhtml_file(self) -> None:
        if self._mhtml_path is not None:
            self._mhtml_path.unlink(missing_ok=True)
