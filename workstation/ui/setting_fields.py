"""The settings' checked fields: each is checked as it is typed and says under itself,
in plain words, what is wrong ("" when nothing is); file and folder fields have Browse.
"""

import logging
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import WorkstationError
from workstation.route.exit_identity import parse_echo_url
from workstation.settings import (
    CAPTURE_HEIGHTS,
)
from workstation.ui.i18n import translate
from workstation.ui.problem_text import officer_message
from workstation.ui.status_colours import show_status

log = logging.getLogger(__name__)

MIN_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 240


# -- checks: "" when the value is fine, else what is wrong -----------------------------


def file_problem(text: str, what: str, *, program: bool = False) -> str:
    """An optional file: empty is fine, anything else must be there (and runnable)."""
    if not text.strip():
        return ""
    path = Path(text.strip()).expanduser()
    if not path.exists():
        return translate("Settings", "{what}: {path} does not exist.").format(what=what, path=path)
    if not path.is_file():
        return translate("Settings", "{what}: {path} is a folder, not a file.").format(
            what=what, path=path
        )
    if program and not os.access(path, os.X_OK):
        return translate("Settings", "{what}: {path} is not a program that can be run.").format(
            what=what, path=path
        )
    return ""


def url_problem(text: str, what: str) -> str:
    """An optional web address: empty is fine, else http(s)://host/..."""
    if not text.strip():
        return ""
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return translate(
            "Settings", "{what} must be a web address starting with http:// or https://."
        ).format(what=what)
    return ""


def echo_problem(text: str) -> str:
    if not text.strip():
        return ""
    try:
        parse_echo_url(text)
    except WorkstationError as exc:
        return officer_message(exc)
    return ""


def minutes_problem(text: str) -> str:
    try:
        minutes = int(text.strip())
    except ValueError:
        minutes = 0
    if not MIN_LOCK_MINUTES <= minutes <= MAX_LOCK_MINUTES:
        return translate("Settings", "Auto-lock takes whole minutes from {low} to {high}.").format(
            low=MIN_LOCK_MINUTES, high=MAX_LOCK_MINUTES
        )
    return ""


def capture_height(text: str) -> int | None:
    """The longest page typed (thousands separators allowed), or None if out of bounds."""
    try:
        height = int(text.strip().replace(",", "").replace(".", ""))
    except ValueError:
        return None
    low, high = CAPTURE_HEIGHTS
    return height if low <= height <= high else None


def capture_height_problem(text: str) -> str:
    if capture_height(text) is None:
        low, high = CAPTURE_HEIGHTS
        return translate(
            "Settings", "The longest page takes whole pixels from {low} to {high}."
        ).format(low=low, high=high)
    return ""


def folder_problem(text: str) -> str:
    """Where cases live: an existing folder, or one that can be made in an existing one."""
    if not text.strip():
        return translate("Settings", "Choose a folder for the cases.")
    path = Path(text.strip()).expanduser()
    if path.exists() and not path.is_dir():
        return translate("Settings", "{path} is a file, not a folder.").format(path=path)
    if not path.exists() and not path.parent.is_dir():
        return translate("Settings", "{path} cannot be made: {parent} does not exist.").format(
            path=path, parent=path.parent
        )
    return ""


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setAccessibleName(name)
    show_status(label, "error")
    label.setWordWrap(True)
    label.hide()
    return label


class CheckedField(QWidget):
    """A line edit with an optional Browse… button and its problem underneath."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        text: str,
        check: Callable[[str], str],
        *,
        browse: Callable[[QWidget, str], str] | None = None,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.check = check
        self.edit = QLineEdit(text)
        self.edit.setAccessibleName(name)
        self.edit.setPlaceholderText(placeholder)
        self.error = error_label(translate("Settings", "{name}: problem").format(name=name))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        if browse is not None:
            button = QPushButton(translate("Settings", "Browse…"))
            button.setAccessibleName(translate("Settings", "Browse for {name}").format(name=name))
            button.clicked.connect(lambda: self._browse(browse))
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self.validate)

    def text(self) -> str:
        return self.edit.text().strip()

    def problem(self) -> str:
        return self.check(self.edit.text()) if self.isEnabled() else ""

    def validate(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        self.changed.emit()

    def _browse(self, browse: Callable[[QWidget, str], str]) -> None:
        chosen = browse(self, self.edit.text())
        if chosen:
            self.edit.setText(chosen)


def choose_file(parent: QWidget, current: str) -> str:
    return QFileDialog.getOpenFileName(parent, translate("Settings", "Choose a file"), current)[0]


def choose_folder(parent: QWidget, current: str) -> str:
    return QFileDialog.getExistingDirectory(
        parent, translate("Settings", "Choose a folder"), current
    )
