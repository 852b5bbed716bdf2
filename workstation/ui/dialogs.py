"""Small dialogs: create a case, unlock a case, change its passphrase, the proxy password."""

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
from workstation.ui.i18n import QT_TRANSLATE_NOOP, translate
from workstation.ui.status_colours import show_status

MIN_PASSPHRASE_LENGTH = 8
# Translated where shown (commodity_label).
COMMODITY_LABELS = {
    Commodity.DRUGS: QT_TRANSLATE_NOOP("Dialogs", "Drugs"),
    Commodity.CITES: QT_TRANSLATE_NOOP("Dialogs", "Protected species (CITES)"),
    Commodity.ARMS: QT_TRANSLATE_NOOP("Dialogs", "Weapons"),
    Commodity.EXCISE: QT_TRANSLATE_NOOP("Dialogs", "Excise goods"),
    Commodity.IPR: QT_TRANSLATE_NOOP("Dialogs", "Counterfeits (IPR)"),
    Commodity.UNDERVALUATION: QT_TRANSLATE_NOOP("Dialogs", "Undervaluation"),
    Commodity.OTHER: QT_TRANSLATE_NOOP("Dialogs", "Other"),
}


def commodity_label(commodity: Commodity) -> str:
    """The commodity area in the window's language (the stored value if it is unknown)."""
    label = COMMODITY_LABELS.get(commodity)
    return translate("Dialogs", label) if label else str(commodity)


def ok_cancel(
    dialog: QDialog, on_ok: Callable[[], None], ok_text: str | None = None
) -> QDialogButtonBox:
    """OK (or ok_text: what it does) runs on_ok, which accepts when the form is right;
    Cancel rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    if ok_text is not None:
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setAccessibleName(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CheckedDialog(QDialog):
    """A form that says under it what is wrong, and closes on OK only once nothing is.

    Subclasses set self.error (a label) and answer problem(); OK is wired to _check.
    """

    error: QLabel

    def problem(self) -> str:
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            self.accept()


class NewCaseDialog(CheckedDialog):
    """Reference, location and a passphrase typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Dialogs", "New case"))
        self.reference = named_field(translate("Dialogs", "Case reference"))
        self.reference.setPlaceholderText(translate("Dialogs", "e.g. 2026-0412 web shop tablets"))
        self.requesting_unit = named_field(translate("Dialogs", "Requesting unit"))
        self.legal_basis = named_field(translate("Dialogs", "Legal basis"))
        self.legal_basis.setPlaceholderText(
            translate("Dialogs", "Authorisation or legal basis reference")
        )
        self.commodity = QComboBox()
        self.commodity.setAccessibleName(translate("Dialogs", "Commodity area"))
        for commodity in Commodity:
            self.commodity.addItem(commodity_label(commodity), commodity.value)
        self.location = named_field(translate("Dialogs", "Folder for the case"), str(cases_dir()))
        row = path_row(self.location, self._browse, translate("Dialogs", "Browse for the folder"))
        self.passphrase = secret_field(translate("Dialogs", "Passphrase"))
        self.passphrase.setAccessibleDescription(
            translate("Dialogs", "At least {count} characters").format(count=MIN_PASSPHRASE_LENGTH)
        )
        self.repeat = secret_field(translate("Dialogs", "Repeat passphrase"))
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(translate("Dialogs", "Case reference"), self.reference)
        form.addRow(translate("Dialogs", "Requesting unit"), self.requesting_unit)
        form.addRow(translate("Dialogs", "Legal basis"), self.legal_basis)
        form.addRow(translate("Dialogs", "Commodity area"), self.commodity)
        form.addRow(translate("Dialogs", "Folder"), row)
        form.addRow(translate("Dialogs", "Passphrase"), self.passphrase)
        form.addRow(translate("Dialogs", "Repeat passphrase"), self.repeat)
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
        chosen = QFileDialog.getExistingDirectory(
            self, translate("Dialogs", "Folder for the case"), self.location.text()
        )
        if chosen:
            self.location.setText(chosen)

    def case_path(self) -> Path:
        name = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.reference.text())
        return Path(self.location.text()) / f"{name.strip() or 'case'}.case"

    def problem(self) -> str:
        if not self.reference.text().strip():
            return translate("Dialogs", "Give the case a reference.")
        if len(self.passphrase.text()) < MIN_PASSPHRASE_LENGTH:
            return translate("Dialogs", "The passphrase needs at least {count} characters.").format(
                count=MIN_PASSPHRASE_LENGTH
            )
        if self.passphrase.text() != self.repeat.text():
            return translate("Dialogs", "The two passphrases differ.")
        if self.case_path().exists():
            return translate("Dialogs", "{path} already exists.").format(path=self.case_path())
        return ""


