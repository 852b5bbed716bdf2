"""Every control a screen reader reaches says what it is.

The main window with an open case (a persona and a contact in it), every dock shown,
and each dialog the window opens are walked; an interactive control needs an accessible
name, a text of its own (a button's caption) or a label whose buddy it is (a form row).
open_surfaces is shared with tests/gui/test_translations.py, which walks the same
surfaces for untranslated texts.
"""

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from tests.support.cases import PASSPHRASE, fast_case
from workstation.casefile import ContactDraft, parse_counterpart
from workstation.evidence.compare import ExhibitView, compare
from workstation.lookup.result import Pivot
from workstation.ui.choice_list import case_choices
from workstation.ui.compare_dialog import CompareDialog
from workstation.ui.dialogs import NewCaseDialog, PassphraseChangeDialog, UnlockDialog
from workstation.ui.first_run import FirstRunWizard
from workstation.ui.i18n import translate
from workstation.ui.job_progress import JobProgress
from workstation.ui.keys_dialog import AddPartnerDialog, KeysDialog
from workstation.ui.main_window import MainWindow
from workstation.ui.package_dialog import PackageDialog
from workstation.ui.page_menu import PageContext
from workstation.ui.panes.contacts import ContactDialog
from workstation.ui.panes.lookups import InfoItem, PivotItem
from workstation.ui.panes.personas import PersonaDialog
from workstation.ui.report_dialog import ReportDialog
from workstation.ui.transfer_dialogs import ImportDialog, TransferExportDialog, transfer_choices

CASE_NAME = "Fall-0412.case"
PERSONA = "Anna K"
RELOAD_TIMEOUT_MS = 10000

INTERACTIVE = (
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractButton,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QWebEngineView,
)
# Parts Qt builds inside its own widgets, named (or not) by Qt: a line edit's clear
# button, a table's corner button, a combo box's pop-up list; the "more" arrows of tool and
# menu bars are named qt_*_ext_button.
QT_INTERNAL = {"QLineEditIconButton", "QTableCornerButton", "QComboBoxListView"}


@dataclass
class Surfaces:
    """What the window shows: itself and every dialog and menu it opens."""

    window: MainWindow
    dialogs: list[QWidget] = field(default_factory=list)
    menus: list[QMenu] = field(default_factory=list)

    def tops(self) -> list[QWidget]:
        return [self.window, *self.dialogs, *self.menus]


def open_surfaces(qtbot, window: MainWindow, tmp_path: Path) -> Surfaces:  # type: ignore[no-untyped-def]
    """Open a case with a persona and a contact, show every dock, make every dialog."""
    case = fast_case(tmp_path / CASE_NAME)
    with qtbot.waitSignal(window.explorer.reloaded, timeout=RELOAD_TIMEOUT_MS):
        window.set_case(case)
    with qtbot.waitSignal(window.persona_pane.reloaded, timeout=RELOAD_TIMEOUT_MS):
        window.persona_pane.run(lambda opened: opened.add_persona(PERSONA))
    draft = ContactDraft(
        persona=PERSONA,
        channel="Telegram",
        counterparts=(parse_counterpart("@quickpills"),),
        direction="in",
        content="Price for 100 tablets?",
    )
    window.contact_pane.run(lambda opened: opened.add_contact(draft))
    qtbot.waitUntil(lambda: bool(window.contact_pane.model.entries), timeout=RELOAD_TIMEOUT_MS)
    for dock in window.docks.values():
        dock.show()
        dock.raise_()
    surfaces = Surfaces(window)
    surfaces.dialogs += _dialogs(window, tmp_path)
    surfaces.menus += _menus(window)
    return surfaces


def _dialogs(window: MainWindow, tmp_path: Path) -> list[QWidget]:
    older = ExhibitView(1, "CN-0001", {"started_utc": "2026-04-12T09:00:00Z"}, {})
    newer = ExhibitView(2, "CN-0002", {"started_utc": "2026-04-12T10:00:00Z"}, {})
    entry = window.contact_pane.model.entries[0]
    dialogs: list[QWidget] = [
        window.open_settings(),
        window.ask_route(),
        window.ask_proxy_password(),
        FirstRunWizard(window),
        window.show_shortcuts(),
        NewCaseDialog(window),
        UnlockDialog(tmp_path / CASE_NAME, window),
        PassphraseChangeDialog(window),
        PersonaDialog(window),
        ContactDialog([PERSONA], window, latest_exhibit=1),
        ContactDialog([PERSONA], window, correcting=entry),
        CompareDialog(compare(older, newer), (QImage(), QImage()), window),
        window.notices.show_messages(),
        *_case_output_dialogs(window, tmp_path),
    ]
    # The problem bar, as a problem shows it (a text in the window's language).
    window.notices.problem(translate("Problems", "The route refused the connection."))
    for dialog in dialogs:
        if isinstance(dialog, QDialog) and not dialog.isVisible():
            dialog.show()
    return dialogs


