"""The main window: tabs, navigation, route status, case and snapshot actions.

The window builds the widgets, actions, menus and docks and owns the signals; its larger
pieces of behaviour are parts in modules of their own (window_part.py): the case's life
(case_lifecycle.py), the route (route_control.py), snapshots (snapshot_flow.py), and
comparing and re-capturing exhibits (compare_recapture.py).
"""

import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWebEngineCore import QWebEnginePage, qWebEngineChromiumVersion, qWebEngineVersion
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation import APP_NAME
from workstation.browser.autocapture import AutoCapture
from workstation.browser.downloads import DownloadKeeper
from workstation.browser.identities import BrowsingIdentities
from workstation.browser.snapshot import SnapshotJob
from workstation.canonjson import JsonValue
from workstation.casefile import Case
from workstation.evidence.recorder import Recorder
from workstation.evidence.snapshot import SealContext, SealedExhibit
from workstation.paths import cases_dir
from workstation.route import RouteGate
from workstation.settings import Settings, default_officer
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.case_lifecycle import CaseLifecycle
from workstation.ui.case_outputs import CaseOutputs, install_case_output_actions
from workstation.ui.compare_recapture import CompareRecapture
from workstation.ui.dialogs import ProxyPasswordDialog
from workstation.ui.i18n import translate
from workstation.ui.idle_lock import IdleLock
from workstation.ui.layout_memory import LayoutMemory
from workstation.ui.page_menu import PageMenu
from workstation.ui.panes.contacts import ContactPane
from workstation.ui.panes.explorer import CaseExplorer
from workstation.ui.panes.lookups import LookupPane, LookupRoute
from workstation.ui.panes.personas import PersonaPane
from workstation.ui.panes.route_pane import RoutePane
from workstation.ui.persona_bar import PersonaBar, persona_icon
from workstation.ui.persona_strip import PersonaStrip
from workstation.ui.route_control import RouteControl
from workstation.ui.route_settings import RouteDialog
from workstation.ui.settings_dialog import SettingsDialog, show_settings
from workstation.ui.shortcuts import (
    LOOKUP_SELECTION_KEYS,
    SNAPSHOT_KEYS,
    ShortcutsDialog,
    assign_shortcuts,
)
from workstation.ui.snapshot_flow import SnapshotFlow
from workstation.ui.snapshot_progress import SnapshotProgress
from workstation.ui.timestamper import Timestamper
from workstation.ui.window_notices import WindowNotices
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


