"""Every keyboard shortcut of the main window, in one table.

The table assigns the keys to the window's actions and renders the cheat sheet,
so what the sheet says is what the keys do. Browser habits first (new tab, close
tab, address bar, reload, back, forward), then the workstation's own.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.i18n import QT_TRANSLATE_NOOP, translate
from workstation.ui.screen_fit import fit_to_screen


@dataclass(frozen=True)
class Shortcut:
    action: str  # the window attribute that holds the QAction
    keys: tuple[str, ...]  # portable key text ("Ctrl+T"); the first one is the main one
    group: str
    name: str
    description: str

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(key) for key in self.keys]


BROWSE = QT_TRANSLATE_NOOP("Shortcuts", "Browsing")
EVIDENCE = QT_TRANSLATE_NOOP("Shortcuts", "Case and evidence")
LOOKUP = QT_TRANSLATE_NOOP("Shortcuts", "Lookups")
WORKSTATION = QT_TRANSLATE_NOOP("Shortcuts", "Workstation")

SNAPSHOT_KEYS = ("Ctrl+Shift+S",)
LOOKUP_SELECTION_KEYS = ("Ctrl+Shift+K",)  # Ctrl+Shift+L is "Lock case"

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(
        "new_tab_action",
        ("Ctrl+T",),
        BROWSE,
        QT_TRANSLATE_NOOP("Shortcuts", "New tab"),
        QT_TRANSLATE_NOOP("Shortcuts", "Open a tab as the same identity as the current one"),
    ),
    Shortcut(
        "close_tab_action",
        ("Ctrl+W", "Ctrl+F4"),
        BROWSE,
        QT_TRANSLATE_NOOP("Shortcuts", "Close tab"),
        QT_TRANSLATE_NOOP("Shortcuts", "Close the current tab"),
    ),
    Shortcut(
        "focus_address_action",
        ("Ctrl+L",),
        BROWSE,
        QT_TRANSLATE_NOOP("Shortcuts", "Address bar"),
        QT_TRANSLATE_NOOP("Shortcuts", "Select the address bar to type a web address"),
    ),
    Shortcut(
        "reload_action",
        ("F5", "Ctrl+R"),
        BROWSE,
        QT_TRANSLATE_NOOP("Shortcuts", "Reload"),
        QT_TRANSLATE_NOOP("Shortcuts", "Load the current page again"),
    ),
    Shortcut(
        "back_action",
        ("Alt+Left",),
        BROWSE,
        QT_TRANSLATE_NOOP("Shortcuts", "Back"),
        QT_TRANSLATE_NOOP("Shortcuts", "Go to the previous page of this tab"),
    ),
    Shortcut(
        "forward_action",
        ("Alt+Right",),
        BROWSE,
        QT_TRANSLATE_NOOP("Shortcuts", "Forward"),
        QT_TRANSLATE_NOOP("Shortcuts", "Go to the next page of this tab"),
    ),
    Shortcut(
        "snapshot_action",
        SNAPSHOT_KEYS,
        EVIDENCE,
        QT_TRANSLATE_NOOP("Shortcuts", "Snapshot"),
        QT_TRANSLATE_NOOP("Shortcuts", "Seal the whole page into the case as evidence"),
    ),
    Shortcut(
        "new_contact_action",
        ("Ctrl+Shift+E",),
        EVIDENCE,
        QT_TRANSLATE_NOOP("Shortcuts", "New contact entry"),
        QT_TRANSLATE_NOOP("Shortcuts", "Record an exchange with a counterpart in the contact log"),
    ),
    Shortcut(
        "new_case_action",
        ("Ctrl+Shift+N",),
        EVIDENCE,
        QT_TRANSLATE_NOOP("Shortcuts", "New case"),
        QT_TRANSLATE_NOOP("Shortcuts", "Create an encrypted case"),
    ),
    Shortcut(
        "open_case_action",
        ("Ctrl+O",),
        EVIDENCE,
        QT_TRANSLATE_NOOP("Shortcuts", "Open case"),
        QT_TRANSLATE_NOOP("Shortcuts", "Open an existing case"),
    ),
    Shortcut(
        "lock_case_action",
        ("Ctrl+Shift+L",),
        EVIDENCE,
        QT_TRANSLATE_NOOP("Shortcuts", "Lock case"),
        QT_TRANSLATE_NOOP("Shortcuts", "Close the case now; its passphrase opens it again"),
    ),
    Shortcut(
        "lookup_selection_action",
        LOOKUP_SELECTION_KEYS,
        LOOKUP,
        QT_TRANSLATE_NOOP("Shortcuts", "Look up selection"),
        QT_TRANSLATE_NOOP(
            "Shortcuts", "Profile of the text selected on the page, else of the site's host"
        ),
    ),
    Shortcut(
        "lookup_site_action",
        ("Ctrl+Shift+H",),
        LOOKUP,
        QT_TRANSLATE_NOOP("Shortcuts", "Look up this site"),
        QT_TRANSLATE_NOOP("Shortcuts", "Headers, certificate and DNS of the current tab's site"),
    ),
    Shortcut(
        "settings_action",
        ("Ctrl+,",),
        WORKSTATION,
        QT_TRANSLATE_NOOP("Shortcuts", "Settings"),
        QT_TRANSLATE_NOOP("Shortcuts", "Route, officer, timestamps, auto-lock and more"),
    ),
    Shortcut(
        "shortcuts_action",
        ("F1", "Ctrl+/"),
        WORKSTATION,
        QT_TRANSLATE_NOOP("Shortcuts", "Keyboard shortcuts"),
        QT_TRANSLATE_NOOP("Shortcuts", "Show this list"),
    ),
)


def assign_shortcuts(window: object, table: Iterable[Shortcut] = SHORTCUTS) -> None:
    """Give each action of the window the keys the table names for it."""
    for entry in table:
        action = getattr(window, entry.action, None)
        if not isinstance(action, QAction):
            raise LookupError(f"the window has no action {entry.action} for {entry.keys}")
        action.setShortcuts(entry.sequences())


def shared_keys(table: Iterable[Shortcut] = SHORTCUTS) -> dict[str, list[str]]:
    """Keys named for more than one action (there must be none)."""
    owners: defaultdict[str, list[str]] = defaultdict(list)
    for entry in table:
        for sequence in entry.sequences():
            owners[sequence.toString(QKeySequence.SequenceFormat.PortableText)].append(entry.action)
    return {key: actions for key, actions in owners.items() if len(actions) > 1}


def keys_text(entry: Shortcut) -> str:
    """The keys as this PC's keyboard labels them, e.g. "Ctrl+W, Ctrl+F4"."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(sequence.toString(native) for sequence in entry.sequences())


