"""Persona manager: the undercover identities of the case."""

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.casefile import Case, Persona, PersonaAccount
from workstation.ui.dialogs import named_field, ok_cancel
from workstation.ui.i18n import translate
from workstation.ui.panes.base import CasePane


class PersonaDialog(QDialog):
    """Alias, e-mail, phone, one platform:handle per line, notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Personas", "New persona"))
        self.alias = named_field(translate("Personas", "Alias"))
        self.email = named_field(translate("Personas", "E-mail"))
        self.phone = named_field(translate("Personas", "Phone"))
        self.accounts = QPlainTextEdit()
        self.accounts.setAccessibleName(translate("Personas", "Accounts"))
        self.accounts.setPlaceholderText(
            translate("Personas", "One per line, platform:handle (e.g. telegram:@quickpills)")
        )
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(translate("Personas", "Notes"))
        form = QFormLayout(self)
        form.addRow(translate("Personas", "Alias"), self.alias)
        form.addRow(translate("Personas", "E-mail"), self.email)
        form.addRow(translate("Personas", "Phone"), self.phone)
        form.addRow(translate("Personas", "Accounts"), self.accounts)
        form.addRow(translate("Personas", "Notes"), self.notes)
        form.addRow(ok_cancel(self, self.accept))

    def parsed_accounts(self) -> tuple[PersonaAccount, ...]:
        accounts = []
        for line in self.accounts.toPlainText().splitlines():
            platform, _, handle = line.strip().partition(":")
            if platform and handle:
                accounts.append(PersonaAccount(platform.strip(), handle.strip()))
        return tuple(accounts)

    def add_to(self, case: Case) -> Persona:
        return case.add_persona(
            self.alias.text().strip(),
            accounts=self.parsed_accounts(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip(),
            notes=self.notes.toPlainText(),
        )


def describe(persona: Persona) -> str:
    accounts = ", ".join(f"{a.platform}:{a.handle}" for a in persona.accounts)
    extra = " · ".join(part for part in (persona.email, persona.phone, accounts) if part)
    return f"{persona.alias}  —  {extra}" if extra else persona.alias


class PersonaPane(CasePane):
    """Lists the case's personas; add and retire them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(translate("Personas", "Personas"))
        self.list.setAccessibleDescription(
            translate("Personas", "The undercover identities of the case")
        )
        self.add_button = QPushButton(translate("Personas", "Add persona…"))
        self.add_button.clicked.connect(self.add_persona)
        self.retire_button = QPushButton(translate("Personas", "Retire"))
        self.retire_button.setAccessibleName(translate("Personas", "Retire the selected persona"))
        self.retire_button.setToolTip(
            translate("Personas", "The persona stays in the record but is no longer offered")
        )
        self.retire_button.clicked.connect(self.retire_selected)
        self.empty_hint = QLabel(translate("Personas", "No personas yet."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.retire_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.empty_hint)
        layout.addLayout(buttons)
        self.setEnabled(False)

    def fetch(self, case: Case) -> Any:
        return case.personas()

    def show_data(self, data: Any) -> None:
        self.list.clear()
        for persona in data:
            item = QListWidgetItem(describe(persona))
            item.setData(256, persona.alias)  # Qt.UserRole
            self.list.addItem(item)
        self.empty_hint.setVisible(not data)

    def clear(self) -> None:
        self.list.clear()
        self.empty_hint.setVisible(True)

    def aliases(self) -> list[str]:
        return [str(self.list.item(i).data(256)) for i in range(self.list.count())]

    def add_persona(self) -> None:
        dialog = PersonaDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run(dialog.add_to)

    def retire_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            alias = str(item.data(256))
            self.run(lambda case: case.retire_persona(alias))
