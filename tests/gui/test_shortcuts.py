"""Keyboard shortcuts: one table assigns them and renders the cheat sheet."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from workstation.ui.main_window import MainWindow
from workstation.ui.shortcuts import SHORTCUTS, ShortcutsDialog, keys_text, shared_keys

BROWSER_HABITS = {
    "new_tab_action": "Ctrl+T",
    "close_tab_action": "Ctrl+W",
    "focus_address_action": "Ctrl+L",
    "reload_action": "F5",
    "back_action": "Alt+Left",
    "forward_action": "Alt+Right",
    "snapshot_action": "Ctrl+Shift+S",
    "new_contact_action": "Ctrl+Shift+E",
    "lookup_selection_action": "Ctrl+Shift+K",
    "lock_case_action": "Ctrl+Shift+L",
    "settings_action": "Ctrl+,",
    "shortcuts_action": "F1",
}


def portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def test_the_table_gives_each_key_to_one_action(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert shared_keys() == {}
    assert len({entry.action for entry in SHORTCUTS}) == len(SHORTCUTS)
    for entry in SHORTCUTS:
        action = getattr(window, entry.action)
        assert [portable(s) for s in action.shortcuts()] == list(entry.keys), entry.action


def test_no_two_actions_of_the_window_share_a_key(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    owners: dict[str, str] = {}
    actions = window.findChildren(QAction)
    assert len(actions) > len(SHORTCUTS)
    for action in actions:
        for sequence in action.shortcuts():
            key = portable(sequence)
            assert key not in owners, f"{key}: {owners.get(key)} and {action.text()}"
            owners[key] = action.text()
    assert set(owners) >= {key for entry in SHORTCUTS for key in entry.keys}


def test_browser_habits_and_the_workstations_own_keys(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    for action_name, key in BROWSER_HABITS.items():
        action = getattr(window, action_name)
        assert QKeySequence(key) in action.shortcuts(), action_name
    assert QKeySequence("Ctrl+R") in window.reload_action.shortcuts()
    assert QKeySequence("Ctrl+/") in window.shortcuts_action.shortcuts()


def test_pressing_ctrl_t_and_ctrl_w_opens_and_closes_a_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 2
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 1


def test_f1_shows_a_cheat_sheet_of_every_action(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.findChild(ShortcutsDialog)
    assert isinstance(sheet, ShortcutsDialog)
    qtbot.waitUntil(sheet.isVisible)
    assert sheet.listed_actions() == [entry.action for entry in SHORTCUTS]
    for entry in SHORTCUTS:
        name, keys, what = sheet.row_texts(entry.action)
        assert (name, keys, what) == (entry.name, keys_text(entry), entry.description)
        main_key = getattr(window, entry.action).shortcuts()[0]
        assert main_key.toString(QKeySequence.SequenceFormat.NativeText) in keys
    assert sheet.row_texts("close_tab_action")[1] == "Ctrl+W, Ctrl+F4"


def test_the_cheat_sheet_filters_by_name_or_key(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    sheet = window.show_shortcuts()
    sheet.filter.setText("ctrl+shift+k")
    shown = [action for row, action in _rows(sheet) if not sheet.table.isRowHidden(row)]
    assert shown == ["lookup_selection_action"]
    sheet.filter.setText("")
    assert not any(sheet.table.isRowHidden(row) for row in range(sheet.table.rowCount()))


def _rows(sheet: ShortcutsDialog) -> list[tuple[int, str]]:
    rows = []
    for row in range(sheet.table.rowCount()):
        item = sheet.table.item(row, 0)
        action = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if action:
            rows.append((row, str(action)))
    return rows
