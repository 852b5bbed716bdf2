"""One-click snapshot of a browser view.

Takes, in order: a walk down the page so lazy content loads, a full-page PNG,
the rendered DOM, the visible text, a PDF print and MHTML; with the navigation
chain and the response headers the page kept. Everything runs asynchronously
on the GUI thread's event loop (QtWebEngine demands it) and ends in exactly one
of `finished(CapturedPage, QImage)` or `failed(str)`; PNG encoding and sealing
happen in a worker thread afterwards. Nothing reaches persistent storage: MHTML,
which Qt only saves to a path, goes to a memory-backed folder and is deleted as
soon as it has been read.

Waiting is always on an event: our scripts run in the ApplicationWorld (the
page's scripts cannot see them) and report through a console token.
"""

import contextlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QSize,
    QTimer,
    Signal,
)
from PySide6.QtGui import QImage, QImageWriter, QPainter
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
from workstation.settings import DEFAULT_CAPTURE_HEIGHT

log = logging.getLogger(__name__)

# Up to this height the view is resized to the whole page and grabbed at once; taller
# pages (beyond what a GPU texture holds) are grabbed in tiles and stitched.
SINGLE_GRAB_HEIGHT = 16000
TILE_HEIGHT = 8000
# Frames to let the compositor raster a freshly scrolled tile before grabbing it; a tile
# grabbed too early shows white where raster tiles are still missing.
TILE_SETTLE_FRAMES = 3
# Taller pages are clipped at this height and the exhibit says so (the PNG alone would
# take hundreds of megabytes).
MAX_CAPTURE_HEIGHT = DEFAULT_CAPTURE_HEIGHT  # the unit may set another (Settings)
MAX_CAPTURE_WIDTH = 4096
SNAPSHOT_TIMEOUT_MS = 90000
STABLE_GRAB_ATTEMPTS = 5
WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld

_MEASURE_JS = """(function() {
  var root = document.documentElement, body = document.body || root;
  return JSON.stringify({
    width: Math.max(root.scrollWidth, body.scrollWidth),
    height: Math.max(root.scrollHeight, body.scrollHeight),
    ua: navigator.userAgent
  });
})()"""

# Walks down the page a screen at a time so lazy images and infinite lists load,
# waits (in the page, bounded) for images to finish, returns to the top, reports.
_WALK_JS = """(function(token, maxSteps, imageWaitMs) {
  var steps = 0;
  function frames(n, then) { if (n <= 0) { then(); return; }
    requestAnimationFrame(function() { frames(n - 1, then); }); }
  function imagesDone() { return Array.prototype.every.call(document.images,
    function(img) { return img.complete; }); }
  function finish(waited) {
    if (!imagesDone() && waited < imageWaitMs) {
      setTimeout(function() { finish(waited + 50); }, 50); return; }
    window.scrollTo(0, 0);
    frames(2, function() { console.log(token + " " + steps); });
  }
  function step() {
    var bottom = window.scrollY + window.innerHeight;
    var height = document.documentElement.scrollHeight;
    if (bottom >= height - 1 || steps >= maxSteps) { finish(0); return; }
    steps += 1;
    window.scrollBy(0, window.innerHeight);
    frames(2, step);
  }
  step();
})(%s, %d, %d)"""

# Waits until the viewport has the requested height, then lets the renderer
# produce a few frames and reports.
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


# Lets the renderer produce a few frames where the page is, without scrolling it.
_SETTLE_JS = """(function(token, frames) {
  function after(n) {
    if (n <= 0) { console.log(token + " " + window.innerHeight); return; }
    requestAnimationFrame(function() { after(n - 1); });
  }
  after(frames);
})(%s, %d)"""

# Recorded in the manifest when only the visible part was photographed.
VISIBLE_PART_NOTE = (
    "the screenshot shows only what was on screen (capture setting: visible part, nothing "
    "scrolled); the DOM, text, PDF and MHTML hold the whole page"
)


@dataclass(frozen=True)
class CaptureOptions:
    """How a snapshot photographs the page: the unit's capture settings.

    whole_page scrolls through the page once (lazily loaded parts appear) and takes all
    of it, up to max_height pixels; otherwise only what is on screen is taken and
    nothing is scrolled, for pages where scrolling changes something (a chat that marks
    messages read, a feed that loads more).
    """

    whole_page: bool = True
    max_height: int = MAX_CAPTURE_HEIGHT