class ShortcutsDialog(QDialog):
    """The cheat sheet: every shortcut of the table, grouped, with a filter."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("Shortcuts", "Action"),
        QT_TRANSLATE_NOOP("Shortcuts", "Keys"),
        QT_TRANSLATE_NOOP("Shortcuts", "What it does"),
    )

    def __init__(
        self, parent: QWidget | None = None, table: tuple[Shortcut, ...] = SHORTCUTS
    ) -> None:
        super().__init__(parent)
        self.entries = table
        self.setWindowTitle(translate("Shortcuts", "Keyboard shortcuts"))
        self.setAccessibleName(translate("Shortcuts", "Keyboard shortcuts"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(
            translate("Shortcuts", "Filter: type part of an action or a key")
        )
        self.filter.setAccessibleName(translate("Shortcuts", "Filter shortcuts"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = self._build_table()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(translate("Shortcuts", "Shortcuts work anywhere in the main window."))
        )
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, wanted=QSize(720, 520))

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(self.COLUMNS))
        table.setAccessibleName(translate("Shortcuts", "Shortcut list"))
        table.setHorizontalHeaderLabels([translate("Shortcuts", text) for text in self.COLUMNS])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        group = ""
        for entry in self.entries:
            if entry.group != group:
                group = entry.group
                self._add_group_row(table, translate("Shortcuts", group))
            self._add_row(table, entry)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        return table

    @staticmethod
    def _add_group_row(table: QTableWidget, title: str) -> None:
        row = table.rowCount()
        table.insertRow(row)
        item = QTableWidgetItem(title)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        table.setItem(row, 0, item)
        table.setSpan(row, 0, 1, table.columnCount())

    @staticmethod
    def _add_row(table: QTableWidget, entry: Shortcut) -> None:
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate(
            (
                translate("Shortcuts", entry.name),
                keys_text(entry),
                translate("Shortcuts", entry.description),
            )
        ):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.action)
            table.setItem(row, column, item)

    def listed_actions(self) -> list[str]:
        """The action of every shortcut row, in order (group rows left out)."""
        actions = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            action = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if action:
                actions.append(str(action))
        return actions

    def row_texts(self, action: str) -> tuple[str, str, str]:
        """Name, keys and description as the sheet shows them for one action."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == action:
                cells = [self.table.item(row, column) for column in range(3)]
                name, keys, what = (cell.text() if cell else "" for cell in cells)
                return name, keys, what
        raise LookupError(f"{action} is not on the sheet")

    def _apply_filter(self, text: str) -> None:
        wanted = text.strip().lower()
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(3)]
            is_group = cells[0] is not None and not cells[0].data(Qt.ItemDataRole.UserRole)
            shown = " ".join(cell.text() for cell in cells if cell is not None).lower()
            self.table.setRowHidden(row, bool(wanted) and (is_group or wanted not in shown))
