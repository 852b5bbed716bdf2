"""Small dialogs: create a case, unlock a case, set the route."""

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workstation.paths import cases_dir

MIN_PASSPHRASE_LENGTH = 8


class NewCaseDialog(QDialog):
    """Reference, location and a passphrase typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("e.g. 2026-0412 web shop tablets")
        self.location = QLineEdit(str(cases_dir()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.location)
        row.addWidget(browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        form = QFormLayout(self)
        form.addRow("Case reference", self.reference)
        form.addRow("Folder", row)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Repeat passphrase", self.repeat)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the case", self.location.text())
        if chosen:
            self.location.setText(chosen)

    def case_path(self) -> Path:
        name = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.reference.text())
        return Path(self.location.text()) / f"{name.strip() or 'case'}.case"

    def problem(self) -> str:
        if not self.reference.text().strip():
            return "Give the case a reference."
        if len(self.passphrase.text()) < MIN_PASSPHRASE_LENGTH:
            return f"The passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters."
        if self.passphrase.text() != self.repeat.text():
            return "The two passphrases differ."
        if self.case_path().exists():
            return f"{self.case_path()} already exists."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            self.accept()


class UnlockDialog(QDialog):
    """Asks for the passphrase of a case."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open case")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(QLabel(f"Passphrase for {path.name}"))
        form.addRow("Passphrase", self.passphrase)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
