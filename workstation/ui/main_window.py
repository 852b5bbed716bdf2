"""The main window: tabs, navigation, route status, case and snapshot actions."""

import dataclasses
import functools
import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    qWebEngineChromiumVersion,
    qWebEngineVersion,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation import APP_NAME
from workstation.app import resolve_route
from workstation.browser.autocapture import AutoCapture
from workstation.browser.downloads import DownloadKeeper
from workstation.browser.exit_record import exit_record
from workstation.browser.identities import BrowsingIdentities, persona_colour
from workstation.browser.snapshot import SnapshotJob, png_bytes
from workstation.canonjson import JsonValue
from workstation.casefile import Case
from workstation.errors import WorkstationError
from workstation.evidence.compare import Comparison, compare, exhibit_view
from workstation.evidence.recorder import Recorder
from workstation.evidence.snapshot import CapturedPage, SealContext, SealedExhibit, seal_page
from workstation.paths import cases_dir
from workstation.route import RouteGate
from workstation.route.spec import DEFAULT_ROUTE
from workstation.route.status import RouteStatus
from workstation.settings import ProxyPassword, Settings, default_officer, split_proxy_password
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.case_outputs import CaseOutputs, install_case_output_actions
from workstation.ui.compare_dialog import CompareDialog, scaled_screenshot
from workstation.ui.dialogs import (
    NewCaseDialog,
    PassphraseChangeDialog,
    ProxyPasswordDialog,
    UnlockDialog,
    no_keyring_message,
)
from workstation.ui.i18n import translate
from workstation.ui.idle_lock import IdleLock
from workstation.ui.layout_memory import LayoutMemory
from workstation.ui.page_menu import PageMenu
from workstation.ui.panes.contacts import ContactPane
from workstation.ui.panes.explorer import CaseExplorer
from workstation.ui.panes.lookups import LookupPane, LookupRoute
from workstation.ui.panes.personas import PersonaPane
from workstation.ui.persona_bar import PersonaBar, persona_icon, research_label
from workstation.ui.route_indicator import RouteIndicator, RouteStartup
from workstation.ui.settings_dialog import RouteDialog, SettingsDialog, show_settings
from workstation.ui.shortcuts import (
    LOOKUP_SELECTION_KEYS,
    SNAPSHOT_KEYS,
    ShortcutsDialog,
    assign_shortcuts,
)
from workstation.ui.snapshot_progress import SnapshotProgress
from workstation.ui.theme import banner_style
from workstation.ui.timestamper import Timestamper
from workstation.ui.workers import run_in_background
from workstation.version import build_hash, tool_identity, tool_version

log = logging.getLogger(__name__)

# Every key is assigned from the table in ui/shortcuts.py (assign_shortcuts).
SNAPSHOT_SHORTCUT = SNAPSHOT_KEYS[0]
LOOKUP_SHORTCUT = LOOKUP_SELECTION_KEYS[0]


def native_keys(keys: str) -> str:
    """Keys as this keyboard labels them, in the window's language ("Strg+Umschalt+S")."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def tab_title(persona: str | None, title: str) -> str:
    text = (title or translate("MainWindow", "New tab"))[:40]
    return f"{persona} · {text}" if persona else text


class PersonaStrip(QLabel):
    """A band across the window in the current tab's identity colour, with its name:
    whoever looks at the window sees who is browsing, not only the tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(translate("MainWindow", "Browsing identity"))
        self.persona: str | None = None
        self.show_persona(None)

    def show_persona(self, persona: str | None) -> None:
        self.persona = persona
        colour = persona_colour(persona).name()
        who = persona or research_label()
        self.setText(translate("MainWindow", "Browsing as {who}").format(who=who))
        self.setAccessibleDescription(self.text())
        self.setProperty("colour", colour)
        # Black or white text, whichever reads better on this persona's colour.
        self.setStyleSheet(banner_style(persona_colour(persona)))