class UnlockDialog(QDialog):
    """Asks for the passphrase of a case."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Dialogs", "Open case"))
        self.passphrase = secret_field(
            translate("Dialogs", "Passphrase for {name}").format(name=path.name)
        )
        form = QFormLayout(self)
        self.remember = QCheckBox(
            translate("Dialogs", "Remember on this PC (the passphrase keeps working)")
        )
        self.remember.setToolTip(
            translate(
                "Dialogs",
                "Keeps an unlock secret in this account's keyring; leave it off on shared PCs.",
            )
        )
        form.addRow(QLabel(translate("Dialogs", "Passphrase for {name}").format(name=path.name)))
        form.addRow(translate("Dialogs", "Passphrase"), self.passphrase)
        form.addRow(self.remember)
        form.addRow(ok_cancel(self, self.accept))


class PassphraseChangeDialog(CheckedDialog):
    """Old passphrase, then the new one twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Dialogs", "Change the case passphrase"))
        self.old = secret_field(translate("Dialogs", "Current passphrase"))
        self.new = secret_field(translate("Dialogs", "New passphrase"))
        self.repeat = secret_field(translate("Dialogs", "Repeat new passphrase"))
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(translate("Dialogs", "Current passphrase"), self.old)
        form.addRow(translate("Dialogs", "New passphrase"), self.new)
        form.addRow(translate("Dialogs", "Repeat new passphrase"), self.repeat)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self._check))

    def problem(self) -> str:
        if len(self.new.text()) < MIN_PASSPHRASE_LENGTH:
            return translate(
                "Dialogs", "The new passphrase needs at least {count} characters."
            ).format(count=MIN_PASSPHRASE_LENGTH)
        if self.new.text() != self.repeat.text():
            return translate("Dialogs", "The two new passphrases differ.")
        return ""


class ProxyPasswordDialog(QDialog):
    """The password of the route's proxy login, asked at start when this PC could not
    keep it (no usable keyring)."""

    def __init__(self, route: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = translate("Dialogs", "Proxy password")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.explanation = QLabel(
            translate(
                "Dialogs",
                "The route {route} logs in to its proxy. This PC has no usable keyring, so "
                "the password could not be kept since the last start. Nothing leaves this PC "
                "until it is given.",
            ).format(route=route)
        )
        self.explanation.setWordWrap(True)
        self.password = secret_field(translate("Dialogs", "Proxy password"))
        self.error = error_label()
        buttons = ok_cancel(self, self._check)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout(self)
        form.addRow(self.explanation)
        form.addRow(translate("Dialogs", "Password"), self.password)
        form.addRow(self.error)
        form.addRow(buttons)

    def _check(self) -> None:
        if not self.password.text():
            self.error.setText(translate("Dialogs", "Type the proxy password."))
            return
        self.accept()


def no_keyring_message() -> str:
    """Said when the proxy password could be kept for this run only."""
    return translate(
        "Dialogs",
        "This PC has no usable keyring: the proxy password will be asked again at next start.",
    )


def named_field(name: str, text: str = "") -> QLineEdit:
    """A line edit with the name a screen reader announces (its label's text)."""
    field = QLineEdit(text)
    field.setAccessibleName(name)
    return field


def secret_field(name: str) -> QLineEdit:
    field = named_field(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def path_row(field: QLineEdit, on_browse: Callable[[], None], browse_name: str) -> QHBoxLayout:
    """A file or folder field with its Browse… button (named for screen readers) beside it."""
    button = QPushButton(translate("Dialogs", "Browse…"))
    button.setAccessibleName(browse_name)
    button.clicked.connect(on_browse)
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


def error_label() -> QLabel:
    """Where a form says what is wrong; read out as the form's problem."""
    label = QLabel()
    label.setAccessibleName(translate("Dialogs", "Problem"))
    show_status(label, "error")
    label.setWordWrap(True)
    return label
