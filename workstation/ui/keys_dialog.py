"""This workstation's keys and the address book of partner units, from the GUI.

Shows the workstation's fingerprint as it is read out over the phone, saves its key
card for partners, lists the partners, and adds a partner from their key card (a file
or pasted text). Before a partner is added the card's fingerprint is shown and the
officer confirms having compared it with the partner out of band: a card sent by
e-mail could have been swapped on the way. Keys and address book are read and written
on worker threads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import InputError, WorkstationError
from workstation.keys import addressbook, identity
from workstation.keys.addressbook import Partner
from workstation.keys.identity import KeyCard, WorkstationIdentity, format_fingerprint
from workstation.ui.dialogs import error_label
from workstation.ui.i18n import translate
from workstation.ui.passphrase_prompt import PassphrasePrompt
from workstation.ui.problem_text import officer_message
from workstation.ui.screen_fit import fit_to_screen
from workstation.ui.status_colours import show_status
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

FINGERPRINT_STYLE = "font-size: 15px; font-weight: bold"
CARD_SUFFIX = ".card"


def card_filter() -> str:
    return translate("KeysDialog", "Key card (*.card *.json);;All files (*)")


def _fixed_font_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setStyleSheet(FINGERPRINT_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


@dataclass(frozen=True)
class KeysState:
    """What the dialog shows: this workstation's public keys (None: none yet), partners."""

    own: WorkstationIdentity | None
    partners: tuple[Partner, ...]


def read_keys_state() -> KeysState:
    """On a worker thread."""
    return KeysState(identity.load(), tuple(addressbook.load()))


def write_card(path: Path, card: KeyCard) -> Path:
    """Write a key card (public keys only) where the officer chose; replaces a file there."""
    try:
        path.write_bytes(card.to_json())
    except OSError as exc:
        raise InputError(
            translate(
                "KeysDialog", "The key card could not be written to {path}: {reason}."
            ).format(path=path, reason=exc.strerror)
        ) from exc
    return path