class MainWindow(QMainWindow):
    caseChanged = Signal(object)  # Case | None
    exhibitSealed = Signal(object)  # SealedExhibit: snapshots and downloads
    visitSealed = Signal(object)  # SealedExhibit: a page sealed by automatic capture
    comparisonShown = Signal(object)  # the CompareDialog
    identityRenewed = Signal(str, bool)  # who, whether the route gave fresh circuits
    snapshotFailed = Signal(str)
    errorShown = Signal(str)
    exitIdentityShown = Signal(object)  # the exit record
    timestampReported = Signal(str, object)  # control number, result record

    def __init__(
        self,
        gate: RouteGate,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        recorder: Recorder | None = None,
    ) -> None:
        super().__init__(parent)
        self.gate = gate
        # Present when the gate records: snapshots then carry the page's traffic as WARC.
        self.recorder = recorder
        self.settings = settings
        self.case: Case | None = None
        self._snapshot: SnapshotJob | None = None
        self.snapshot_progress: SnapshotProgress | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 860)
        self.tabs = QTabWidget(self)
        central = self._central_widget()  # before the profiles, for the reason below
        # A profile must outlive its pages. Qt deletes a parent's children in
        # creation order, so the profile is created after the tab widget that
        # (through the views) owns every page.
        self.identities = BrowsingIdentities(gate, self)
        self._build_evidence_keepers(recorder)
        self.timestamper = Timestamper(gate, self.identities, settings, self)
        self.timestamper.stamped.connect(self._timestamped)
        self.timestamper.errorRaised.connect(self._show_error)
        self.persona_bar = PersonaBar()
        self.persona_bar.chosen.connect(self.new_tab)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._sync_address)
        self.setCentralWidget(central)
        self.address = QLineEdit()
        self.address.setAccessibleName(translate("MainWindow", "Address"))
        self.address.setAccessibleDescription(
            translate(
                "MainWindow", "The web address of this tab; type one and press Enter to go there"
            )
        )
        self.address.setPlaceholderText(translate("MainWindow", "Address"))
        self.address.returnPressed.connect(self._navigate_from_address)
        self.route_indicator, self.route_startup = self._route_widgets(gate)
        self.explorer = CaseExplorer()
        self.persona_pane = PersonaPane()
        self.contact_pane = ContactPane()
        self.lookup_pane = LookupPane(LookupRoute(gate, self.identities, self.persona_bar.current))
        self.case_label = QLabel()
        self.case_label.setAccessibleName(translate("MainWindow", "Current case"))
        self.statusBar().addPermanentWidget(self.case_label)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_case_docks()
        self._build_lookups()
        self.idle_lock = IdleLock(settings.auto_lock_minutes * 60_000, self)
        self.idle_lock.idle.connect(self.lock_case)
        self._locked_path: Path | None = None
        self._snapshot_persona: str | None = None
        self._idle_watched = False
        self._build_workspace()
        self.new_tab()
        self._update_case_state()

    # -- construction ----------------------------------------------------

    def _build_evidence_keepers(self, recorder: Recorder | None) -> None:
        # Downloads and saved images become evidence in the open case.
        self.downloads = DownloadKeeper(lambda: self.case, self.seal_context, self)
        self.downloads.sealed.connect(self._download_sealed)
        self.downloads.refused.connect(lambda why: self.statusBar().showMessage(why, 8000))
        self.downloads.failed.connect(self._show_error)
        self.identities.profileCreated.connect(
            lambda profile: self.downloads.watch(profile, self.identities.persona_of(profile))
        )
        # Every visited page sealed (WARC + text) while the case says so (default on).
        self.auto_capture_on = False
        self.auto_capture: AutoCapture | None = None
        if recorder is not None:
            self.auto_capture = AutoCapture(
                recorder, lambda: self.case, self.seal_context, lambda: self.auto_capture_on, self
            )
            self.auto_capture.sealed.connect(self._visit_sealed)
            self.auto_capture.failed.connect(self._show_error)

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
        self, text: str, shortcut: QKeySequence.StandardKey | None, web: QWebEnginePage.WebAction
    ) -> QAction:
        """An action applied to whichever tab is current when it fires."""
        return self._action(text, shortcut, lambda: self.current_tab().page.triggerAction(web))

    def _build_actions(self) -> None:
        web = QWebEnginePage.WebAction
        # Keys: see assign_shortcuts in _build_workspace.
        self.back_action = self._web_action(translate("MainWindow", "Back"), None, web.Back)
        self.forward_action = self._web_action(
            translate("MainWindow", "Forward"), None, web.Forward
        )
        self.reload_action = self._web_action(translate("MainWindow", "Reload"), None, web.Reload)
        self.new_tab_action = self._action(
            translate("MainWindow", "New tab"), None, self.open_new_tab
        )
        self.close_tab_action = self._action(
            translate("MainWindow", "Close tab"),
            None,
            lambda: self.close_tab(self.tabs.currentIndex()),
        )
        self.focus_address_action = self._action(
            translate("MainWindow", "Address bar"), None, self._focus_address
        )
        self.snapshot_action = self._action(
            translate("MainWindow", "Snapshot"), None, self.take_snapshot
        )
        self.snapshot_action.setToolTip(
            translate("MainWindow", "Seal what is on screen into the case ({keys})").format(
                keys=native_keys(SNAPSHOT_SHORTCUT)
            )
        )
        self.new_case_action = self._action(
            translate("MainWindow", "New case…"), None, self.new_case
        )
        self.open_case_action = self._action(
            translate("MainWindow", "Open case…"), None, self.open_case_dialog
        )
        self.close_case_action = self._action(
            translate("MainWindow", "Close case"), None, self.close_case
        )
        self.lock_case_action = self._action(
            translate("MainWindow", "Lock case"), None, self.lock_case
        )
        self.passphrase_action = self._action(
            translate("MainWindow", "Change passphrase…"), None, self.change_passphrase
        )
        self.unlock_case_action = self._action(
            translate("MainWindow", "Unlock case…"), None, self.unlock_case
        )
        self.about_action = self._action(translate("MainWindow", "About"), None, self.show_about)
        self.new_contact_action = self._action(
            translate("MainWindow", "New contact entry…"), None, self.contact_pane.new_entry
        )
        self.set_route_action = self._action(
            translate("MainWindow", "Set route…"), None, self.ask_route
        )
        self.exit_identity_action = self._action(
            translate("MainWindow", "Show exit identity"), None, self.show_exit_identity
        )
        self.new_identity_action = self._action(
            translate("MainWindow", "New identity for this tab's persona"),
            None,
            lambda: self.new_identity(),  # noqa: PLW0108 - triggered's "checked" must not reach it
        )
        self.new_identity_clear_action = self._action(
            translate("MainWindow", "New identity and clear this persona's cookies and cache"),
            None,
            lambda: self.new_identity(clear_session=True),
        )
        self.auto_capture_action = self._action(
            translate("MainWindow", "Capture every page visited"), None, lambda: None
        )
        self.auto_capture_action.setCheckable(True)
        self.auto_capture_action.setToolTip(
            translate(
                "MainWindow",
                "Seal each page you visit (its traffic as WARC and its text) into the case",
            )
        )
        self.auto_capture_action.toggled.connect(self._auto_capture_toggled)
        self.report_action = QAction(translate("MainWindow", "Final report…"), self)
        self.report_action.setToolTip(
            translate(
                "MainWindow",
                "The case's report (PDF or HTML): the exhibits selected in the case explorer, "
                "or all of them",
            )
        )
        self.report_action.triggered.connect(self.make_report)
        self.case_outputs = CaseOutputs(self, officer=self._officer)
        self.case_outputs.progress.connect(lambda text: self.statusBar().showMessage(text))
        self.case_outputs.failed.connect(self._show_error)
        self.case_outputs.reportWritten.connect(
            lambda path: self.statusBar().showMessage(
                translate("MainWindow", "The report was written to {path}.").format(path=path),
                10000,
            )
        )

    def _build_toolbar(self) -> None:
        bar = QToolBar(translate("MainWindow", "Navigation"))
        bar.setObjectName("navigation")  # the layout memory finds it by name
        bar.setMovable(False)
        for action in (self.back_action, self.forward_action, self.reload_action):
            bar.addAction(action)
        bar.addWidget(self.persona_bar)
        bar.addWidget(self.address)
        bar.addAction(self.snapshot_action)
        bar.addWidget(self.route_indicator)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        case_menu = self.menuBar().addMenu(translate("MainWindow", "&Case"))
        for action in (
            self.new_case_action,
            self.open_case_action,
            self.lock_case_action,
            self.unlock_case_action,
            self.close_case_action,
            self.passphrase_action,
            self.new_contact_action,
            self.auto_capture_action,
            self.report_action,
        ):
            case_menu.addAction(action)
        self.case_output_actions = install_case_output_actions(self, case_menu)
        browse_menu = self.menuBar().addMenu(translate("MainWindow", "&Browse"))
        for action in (
            self.new_tab_action,
            self.close_tab_action,
            self.focus_address_action,
            self.snapshot_action,
        ):
            browse_menu.addAction(action)
        route_menu = self.menuBar().addMenu(translate("MainWindow", "&Route"))
        route_menu.addAction(self.set_route_action)
        route_menu.addAction(self.exit_identity_action)
        route_menu.addAction(self.new_identity_action)
        route_menu.addAction(self.new_identity_clear_action)
        # Filled by _build_lookups.
        self.lookup_menu = self.menuBar().addMenu(translate("MainWindow", "&Lookup"))
        self.help_menu = help_menu = self.menuBar().addMenu(translate("MainWindow", "&Help"))
        help_menu.addAction(self.about_action)

    def _build_case_docks(self) -> None:
        right, bottom = (
            Qt.DockWidgetArea.RightDockWidgetArea,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.docks: dict[str, QDockWidget] = {}
        for name, title, pane, area in (
            ("explorer", translate("MainWindow", "Case"), self.explorer, right),
            ("personas", translate("MainWindow", "Personas"), self.persona_pane, right),
            ("contacts", translate("MainWindow", "Contact log"), self.contact_pane, bottom),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(pane)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
            pane.errorRaised.connect(self._show_error)
            self.caseChanged.connect(pane.set_case)
        self.tabifyDockWidget(self.docks["explorer"], self.docks["personas"])
        self.docks["explorer"].raise_()
        self.persona_pane.reloaded.connect(self.contact_pane.reload)
        self.persona_pane.reloaded.connect(
            lambda: self.persona_bar.set_personas(self.persona_pane.aliases())
        )
        self.explorer.compareRequested.connect(self.compare_exhibits)
        self.explorer.recaptureRequested.connect(self.recapture)

    # -- the officer's workspace (issue 9) -------------------------------

    def _central_widget(self) -> QWidget:
        """The tabs under a strip in the current identity's colour."""
        self.persona_strip = PersonaStrip()
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.persona_strip)
        layout.addWidget(self.tabs, 1)
        return central

    def _build_workspace(self) -> None:
        """Settings, cheat sheet, layout memory, the page menu, and every shortcut."""
        self.settings_action = self._action(
            translate("MainWindow", "Settings…"), None, self.open_settings
        )
        self.shortcuts_action = self._action(
            translate("MainWindow", "Keyboard shortcuts"), None, self.show_shortcuts
        )
        # Docks start small, so at 1366×768 the page keeps most of the window.
        self.resizeDocks([self.docks["contacts"]], [200], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["explorer"]], [320], Qt.Orientation.Horizontal)
        self.layout_memory = LayoutMemory(self, self.settings)
        self.reset_layout_action = self._action(
            translate("MainWindow", "Reset layout"), None, self.layout_memory.reset
        )
        view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        tools_menu = self.menuBar().addMenu(translate("MainWindow", "&Tools"))
        tools_menu.addAction(self.settings_action)
        help_menu = self.help_menu
        help_menu.insertAction(self.about_action, self.shortcuts_action)
        # Menus sit in the order the officer reads them: View and Tools before Help.
        self.menuBar().insertMenu(help_menu.menuAction(), view_menu)
        self.menuBar().insertMenu(help_menu.menuAction(), tools_menu)
        assign_shortcuts(self)
        self.page_menu = PageMenu(self)
        self.layout_memory.restore()
        self._shortcuts_dialog: ShortcutsDialog | None = None

    def open_settings(self) -> SettingsDialog:
        return show_settings(self)

    def show_shortcuts(self) -> ShortcutsDialog:
        """The cheat sheet, beside the window (not modal)."""
        if self._shortcuts_dialog is None:
            self._shortcuts_dialog = ShortcutsDialog(self)
        self._shortcuts_dialog.show()
        self._shortcuts_dialog.raise_()
        return self._shortcuts_dialog

    def cases_folder(self) -> Path:
        """Where new cases are proposed: the settings' folder, else the default."""
        return Path(self.settings.cases_dir) if self.settings.cases_dir else cases_dir()

    # -- comparing and re-capturing exhibits -----------------------------

    def compare_exhibits(self, older_id: int, newer_id: int) -> None:
        """Open both captures side by side (loaded off the GUI thread)."""
        case = self.case
        if case is None:
            return

        def load() -> tuple[Comparison, tuple[QImage, QImage]]:
            comparison = compare(exhibit_view(case, older_id), exhibit_view(case, newer_id))
            shots = (scaled_screenshot(comparison.older), scaled_screenshot(comparison.newer))
            return comparison, shots

        run_in_background(load, self._show_comparison, self._show_error)

    def _show_comparison(self, loaded: tuple[Comparison, tuple[QImage, QImage]]) -> None:
        dialog = CompareDialog(*loaded, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.comparisonShown.emit(dialog)

    def recapture(self, url: str) -> None:
        """Load url again in the current tab and seal a new snapshot once it has loaded."""
        tab = self.current_tab()

        def loaded(ok: bool) -> None:
            tab.page.loadFinished.disconnect(loaded)
            if ok:
                self.take_snapshot()
            else:
                self._show_error(
                    translate(
                        "MainWindow", "{url} could not be loaded again; nothing was captured."
                    ).format(url=url)
                )

        tab.page.loadFinished.connect(loaded)
        self.statusBar().showMessage(
            translate("MainWindow", "Capturing {url} again…").format(url=url)
        )
        tab.navigate(url)

    # -- lookups pane (issue 6) ------------------------------------------

    def _build_lookups(self) -> None:
        """The lookups dock (tabbed with the contact log), its actions and its menu."""
        dock = QDockWidget(translate("MainWindow", "Lookups"), self)
        dock.setObjectName("lookups")
        dock.setWidget(self.lookup_pane)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tabifyDockWidget(self.docks["contacts"], dock)
        self.docks["contacts"].raise_()
        self.docks["lookups"] = dock
        self.caseChanged.connect(self.lookup_pane.set_case)
        self.lookup_pane.errorRaised.connect(self._show_error)
        self.tabs.currentChanged.connect(lambda _index: self.lookup_pane.refresh_identity())
        self.lookup_selection_action = self._action(
            translate("MainWindow", "Look up selection"), None, self.look_up_selection
        )
        self.lookup_selection_action.setToolTip(
            translate(
                "MainWindow",
                "Profile of the text selected on the page, else of the site's host ({keys})",
            ).format(keys=native_keys(LOOKUP_SHORTCUT))
        )
        self.lookup_site_action = self._action(
            translate("MainWindow", "Look up this site"), None, self.look_up_site
        )
        self.lookup_site_action.setToolTip(
            translate("MainWindow", "Profile of this tab's site: headers, certificate, DNS")
        )
        for action in (self.lookup_selection_action, self.lookup_site_action):
            self.lookup_menu.addAction(action)
        self.lookup_menu.addSeparator()
        self.lookup_menu.addAction(dock.toggleViewAction())

    def look_up_selection(self) -> None:
        page = self.current_tab().page
        target = page.selectedText().strip() or page.url().host()
        if not target:
            self._show_error(
                translate("MainWindow", "Select text on the page, or open a site, to look it up.")
            )
            return
        self._run_lookup(target)

    def look_up_site(self) -> None:
        url = self.current_tab().page.url()
        if not url.host():
            self._show_error(
                translate("MainWindow", "Open a site first: this tab shows no web address.")
            )
            return
        host = f"[{url.host()}]" if ":" in url.host() else url.host()
        port = f":{url.port()}" if url.port() >= 0 else ""
        self._run_lookup(f"{url.scheme()}://{host}{port}/")  # the site: no path, no login

    def _run_lookup(self, target: str) -> None:
        dock = self.docks["lookups"]
        dock.show()
        dock.raise_()
        self.lookup_pane.look_up(target)

    # -- tabs and navigation ---------------------------------------------

    def current_tab(self) -> BrowserTab:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, BrowserTab)
        return widget

    def open_new_tab(self) -> BrowserTab:
        """A new tab as the identity of the current one (as browsers keep the profile)."""
        return self.new_tab(self.persona_bar.current())

    def new_tab(self, persona: str | None = None) -> BrowserTab:
        fresh = persona is not None and persona not in self.identities.personas()
        profile = self.identities.profile(persona)
        if fresh and persona is not None and self.case is not None:
            self._restore_persona_state(self.case, persona)
        tab = BrowserTab(profile, persona)
        self.identities.attach(tab.page, persona)
        self.page_menu.attach(tab)
        if self.auto_capture is not None:
            self.auto_capture.watch(tab.page, persona, BrowsingIdentities.key(persona))
        index = self.tabs.addTab(tab, persona_icon(persona), tab_title(persona, ""))
        self._name_close_button(index)
        tab.titleChanged.connect(lambda title, t=tab: self._retitle(t, title))
        tab.page.urlChanged.connect(lambda _url, t=tab: self._url_changed(t))
        tab.page.loadFinished.connect(lambda ok, t=tab: self._load_finished(t, ok))
        self.tabs.setCurrentIndex(index)
        self.address.setFocus()
        return tab

    def _name_close_button(self, index: int) -> None:
        """Qt leaves a tab's close button nameless: say what it does to screen readers."""
        bar = self.tabs.tabBar()
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            button = bar.tabButton(index, side)
            if button is not None:
                button.setAccessibleName(translate("MainWindow", "Close tab"))

    def _restore_persona_state(self, case: Case, persona: str) -> None:
        """Bring back the persona's cookies from the case (logged-in sessions survive)."""

        def restore(state: bytes | None) -> None:
            if state and persona in self.identities.personas():
                self.identities.restore_state(persona, state)

        run_in_background(lambda: case.load_persona_state(persona), restore, self._show_error)

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
            self.tabs.setTabText(index, tab_title(tab.persona, title))

    def _url_changed(self, tab: BrowserTab) -> None:
        if tab is self.tabs.currentWidget():
            self._sync_address()

    def _sync_address(self) -> None:
        if self.tabs.count():
            tab = self.current_tab()
            self.address.setText(tab.page.url().toString())
            self.persona_bar.show_persona(tab.persona)
            self.persona_strip.show_persona(tab.persona)

    def _load_finished(self, tab: BrowserTab, ok: bool) -> None:
        url = tab.page.url().toString()
        if not ok:
            self.statusBar().showMessage(
                translate("MainWindow", "Could not load {url}: check the route status.").format(
                    url=url
                ),
                10000,
            )
            self.route_indicator.refresh()  # a failed load is news about the route
        if self.case is not None and url:
            case = self.case
            details: dict[str, JsonValue] = {"url": url, "loaded": ok, "route": self._route_text()}
            run_in_background(
                lambda: case.append_audit("page.visited", details),
                lambda _e: None,
                self._show_error,
            )

    def _download_sealed(self, exhibit: SealedExhibit) -> None:
        name = exhibit.manifest.as_dict()["artifacts"][0]["name"]
        self.statusBar().showMessage(
            translate("MainWindow", "Download {name} kept as evidence: {number}…").format(
                name=name, number=exhibit.control_number[:16]
            ),
            10000,
        )
        self.explorer.reload()
        self.exhibitSealed.emit(exhibit)
        self.timestamper.stamp(exhibit)

    def _visit_sealed(self, exhibit: SealedExhibit) -> None:
        self.explorer.reload()
        self.visitSealed.emit(exhibit)

    def make_report(self) -> None:
        """Ask where, then write the report of the chosen (or all) exhibits."""
        if self.case is None:
            return
        chosen = [row.item_id for row in self.explorer.selected_exhibits()]
        self.case_outputs.ask_and_make_report(self, self.case, chosen or None)

    def set_auto_capture(self, on: bool) -> None:
        """Turn automatic capture on or off for the open case (stored in the case)."""
        case = self.case
        if case is None:
            return
        self.auto_capture_on = on
        run_in_background(
            lambda: case.update_metadata(auto_capture=on),
            lambda _meta: self.statusBar().showMessage(
                translate("MainWindow", "Automatic capture is on for this case.")
                if on
                else translate("MainWindow", "Automatic capture is off for this case."),
                6000,
            ),
            self._show_error,
        )

    # -- route -----------------------------------------------------------

    def _route_text(self) -> str:
        route = self.gate.route
        return route.describe() if route is not None else "none"  # recorded: not translated

    def show_exit_identity(self) -> None:
        """Where the current tab's identity comes out, as the outside world sees it."""
        persona, gate = self.current_tab().persona, self.gate
        who = persona or research_label()
        self.statusBar().showMessage(
            translate("MainWindow", "Asking the route where {who} comes out…").format(who=who)
        )

        def shown(record: dict[str, Any]) -> None:
            address = record.get("address") or translate("MainWindow", "unknown")
            country = f" ({record['country']})" if record.get("country") else ""
            detail = record.get("via") or record.get("detail") or ""
            self.statusBar().showMessage(
                translate("MainWindow", "{who} comes out at {address}{country}. {detail}").format(
                    who=who, address=address, country=country, detail=detail
                )
            )
            self.exitIdentityShown.emit(record)

        run_in_background(
            lambda: exit_record(gate, BrowsingIdentities.key(persona)), shown, self._show_error
        )

    def new_identity(self, *, clear_session: bool = False) -> None:
        """Fresh circuits for the current tab's identity; its open connections are cut.

        With clear_session, its cookies, cache and visited links go too, so a site
        cannot recognise it by them either.
        """
        persona, gate = self.current_tab().persona, self.gate
        key = BrowsingIdentities.key(persona)

        def done(changed: bool) -> None:
            who = persona or research_label()
            message = (
                translate(
                    "MainWindow", "{who} has a new identity: new connections use fresh circuits."
                )
                if changed
                else translate(
                    "MainWindow",
                    "This route cannot give {who} a new identity; the connections were cut.",
                )
            ).format(who=who)
            if clear_session:
                message += " " + translate("MainWindow", "Its cookies and cache were cleared.")
            self.statusBar().showMessage(message, 10000)
            self.identityRenewed.emit(who, changed)

        def renew() -> None:
            run_in_background(lambda: gate.new_identity(key), done, self._show_error)

        if clear_session:
            self.statusBar().showMessage(
                translate("MainWindow", "Clearing the identity's cookies and cache…")
            )
            self.identities.clear_session(persona, renew)
        else:
            renew()

    def ask_route(self) -> RouteDialog:
        """The route dialog over the window (not blocking); OK applies the route.

        The proxy password sits masked in a field of its own, filled with the one in use:
        accepted untouched, the route keeps it.
        """
        route = self.gate.route
        current = route.to_url(redact=False) if route else self.settings.route or DEFAULT_ROUTE
        dialog = RouteDialog(current, self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_route(dialog.route_text()))
        dialog.open()
        return dialog

    def ask_proxy_password(self) -> ProxyPasswordDialog:
        """Ask for the proxy password this PC could not keep since the last start (no
        usable keyring); the gate has no route, so nothing leaves, until it is given."""
        shown_route, _ = split_proxy_password(self.settings.route)
        dialog = ProxyPasswordDialog(shown_route, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._proxy_password_given(dialog.password.text()))
        dialog.rejected.connect(self._proxy_password_refused)
        dialog.open()
        return dialog

    def _proxy_password_given(self, password: str) -> None:
        try:
            self.settings.set_proxy_password(password)
        except ValueError:  # the route changed meanwhile and names no user any more
            log.info("the proxy password was not needed: the route names no user")
        self.apply_route(self.settings.route)

    def _proxy_password_refused(self) -> None:
        self.route_indicator.refresh()
        self.statusBar().showMessage(
            translate(
                "MainWindow",
                "Nothing leaves this PC until the proxy password is given (Route ▸ Set route…).",
            )
        )

    def _route_widgets(self, gate: RouteGate) -> tuple[RouteIndicator, RouteStartup]:
        """The route's badge (toolbar) and its start-up strip (status bar, while starting)."""
        indicator, startup = RouteIndicator(gate), RouteStartup()
        startup.hide()
        indicator.startupChanged.connect(self._route_starting)
        startup.stopRequested.connect(self.stop_route)
        return indicator, startup

    def _route_starting(self, status: RouteStatus | None) -> None:
        """Show the route's start-up (Tor's bootstrap) in the status bar while it lasts."""
        strip = self.route_startup
        if status is None:
            if not strip.isHidden():
                self.statusBar().removeWidget(strip)
                strip.hide()
            return
        if strip.isHidden():
            self.statusBar().addPermanentWidget(strip)
            strip.show()
        strip.show_status(status)

    def stop_route(self) -> None:
        """Stop the route for this run (e.g. Tor cannot get through): nothing leaves the PC."""
        self.gate.set_route(None)
        self._route_starting(None)
        self.route_indicator.refresh()
        self.statusBar().showMessage(
            translate(
                "MainWindow",
                "The route was stopped: nothing leaves this PC until a route is chosen "
                "(Route ▸ Set route…).",
            )
        )
        if self.case is not None:
            case = self.case
            run_in_background(
                lambda: case.append_audit("route.changed", {"route": "none (stopped)"}),
                lambda _e: None,
                self._show_error,
            )

    def apply_route(self, text: str) -> None:
        try:
            route = resolve_route(text.strip() or DEFAULT_ROUTE, self.settings)
        except WorkstationError as exc:
            self._show_error(str(exc))
            return
        self.gate.set_route(route)
        self.settings.route = route.to_url(redact=False) if route else ""
        if self.settings.save() is ProxyPassword.THIS_RUN_ONLY:
            self.statusBar().showMessage(no_keyring_message(), 15000)
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
        dialog.location.setText(str(self.cases_folder()))
        if dialog.exec() != NewCaseDialog.DialogCode.Accepted:
            return
        path, title = dialog.case_path(), dialog.reference.text().strip()
        passphrase, officer = dialog.passphrase.text(), self._officer()
        changes = dialog.metadata_changes()

        def create() -> Case:
            case = Case.create(path, passphrase, title=title, officer=officer)
            case.update_metadata(**changes)
            return case

        self.statusBar().showMessage(translate("MainWindow", "Creating the case…"))
        run_in_background(create, self.set_case, self._show_error)

    def open_case_dialog(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, translate("MainWindow", "Open case"), str(self.cases_folder())
        )
        if chosen:
            self.open_case_asking(Path(chosen))

    def open_case_asking(self, path: Path) -> None:
        """Open with this PC's remembered secret if there is one, else ask the passphrase."""
        officer = self._officer()

        def opened(case: Case | None) -> None:
            if case is not None:
                self.set_case(case)
                return
            dialog = UnlockDialog(path, self)
            if dialog.exec() == UnlockDialog.DialogCode.Accepted:
                self.open_case(path, dialog.passphrase.text(), remember=dialog.remember.isChecked())

        run_in_background(
            lambda: Case.open_remembered(path, officer=officer), opened, self._show_error
        )

    def open_case(self, path: Path, passphrase: str, *, remember: bool = False) -> None:
        self.statusBar().showMessage(translate("MainWindow", "Unlocking the case…"))
        officer = self._officer()

        def unlock() -> Case:
            case = Case.open(path, passphrase, officer=officer)
            if remember and not case.remember_on_this_pc():
                log.info("no usable keyring: the case was not remembered")
            return case

        run_in_background(unlock, self.set_case, self._show_error)

    def change_passphrase(self) -> None:
        case = self.case
        if case is None:
            return
        dialog = PassphraseChangeDialog(self)
        if dialog.exec() != PassphraseChangeDialog.DialogCode.Accepted:
            return
        old, new = dialog.old.text(), dialog.new.text()
        run_in_background(
            lambda: case.change_passphrase(old, new),
            lambda _none: self.statusBar().showMessage(
                translate("MainWindow", "The case passphrase was changed."), 8000
            ),
            self._show_error,
        )

    def set_case(self, case: Case | None) -> None:
        if self.case is not None and self.case is not case:
            self._leave_case(self.case)
        self.case = case
        self.timestamper.case = case
        self.auto_capture_on = False
        if case is not None:
            self.statusBar().showMessage(
                translate("MainWindow", "Case {name} is open.").format(name=case.path.name), 5000
            )
            run_in_background(
                lambda: case.metadata().auto_capture,
                functools.partial(self._auto_capture_loaded, case),
                self._show_error,
            )
        self._update_case_state()
        self.caseChanged.emit(case)

    def _leave_case(self, case: Case) -> None:
        """Close the persona tabs, keep their cookies in the case, then close it.

        Personas belong to a case: their tabs and profiles go with it. Saving and
        closing run off the GUI thread; the case is out of reach of the window at once.
        """
        states = {
            alias: self.identities.export_state(alias) for alias in self.identities.personas()
        }
        for index in reversed(range(self.tabs.count())):
            tab = self.tabs.widget(index)
            if isinstance(tab, BrowserTab) and tab.persona is not None:
                self.close_tab(index)
        for alias in list(states):
            self.identities.forget(alias)
        self.persona_bar.set_personas([])

        def save_and_close() -> None:
            try:
                for alias, state in states.items():
                    case.save_persona_state(alias, state)
            finally:
                case.close()

        run_in_background(save_and_close, lambda _none: None, self._show_error)

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
            translate(
                "MainWindow",
                "Case {name} was locked after a period without input. "
                "Case ▸ Unlock case… opens it again.",
            ).format(name=self._locked_path.name)
        )
        self._update_case_state()

    def unlock_case(self) -> None:
        if self._locked_path is not None:
            self.open_case_asking(self._locked_path)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            translate("MainWindow", "About {name}").format(name=APP_NAME),
            translate(
                "MainWindow",
                "<b>{name}</b><br>Version {version}, build {build}<br>"
                "Qt WebEngine {webengine}, Chromium {chromium}",
            ).format(
                name=APP_NAME,
                version=tool_version(),
                build=build_hash(),
                webengine=qWebEngineVersion(),
                chromium=qWebEngineChromiumVersion(),
            ),
        )

    def _auto_capture_loaded(self, case: Case, on: bool) -> None:
        if self.case is case:
            self.auto_capture_on = on
            self._update_case_state()

    def _auto_capture_toggled(self, on: bool) -> None:
        if self.case is not None and on != self.auto_capture_on:
            self.set_auto_capture(on)

    def _update_case_state(self) -> None:
        has_case = self.case is not None
        self.auto_capture_action.setEnabled(has_case and self.auto_capture is not None)
        self.report_action.setEnabled(has_case)
        with QSignalBlocker(self.auto_capture_action):
            self.auto_capture_action.setChecked(has_case and self.auto_capture_on)
        self.snapshot_action.setEnabled(has_case)
        self.close_case_action.setEnabled(has_case)
        self.new_contact_action.setEnabled(has_case)
        self.passphrase_action.setEnabled(has_case)
        self.lock_case_action.setEnabled(has_case)
        self.unlock_case_action.setEnabled(not has_case and self._locked_path is not None)
        title = f"{self.case.path.name} — {APP_NAME}" if self.case else APP_NAME
        self.setWindowTitle(title)
        self.case_label.setText(
            translate("MainWindow", "Case: {name}").format(name=self.case.path.name)
            if self.case
            else translate("MainWindow", "No case open (Case ▸ New case…)")
        )

    def _officer(self) -> str:
        return self.settings.officer or default_officer()

    # -- snapshot --------------------------------------------------------

    def take_snapshot(self) -> None:
        if self.case is None:
            self._show_error(
                translate("MainWindow", "Open or create a case before taking a snapshot.")
            )
            return
        if self._snapshot is not None:
            self.statusBar().showMessage(
                translate("MainWindow", "A snapshot is already being taken."), 4000
            )
            return
        tab = self.current_tab()
        if tab.refused_by_route:
            self._show_error(
                translate(
                    "MainWindow", "This page was not loaded: the route refused it. Nothing to seal."
                )
            )
            return
        job = SnapshotJob(
            tab.view,
            tab.requested_url(),
            surface=tab,
            site_status=tab.site_error_status,
            parent=self,
            # Recorded in the manifest: evidence stays in the tool's one language.
            warnings=["the page was still loading when the snapshot was taken"]
            if tab.loading
            else None,
            still_loading=tab.loading,
        )
        job.finished.connect(self._captured)
        job.failed.connect(self._snapshot_failed)
        self.snapshot_progress = SnapshotProgress(job, self)
        self._snapshot = job
        self._snapshot_persona = tab.persona
        self.snapshot_action.setEnabled(False)
        self.statusBar().showMessage(translate("MainWindow", "Taking a snapshot…"))
        job.start()

    def _captured(self, page: CapturedPage, image: Any) -> None:
        self._snapshot = None
        case = self.case
        if case is None:
            self._snapshot_failed(
                translate("MainWindow", "The case was closed before the snapshot was sealed.")
            )
            return
        persona, gate, recorder = self._snapshot_persona, self.gate, self.recorder

        def seal() -> SealedExhibit:
            # On the worker: the build hash may ask git once.
            context = self.seal_context(persona)
            sealed_page = dataclasses.replace(page, screenshot_png=png_bytes(image))
            if recorder is not None:
                sealed_page = recorder.with_warc(sealed_page, BrowsingIdentities.key(persona))
            exit_identity = exit_record(gate, BrowsingIdentities.key(persona))
            return seal_page(case, sealed_page, context.with_extra(exit=exit_identity))

        self.statusBar().showMessage(translate("MainWindow", "Sealing the snapshot…"))
        run_in_background(seal, self._sealed, self._snapshot_failed)

    def seal_context(self, persona: str | None = None) -> SealContext:
        return SealContext(
            route=self._route_text(),
            officer=self._officer(),
            tool=tool_identity(),
            extra={"persona": persona},
        )

    def _sealed(self, exhibit: SealedExhibit) -> None:
        self._update_case_state()
        self.explorer.reload()
        self.contact_pane.latest_exhibit = exhibit.item_id
        note = (
            " "
            + translate("MainWindow", "(partial: {warnings})").format(
                warnings="; ".join(exhibit.warnings)
            )
            if exhibit.warnings
            else ""
        )
        self.statusBar().showMessage(
            translate("MainWindow", "Sealed. Control number {number}{note}").format(
                number=exhibit.control_number, note=note
            )
        )
        self.exhibitSealed.emit(exhibit)
        self.timestamper.stamp(exhibit)

    def _timestamped(self, control_number: str, result: dict[str, Any]) -> None:
        status = {
            "granted": translate("MainWindow", "timestamped"),
            "queued": translate(
                "MainWindow", "timestamp queued (authority unreachable; retried later)"
            ),
        }.get(str(result.get("status"))) or translate(
            "MainWindow", "timestamp failed: {reason}"
        ).format(reason=result.get("reason"))
        self.statusBar().showMessage(
            translate("MainWindow", "Control number {number}: {status}").format(
                number=control_number, status=status
            ),
            15000,
        )
        self.timestampReported.emit(control_number, result)

    def _snapshot_failed(self, reason: str) -> None:
        self._snapshot = None
        self._update_case_state()
        progress = self.snapshot_progress
        if progress is not None and progress.cancelled:
            self.statusBar().showMessage(
                translate("MainWindow", "Snapshot cancelled; nothing was sealed."), 10000
            )
        else:
            self._show_error(
                translate("MainWindow", "Snapshot failed: {reason}").format(reason=reason)
            )
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
        self.layout_memory.remember()
        self.lookup_pane.shutdown()
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
