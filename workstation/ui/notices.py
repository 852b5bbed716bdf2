"""Messages the officer can still read after they went by: a problem bar, and a list.

A message in the status bar is gone after a few seconds; an officer looking at the
suspect's page misses it. So a problem also stays in a bar above the page until the
officer dismisses it or a newer one takes its place (no modal dialog: the work goes
on), and every message the window showed is listed, with its time, under
View ▸ Messages.

The list lives in memory only and is emptied when the case closes or locks: the
messages name exhibits, addresses and control numbers of that case.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.i18n import translate
from workstation.ui.screen_fit import fit_to_screen
from workstation.ui.status_colours import show_status

KEPT_MESSAGES = 500  # the oldest go first; a day's work is far fewer


def clock_utc() -> str:
    """The time of day in UTC, as the window lists messages and exits."""
    return datetime.now(UTC).strftime("%H:%M:%S")


@dataclass(frozen=True)
class Notice:
    time_utc: str  # HH:MM:SS
    text: str
    problem: bool


class NoticeHistory(QObject):
    """The messages shown so far, oldest first."""

    added = Signal(object)  # Notice
    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notices: list[Notice] = []

    def add(self, text: str, *, problem: bool = False) -> None:
        if not text:
            return
        notice = Notice(clock_utc(), text, problem)
        self.notices.append(notice)
        del self.notices[:-KEPT_MESSAGES]
        self.added.emit(notice)

    def clear(self) -> None:
        self.notices.clear()
        self.cleared.emit()


class ProblemBar(QFrame):
    """The latest problem, above the page, until dismissed or replaced."""

    messagesRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(translate("Notices", "Problem"))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(translate("Notices", "The latest problem"))
        show_status(self.text, "error")
        self.all_button = QPushButton(translate("Notices", "All messages…"))
        self.all_button.setAccessibleName(translate("Notices", "Show all messages"))
        self.all_button.clicked.connect(self.messagesRequested.emit)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText("✕")
        self.dismiss_button.setToolTip(translate("Notices", "Dismiss"))
        self.dismiss_button.setAccessibleName(translate("Notices", "Dismiss the problem"))
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.all_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_problem(self, text: str) -> None:
        self.text.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.text.clear()
        self.hide()


class MessagesDialog(QDialog):
    """Every message of this case's session, newest last; non-modal, follows new ones."""

    def __init__(self, history: NoticeHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Notices", "Messages"))
        self.setAccessibleName(translate("Notices", "Messages"))
        self.setModal(False)
        self.list = QListWidget()
        self.list.setAccessibleName(translate("Notices", "Messages shown so far"))
        self.list.setWordWrap(True)
        self.empty = QLabel(translate("Notices", "No messages yet."))
        for notice in history.notices:
            self._add(notice)
        history.added.connect(self._add)
        history.cleared.connect(self._clear)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self._sync_empty()
        fit_to_screen(self, wanted=QSize(720, 420))

    def _add(self, notice: Notice) -> None:
        mark = "⚠ " if notice.problem else ""  # readable in any theme, and by a screen reader
        self.list.addItem(QListWidgetItem(f"{notice.time_utc} UTC  {mark}{notice.text}"))
        while self.list.count() > KEPT_MESSAGES:  # as the history keeps them
            self.list.takeItem(0)
        self.list.scrollToBottom()
        self._sync_empty()

    def _clear(self) -> None:
        self.list.clear()
        self._sync_empty()

    def _sync_empty(self) -> None:
        self.empty.setVisible(self.list.count() == 0)
