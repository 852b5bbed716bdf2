"""Render the report's HTML to PDF with QtWebEngine, offline, and scale screenshots.

``html_to_pdf`` blocks (the CLI); ``PdfRender`` is the same job for the GUI, with
callbacks. The page can reach nothing: it is opened empty from a data: URL, the report is
written into it by a script in the ApplicationWorld (setHtml refuses content over
2 MB, and a report with screenshots can be larger), page JavaScript is off, a request
interceptor blocks every URL that is not data: or about:, the report's own
Content-Security-Policy allows data: images only, and Chromium's proxy is a route
gate without a route, which refuses whatever else would still try to leave.
"""

from __future__ import annotations

import atexit
import json
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEventLoop,
    QMarginsF,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QImage, QImageWriter, QPageLayout, QPageSize
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from workstation.browser.profile import off_the_record_profile
from workstation.errors import PdfRenderFailed

log = logging.getLogger(__name__)

WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld
ALLOWED_SCHEMES = frozenset({"data", "about"})
EMPTY_PAGE = "<!doctype html><html><head></head><body></body></html>"
READY_POLL_MS = 25
MARGINS_MM = QMarginsF(14, 16, 14, 16)
THUMBNAIL_WIDTH = 560
THUMBNAIL_MAX_ASPECT = 1.3  # height / width of the part of the page shown
JPEG_QUALITY = 82
_READY_JS = (
    "document.readyState === 'complete' && "
    "Array.from(document.images).every(function (i) { return i.complete; })"
)
_state: dict[str, Any] = {}  # the gate made for a QApplication this module created