class MainWindow(QMainWindow):
    caseChanged = Signal(object)  # Case | None
    exhibitSealed = Signal(object)  # SealedExhibit: snapshots and downloads
    visitSealed = Signal(object)  # SealedExhibit: a page sealed by automatic capture
    comparisonShown = Signal(object)  # the CompareDialog
    identityRenewed = Signal(str, bool)  # who, whether the route gave fresh circuits
    snapshotFailed = Signal(str)
    errorShown = Signal(str)
    exitIdentityShown = Signal(object)  # the exit record
    exitLearned = Signal(str, object)  # who (as the window names the identity), exit record
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
        self.case_lifecycle = CaseLifecycle(self)
        self.snapshot_flow = SnapshotFlow(self)
        self.compare_recapture = CompareRecapture(self)
        self.notices = WindowNotices(self)
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
        self.timestamper.stamped.connect(self.snapshot_flow.timestamped)
        self.timestamper.errorRaised.connect(self.show_error)
        self.persona_bar = PersonaBar()
        self.persona_bar.chosen.connect(self.new_tab)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._sync_address)
        self.setCentralWidget(central)
        self.address = self._address_bar()
        self.route_control = RouteControl(self)
        self.route_indicator = self.route_control.indicator  # in the toolbar
        self.route_startup = self.route_control.startup  # in the status bar while starting
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
        self._idle_watched = False
        self._build_workspace()
        self.new_tab()
        self.update_case_state()

    # -- construction ----------------------------------------------------

    def _build_evidence_keepers(self, recorder: Recorder | None) -> None:
        # Downloads and saved images become evidence in the open case.
        self.downloads = DownloadKeeper(lambda: self.case, self.seal_context, self)
        self.downloads.sealed.connect(self._download_sealed)
        self.downloads.refused.connect(lambda why: self.statusBar().showMessage(why, 8000))
        self.downloads.failed.connect(self.show_error)
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
            self.auto_capture.failed.connect(self.show_error)

    def _address_bar(self) -> QLineEdit:
        address = QLineEdit()
        address.setAccessibleName(translate("MainWindow", "Address"))
        address.setAccessibleDescription(
            translate(
                "MainWindow", "The web address of this tab; type one and press Enter to go there"
            )
        )
        address.setPlaceholderText(translate("MainWindow", "Address"))
        address.returnPressed.connect(self._navigate_from_address)
        return address

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
        self.auto_capture_action.toggled.connect(self.case_lifecycle.auto_capture_toggled)
        self.report_action = QAction(translate("MainWindow", "Final report…"), self)
        self.report_action.setToolTip(
            translate(
                "MainWindow",
                "The case's report (PDF or HTML): the exhibits selected in the case explorer, "
                "or all of them",
            )
        )
        self.report_action.triggered.connect(self.make_report)
        self.case_outputs = CaseOutputs(self, officer=self.officer)
        self.case_outputs.progress.connect(lambda text: self.statusBar().showMessage(text))
        self.case_outputs.failed.connect(self.show_error)
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
            pane.errorRaised.connect(self.show_error)
            self.caseChanged.connect(pane.set_case)
        self.tabifyDockWidget(self.docks["explorer"], self.docks["personas"])
        self._build_route_dock()
        self.docks["explorer"].raise_()
        self.persona_pane.reloaded.connect(self.contact_pane.reload)
        self.persona_pane.reloaded.connect(
            lambda: self.persona_bar.set_personas(self.persona_pane.aliases())
        )
        self.explorer.compareRequested.connect(self.compare_recapture.compare_exhibits)
        self.explorer.recaptureRequested.connect(self.compare_recapture.recapture)

    # -- the officer's workspace (issue 9) -------------------------------

    def _central_widget(self) -> QWidget:
        """The tabs under a strip in the current identity's colour."""
        self.persona_strip = PersonaStrip()
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.persona_strip)
        layout.addWidget(self.notices.bar)
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
        self.messages_action = self._action(
            translate("MainWindow", "Messages…"), None, self.notices.show_messages
        )
        self.reset_layout_action = self._action(
            translate("MainWindow", "Reset layout"), None, self.layout_memory.reset
        )
        view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.messages_action)
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

    def _build_route_dock(self) -> None:
        """The route's state, the exits seen and the refusals, tabbed with the case."""
        self.route_pane = RoutePane(self.gate)
        dock = QDockWidget(translate("MainWindow", "Route"), self)
        dock.setObjectName("route")
        # In a scroll area: squeezed on a small screen it scrolls, and the window's
        # minimum size stays what the other docks need.
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.route_pane)
        dock.setWidget(area)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.docks["personas"], dock)
        self.docks["route"] = dock
        indicator = self.route_indicator
        self.route_pane.show_state(
            str(indicator.property("state")), indicator.text(), indicator.toolTip()
        )
        indicator.stateShown.connect(self.route_pane.show_state)
        self.route_pane.add_actions(
            (translate("MainWindow", "Show exit"), self.exit_identity_action),
            (translate("MainWindow", "New identity"), self.new_identity_action),
            (translate("MainWindow", "Route…"), self.set_route_action),
        )
        self.exitLearned.connect(self.route_pane.show_exit)
        self.caseChanged.connect(lambda _case: self.route_pane.clear_case_data())

    def cases_folder(self) -> Path:
        """Where new cases are proposed: the settings' folder, else the default."""
        return Path(self.settings.cases_dir) if self.settings.cases_dir else cases_dir()

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
        self.lookup_pane.errorRaised.connect(self.show_error)
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
            self.show_error(
                translate("MainWindow", "Select text on the page, or open a site, to look it up.")
            )
            return
        self._run_lookup(target)

    def look_up_site(self) -> None:
        url = self.current_tab().page.url()
        if not url.host():
            self.show_error(
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

        run_in_background(lambda: case.load_persona_state(persona), restore, self.show_error)

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
            route = self.route_control.route_text()
            details: dict[str, JsonValue] = {"url": url, "loaded": ok, "route": route}
            run_in_background(
                lambda: case.append_audit("page.visited", details),
                lambda _e: None,
                self.show_error,
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

    # -- case (case_lifecycle.py) -----------------------------------------

    def new_case(self) -> None:
        self.case_lifecycle.new_case()

    def open_case_dialog(self) -> None:
        self.case_lifecycle.open_case_dialog()

    def open_case_asking(self, path: Path) -> None:
        """Open with this PC's remembered secret if there is one, else ask the passphrase."""
        self.case_lifecycle.open_case_asking(path)

    def open_case(self, path: Path, passphrase: str, *, remember: bool = False) -> None:
        self.case_lifecycle.open_case(path, passphrase, remember=remember)

    def change_passphrase(self) -> None:
        self.case_lifecycle.change_passphrase()

    def set_case(self, case: Case | None) -> None:
        self.case_lifecycle.set_case(case)

    def close_case(self) -> None:
        self.case_lifecycle.close_case()

    def lock_case(self) -> None:
        """Close the case after idle time; its key leaves memory, the panes clear."""
        self.case_lifecycle.lock_case()

    def unlock_case(self) -> None:
        self.case_lifecycle.unlock_case()

    def set_auto_capture(self, on: bool) -> None:
        """Turn automatic capture on or off for the open case (stored in the case)."""
        self.case_lifecycle.set_auto_capture(on)

    def update_case_state(self) -> None:
        """Enable the Case actions, title and case label for whether a case is open."""
        self.case_lifecycle.update_case_state()

    def officer(self) -> str:
        return self.settings.officer or default_officer()

    # -- route (route_control.py) ----------------------------------------

    def apply_route(self, text: str) -> None:
        self.route_control.apply_route(text)

    def ask_route(self) -> RouteDialog:
        """The route dialog over the window (not blocking); OK applies the route."""
        return self.route_control.ask_route()

    def ask_proxy_password(self) -> ProxyPasswordDialog:
        """Ask for the proxy password this PC could not keep (no usable keyring)."""
        return self.route_control.ask_proxy_password()

    def stop_route(self) -> None:
        """Stop the route for this run (e.g. Tor cannot get through): nothing leaves the PC."""
        self.route_control.stop_route()

    def show_exit_identity(self) -> None:
        self.route_control.show_exit_identity()

    def new_identity(self, *, clear_session: bool = False) -> None:
        self.route_control.new_identity(clear_session=clear_session)

    # -- snapshot (snapshot_flow.py) -------------------------------------

    def take_snapshot(self) -> None:
        self.snapshot_flow.take()

    @property
    def snapshot_progress(self) -> SnapshotProgress | None:
        """The progress of the latest snapshot (its strip and Cancel)."""
        return self.snapshot_flow.progress

    @property
    def _snapshot(self) -> SnapshotJob | None:
        """The snapshot being taken, if any (tests follow its progress)."""
        return self.snapshot_flow.job

    def seal_context(self, persona: str | None = None) -> SealContext:
        return SealContext(
            route=self.route_control.route_text(),
            officer=self.officer(),
            tool=tool_identity(),
            extra={"persona": persona},
        )

    # -- errors and window events ----------------------------------------

    def show_error(self, message: str) -> None:
        self.notices.problem(message)  # stays above the page until dismissed
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