# Waits until the viewport is a tile high, scrolls to the tile's top, lets the renderer
# produce a few frames and reports where the page really scrolled to (the last tile
# is clamped to the page's end).
_TILE_JS = """(function(token, tileHeight, top, frames) {
  function after(n) {
    if (n <= 0) { console.log(token + " " + Math.round(window.scrollY)); return; }
    requestAnimationFrame(function() { after(n - 1); });
  }
  function wait() {
    if (window.innerHeight >= tileHeight) { window.scrollTo(0, top); after(frames); }
    else { requestAnimationFrame(wait); }
  }
  wait();
})(%s, %d, %d, %d)"""


_DOM_JS = """(function() {
  var doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "";
  return doctype + document.documentElement.outerHTML;
})()"""
_TEXT_JS = "document.body ? document.body.innerText : ''"


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


# What each step does, as a key the window turns into words (in the officer's language).
STAGES = {
    "_walk_page": "walk",  # scrolling through once, so lazily loaded parts appear
    "_measure_page": "screenshot",
    "_take_dom": "dom",
    "_take_text": "text",
    "_take_pdf": "pdf",
    "_take_mhtml": "mhtml",
    "_complete": "finishing",
}


class _Tiles:
    """A tall page's screenshot, painted tile by tile at the offsets the page scrolled to."""

    def __init__(self, canvas: QImage) -> None:
        self.canvas = canvas
        self.next_top = 0
        self.count = 0
        self.unsettled = 0

    def paint(self, tile: QImage, top: int) -> bool:
        """Paint tile at top; True while more of the page remains below it."""
        painter = QPainter(self.canvas)
        painter.drawImage(0, top, tile)
        painter.end()
        self.count += 1
        bottom = top + tile.height()
        if bottom >= self.canvas.height() or top < self.next_top:
            return False  # the page's end (the browser clamps the last scroll)
        self.next_top = bottom
        return True

    def warnings(self) -> list[str]:
        notes = []
        if self.unsettled:
            notes.append(f"{self.unsettled} tile(s) kept changing while they were taken")
        return notes