def _case_output_dialogs(window: MainWindow, tmp_path: Path) -> list[QWidget]:
    """The dialogs of the Case menu's package, transfer, import and keys actions."""
    assert window.case is not None
    choices = case_choices(window.case)
    folder = tmp_path / "package"
    return [
        ReportDialog(choices, preselected=[], path=folder / "report.pdf", parent=window),
        PackageDialog(choices, redacted=False, preselected=[], folder=folder, parent=window),
        PackageDialog(choices, redacted=True, preselected=[], folder=folder, parent=window),
        TransferExportDialog(transfer_choices(window.case), out=tmp_path / "t.age", parent=window),
        ImportDialog(open_case=CASE_NAME, new_case_folder=tmp_path, parent=window),
        KeysDialog(window),
        AddPartnerDialog(window),
        JobProgress(translate("PackageDialog", "Evidence package"), window),
    ]


def _menus(window: MainWindow) -> list[QMenu]:
    menus = [action.menu() for action in window.menuBar().actions()]
    tab = window.current_tab()
    for context in (
        PageContext(),
        PageContext(selected_text="shop.example", link_url="https://shop.example/offer"),
        PageContext(editable=True, image_url="https://shop.example/a.png", from_chromium=True),
    ):
        menus.append(window.page_menu.menu_for(tab, context))
    parent = QTreeWidgetItem(window.lookup_pane.tree)
    pivot = PivotItem(parent, Pivot("dns", "mail.shop.example", "mail server"))
    menus.append(window.lookup_pane.menu_for(pivot))
    menus.append(window.lookup_pane.menu_for(InfoItem(parent, "a row")))
    tree = window.lookup_pane.tree
    tree.takeTopLevelItem(tree.indexOfTopLevelItem(parent))  # only the menus were wanted
    return [menu for menu in menus if isinstance(menu, QMenu)]


def is_qt_internal(widget: QWidget) -> bool:
    """A part Qt builds inside one of its widgets, announced as part of that widget."""
    if widget.metaObject().className() in QT_INTERNAL or widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    return parent is not None and parent.metaObject().className() in QT_PARTS_OF


# Children that are part of their parent for a screen reader: an editable combo box's line
# edit, a view's header, a combo box's pop-up.
QT_PARTS_OF = {
    "QComboBox",
    "QComboBoxPrivateContainer",
    "QTableView",
    "QTableWidget",
    "QTreeView",
    "QTreeWidget",
    "QListWidget",
}


def interactive_controls(top: QWidget) -> list[QWidget]:
    found = [widget for kind in INTERACTIVE for widget in top.findChildren(kind)]
    return [widget for widget in dict.fromkeys(found) if not is_qt_internal(widget)]


def buddies(top: QWidget) -> set[QWidget]:
    return {
        label.buddy()
        for label in top.findChildren(QLabel)
        if label.buddy() is not None and label.text()
    }


def _class(widget: QWidget | None) -> str:
    return widget.metaObject().className() if widget is not None else "-"


def says_what_it_is(widget: QWidget, labelled: set[QWidget]) -> bool:
    if widget.accessibleName().strip() or widget in labelled:
        return True
    return isinstance(widget, QAbstractButton) and bool(widget.text().replace("&", "").strip())


def unnamed_controls(top: QWidget) -> list[str]:
    labelled = buddies(top)
    return [
        f"{_class(widget)} {widget.objectName()} (in {_class(widget.parentWidget())}) "
        f"of {type(top).__name__}"
        for widget in interactive_controls(top)
        if not says_what_it_is(widget, labelled)
    ]


def test_every_control_of_the_window_and_its_dialogs_says_what_it_is(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    surfaces = open_surfaces(qtbot, window, tmp_path)
    walked = 0
    problems: list[str] = []
    for top in [surfaces.window, *surfaces.dialogs]:
        controls = interactive_controls(top)
        assert controls, f"{type(top).__name__} shows no control: the walk found nothing"
        walked += len(controls)
        problems += unnamed_controls(top)
    assert problems == [], "\n".join(problems)
    assert walked > 60, walked
    for menu in surfaces.menus:
        assert menu.accessibleName() or menu.title(), menu
        nameless = [a for a in menu.actions() if not a.isSeparator() and not a.text().strip()]
        assert nameless == [], menu.title()


def test_the_key_controls_have_the_names_screen_readers_announce(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    tab = window.current_tab()
    assert window.address.accessibleName() == "Address"
    assert window.address.accessibleDescription()
    assert tab.view.accessibleName() == "Web page"
    assert window.persona_bar.box.accessibleName() == "Browsing as persona"
    assert window.route_indicator.accessibleName() == "Route status"
    assert window.explorer.tree.accessibleName() == "Case explorer"
    assert window.contact_pane.table.accessibleName() == "Contact log"
    assert window.lookup_pane.tree.accessibleName() == "Lookup results"
    assert window.persona_strip.accessibleName() == "Browsing identity"


def test_the_walk_catches_a_control_without_a_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The check itself: a nameless field is reported, a labelled one is not."""
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    assert unnamed_controls(dialog) == []
    nameless = QLineEdit(dialog)
    nameless.setObjectName("nameless")
    assert unnamed_controls(dialog) == ["QLineEdit nameless (in NewCaseDialog) of NewCaseDialog"]
    label = QLabel("Extra", dialog)
    label.setBuddy(nameless)
    assert unnamed_controls(dialog) == []
    tree = QTreeWidget(dialog)
    assert len(unnamed_controls(dialog)) == 1, "a view without a name is caught too"
    tree.setAccessibleName("Results")
    assert unnamed_controls(dialog) == []
    assert PASSPHRASE  # the cases in open_surfaces use the shared test passphrase
