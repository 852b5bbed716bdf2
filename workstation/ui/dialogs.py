"""Small dialogs: create a case, unlock a case, set the route."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from workstation.casefile import Commodity
from workstation.paths import cases_dir

MIN_PASSPHRASE_LENGTH = 8
COMMODITY_LABELS = {
    Commodity.DRUGS: "Drugs",
    Commodity.CITES: "Protected species (CITES)",
    Commodity.ARMS: "Weapons",
    Commodity.EXCISE: "Excise goods",
    Commodity.IPR: "Counterfeits (IPR)",
    Commodity.UNDERVALUATION: "Undervaluation",
    Commodity.OTHER: "Other",
}


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK runs on_ok (which accepts when the form is right), Cancel rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewCaseDialog(QDialog):
    """Reference, location and a passphrase typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("e.g. 2026-0412 web shop tablets")
        self.requesting_unit = QLineEdit()
        self.legal_basis = QLineEdit()
        self.legal_basis.setPlaceholderText("Authorisation or legal basis reference")
        self.commodity = QComboBox()
        for commodity in Commodity:
            self.commodity.addItem(COMMODITY_LABELS[commodity], commodity.value)
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
        form.addRow("Requesting unit", self.requesting_unit)
        form.addRow("Legal basis", self.legal_basis)
        form.addRow("Commodity area", self.commodity)
        form.addRow("Folder", row)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Repeat passphrase", self.repeat)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self._check))

    def metadata_changes(self) -> dict[str, str]:
        """What to record besides the reference, once the case exists."""
        return {
            "requesting_unit": self.requesting_unit.text().strip(),
            "legal_basis": self.legal_basis.text().strip(),
            "commodity": str(self.commodity.currentData()),
        }

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
        self.remember = QCheckBox("Remember on this PC (the passphrase keeps working)")
        self.remember.setToolTip(
            "Keeps an unlock secret in this account's keyring; leave it off on shared PCs."
        )
        form.addRow(QLabel(f"Passphrase for {path.name}"))
        form.addRow("Passphrase", self.passphrase)
        form.addRow(self.remember)
        form.addRow(ok_cancel(self, self.accept))


class PassphraseChangeDialog(QDialog):
    """Old passphrase, then the new one twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change the case passphrase")
        self.old = _secret_field()
        self.new = _secret_field()
        self.repeat = _secret_field()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        form = QFormLayout(self)
        form.addRow("Current passphrase", self.old)
        form.addRow("New passphrase", self.new)
        form.addRow("Repeat new passphrase", self.repeat)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self._check))

    def problem(self) -> str:
        if len(self.new.text()) < MIN_PASSPHRASE_LENGTH:
            return f"The new passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters."
        if self.new.text() != self.repeat.text():
            return "The two new passphrases differ."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            self.accept()


def _secret_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field