class _BlockRemote(QWebEngineUrlRequestInterceptor):
    """Lets through data: and about: only; counts what it blocked (for the log)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() not in ALLOWED_SCHEMES:
            self.blocked.append(url.scheme())
            info.block(True)


class _QuietPage(QWebEnginePage):
    """Console messages (e.g. a CSP refusal) go to the debug log, not to stderr."""

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        log.debug("report page console: %s", message)


def ensure_application() -> None:
    """An offscreen QApplication for a command-line process, if none exists yet.

    Chromium's flags need a gate port; the gate has no route, so it refuses anything
    (the page asks for nothing anyway).
    """
    if QCoreApplication.instance() is not None:
        return
    from workstation.app import create_application  # noqa: PLC0415
    from workstation.route import RouteGate  # noqa: PLC0415

    gate = RouteGate(None)
    gate.start()
    _state["gate"] = gate
    atexit.register(gate.stop)
    create_application(gate.port, headless=True)


def html_to_pdf(html: bytes, *, timeout_ms: int = 60000) -> bytes:
    """The HTML (UTF-8) printed to an A4 PDF. Blocks in a local event loop (for the CLI;
    the GUI starts a PdfRender and carries on).

    Raises PdfRenderFailed when the page does not render in time or prints nothing.
    """
    ensure_application()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(pdf: bytes) -> None:
        outcome["pdf"] = pdf
        loop.quit()

    def failed(why: str) -> None:
        outcome["error"] = why
        loop.quit()

    render = PdfRender(html, done, failed, timeout_ms=timeout_ms)
    render.start()
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise PdfRenderFailed(f"The PDF could not be made: {outcome['error']}.")
    pdf: bytes = outcome["pdf"]
    return pdf


def _lock_down(settings: QWebEngineSettings) -> None:
    attribute = QWebEngineSettings.WebAttribute
    off = (
        attribute.JavascriptEnabled,  # the page's own scripts; ours run in ApplicationWorld
        attribute.PluginsEnabled,
        attribute.LocalContentCanAccessRemoteUrls,
        attribute.LocalContentCanAccessFileUrls,
        attribute.LocalStorageEnabled,
        attribute.AutoLoadIconsForPage,
        attribute.DnsPrefetchEnabled,
        attribute.PdfViewerEnabled,
        attribute.WebGLEnabled,
    )
    for item in off:
        settings.setAttribute(item, False)
    settings.setAttribute(attribute.AutoLoadImages, True)  # data: images only


class PdfRender:
    """One HTML document printed to PDF without blocking: open an empty page, write the
    document into it, wait for its images, print. Exactly one of on_done(pdf) or
    on_failed(reason) is called, on the Qt thread, after the page is gone. Keep the
    object referenced until then.
    """

    def __init__(
        self,
        html: bytes,
        on_done: Callable[[bytes], None],
        on_failed: Callable[[str], None],
        *,
        timeout_ms: int = 60000,
    ) -> None:
        self._html = html.decode("utf-8")
        self._on_done = on_done
        self._on_failed = on_failed
        self._finished = False
        self._profile = off_the_record_profile()  # nothing on disk
        self._interceptor = _BlockRemote()
        self._profile.setUrlRequestInterceptor(self._interceptor)
        self._page: QWebEnginePage | None = _QuietPage(self._profile)
        _lock_down(self._page.settings())
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._finish(None, "the report did not render in time"))
        self._timeout_ms = timeout_ms

    def start(self) -> None:
        assert self._page is not None
        self._page.loadFinished.connect(self._loaded)
        self._timer.start(self._timeout_ms)
        self._page.setHtml(EMPTY_PAGE, QUrl("about:blank"))

    def _loaded(self, ok: bool) -> None:
        if self._page is None or self._finished:
            return
        self._page.loadFinished.disconnect(self._loaded)
        if not ok:
            self._finish(None, "the empty page did not open")
            return
        script = f"document.open(); document.write({json.dumps(self._html)}); document.close();"
        self._page.runJavaScript(script, WORLD, lambda _result: self._check_ready())

    def _check_ready(self) -> None:
        if self._page is not None and not self._finished:
            self._page.runJavaScript(_READY_JS, WORLD, self._ready_answer)

    def _ready_answer(self, ready: Any) -> None:
        if self._finished:
            return
        if ready is True:
            self._print()
        else:
            # The images are data: URIs the renderer is still decoding; ask again shortly.
            QTimer.singleShot(READY_POLL_MS, self._check_ready)

    def _print(self) -> None:
        assert self._page is not None
        layout = QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
        self._page.printToPdf(self._printed, layout)

    def _printed(self, data: QByteArray) -> None:
        pdf = bytes(data.data())
        if pdf.startswith(b"%PDF-"):
            self._finish(pdf, None)
        else:
            self._finish(None, "the page printed nothing")

    def _finish(self, pdf: bytes | None, error: str | None) -> None:
        if self._finished:
            return
        self._finished = True
        self._timer.stop()
        # Leave the callback that brought us here before the page goes.
        QTimer.singleShot(0, lambda: self._dispose_and_report(pdf, error))

    def _dispose_and_report(self, pdf: bytes | None, error: str | None) -> None:
        if self._interceptor.blocked:
            log.info("the report page asked for %d blocked URL(s)", len(self._interceptor.blocked))
        # In this order: a profile must never outlive its page (Qt aborts).
        if self._page is not None:
            shiboken6.delete(self._page)
            self._page = None
        shiboken6.delete(self._profile)
        if pdf is not None:
            self._on_done(pdf)
        else:
            self._on_failed(error or "unknown error")


# -- thumbnails -----------------------------------------------------------------------


def screenshot_thumbnail(png: bytes) -> bytes:
    """The top of a full-page screenshot, reduced to a thumbnail (JPEG).

    A page of twelve screens would be a thin strip at report width, so the thumbnail
    shows the top part (at most 1.3 times as tall as wide), which is what the reader
    recognises; the full screenshot is an artifact of the exhibit. Raises ValueError
    for bytes that are not an image.
    """
    image = QImage.fromData(png)
    if image.isNull():
        raise ValueError("not an image")
    height = min(image.height(), int(image.width() * THUMBNAIL_MAX_ASPECT))
    top = image.copy(0, 0, image.width(), height)
    if top.width() > THUMBNAIL_WIDTH:
        top = top.scaledToWidth(THUMBNAIL_WIDTH, Qt.TransformationMode.SmoothTransformation)
    return _encode(top.convertToFormat(QImage.Format.Format_RGB32), b"JPEG", JPEG_QUALITY)


def _encode(image: QImage, kind: bytes, quality: int) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(kind))
    writer.setQuality(quality)
    if not writer.write(image):
        raise ValueError(
            f"the image could not be written as {kind.decode()}: {writer.errorString()}"
        )
    buffer.close()
    return bytes(data.data())
