"""HTML to PDF for code running on a worker thread, printed by QtWebEngine on the GUI thread.

`ReportTools.to_pdf` is a blocking `Callable[[bytes], bytes]` that build_package calls on
whatever thread runs it. In the GUI that is a worker thread, and QtWebEngine may only be
used on the GUI thread. `PdfBridge.to_pdf` posts the document to the GUI thread, where a
`PdfRender` prints it without blocking, and makes the worker wait for the bytes (see
gui_bridge.py: cancel and a timeout end the wait early; the GUI thread never waits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from workstation.browser.pdf_render import PdfRender
from workstation.errors import PdfRenderFailed, WorkstationError
from workstation.ui.gui_bridge import GuiBridge
from workstation.ui.i18n import translate
from workstation.ui.job_progress import WatchedProgress

RENDER_TIMEOUT_MS = 60_000  # PdfRender's own limit for one document
WAIT_TIMEOUT_S = 180.0  # the worker's limit: the render's, plus a busy GUI thread's delay

# Every render until it has called back, even when its job was cancelled and its bridge
# deleted meanwhile: a PdfRender collected half-way would delete its page mid-print.
_in_flight: set[PdfRender] = set()


def renders_in_flight() -> int:
    """Documents still being printed (a cancelled job's render runs to its end)."""
    return len(_in_flight)


class PdfBridge(GuiBridge):
    """A QObject on the GUI thread; workers call `to_pdf(html)` and get the PDF's bytes."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        progress: WatchedProgress | None = None,
        render_timeout_ms: int = RENDER_TIMEOUT_MS,
        wait_timeout_s: float = WAIT_TIMEOUT_S,
    ) -> None:
        super().__init__(parent, progress=progress)
        self._render_timeout_ms = render_timeout_ms
        self._wait_timeout_s = wait_timeout_s

    def to_pdf(self, html: bytes) -> bytes:
        """On a worker thread: the HTML (UTF-8) printed to an A4 PDF.

        Raises PdfRenderFailed, OperationCancelled (the job's Cancel) or GuiStepTimeout.
        """
        if self.progress is not None:
            self.progress.step(translate("PdfBridge", "Printing the report to PDF…"))
        pdf: bytes = self.call(
            lambda done, failed: self._render(html, done, failed),
            what=translate("PdfBridge", "Printing the report to PDF"),
            timeout_s=self._wait_timeout_s,
        )
        return pdf

    def _render(
        self,
        html: bytes,
        done: Callable[[Any], None],
        failed: Callable[[WorkstationError], None],
    ) -> None:
        """On the GUI thread: start printing; PdfRender calls back when it is finished."""
        holder: list[PdfRender] = []

        def printed(pdf: bytes) -> None:
            _in_flight.difference_update(holder)
            done(pdf)

        def not_printed(reason: str) -> None:
            _in_flight.difference_update(holder)
            failed(
                PdfRenderFailed(
                    translate("PdfBridge", "The PDF could not be made: {reason}.").format(
                        reason=reason
                    )
                )
            )

        render = PdfRender(html, printed, not_printed, timeout_ms=self._render_timeout_ms)
        holder.append(render)
        _in_flight.add(render)
        render.start()
