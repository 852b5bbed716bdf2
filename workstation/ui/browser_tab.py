"""One browser tab: a web view inside a scroll area so it can be captured full height."""

import shiboken6
from PySide6.QtCore import QUrl, Signal
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from workstation.browser.loading import refused_by_gate, site_http_status
from workstation.browser.page import WorkstationPage
from workstation.ui.i18n import translate


def normalise_address(text: str) -> QUrl:
    """What the officer typed in the address bar, as a URL (http:// assumed)."""
    return QUrl.fromUserInput(text.strip())


class BrowserTab(QWidget):
    """A QWebEngineView on an off-the-record profile, hosted in a QScrollArea.

    During a snapshot the scroll area stops resizing the view, which is then
    made as tall as the page; the officer sees the top of the page meanwhile.
    """

    titleChanged = Signal(str)

    def __init__(
        self, profile: QWebEngineProfile, persona: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.persona = persona
        self.view = QWebEngineView()
        self.view.setAccessibleName(translate("BrowserTab", "Web page"))
        self.view.setAccessibleDescription(
            translate("BrowserTab", "The page of this tab, loaded through the route")
        )
        self.page = WorkstationPage(profile, self.view)
        self.view.setPage(self.page)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.view)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self.page.titleChanged.connect(self.titleChanged)
        self.refused_by_route = False
        self.site_error_status: int | None = None
        self.loading = False
        self.page.loadingChanged.connect(self._loading_changed)

    def _loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        self.loading = info.status() == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus
        if self.loading:
            return
        self.refused_by_route = refused_by_gate(info)
        self.site_error_status = site_http_status(info)

    def release_page(self) -> None:
        """Delete the page at once (see MainWindow.release_pages)."""
        shiboken6.delete(self.page)

    def navigate(self, address: str) -> None:
        self.view.load(normalise_address(address))

    def requested_url(self) -> str:
        return self.page.requestedUrl().toString()

    def enter_capture_mode(self) -> None:
        self.scroll_area.setWidgetResizable(False)

    def leave_capture_mode(self) -> None:
        self.scroll_area.setWidgetResizable(True)
