"""The workstation's QWebEnginePage: console tokens from our own scripts, no popups.

Scripts that the workstation itself runs in a page (never visible to the page's
own scripts: they run in the ApplicationWorld) report back through console
messages carrying a random token. That lets orchestration wait for a real event
in the renderer instead of sleeping.
"""

import logging
import secrets

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

log = logging.getLogger(__name__)


class WorkstationPage(QWebEnginePage):
    tokenSeen = Signal(str, str)  # token, payload

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self._prefix = f"ws-{secrets.token_hex(8)}:"

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

    # Qt accepts None ("no window"), which its stubs do not say.
    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]
        # Pages may not open windows behind the officer's back; refusing is
        # logged so a blocked popup can be explained.
        log.info("a page tried to open a window (%s); refused", kind.name)
        return None
