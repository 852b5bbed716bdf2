"""The main window's problem bar and message list, and what feeds them.

Every message the status bar shows is kept in the list; a problem (show_error) also
stays in the bar above the page. Leaving a case (closing it, or the idle lock)
empties both, because the messages speak of that case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt

from workstation.casefile import Case
from workstation.ui.notices import MessagesDialog, NoticeHistory, ProblemBar
from workstation.ui.window_part import WindowPart

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow


class WindowNotices(WindowPart):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.history = NoticeHistory(self)
        self.bar = ProblemBar()
        self.bar.messagesRequested.connect(self.show_messages)
        self.dialog: MessagesDialog | None = None
        self._problem = ""  # the problem about to reach the status bar
        self._had_case = False
        window.statusBar().messageChanged.connect(self._message_shown)
        window.caseChanged.connect(self._case_changed)

    def problem(self, message: str) -> None:
        """Keep message in the bar; call before the status bar shows it."""
        self._problem = message
        self.bar.show_problem(message)

    def show_messages(self) -> MessagesDialog:
        """The message list beside the window (one at a time; raised if already open)."""
        if self.dialog is None or not shiboken6.isValid(self.dialog):
            self.dialog = MessagesDialog(self.history, self._window)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _message_shown(self, text: str) -> None:
        problem = bool(text) and text == self._problem
        self._problem = ""
        self.history.add(text, problem=problem)

    def _case_changed(self, case: Case | None) -> None:
        if self._had_case:
            self.history.clear()
            self.bar.dismiss()
        self._had_case = case is not None
