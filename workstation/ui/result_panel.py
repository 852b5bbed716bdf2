"""The outcome of a long job, beside the main window: not modal, closed by the officer.

Routine success must not stop the officer with a message box, yet what a package or a
transfer produced (folder, Merkle root, audit head, what was withheld, who sent a
transfer) has to be readable and copyable. The panel shows it as text the officer can
select; the status bar carries the one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.i18n import translate
from workstation.ui.status_colours import show_status

HEADING_STYLE = "font-weight: bold"


def rows_text(rows: Sequence[tuple[str, str]]) -> str:
    """Label and value per line, the values aligned."""
    width = max((len(label) for label, _ in rows), default=0)
    return "\n".join(f"{label + ':':{width + 2}}{value}" for label, value in rows)


class ResultPanel(QDialog):
    """A heading, the details as selectable text, optional extra buttons, Close."""

    def __init__(
        self,
        title: str,
        heading: str,
        details: str,
        parent: QWidget | None = None,
        *,
        problem: bool = False,
        actions: Sequence[tuple[str, Callable[[], None]]] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.problem = problem
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        show_status(self.heading, "error" if problem else None, HEADING_STYLE)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setAccessibleName(translate("ResultPanel", "Details"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.extra_buttons: list[QPushButton] = []
        for text, slot in actions:
            button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            button.setAccessibleName(text)
            button.clicked.connect(slot)
            self.extra_buttons.append(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def text(self) -> str:
        """Heading and details, as the officer reads them."""
        return f"{self.heading.text()}\n{self.details.toPlainText()}"


def show_result(
    parent: QWidget | None,
    title: str,
    heading: str,
    details: str,
    *,
    problem: bool = False,
    actions: Sequence[tuple[str, Callable[[], None]]] = (),
) -> ResultPanel:
    panel = ResultPanel(title, heading, details, parent, problem=problem, actions=actions)
    panel.show()
    panel.raise_()
    return panel