class KeysDialog(QDialog):
    """This workstation's fingerprint and key card; the partners; adding a partner."""

    loaded = Signal(object)  # KeysState, after each (re)load
    cardSaved = Signal(str)  # the file
    addDialogShown = Signal(object)  # the AddPartnerDialog
    passphraseAsked = Signal(object)  # a PassphraseDialog (keys on a PC without keyring)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("KeysDialog", "Keys and address book"))
        self.setAccessibleName(translate("KeysDialog", "Keys and address book"))
        self.setModal(False)
        self.state: KeysState | None = None
        self.fingerprint = _fixed_font_label(translate("KeysDialog", "Reading…"))
        self.fingerprint.setAccessibleName(
            translate("KeysDialog", "This workstation's fingerprint")
        )
        self.protection = QLabel()
        self.protection.setWordWrap(True)
        self.make_keys = QPushButton(translate("KeysDialog", "Make this workstation's keys"))
        self.make_keys.setAccessibleName(translate("KeysDialog", "Make this workstation's keys"))
        self.make_keys.clicked.connect(self.ensure_keys)
        self.label = QLineEdit()
        self.label.setPlaceholderText(
            translate("KeysDialog", "e.g. your unit; printed on the card")
        )
        self.label.setAccessibleName(translate("KeysDialog", "Label on the key card"))
        self.save_card_button = QPushButton(translate("KeysDialog", "Save my key card…"))
        self.save_card_button.setAccessibleName(translate("KeysDialog", "Save my key card"))
        self.save_card_button.setToolTip(
            translate(
                "KeysDialog",
                "The public keys partners add to their address book; read them the fingerprint",
            )
        )
        self.save_card_button.clicked.connect(self._ask_card_file)
        self.partners = self._partner_table()
        self.add_button = QPushButton(translate("KeysDialog", "Add partner key card…"))
        self.add_button.setAccessibleName(translate("KeysDialog", "Add partner key card"))
        self.add_button.clicked.connect(self.open_add_partner)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(translate("KeysDialog", "Message"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay_out()
        self.reload()

    def _partner_table(self) -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setAccessibleName(translate("KeysDialog", "Partners"))
        table.setHorizontalHeaderLabels(
            [
                translate("KeysDialog", "Name"),
                translate("KeysDialog", "Unit"),
                translate("KeysDialog", "Fingerprint"),
                translate("KeysDialog", "Added"),
            ]
        )
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _lay_out(self) -> None:
        own = QGroupBox(translate("KeysDialog", "This workstation"))
        own_form = QFormLayout(own)
        own_form.addRow(translate("KeysDialog", "Fingerprint"), self.fingerprint)
        own_form.addRow(self.protection)
        own_form.addRow(self.make_keys)
        card_row = QHBoxLayout()
        card_row.addWidget(self.label, 1)
        card_row.addWidget(self.save_card_button)
        own_form.addRow(translate("KeysDialog", "Card label"), card_row)
        book = QGroupBox(translate("KeysDialog", "Partner workstations"))
        book_layout = QVBoxLayout(book)
        book_layout.addWidget(self.partners)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        book_layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(own)
        layout.addWidget(book, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_to_screen(self, wanted=QSize(760, 520))

    # -- reading and showing ----------------------------------------------------------

    def reload(self) -> None:
        run_in_background(read_keys_state, self._show, self._fail, owner=self)

    def _show(self, state: KeysState) -> None:
        self.state = state
        own = state.own
        if own is None:
            self.fingerprint.setText(translate("KeysDialog", "No keys yet"))
            self.protection.setText(
                translate(
                    "KeysDialog",
                    "They are made the first time they are needed, or now with the button below.",
                )
            )
        else:
            self.fingerprint.setText(format_fingerprint(own.fingerprint))
            protected = (
                translate("KeysDialog", "Protected by the OS keyring; made {when}.")
                if own.protection == identity.BY_KEYRING
                else translate(
                    "KeysDialog", "Protected by a passphrase (this PC has no keyring); made {when}."
                )
            )
            self.protection.setText(protected.format(when=own.created_utc))
        self.make_keys.setVisible(own is None)
        self.partners.setRowCount(0)
        for partner in state.partners:
            self._add_row(partner)
        self.loaded.emit(state)

    def _add_row(self, partner: Partner) -> None:
        row = self.partners.rowCount()
        self.partners.insertRow(row)
        cells = (
            partner.name,
            partner.unit,
            format_fingerprint(partner.fingerprint),
            partner.added_utc,
        )
        for column, text in enumerate(cells):
            self.partners.setItem(row, column, QTableWidgetItem(text))

    def partner_rows(self) -> list[tuple[str, str, str]]:
        """Name, unit and fingerprint as the table shows them."""
        rows = []
        for row in range(self.partners.rowCount()):
            cells = [self.partners.item(row, column) for column in range(3)]
            name, unit, shown = (cell.text() if cell else "" for cell in cells)
            rows.append((name, unit, shown))
        return rows

    def _fail(self, message: str) -> None:
        show_status(self.message, "error")
        self.message.setText(message)
        self.failed.emit(message)

    def _tell(self, message: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(message)

    # -- this workstation's keys ------------------------------------------------------

    def _prompt(self) -> PassphrasePrompt:
        prompt = PassphrasePrompt(self)
        prompt.asked.connect(self.passphraseAsked)
        return prompt

    def ensure_keys(self) -> None:
        """Make the keys if there are none (a passphrase is asked only without a keyring)."""
        prompt = self._prompt()

        def made(_public: WorkstationIdentity) -> None:
            prompt.deleteLater()
            self.reload()

        def failed(message: str) -> None:
            prompt.deleteLater()
            self._fail(message)

        source = prompt.keys_source()
        run_in_background(lambda: identity.ensure(source)[0], made, failed, owner=self)

    def _ask_card_file(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            translate("KeysDialog", "Save my key card"),
            str(Path.home() / f"workstation{CARD_SUFFIX}"),
            card_filter(),
        )
        if chosen:
            self.save_card(Path(chosen))

    def save_card(self, path: Path) -> None:
        """Write this workstation's key card to path (its keys are made if needed)."""
        prompt = self._prompt()
        label = self.label.text().strip()
        source = prompt.keys_source()

        def work() -> tuple[Path, str]:
            public, _made = identity.ensure(source)
            card = public.card(label)
            return write_card(path, card), card.fingerprint

        def saved(result: tuple[Path, str]) -> None:
            prompt.deleteLater()
            written, fingerprint = result
            self._tell(
                translate(
                    "KeysDialog", "Saved your key card to {path}. Fingerprint: {fingerprint}"
                ).format(path=written, fingerprint=format_fingerprint(fingerprint))
            )
            self.reload()
            self.cardSaved.emit(str(written))

        def failed(message: str) -> None:
            prompt.deleteLater()
            self._fail(message)

        run_in_background(work, saved, failed, owner=self)

    # -- partners -----------------------------------------------------------------------

    def open_add_partner(self) -> AddPartnerDialog:
        dialog = AddPartnerDialog(self)
        dialog.added.connect(self._partner_added)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.addDialogShown.emit(dialog)
        return dialog

    def _partner_added(self, partner: Partner) -> None:
        self._tell(
            translate(
                "KeysDialog", "Added {name} to the address book (fingerprint {fingerprint})."
            ).format(name=partner.name, fingerprint=format_fingerprint(partner.fingerprint))
        )
        self.reload()


class AddPartnerDialog(QDialog):
    """Name, unit and key card (file or pasted text); the fingerprint is shown to compare."""

    added = Signal(object)  # the Partner, once in the address book
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("KeysDialog", "Add a partner's key card"))
        self.setAccessibleName(translate("KeysDialog", "Add a partner's key card"))
        self.card: KeyCard | None = None
        self.name = QLineEdit()
        self.name.setAccessibleName(translate("KeysDialog", "Partner's name"))
        self.unit = QLineEdit()
        self.unit.setAccessibleName(translate("KeysDialog", "Partner's unit"))
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(translate("KeysDialog", "Key card text"))
        self.text.setPlaceholderText(
            translate("KeysDialog", "Paste the key card here, or load it from a file")
        )
        self.text.textChanged.connect(self._parse)
        self.load_button = QPushButton(translate("KeysDialog", "Load from file…"))
        self.load_button.setAccessibleName(translate("KeysDialog", "Load the key card from a file"))
        self.load_button.clicked.connect(self._ask_file)
        self.fingerprint = _fixed_font_label()
        self.fingerprint.setAccessibleName(translate("KeysDialog", "The card's fingerprint"))
        self.compared = QCheckBox(
            translate(
                "KeysDialog",
                "I have compared this fingerprint with the partner (by phone or in person)",
            )
        )
        self.compared.setAccessibleName(
            translate("KeysDialog", "Fingerprint compared with the partner")
        )
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(translate("KeysDialog", "Add partner"))
        self.ok.setAccessibleName(translate("KeysDialog", "Add partner"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.name.textChanged, self.compared.toggled):
            signal.connect(lambda *_args: self._sync())
        self._lay_out()
        self._parse()

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.addRow(translate("KeysDialog", "Name"), self.name)
        form.addRow(translate("KeysDialog", "Unit"), self.unit)
        card_row = QHBoxLayout()
        card_row.addWidget(self.text, 1)
        card_row.addWidget(self.load_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(translate("KeysDialog", "Key card"), card_row)
        form.addRow(translate("KeysDialog", "Fingerprint"), self.fingerprint)
        explanation = QLabel(
            translate(
                "KeysDialog",
                "Read this fingerprint to the partner, or have them read theirs to you, by "
                "phone or in person. Add the card only if every group matches: a card sent "
                "by e-mail could have been swapped on the way.",
            )
        )
        explanation.setWordWrap(True)
        form.addRow(explanation)
        form.addRow(self.compared)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def _ask_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, translate("KeysDialog", "Partner's key card"), str(Path.home()), card_filter()
        )
        if chosen:
            self.load_file(Path(chosen))

    def load_file(self, path: Path) -> None:
        """Read a key card file (on a worker) into the text box."""

        def read() -> str:
            data = identity.read_small_file(path, translate("KeysDialog", "The key card"))
            return data.decode("utf-8", errors="replace")

        run_in_background(read, self.text.setPlainText, self._show_error, owner=self)

    def _parse(self) -> None:
        text = self.text.toPlainText().strip()
        self.card = None
        self.error.clear()
        if not text:
            self.fingerprint.setText(translate("KeysDialog", "(no card yet)"))
        else:
            try:
                self.card = identity.parse_card(text)
            except WorkstationError as exc:
                self.fingerprint.setText(translate("KeysDialog", "(not a valid key card)"))
                self.error.setText(officer_message(exc))
            else:
                self.fingerprint.setText(format_fingerprint(self.card.fingerprint))
                if self.card.label and not self.unit.text():
                    self.unit.setText(self.card.label)
        self.compared.setChecked(False)  # a new card needs a new comparison
        self._sync()

    def _sync(self) -> None:
        ready = self.card is not None and bool(self.name.text().strip())
        self.compared.setEnabled(self.card is not None)
        self.ok.setEnabled(ready and self.compared.isChecked())

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.refused.emit(message)

    def submit(self) -> None:
        """Add the partner (on a worker); the dialog closes once it is in the address book."""
        card = self.card
        if card is None or not self.ok.isEnabled():
            return
        name, unit = self.name.text(), self.unit.text()
        self.ok.setEnabled(False)

        def added(partner: Partner) -> None:
            self.added.emit(partner)
            self.accept()

        def refused(message: str) -> None:
            self._sync()
            self._show_error(message)

        run_in_background(lambda: addressbook.add(name, unit, card), added, refused, owner=self)
