"""Automatic capture: every page a tab finishes loading is sealed as a page visit.

The tab's visible text is taken from the page, its recorded traffic from the recorder's
journal (everything the persona's connections carried since the navigation began), and
the two are sealed on a worker thread. Pages the route refused and non-web pages
(about:blank, the gate's own error pages) are not captured.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo

from workstation.browser.loading import refused_by_gate, site_http_status
from workstation.browser.page import WorkstationPage
from workstation.casefile import Case
from workstation.evidence.recorder import Recorder
from workstation.evidence.snapshot import SealContext, SealedExhibit
from workstation.evidence.visit import PageVisit, seal_visit
from workstation.evidence.warc import warc_bytes
from workstation.route.recording import utc_now
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class _Loaded:
    """What is known of a page when its load finishes (read on the GUI thread)."""

    requested_url: str
    final_url: str
    title: str
    chain: tuple[str, ...]
    started_utc: str


class AutoCapture(QObject):
    """Seals page visits into the open case while enabled() says so."""

    sealed = Signal(object)  # SealedExhibit
    failed = Signal(str)

    def __init__(
        self,
        recorder: Recorder,
        case: Callable[[], Case | None],
        context: Callable[[str | None], SealContext],
        enabled: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._recorder = recorder
        self._case = case
        self._context = context
        self._enabled = enabled

    def watch(self, page: WorkstationPage, persona: str | None, gate_identity: str) -> None:
        """Capture page's loads from now on; gate_identity is who the gate sees browsing."""
        page.loadingChanged.connect(lambda info: self._loaded(page, persona, gate_identity, info))

    def _loaded(
        self,
        page: WorkstationPage,
        persona: str | None,
        gate_identity: str,
        info: QWebEngineLoadingInfo,
    ) -> None:
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            return
        succeeded = status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus
        # A site's own error page (404, 500) is evidence too; the gate's refusal is not.
        if not succeeded and site_http_status(info) is None:
            return
        if refused_by_gate(info):
            return
        url = page.url()
        if not self._enabled() or self._case() is None or url.scheme() not in {"http", "https"}:
            return
        loaded = _Loaded(
            requested_url=page.navigation_chain[0] if page.navigation_chain else url.toString(),
            final_url=url.toString(),
            title=page.title(),
            chain=tuple(page.navigation_chain),
            started_utc=page.navigation_started_utc or utc_now(),
        )
        page.toPlainText(lambda text: self._seal(text, loaded, persona, gate_identity))

    def _seal(self, text: str, loaded: "_Loaded", persona: str | None, gate_identity: str) -> None:
        case = self._case()
        if case is None:
            return
        context = self._context(persona)
        journal = self._recorder.journal
        finished = utc_now()

        def seal() -> SealedExhibit:
            exchanges = journal.between(gate_identity, loaded.started_utc)
            info = {"software": "investigator-workstation", "isPartOf": loaded.final_url}
            visit = PageVisit(
                requested_url=loaded.requested_url,
                final_url=loaded.final_url,
                title=loaded.title,
                started_utc=loaded.started_utc,
                finished_utc=finished,
                page_text=text.encode("utf-8")[:MAX_TEXT_BYTES],
                warc=warc_bytes(exchanges, info),
                recorded_exchanges=len(exchanges),
                navigation_chain=loaded.chain,
            )
            return seal_visit(case, visit, context)

        run_in_background(seal, self.sealed.emit, self._failed, owner=self)

    def _failed(self, message: str) -> None:
        log.warning("automatic capture failed: %s", message)
        self.failed.emit(message)
