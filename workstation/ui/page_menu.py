"""Right-click in a page: look the selection or link up, log it as a contact, snapshot.

Chromium's own menu is replaced (the view's CustomContextMenu policy) by one built
here from what was under the pointer (QWebEngineView.lastContextMenuRequest). The
page's own edit actions stay in editable fields, and "Save image" still makes the
image an exhibit. Links open in a new tab only as the tab's own identity, and only
http(s): a page must not get a local file opened by a right-click.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWebEngineCore import QWebEngineContextMenuRequest, QWebEnginePage
from PySide6.QtWidgets import QDialog, QMenu

from workstation.casefile import parse_counterpart
from workstation.errors import WorkstationError
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.i18n import translate
from workstation.ui.panes.contacts import ContactDialog
from workstation.ui.problem_text import officer_message

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

LABEL_CHARS = 32
OPENABLE_SCHEMES = ("http", "https")
_COUNTERPART_KINDS = ("email", "phone", "url")


@dataclass(frozen=True)
class PageContext:
    """What was under the pointer."""

    selected_text: str = ""
    link_url: str = ""
    editable: bool = False
    image_url: str = ""
    from_chromium: bool = False  # the page's own actions (edit, save image) apply to it

    @classmethod
    def from_request(cls, request: QWebEngineContextMenuRequest) -> "PageContext":
        image = request.mediaType() == QWebEngineContextMenuRequest.MediaType.MediaTypeImage
        return cls(
            selected_text=request.selectedText().strip(),
            link_url=request.linkUrl().toString() if request.linkUrl().isValid() else "",
            editable=request.isContentEditable(),
            image_url=request.mediaUrl().toString() if image else "",
            from_chromium=True,
        )


def shortened(text: str, limit: int = LABEL_CHARS) -> str:
    """One line, at most limit characters, for a menu label."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def is_counterpart(text: str) -> bool:
    """An e-mail address, phone number, URL or @handle: goes to the counterpart field."""
    if "\n" in text.strip():
        return False
    try:
        counterpart = parse_counterpart(text)
    except WorkstationError:
        return False
    if counterpart.kind in _COUNTERPART_KINDS:
        return True
    return text.startswith("@") and not any(char.isspace() for char in text)


def openable(url: str) -> bool:
    return QUrl(url).scheme().lower() in OPENABLE_SCHEMES


class PageMenu(QObject):
    """Builds and shows the context menu of every tab of the window."""

    menuShown = Signal(object)  # QMenu, as it pops up

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self._window = window

    def attach(self, tab: BrowserTab) -> None:
        tab.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tab.view.customContextMenuRequested.connect(
            lambda position, t=tab: self._requested(t, position)
        )

    def _requested(self, tab: BrowserTab, position: QPoint) -> None:
        request = tab.view.lastContextMenuRequest()
        if request is None:
            return
        menu = self.menu_for(tab, PageContext.from_request(request))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(tab.view.mapToGlobal(position))
        self.menuShown.emit(menu)

    # -- building --------------------------------------------------------

    def menu_for(self, tab: BrowserTab, context: PageContext) -> QMenu:
        menu = QMenu(tab.view)
        menu.setAccessibleName(translate("PageMenu", "Page menu"))
        if context.editable and context.from_chromium:
            self._add_edit_actions(menu, tab)
        elif context.selected_text:
            self._add_selection_actions(menu, tab, context.selected_text)
        if context.link_url:
            self._add_link_actions(menu, tab, context.link_url)
        if context.image_url and context.from_chromium:
            save = tab.view.pageAction(QWebEnginePage.WebAction.DownloadImageToDisk)
            save.setText(translate("PageMenu", "Save image into the case"))
            menu.addAction(save)
        if menu.actions():
            menu.addSeparator()
        else:
            for action in (self._window.back_action, self._window.forward_action):
                menu.addAction(action)
            menu.addAction(self._window.reload_action)
            menu.addSeparator()
            menu.addAction(self._window.lookup_site_action)
        menu.addAction(self._window.snapshot_action)
        return menu

    def _add_selection_actions(self, menu: QMenu, tab: BrowserTab, text: str) -> None:
        label = translate("PageMenu", "Look up “{text}”").format(text=shortened(text))
        self._item(menu, "page-look-up-selection", label, lambda: self.look_up(text))
        self._item(
            menu,
            "page-add-to-contact-log",
            translate("PageMenu", "Add to contact log…"),
            lambda: self.add_to_contact_log(tab, text),
        )
        self._item(menu, "page-copy", translate("PageMenu", "Copy"), lambda: self.copy(text))

    def _add_link_actions(self, menu: QMenu, tab: BrowserTab, url: str) -> None:
        if menu.actions():
            menu.addSeparator()
        self._item(
            menu,
            "page-look-up-link",
            translate("PageMenu", "Look up link"),
            lambda: self.look_up(url),
        )
        opener = self._item(
            menu,
            "page-open-link",
            translate("PageMenu", "Open link in new tab (same identity)"),
            lambda: self.open_in_new_tab(tab, url),
        )
        opener.setEnabled(openable(url))
        self._item(
            menu,
            "page-copy-link",
            translate("PageMenu", "Copy link address"),
            lambda: self.copy(url),
        )

    @staticmethod
    def _add_edit_actions(menu: QMenu, tab: BrowserTab) -> None:
        web = QWebEnginePage.WebAction
        for group in ((web.Undo, web.Redo), (web.Cut, web.Copy, web.Paste), (web.SelectAll,)):
            for action in group:
                menu.addAction(tab.view.pageAction(action))
            menu.addSeparator()

    @staticmethod
    def _item(menu: QMenu, name: str, text: str, slot: object) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    # -- what the entries do ---------------------------------------------

    def look_up(self, target: str) -> None:
        """Run a profile of target in the lookups dock (shown and raised)."""
        dock = self._window.docks["lookups"]
        dock.show()
        dock.raise_()
        self._window.lookup_pane.look_up(target)

    def open_in_new_tab(self, tab: BrowserTab, url: str) -> BrowserTab | None:
        """The link in a new tab of the same identity as the tab it was in."""
        if not openable(url):
            return None
        opened = self._window.new_tab(tab.persona)
        opened.navigate(url)
        return opened

    @staticmethod
    def copy(text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    def add_to_contact_log(self, tab: BrowserTab, text: str) -> None:
        """The contact log's new-entry dialog, with the text as counterpart or content."""
        pane = self._window.contact_pane
        if pane.case is None:
            pane.errorRaised.emit(translate("PageMenu", "Open or create a case first."))
            return
        if not pane.personas:
            pane.errorRaised.emit(
                translate("PageMenu", "Add a persona first: every contact is made under one.")
            )
            return
        dialog = ContactDialog(pane.personas, pane, latest_exhibit=pane.latest_exhibit)
        if tab.persona in pane.personas:
            dialog.persona.setCurrentText(tab.persona)
        if is_counterpart(text):
            dialog.counterpart.setText(text.strip())
        else:
            dialog.content.setPlainText(text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            draft = dialog.draft()
        except WorkstationError as exc:
            pane.errorRaised.emit(officer_message(exc))
            return
        pane.run(lambda case: case.add_contact(draft))
