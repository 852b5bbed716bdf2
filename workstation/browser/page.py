"""The workstation's QWebEnginePage: what the page did, and a channel for our own scripts.

- Scripts the workstation runs in a page (in the ApplicationWorld, invisible to
  the page's own scripts) report back through console messages carrying a
  random token, so orchestration waits for real renderer events, never sleeps.
- The main frame's navigation chain (requested URL, then each redirect) and
  the last response's status and headers are kept for the evidence manifest.
- Pages may not open windows.
"""

import logging
import secrets
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEnginePage, QWebEngineProfile

from workstation.route.recording import utc_now

log = logging.getLogger(__name__)


def _latin1(value: Any) -> str:
    """HTTP header bytes (QByteArray) as text; latin-1 never fails."""
    return bytes(value.data()).decode("latin-1")


class WorkstationPage(QWebEnginePage):
    tokenSeen = Signal(str, str)  # token, payload

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self._prefix = f"ws-{secrets.token_hex(8)}:"
        self.navigation_chain: list[str] = []
        # When the current main-frame navigation began, in the gate's clock format, so a
        # snapshot can take the recorded traffic that made up the page.
        self.navigation_started_utc = ""
        self.response_headers: dict[str, list[str]] = {}
        self.loadingChanged.connect(self._remember_response)

    def new_token(self) -> str:
        return f"{self._prefix}{secrets.token_hex(4)}"

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        if message.startswith(self._prefix):
            token, _, payload = message.partition(" ")
            self.tokenSeen.emit(token, payload)
            return
        log.debug("page console (%s:%d): %s", source, line, message[:200])

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        if isMainFrame:
            text = url.toString() if isinstance(url, QUrl) else str(url)
            if type == QWebEnginePage.NavigationType.NavigationTypeRedirect:
                self.navigation_chain.append(text)
            else:
                self.navigation_chain = [text]
                self.navigation_started_utc = utc_now()
        return True

    def _remember_response(self, info: QWebEngineLoadingInfo) -> None:
        if info.status() == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus:
            self.response_headers = {}
            return
        raw: dict[Any, Any] = info.responseHeaders()  # name -> list of values
        self.response_headers = {
            _latin1(name): [_latin1(value) for value in values] for name, values in raw.items()
        }

    # Qt accepts None ("no window"), which its stubs do not say.
    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]
        # Pages may not open windows behind the officer's back; refusing is
        # logged so a blocked popup can be explained.
        log.info("a page tried to open a window (%s); refused", kind.name)
        return None