class SnapshotJob(QObject):
    """Captures the page shown in a view. Emits exactly one of finished / failed."""

    finished = Signal(object, object)  # CapturedPage without PNG bytes, QImage to encode
    failed = Signal(str)
    # stage (a key of STAGES), units done, units in all: for a progress bar while it runs
    progressed = Signal(str, int, int)

    def __init__(
        self,
        view: QWebEngineView,
        requested_url: str,
        *,
        surface: CaptureSurface | None = None,
        site_status: int | None = None,
        parent: QObject | None = None,
        warnings: list[str] | None = None,
        still_loading: bool = False,
        options: CaptureOptions | None = None,
    ) -> None:
        super().__init__(parent)
        page = view.page()
        self._options = options or CaptureOptions()
        # Qt's toHtml/toPlainText give an empty document while a page is still loading, so
        # a page captured mid-load is read through a script instead.
        self._still_loading = still_loading
        if not isinstance(page, WorkstationPage):
            raise TypeError("snapshots need a WorkstationPage")
        self._view = view
        self._page: WorkstationPage = page
        self._requested_url = requested_url
        self._surface = surface
        self._site_status = site_status
        self._original_size = view.size()
        self._started = now_utc()
        self._done = False
        self._warnings: list[str] = list(warnings or [])
        self._measure: dict[str, Any] = {}
        self._image: QImage | None = None
        self._attempts = 0
        self._tiles: _Tiles | None = None
        self._artifacts: dict[str, bytes | None] = {}
        self._token = ""
        self._on_token_step: Callable[[str], None] | None = None
        self._mhtml_path: Path | None = None
        self._steps: list[Callable[[], None]] = [
            *([self._walk_page] if self._options.whole_page else []),
            self._measure_page,
            self._take_dom,
            self._take_text,
            self._take_pdf,
            self._take_mhtml,
            self._complete,
        ]
        self._units_done, self._units = 0, len(self._steps)
        self._watching_downloads = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(
            lambda: self._fail(
                QCoreApplication.translate("Snapshot", "the page did not finish rendering in time")
            )
        )

    def start(self) -> None:
        self._timeout.start(SNAPSHOT_TIMEOUT_MS)
        self._page.tokenSeen.connect(self._token_seen)
        self._page.loadStarted.connect(self._navigated_away)
        self._advance()

    def _navigated_away(self) -> None:
        # What was measured, walked and grabbed so far belongs to another page.
        self._fail(
            QCoreApplication.translate(
                "Snapshot",
                "the page navigated to another address while it was being captured; nothing "
                "was sealed (capture it again once it has settled)",
            )
        )

    def cancel(self) -> None:
        """Stop at once (the officer asked): the view is restored, nothing is sealed."""
        self._fail(
            QCoreApplication.translate("Snapshot", "the snapshot was cancelled; nothing was sealed")
        )

    def _advance(self) -> None:
        if not self._done:
            step = self._steps.pop(0)
            log.debug("snapshot step: %s", step.__name__)
            self._report(STAGES[step.__name__])
            self._units_done += 1
            step()

    def _report(self, stage: str) -> None:
        self.progressed.emit(stage, self._units_done, self._units)

    # -- scripts that report back ------------------------------------------------

    def _run_reporting(self, script: str, then: Callable[[str], None]) -> None:
        self._token = self._page.new_token()
        self._on_token_step = then
        self._page.runJavaScript(script.replace("%TOKEN%", json.dumps(self._token)), WORLD)

    def _token_seen(self, token: str, payload: str) -> None:
        if self._done or token != self._token or self._on_token_step is None:
            return
        then, self._on_token_step = self._on_token_step, None
        then(payload)

    # -- the steps ----------------------------------------------------------------

    def _walk_page(self) -> None:
        script = _WALK_JS % ("%TOKEN%", 60, 5000)
        self._run_reporting(script, lambda _steps: self._advance())

    def _measure_page(self) -> None:
        self._page.runJavaScript(_MEASURE_JS, WORLD, self._measured)

    def _measured(self, result: Any) -> None:
        if self._done:
            return
        try:
            self._measure = json.loads(result)
            width, height = int(self._measure["width"]), int(self._measure["height"])
        except (TypeError, ValueError, KeyError):
            self._fail(
                QCoreApplication.translate(
                    "Snapshot", "the page could not be measured (is it still loading?)"
                )
            )
            return
        if not self._options.whole_page:
            self._warnings.append(VISIBLE_PART_NOTE)
            self._settle(frames=3)
            return
        limit = self._options.max_height
        if height > limit:
            self._warnings.append(
                f"page is {height} px tall; the screenshot shows the first {limit} px"
            )
            height = limit
        width = max(self._original_size.width(), min(width, MAX_CAPTURE_WIDTH))
        if self._surface is not None:
            self._surface.enter_capture_mode()
        if height > SINGLE_GRAB_HEIGHT:
            self._start_tiles(width, height)
            return
        self._view.resize(QSize(width, max(height, 1)))
        self._wait_for_frames(max(height, 1), frames=3)

    def _wait_for_frames(self, height: int, frames: int) -> None:
        self._run_reporting(_FRAMES_JS % ("%TOKEN%", height, frames), self._grab)

    def _settle(self, frames: int) -> None:
        self._run_reporting(_SETTLE_JS % ("%TOKEN%", frames), self._grab)

    def _grab(self, _payload: str) -> None:
        image = self._view.grab().toImage()
        self._attempts += 1
        log.debug("snapshot: grab %d at %dx%d", self._attempts, image.width(), image.height())
        # Two equal grabs a few frames apart mean the renderer has caught up.
        stable = self._image is not None and image == self._image
        if not stable and self._attempts < STABLE_GRAB_ATTEMPTS:
            self._image = image
            if self._options.whole_page:
                self._wait_for_frames(self._view.height(), frames=2)
            else:
                self._settle(frames=2)
            return
        if not stable:
            self._warnings.append("the page kept changing while the screenshot was taken")
        self._image = image
        self._restore_view()
        self._advance()

    # -- tall pages: tiles -----------------------------------------------------

    def _start_tiles(self, width: int, height: int) -> None:
        canvas = QImage(width, height, QImage.Format.Format_RGB32)
        canvas.fill(0xFFFFFF)
        self._tiles = _Tiles(canvas)
        self._units += -(-height // TILE_HEIGHT) - 1  # a unit per tile instead of one grab
        self._view.resize(QSize(width, TILE_HEIGHT))
        self._next_tile()

    def _next_tile(self) -> None:
        tiles = self._tiles
        assert tiles is not None
        self._attempts, self._image = 0, None
        script = _TILE_JS % ("%TOKEN%", TILE_HEIGHT, tiles.next_top, TILE_SETTLE_FRAMES)
        self._run_reporting(script, self._grab_tile)

    def _grab_tile(self, payload: str) -> None:
        tiles = self._tiles
        assert tiles is not None
        try:
            top = int(payload)
        except ValueError:
            self._fail(
                QCoreApplication.translate(
                    "Snapshot", "the page did not report where it scrolled to"
                )
            )
            return
        image = self._view.grab().toImage()
        self._attempts += 1
        stable = self._image is not None and image == self._image
        if not stable and self._attempts < STABLE_GRAB_ATTEMPTS:
            self._image = image
            self._run_reporting(_TILE_JS % ("%TOKEN%", TILE_HEIGHT, top, 2), self._grab_tile)
            return
        if not stable:
            tiles.unsettled += 1
        if not tiles.paint(image, top):
            self._finish_tiles()
            return
        self._units_done += 1
        self._report("screenshot")
        self._next_tile()

    def _finish_tiles(self) -> None:
        tiles = self._tiles
        assert tiles is not None
        self._warnings.extend(tiles.warnings())
        self._image = tiles.canvas
        self._page.runJavaScript("window.scrollTo(0, 0)", WORLD)
        self._restore_view()
        self._advance()

    def _take_dom(self) -> None:
        if self._still_loading:
            self._page.runJavaScript(
                _DOM_JS, WORLD, lambda html: self._store_text("dom.html", html)
            )
            return
        self._page.toHtml(lambda html: self._store("dom.html", html.encode("utf-8")))

    def _take_text(self) -> None:
        if self._still_loading:
            self._page.runJavaScript(
                _TEXT_JS, WORLD, lambda text: self._store_text("page.txt", text)
            )
            return
        self._page.toPlainText(lambda text: self._store("page.txt", text.encode("utf-8")))

    def _store_text(self, name: str, value: Any) -> None:
        self._store(name, str(value or "").encode("utf-8"))

    def _take_pdf(self) -> None:
        self._page.printToPdf(self._pdf_ready)

    def _pdf_ready(self, data: QByteArray) -> None:
        pdf = bytes(data.data())
        if not pdf:
            self._warnings.append("the PDF print could not be made")
        self._store("page.pdf", pdf or None)

    def _store(self, name: str, data: bytes | None) -> None:
        if not self._done:
            self._artifacts[name] = data
            self._advance()

    def _take_mhtml(self) -> None:
        try:
            directory = volatile_dir()
        except OSError as exc:
            self._warnings.append(f"MHTML not saved: {exc}")
            self._store("page.mhtml", None)
            return
        self._mhtml_path = directory / f"snapshot-{os.getpid()}-{id(self)}.mhtml"
        self._page.profile().downloadRequested.connect(self._on_download)
        self._watching_downloads = True
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
        if self._done or self._mhtml_path is None:
            return
        data: bytes | None = None
        if request.state() == QWebEngineDownloadRequest.DownloadState.DownloadCompleted:
            data = self._mhtml_path.read_bytes()
        else:
            self._warnings.append("MHTML could not be saved: " + request.interruptReasonString())
        self._discard_mhtml_file()
        self._store("page.mhtml", data)

    def _complete(self) -> None:
        assert self._image is not None
        size = self._image.size()
        page = CapturedPage(
            requested_url=self._requested_url,
            final_url=self._page.url().toString(),
            title=self._page.title(),
            started_utc=self._started,
            finished_utc=now_utc(),
            screenshot_png=b"",
            mhtml=self._artifacts.get("page.mhtml"),
            dom_html=self._artifacts.get("dom.html") or b"",
            page_text=self._artifacts.get("page.txt") or b"",
            pdf=self._artifacts.get("page.pdf"),
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
            navigation_chain=tuple(self._page.navigation_chain),
            load_started_utc=self._page.navigation_started_utc or self._started,
            response_headers=dict(self._page.response_headers),
            warnings=tuple(self._warnings),
            site_error_status=self._site_status,
        )
        image = self._image
        self._finish(lambda: self.finished.emit(page, image))

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
        connected = [
            (self._page.tokenSeen, self._token_seen),
            (self._page.loadStarted, self._navigated_away),
        ]
        if self._watching_downloads:  # only from the MHTML step on
            connected.append((self._page.profile().downloadRequested, self._on_download))
        for signal, slot in connected:
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        emit()

    def _restore_view(self) -> None:
        self._view.resize(self._original_size)
        if self._surface is not None:
            self._surface.leave_capture_mode()

    def _discard_mhtml_file(self) -> None:
        if self._mhtml_path is not None:
            self._mhtml_path.unlink(missing_ok=True)
