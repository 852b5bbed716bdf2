"""The main window: tabs, navigation, route status, case and snapshot actions."""

import dataclasses
import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEnginePage,
    QWebEngineProfile,
    qWebEngineChromiumVersion,
    qWebEngineVersion,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from workstation import APP_NAME
from workstation.browser.profile import off_the_record_profile
from workstation.browser.snapshot import SnapshotJob, png_bytes
from workstation.canonjson import JsonValue
from workstation.casefile import Case
from workstation.errors import WorkstationError
from workstation.evidence.snapshot import CapturedPage, SealContext, SealedExhibit, seal_page
from workstation.route import RouteGate, parse_route
from workstation.settings import Settings, default_officer
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.dialogs import NewCaseDialog, UnlockDialog
from workstation.ui.idle_lock import IdleLock
from workstation.ui.route_indicator import RouteIndicator
from workstation.ui.workers import run_in_background
from workstation.version import build_hash, tool_version

log = logging.getLogger(__name__)

SNAPSHOT_SHORTCUT = "Ctrl+Shift+S"


class MainWindow(QMainWindow):
    caseChanged = Signal(object)  # Case | None
    exhibitSealed = Signal(object)  # SealedExhibit
    snapshotFailed = Signal(str)
    errorShown = Signal(str)

    def __init__(self, gate: RouteGate, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gate = gate
        self.settings = settings
        self.case: Case | None = None
        self._snapshot: SnapshotJob | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 860)
        self.tabs = QTabWidget(self)
        # A profile must outlive its pages. Qt deletes a parent's children in
        # creation order, so the profile is created after the tab widget that
        # (through the views) owns every page.
        self.profile: QWebEngineProfile = off_the_record_profile(self)
        self.profile.downloadRequested.connect(self._refuse_download)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._sync_address)
        self.setCentralWidget(self.tabs)
        self.address = QLineEdit()
        self.address.setAccessibleName("Address")
        self.address.setPlaceholderText("Address")
        self.address.returnPressed.connect(self._navigate_from_address)
        self.route_indicator = RouteIndicator(gate)
        self.exhibits = QListWidget()
        self.exhibits.setAccessibleName("Sealed exhibits")
        self.case_label = QLabel()
        self.case_label.setAccessibleName("Open case")
        self.statusBar().addPermanentWidget(self.case_label)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_exhibit_dock()
        self.idle_lock = IdleLock(settings.auto_lock_minutes * 60_000, self)
        self.idle_lock.idle.connect(self.lock_case)
        self._locked_path: Path | None = None
        self._idle_watched = False
        self.new_tab()
        self._update_case_state()

    # -- construction ----------------------------------------------------

    def _action(
        self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: Any
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _web_action(
        self, text: str, shortcut: QKeySequence.StandardKey, web: QWebEnginePage.WebAction
    ) -> QAction:
        """An action applied to whichever tab is current when it fires."""
        return self._action(text, shortcut, lambda: self.current_tab().page.triggerAction(web))

    def _build_actions(self) -> None:
        web = QWebEnginePage.WebAction
        self.back_action = self._web_action("Back", QKeySequence.StandardKey.Back, web.Back)
        self.forward_action = self._web_action(
            "Forward", QKeySequence.StandardKey.Forward, web.Forward
        )
        self.reload_action = self._web_action(
            "Reload", QKeySequence.StandardKey.Refresh, web.Reload
        )
        self.new_tab_action = self._action("New tab", QKeySequence.StandardKey.AddTab, self.new_tab)
        self.close_tab_action = self._action(
            "Close tab",
            QKeySequence.StandardKey.Close,
            lambda: self.close_tab(self.tabs.currentIndex()),
        )
        self.focus_address_action = self._action("Address bar", "Ctrl+L", self._focus_address)
        self.snapshot_action = self._action("Snapshot", SNAPSHOT_SHORTCUT, self.take_snapshot)
        self.snapshot_action.setToolTip(
            f"Seal what is on screen into the case ({SNAPSHOT_SHORTCUT})"
        )
        self.new_case_action = self._action("New case…", "Ctrl+Shift+N", self.new_case)
        self.open_case_action = self._action("Open case…", "Ctrl+O", self.open_case_dialog)
        self.close_case_action = self._action("Close case", None, self.close_case)
        self.lock_case_action = self._action("Lock case", "Ctrl+Shift+L", self.lock_case)
        self.unlock_case_action = self._action("Unlock case…", None, self.unlock_case)
        self.about_action = self._action("About", None, self.show_about)
        self.set_route_action = self._action("Set route…", None, self.ask_route)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Navigation")
        bar.setMovable(False)
        for action in (self.back_action, self.forward_action, self.reload_action):
            bar.addAction(action)
        bar.addWidget(self.address)
        bar.addAction(self.snapshot_action)
        bar.addWidget(self.route_indicator)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        case_menu = self.menuBar().addMenu("&Case")
        for action in (
            self.new_case_action,
            self.open_case_action,
            self.lock_case_action,
            self.unlock_case_action,
            self.close_case_action,
        ):
            case_menu.addAction(action)
        browse_menu = self.menuBar().addMenu("&Browse")
        for action in (
            self.new_tab_action,
            self.close_tab_action,
            self.focus_address_action,
            self.snapshot_action,
        ):
            browse_menu.addAction(action)
        route_menu = self.menuBar().addMenu("&Route")
        route_menu.addAction(self.set_route_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_exhibit_dock(self) -> None:
        dock = QDockWidget("Exhibits", self)
        dock.setObjectName("exhibits")
        dock.setWidget(self.exhibits)
        self.addDockWidget(self.exhibits_area(), dock)

    @staticmethod
    def exhibits_area() -> Any:
        from PySide6.QtCore import Qt  # noqa: PLC0415

        return Qt.DockWidgetArea.RightDockWidgetArea

    # -- tabs and navigation ---------------------------------------------

    def current_tab(self) -> BrowserTab:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, BrowserTab)
        return widget

    def new_tab(self) -> BrowserTab:
        tab = BrowserTab(self.profile)
        index = self.tabs.addTab(tab, "New tab")
        tab.titleChanged.connect(lambda title, t=tab: self._retitle(t, title))
        tab.page.urlChanged.connect(lambda _url, t=tab: self._url_changed(t))
        tab.page.loadFinished.connect(lambda ok, t=tab: self._load_finished(t, ok))
        self.tabs.setCurrentIndex(index)
        self.address.setFocus()
        return tab

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if self.tabs.count() == 1:
            self.new_tab()
        self.tabs.removeTab(index)
        if isinstance(widget, BrowserTab):
            self._dispose_tab(widget)

    def navigate(self, address: str) -> None:
        if address.strip():
            self.current_tab().navigate(address)

    def _navigate_from_address(self) -> None:
        self.navigate(self.address.text())

    def _focus_address(self) -> None:
        self.address.setFocus()
        self.address.selectAll()

    def _retitle(self, tab: BrowserTab, title: str) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, (title or "New tab")[:40])

    def _url_changed(self, tab: BrowserTab) -> None:
        if tab is self.tabs.currentWidget():
            self._sync_address()

    def _sync_address(self) -> None:
        if self.tabs.count():
            self.address.setText(self.current_tab().page.url().toString())

    def _load_finished(self, tab: BrowserTab, ok: bool) -> None:
        url = tab.page.url().toString()
        if not ok:
            self.statusBar().showMessage(f"Could not load {url}: check the route status.", 10000)
        if self.case is not None and url:
            case = self.case
            details: dict[str, JsonValue] = {"url": url, "loaded": ok, "route": self._route_text()}
            run_in_background(
                lambda: case.append_audit("page.visited", details),
                lambda _e: None,
                self._show_error,
            )

    def _refuse_download(self, request: QWebEngineDownloadRequest) -> None:
        # Save-page requests come from the snapshot; other downloads are refused
        # until downloads are captured as evidence.
        if not request.isSavePageDownload():
            log.info("refused a download from %s", request.url().host())
            request.cancel()
            self.statusBar().showMessage("A page tried to download a file; it was refused.", 8000)

    # -- route -----------------------------------------------------------

    def _route_text(self) -> str:
        route = self.gate.route
        return route.describe() if route is not None else "none"

    def ask_route(self) -> None:
        current = self.gate.route.to_url(redact=True) if self.gate.route else ""
        text, accepted = QInputDialog.getText(
            self, "Route", "Upstream proxy (socks5://HOST:PORT), empty for none:", text=current
        )
        if accepted:
            self.apply_route(text)

    def apply_route(self, text: str) -> None:
        try:
            route = parse_route(text) if text.strip() else None
        except WorkstationError as exc:
            self._show_error(str(exc))
            return
        self.gate.set_route(route)
        self.settings.route = route.to_url(redact=False) if route else ""
        self.settings.save()
        self.route_indicator.refresh()
        if self.case is not None:
            case, description = self.case, self._route_text()
            run_in_background(
                lambda: case.append_audit("route.changed", {"route": description}),
                lambda _e: None,
                self._show_error,
            )

    # -- case ------------------------------------------------------------

    def new_case(self) -> None:
        dialog = NewCaseDialog(self)
        if dialog.exec() != NewCaseDialog.DialogCode.Accepted:
            return
        path, title = dialog.case_path(), dialog.reference.text().strip()
        passphrase, officer = dialog.passphrase.text(), self._officer()
        self.statusBar().showMessage("Creating the case…")
        run_in_background(
            lambda: Case.create(path, passphrase, title=title, officer=officer),
            self.set_case,
            self._show_error,
        )

    def open_case_dialog(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Open case", str(Path.home()))
        if chosen:
            dialog = UnlockDialog(Path(chosen), self)
            if dialog.exec() == UnlockDialog.DialogCode.Accepted:
                self.open_case(Path(chosen), dialog.passphrase.text())

    def open_case(self, path: Path, passphrase: str) -> None:
        self.statusBar().showMessage("Unlocking the case…")
        officer = self._officer()
        run_in_background(
            lambda: Case.open(path, passphrase, officer=officer), self.set_case, self._show_error
        )

    def set_case(self, case: Case | None) -> None:
        if self.case is not None and self.case is not case:
            self.case.close()
        self.case = case
        self.exhibits.clear()
        if case is not None:
            for record in case.evidence_items():
                self.exhibits.addItem(record.control_number)
            self.statusBar().showMessage(f"Case {case.path.name} is open.", 5000)
        self._update_case_state()
        self.caseChanged.emit(case)

    def close_case(self) -> None:
        self._locked_path = None
        self.set_case(None)

    def lock_case(self) -> None:
        """Close the case after idle time; its key leaves memory, the panes clear."""
        if self.case is None:
            return
        self._locked_path = self.case.path
        self.set_case(None)
        self.statusBar().showMessage(
            f"Case {self._locked_path.name} was locked after a period without input. "
            "Case ▸ Unlock case… opens it again."
        )
        self._update_case_state()

    def unlock_case(self) -> None:
        if self._locked_path is None:
            return
        dialog = UnlockDialog(self._locked_path, self)
        if dialog.exec() == UnlockDialog.DialogCode.Accepted:
            self.open_case(self._locked_path, dialog.passphrase.text())

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b><br>Version {tool_version()}, build {build_hash()}<br>"
            f"Qt WebEngine {qWebEngineVersion()!s}, Chromium {qWebEngineChromiumVersion()!s}",
        )

    def _update_case_state(self) -> None:
        has_case = self.case is not None
        self.snapshot_action.setEnabled(has_case)
        self.close_case_action.setEnabled(has_case)
        self.unlock_case_action.setEnabled(not has_case and self._locked_path is not None)
        title = f"{self.case.path.name} — {APP_NAME}" if self.case else APP_NAME
        self.setWindowTitle(title)
        self.case_label.setText(
            f"Case: {self.case.path.name}" if self.case else "No case open (Case ▸ New case…)"
        )

    def _officer(self) -> str:
        return self.settings.officer or default_officer()

    # -- snapshot --------------------------------------------------------

    def take_snapshot(self) -> None:
        if self.case is None:
            self._show_error("Open or create a case before taking a snapshot.")
            return
        if self._snapshot is not None:
            self.statusBar().showMessage("A snapshot is already being taken.", 4000)
            return
        tab = self.current_tab()
        if tab.refused_by_route:
            self._show_error("This page was not loaded: the route refused it. Nothing to seal.")
            return
        job = SnapshotJob(
            tab.view,
            tab.requested_url(),
            surface=tab,
            site_status=tab.site_error_status,
            parent=self,
        )
        job.finished.connect(self._captured)
        job.failed.connect(self._snapshot_failed)
        self._snapshot = job
        self.snapshot_action.setEnabled(False)
        self.statusBar().showMessage("Taking a snapshot…")
        job.start()

    def _captured(self, page: CapturedPage, image: Any) -> None:
        self._snapshot = None
        case = self.case
        if case is None:
            self._snapshot_failed("The case was closed before the snapshot was sealed.")
            return
        context = self.seal_context()

        def seal() -> SealedExhibit:
            sealed_page = dataclasses.replace(page, screenshot_png=png_bytes(image))
            return seal_page(case, sealed_page, context)

        self.statusBar().showMessage("Sealing the snapshot…")
        run_in_background(seal, self._sealed, self._snapshot_failed)

    def seal_context(self) -> SealContext:
        return SealContext(
            route=self._route_text(),
            officer=self._officer(),
            tool={"name": APP_NAME, "version": tool_version(), "build": build_hash()},
        )

    def _sealed(self, exhibit: SealedExhibit) -> None:
        self._update_case_state()
        self.exhibits.addItem(exhibit.control_number)
        note = " (partial: " + "; ".join(exhibit.warnings) + ")" if exhibit.warnings else ""
        self.statusBar().showMessage(f"Sealed. Control number {exhibit.control_number}{note}")
        self.exhibitSealed.emit(exhibit)

    def _snapshot_failed(self, reason: str) -> None:
        self._snapshot = None
        self._update_case_state()
        self._show_error(f"Snapshot failed: {reason}")
        self.snapshotFailed.emit(reason)

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        log.info("shown to the officer: %s", message)
        self.errorShown.emit(message)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and not self._idle_watched:
            self.idle_lock.watch(handle)
            self._idle_watched = True

    def closeEvent(self, event: Any) -> None:
        self.set_case(None)
        self.release_pages()
        super().closeEvent(event)

    def release_pages(self) -> None:
        """Delete every page now: QtWebEngine aborts if a profile outlives its pages,
        and at exit the order in which Python drops the window and the application
        is not defined."""
        while self.tabs.count():
            tab = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if isinstance(tab, BrowserTab):
                self._dispose_tab(tab)

    @staticmethod
    def _dispose_tab(tab: BrowserTab) -> None:
        # Called from actions and close events, never from one of the page's own
        # signals, so deleting at once is safe.
        tab.release_page()
        shiboken6.delete(tab)
