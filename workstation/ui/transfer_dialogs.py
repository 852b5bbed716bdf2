"""Encrypted case transfers from the GUI: exporting to partner workstations (or to a
passphrase), and importing a transfer into the open case or a new one.

Both run on a worker thread with a progress strip. Passphrases the core needs only
sometimes (this workstation's keys on a PC without a keyring, a transfer protected by a
passphrase) are asked when needed through a PassphrasePrompt, which opens its dialog on
the GUI thread while the worker waits. A rejected transfer is shown in plain words; the
core guarantees that nothing was added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workstation.casefile import Case
from workstation.casefile.importer import ImportReport, ReceiverKeys, Target, TransferRejected
from workstation.casefile.importer import import_transfer as run_import
from workstation.casefile.transfer import (
    Encryption,
    ExportSummary,
    TransferRecipient,
    TransferScope,
    check_out_path,
    export_transfer,
)
from workstation.errors import WorkstationError
from workstation.keys import addressbook, identity
from workstation.keys.addressbook import Partner
from workstation.keys.identity import WorkstationIdentity, format_fingerprint
from workstation.ui.choice_list import CaseChoices, CheckList, Choice, case_choices
from workstation.ui.dialogs import CheckedDialog, error_label, ok_cancel, path_row
from workstation.ui.i18n import translate
from workstation.ui.job_progress import (
    JobProgress,
    WatchedProgress,
)
from workstation.ui.output_job import OutputJob
from workstation.ui.passphrase_prompt import MIN_NEW_PASSPHRASE, PassphrasePrompt, secret_field
from workstation.ui.problem_text import officer_message
from workstation.ui.result_panel import rows_text
from workstation.ui.screen_fit import PATH_FORM_WIDTH, fit_to_screen, scrolling
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

TRANSFER_SUFFIX = ".age"


def file_filter() -> str:
    return translate("TransferDialogs", "Case transfer (*.age);;All files (*)")


def part_label(kind: str) -> str:
    """A part of a case as the core counts it (exhibits, lookups...), in the officer's words."""
    labels = {
        "exhibits": translate("TransferDialogs", "exhibits"),
        "lookups": translate("TransferDialogs", "saved lookups"),
        "contacts": translate("TransferDialogs", "contact entries"),
        "attachments": translate("TransferDialogs", "attachments"),
        "personas": translate("TransferDialogs", "personas"),
        "notes": translate("TransferDialogs", "notes"),
        "timestamps": translate("TransferDialogs", "timestamps"),
    }
    return labels.get(kind, kind)


def encryption_label(kind: str) -> str:
    if kind == "passphrase":
        return translate("TransferDialogs", "a passphrase")
    if kind == "recipients":
        return translate("TransferDialogs", "workstations' keys")
    return kind


def partner_label(partner: Partner) -> str:
    unit = f" ({partner.unit})" if partner.unit else ""
    return f"{partner.name}{unit} · {format_fingerprint(partner.fingerprint)}"


# -- export ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferChoices:
    """What the export dialog offers: the case's parts and the address book."""

    case: CaseChoices
    partners: tuple[Partner, ...]
    own: WorkstationIdentity | None


def transfer_choices(case: Case) -> TransferChoices:
    """On a worker thread: the case's parts, the partners and this workstation's keys."""
    return TransferChoices(case_choices(case), tuple(addressbook.load()), identity.load())


class TransferExportDialog(CheckedDialog):
    """To whom (partners or a passphrase), what (whole case or chosen parts), where."""

    def __init__(
        self,
        choices: TransferChoices,
        *,
        out: Path,
        preselected: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("TransferDialogs", "Encrypted case transfer"))
        self.setAccessibleName(translate("TransferDialogs", "Encrypted case transfer"))
        self.partners = {partner.name: partner for partner in choices.partners}
        self.to_partners = QRadioButton(
            translate("TransferDialogs", "Partner workstations from the address book")
        )
        self.to_partners.setAccessibleName(
            translate("TransferDialogs", "Encrypt to partner workstations")
        )
        self.to_passphrase = QRadioButton(
            translate("TransferDialogs", "A passphrase (give it to the receiver separately)")
        )
        self.to_passphrase.setAccessibleName(
            translate("TransferDialogs", "Encrypt to a passphrase")
        )
        self.recipients = CheckList(
            translate("TransferDialogs", "Recipients"),
            [
                Choice(
                    p.name,
                    partner_label(p),
                    translate("TransferDialogs", "Added {when}").format(when=p.added_utc),
                )
                for p in choices.partners
            ],
            empty_text=translate(
                "TransferDialogs",
                "No partners in the address book yet: add their key cards under "
                "Keys and address book…, or use a passphrase.",
            ),
        )
        self.passphrase = secret_field(translate("TransferDialogs", "Transfer passphrase"))
        self.repeat = secret_field(translate("TransferDialogs", "Repeat transfer passphrase"))
        self.whole_case = QRadioButton(translate("TransferDialogs", "The whole case"))
        self.whole_case.setAccessibleName(translate("TransferDialogs", "Send the whole case"))
        self.chosen_parts = QRadioButton(translate("TransferDialogs", "Chosen parts"))
        self.chosen_parts.setAccessibleName(translate("TransferDialogs", "Send chosen parts"))
        self.exhibits = CheckList(
            translate("TransferDialogs", "Exhibits to send"),
            choices.case.exhibits,
            preselected,
            empty_text=translate("TransferDialogs", "No exhibits."),
        )
        self.lookups = CheckList(
            translate("TransferDialogs", "Saved lookups to send"),
            choices.case.lookups,
            empty_text=translate("TransferDialogs", "No saved lookups."),
        )
        self.contacts = QCheckBox(translate("TransferDialogs", "The contact log"))
        self.contacts.setAccessibleName(translate("TransferDialogs", "Send the contact log"))
        self.personas = QCheckBox(translate("TransferDialogs", "The personas"))
        self.personas.setAccessibleName(translate("TransferDialogs", "Send the personas"))
        self.notes = QCheckBox(translate("TransferDialogs", "The notes"))
        self.notes.setAccessibleName(translate("TransferDialogs", "Send the notes"))
        self.out = QLineEdit(str(out))
        self.out.setAccessibleName(translate("TransferDialogs", "Transfer file"))
        self.error = error_label()
        self._group(QButtonGroup(self), self.to_partners, self.to_passphrase)
        self._group(QButtonGroup(self), self.whole_case, self.chosen_parts)
        (self.to_partners if choices.partners else self.to_passphrase).setChecked(True)
        self.whole_case.setChecked(True)
        self._lay_out()
        self._sync()

    def _group(self, group: QButtonGroup, *buttons: QRadioButton) -> None:
        for button in buttons:
            group.addButton(button)
            button.toggled.connect(lambda _on: self._sync())

    def _lay_out(self) -> None:
        to = QGroupBox(translate("TransferDialogs", "Encrypt to"))
        to_form = QFormLayout(to)
        to_form.addRow(self.to_partners)
        to_form.addRow(self.recipients)
        to_form.addRow(self.to_passphrase)
        to_form.addRow(translate("TransferDialogs", "Passphrase"), self.passphrase)
        to_form.addRow(translate("TransferDialogs", "Repeat passphrase"), self.repeat)
        what = QGroupBox(translate("TransferDialogs", "What travels"))
        what_form = QFormLayout(what)
        what_form.addRow(self.whole_case)
        what_form.addRow(self.chosen_parts)
        what_form.addRow(translate("TransferDialogs", "Exhibits"), self.exhibits)
        what_form.addRow(translate("TransferDialogs", "Lookups"), self.lookups)
        parts = QHBoxLayout()
        for box in (self.contacts, self.personas, self.notes):
            parts.addWidget(box)
        what_form.addRow(parts)
        note = QLabel(
            translate("TransferDialogs", "Personas' browser state (their cookies) never travels.")
        )
        note.setWordWrap(True)
        what_form.addRow(note)
        where = QFormLayout()
        where.addRow(
            translate("TransferDialogs", "Transfer file"),
            path_row(
                self.out, self._browse, translate("TransferDialogs", "Choose the transfer file")
            ),
        )
        body = QVBoxLayout()
        body.addWidget(to)
        body.addWidget(what)
        body.addLayout(where)
        area = scrolling(body)
        layout = QVBoxLayout(self)
        layout.addWidget(area)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self._check, translate("TransferDialogs", "Export")))
        fit_to_screen(self, scroll=area, min_width=PATH_FORM_WIDTH)

    def _sync(self) -> None:
        by_passphrase = self.to_passphrase.isChecked()
        self.recipients.setEnabled(not by_passphrase)
        self.passphrase.setEnabled(by_passphrase)
        self.repeat.setEnabled(by_passphrase)
        chosen = self.chosen_parts.isChecked()
        for widget in (self.exhibits, self.lookups, self.contacts, self.personas, self.notes):
            widget.setEnabled(chosen)

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, translate("TransferDialogs", "Transfer file"), self.out.text(), file_filter()
        )
        if chosen:
            self.out.setText(chosen)

    def out_path(self) -> Path:
        return Path(self.out.text().strip()).expanduser()

    def encryption(self) -> Encryption:
        if self.to_passphrase.isChecked():
            return Encryption(passphrase=self.passphrase.text())
        chosen = [self.partners[name] for name in self.recipients.checked_names()]
        return Encryption(
            recipients=tuple(
                TransferRecipient(p.name, p.age_recipient, p.fingerprint) for p in chosen
            )
        )

    def scope(self) -> TransferScope:
        if self.whole_case.isChecked():
            return TransferScope()
        return TransferScope(
            exhibits=tuple(self.exhibits.checked_ids()),
            lookups=tuple(self.lookups.checked_ids()),
            contacts=self.contacts.isChecked(),
            personas=self.personas.isChecked(),
            notes=self.notes.isChecked(),
        )

    def problem(self) -> str:
        return self._encryption_problem() or self._scope_problem() or self._out_problem()

    def _encryption_problem(self) -> str:
        if self.to_partners.isChecked():
            if not self.recipients.checked():
                return translate(
                    "TransferDialogs", "Tick at least one partner, or encrypt to a passphrase."
                )
            return ""
        if len(self.passphrase.text()) < MIN_NEW_PASSPHRASE:
            return translate(
                "TransferDialogs", "The transfer passphrase needs at least {count} characters."
            ).format(count=MIN_NEW_PASSPHRASE)
        if self.passphrase.text() != self.repeat.text():
            return translate("TransferDialogs", "The two transfer passphrases differ.")
        return ""

    def _scope_problem(self) -> str:
        scope = self.scope()
        if scope.whole_case or scope.exhibits or scope.lookups:
            return ""
        if scope.contacts or scope.personas or scope.notes:
            return ""
        return translate("TransferDialogs", "Choose at least one part of the case to send.")

    def _out_problem(self) -> str:
        if not self.out.text().strip():
            return translate("TransferDialogs", "Choose a file name for the transfer.")
        try:
            check_out_path(self.out_path())
        except WorkstationError as exc:
            return officer_message(exc)
        return ""


class _Job(OutputJob):
    """Export and import: an output job that may ask passphrases while it runs."""

    passphraseAsked = Signal(object)  # a PassphraseDialog opened for the running job

    def _prompt(self, strip: JobProgress) -> PassphrasePrompt:
        prompt = PassphrasePrompt(self._window, progress=strip.progress)
        prompt.asked.connect(self.passphraseAsked)
        return prompt


class TransferExport(_Job):
    """Asks (dialog), writes the signed, encrypted transfer on a worker, shows the summary."""

    dialogShown = Signal(object)  # the TransferExportDialog
    written = Signal(object)  # transfer.ExportSummary

    def ask(self, case: Case, preselected: Sequence[int] = ()) -> None:
        chosen = list(preselected)
        run_in_background(
            lambda: transfer_choices(case),
            lambda choices: self._show_dialog(case, choices, chosen),
            self._could_not_ask,
            owner=self,
        )

    def _could_not_ask(self, message: str) -> None:
        self._status(message)
        self.failed.emit(message)

    def _show_dialog(self, case: Case, choices: TransferChoices, preselected: list[int]) -> None:
        out = Path.home() / f"{case.path.stem}-transfer{TRANSFER_SUFFIX}"
        dialog = TransferExportDialog(
            choices, out=out, preselected=preselected, parent=self._window
        )
        dialog.accepted.connect(
            lambda: self.start(case, dialog.out_path(), dialog.encryption(), dialog.scope())
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialogShown.emit(dialog)

    def start(
        self, case: Case, out: Path, encryption: Encryption, scope: TransferScope
    ) -> JobProgress:
        """Unlock (or make) this workstation's keys and write the transfer, on a worker."""
        title = translate("TransferDialogs", "Case transfer")
        strip = JobProgress(title)
        prompt = self._prompt(strip)

        def work(progress: WatchedProgress) -> ExportSummary:
            progress.step(translate("TransferDialogs", "Unlocking this workstation's keys…"))
            sender = identity.ensure_unlocked(prompt.keys_source())
            progress.step(translate("TransferDialogs", "Writing the encrypted transfer…"))
            return export_transfer(case, out, sender, encryption, scope, progress=progress)

        def done(summary: ExportSummary) -> None:
            self.running = None
            prompt.deleteLater()
            self._show_summary(summary, encryption)

        def stopped(message: str, cancelled: bool) -> None:
            self.running = None
            prompt.deleteLater()
            self._stopped(title, message, cancelled)

        self.running = strip
        strip.start(self._window, work, done, stopped, owner=self)
        self.started.emit(strip)
        return strip

    def _show_summary(self, summary: ExportSummary, encryption: Encryption) -> None:
        self._status(
            translate("TransferDialogs", "Transfer written to {file} ({size} bytes).").format(
                file=summary.out, size=summary.size
            )
        )
        self._panel(
            translate("TransferDialogs", "Case transfer"),
            translate("TransferDialogs", "Transfer written."),
            export_text(summary, encryption),
        )
        self.written.emit(summary)


def export_text(summary: ExportSummary, encryption: Encryption) -> str:
    if encryption.passphrase is not None:
        to = translate(
            "TransferDialogs", "a passphrase: give it to the receiver by another way than the file"
        )
    else:
        to = "; ".join(
            f"{r.name} ({format_fingerprint(r.fingerprint)})" for r in encryption.recipients
        )
    counts = ", ".join(f"{part_label(name)}: {count}" for name, count in summary.counts.items())
    rows = [
        (translate("TransferDialogs", "File"), str(summary.out)),
        (
            translate("TransferDialogs", "Size"),
            translate("TransferDialogs", "{size} bytes").format(size=summary.size),
        ),
        (translate("TransferDialogs", "SHA-256"), summary.sha256),
        (translate("TransferDialogs", "Encrypted to"), to),
        (translate("TransferDialogs", "Holds"), counts),
        (
            translate("TransferDialogs", "Audit log"),
            translate("TransferDialogs", "up to its signed head, event {seq}").format(
                seq=summary.head_seq
            ),
        ),
        (translate("TransferDialogs", "Signed by"), format_fingerprint(summary.sender_fingerprint)),
    ]
    return rows_text(rows)


# -- import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRejected:
    """The transfer was refused; nothing was added (the core's guarantee)."""

    reason: str


class ImportDialog(CheckedDialog):
    """Which file, into the open case or a new one, and whether to trust an unknown sender."""

    def __init__(
        self,
        *,
        open_case: str | None,
        new_case_folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("TransferDialogs", "Import a case transfer"))
        self.setAccessibleName(translate("TransferDialogs", "Import a case transfer"))
        self.new_case_folder = new_case_folder
        self.file = QLineEdit()
        self.file.setAccessibleName(translate("TransferDialogs", "Transfer file"))
        self.file.textChanged.connect(self._propose_case_name)
        shown = open_case or translate("TransferDialogs", "no case is open")
        self.into_open = QRadioButton(
            translate("TransferDialogs", "Into the open case ({case})").format(case=shown)
        )
        self.into_open.setAccessibleName(translate("TransferDialogs", "Import into the open case"))
        self.into_open.setEnabled(open_case is not None)
        self.into_new = QRadioButton(translate("TransferDialogs", "Into a new case"))
        self.into_new.setAccessibleName(translate("TransferDialogs", "Import into a new case"))
        self.new_path = QLineEdit(str(new_case_folder / "imported.case"))
        self.new_path.setAccessibleName(translate("TransferDialogs", "Folder of the new case"))
        self.new_passphrase = secret_field(
            translate("TransferDialogs", "Passphrase for the new case")
        )
        self.new_repeat = secret_field(
            translate("TransferDialogs", "Repeat the new case's passphrase")
        )
        self.trust_unknown = QCheckBox(
            translate(
                "TransferDialogs",
                "Accept a sender that is not in my address book (compare its fingerprint first)",
            )
        )
        self.trust_unknown.setAccessibleName(
            translate("TransferDialogs", "Accept an unknown sender")
        )
        self.error = error_label()
        group = QButtonGroup(self)
        for button in (self.into_open, self.into_new):
            group.addButton(button)
            button.toggled.connect(lambda _on: self._sync())
        (self.into_open if open_case is not None else self.into_new).setChecked(True)
        self._lay_out()
        self._sync()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(
            translate("TransferDialogs", "Transfer file"),
            path_row(
                self.file,
                self._browse_file,
                translate("TransferDialogs", "Choose the transfer file"),
            ),
        )
        target = QGroupBox(translate("TransferDialogs", "Add it"))
        target_form = QFormLayout(target)
        target_form.addRow(self.into_open)
        target_form.addRow(self.into_new)
        target_form.addRow(
            translate("TransferDialogs", "New case folder"),
            path_row(
                self.new_path,
                self._browse_new,
                translate("TransferDialogs", "Choose the folder of the new case"),
            ),
        )
        target_form.addRow(translate("TransferDialogs", "Passphrase"), self.new_passphrase)
        target_form.addRow(translate("TransferDialogs", "Repeat passphrase"), self.new_repeat)
        explanation = QLabel(
            translate(
                "TransferDialogs",
                "Everything is checked before anything is added: the signature, every hash, "
                "the audit log. A transfer that fails a check adds nothing.",
            )
        )
        explanation.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(target)
        layout.addWidget(self.trust_unknown)
        layout.addWidget(explanation)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self._check, translate("TransferDialogs", "Import")))

    def _sync(self) -> None:
        into_new = self.into_new.isChecked()
        for widget in (self.new_path, self.new_passphrase, self.new_repeat):
            widget.setEnabled(into_new)

    def _browse_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            translate("TransferDialogs", "Case transfer"),
            self.file.text() or str(Path.home()),
            file_filter(),
        )
        if chosen:
            self.file.setText(chosen)

    def _browse_new(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, translate("TransferDialogs", "Folder for the new case"), str(self.new_case_folder)
        )
        if chosen:
            self.new_path.setText(str(Path(chosen) / Path(self.new_path.text()).name))

    def _propose_case_name(self, text: str) -> None:
        stem = Path(text.strip()).stem
        if stem:
            self.new_path.setText(str(Path(self.new_path.text()).parent / f"{stem}.case"))

    def transfer_file(self) -> Path:
        return Path(self.file.text().strip()).expanduser()

    def target(self, officer: str, open_case: Case | None) -> Target:
        if self.into_new.isChecked() or open_case is None:
            path = Path(self.new_path.text().strip()).expanduser()
            return Target(path, self.new_passphrase.text(), True, officer)
        # The open case is added to as it is: its passphrase was given when it was opened.
        return Target(open_case.path, "", False, officer, case=open_case)

    def problem(self) -> str:
        if not self.file.text().strip():
            return translate("TransferDialogs", "Choose the transfer file.")
        if not self.transfer_file().is_file():
            return translate("TransferDialogs", "{file} is not a file.").format(
                file=self.transfer_file()
            )
        if not self.into_new.isChecked():
            return ""
        return self._new_case_problem()

    def _new_case_problem(self) -> str:
        path = Path(self.new_path.text().strip()).expanduser()
        if not self.new_path.text().strip():
            return translate("TransferDialogs", "Choose a folder for the new case.")
        if path.is_symlink() or (path.exists() and (not path.is_dir() or any(path.iterdir()))):
            return translate(
                "TransferDialogs", "{path} already exists; a new case needs a new or empty folder."
            ).format(path=path)
        if len(self.new_passphrase.text()) < MIN_NEW_PASSPHRASE:
            return translate(
                "TransferDialogs", "The new case's passphrase needs at least {count} characters."
            ).format(count=MIN_NEW_PASSPHRASE)
        if self.new_passphrase.text() != self.new_repeat.text():
            return translate("TransferDialogs", "The two passphrases differ.")
        return ""


class TransferImport(_Job):
    """Asks (dialog), verifies and imports on a worker, shows the report or the rejection."""

    dialogShown = Signal(object)  # the ImportDialog
    imported = Signal(object)  # ImportReport
    rejected = Signal(str)  # the reason, in plain words
    caseContentChanged = Signal()  # records were added to the open case

    def __init__(
        self,
        window: QWidget,
        *,
        officer: Callable[[], str],
        cases_folder: Callable[[], Path],
        open_case: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._officer = officer
        self._cases_folder = cases_folder
        self._open_case = open_case

    def ask(self, case: Case | None) -> ImportDialog:
        """The dialog, beside the window; OK starts the import."""
        dialog = ImportDialog(
            open_case=case.path.name if case is not None else None,
            new_case_folder=self._cases_folder(),
            parent=self._window,
        )
        dialog.accepted.connect(
            lambda: self.start(
                dialog.transfer_file(),
                dialog.target(self._officer(), case),
                trust_unknown=dialog.trust_unknown.isChecked(),
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialogShown.emit(dialog)
        return dialog

    def start(self, transfer: Path, target: Target, *, trust_unknown: bool) -> JobProgress:
        """Verify the transfer completely, then add it, on a worker."""
        title = translate("TransferDialogs", "Import of a case transfer")
        strip = JobProgress(title)
        prompt = self._prompt(strip)

        def work(progress: WatchedProgress) -> ImportReport | ImportRejected:
            progress.step(translate("TransferDialogs", "Decrypting and checking the transfer…"))
            own = identity.load()
            keys = ReceiverKeys(
                own,
                tuple(addressbook.load()),
                (lambda: identity.unlock(prompt.keys_source())) if own is not None else None,
            )
            try:
                report: ImportReport = run_import(
                    transfer,
                    target,
                    keys,
                    transfer_passphrase=prompt.transfer_source(),
                    trust_unknown=trust_unknown,
                    progress=progress,
                )
            except TransferRejected as exc:
                return ImportRejected(str(exc))
            return report

        def done(outcome: ImportReport | ImportRejected) -> None:
            self.running = None
            prompt.deleteLater()
            if isinstance(outcome, ImportRejected):
                self._show_rejection(outcome.reason)
            else:
                self._show_report(outcome)

        def stopped(message: str, cancelled: bool) -> None:
            self.running = None
            prompt.deleteLater()
            self._stopped(title, message, cancelled)

        self.running = strip
        strip.start(self._window, work, done, stopped, owner=self)
        self.started.emit(strip)
        return strip

    def _show_rejection(self, reason: str) -> None:
        self._status(
            translate("TransferDialogs", "The transfer was rejected; nothing was imported.")
        )
        self._panel(
            translate("TransferDialogs", "Import of a case transfer"),
            translate(
                "TransferDialogs",
                "The transfer was rejected. Nothing was imported; the case was not changed.",
            ),
            reason,
            problem=True,
        )
        self.rejected.emit(reason)

    def _show_report(self, report: ImportReport) -> None:
        made = (
            translate("TransferDialogs", "a new case")
            if report.new_case
            else translate("TransferDialogs", "the case")
        )
        self._status(
            translate(
                "TransferDialogs", "The transfer was verified and added to {made} {case}."
            ).format(made=made, case=report.target.name)
        )
        actions: list[tuple[str, Callable[[], None]]] = []
        if report.new_case and self._open_case is not None:
            opener, path = self._open_case, report.target
            actions.append(
                (translate("TransferDialogs", "Open the new case"), lambda: opener(path))
            )
        self._panel(
            translate("TransferDialogs", "Import of a case transfer"),
            translate("TransferDialogs", "The transfer was verified and imported."),
            import_text(report),
            actions=actions,
        )
        if not report.new_case:
            self.caseContentChanged.emit()
        self.imported.emit(report)


def sender_rows(report: ImportReport) -> list[tuple[str, str]]:
    sender = report.sender
    shown = format_fingerprint(sender.fingerprint)
    if sender.this_workstation:
        who, known = (
            translate("TransferDialogs", "this workstation"),
            translate("TransferDialogs", "it is this workstation's own key"),
        )
    elif sender.name is not None:
        unit = f", {sender.unit}" if sender.unit else ""
        who = f"{sender.name}{unit}"
        known = translate("TransferDialogs", "yes, as {name}").format(name=sender.name)
    else:
        who = translate("TransferDialogs", "an unknown workstation")
        known = translate(
            "TransferDialogs",
            "no: accepted on request. Compare the fingerprint with the sending unit, "
            "then add their key card.",
        )
    return [
        (translate("TransferDialogs", "Sender"), who),
        (translate("TransferDialogs", "Fingerprint"), shown),
        (translate("TransferDialogs", "In your address book"), known),
    ]


def import_text(report: ImportReport) -> str:
    reference = f" ({report.source_reference})" if report.source_reference else ""
    rows = [
        (translate("TransferDialogs", "Into"), f"{report.target} ({report.case_id})"),
        *sender_rows(report),
        (translate("TransferDialogs", "From case"), f"{report.source_case_id}{reference}"),
        (
            translate("TransferDialogs", "Transfer"),
            translate("TransferDialogs", "SHA-256 {digest}, {size} bytes").format(
                digest=report.transfer_sha256, size=report.transfer_bytes
            ),
        ),
        (translate("TransferDialogs", "Encrypted to"), encryption_label(report.encryption)),
    ]
    lines = [rows_text(rows), "", translate("TransferDialogs", "Added:")]
    for kind, added in report.added.items():
        there = report.already_present.get(kind, 0)
        note = (
            translate("TransferDialogs", " ({count} already there)").format(count=there)
            if there
            else ""
        )
        lines.append(f"  {part_label(kind)}: {added}{note}")
    lines += ["", translate("TransferDialogs", "Verified before anything was written:")]
    lines += [f"  {line}" for line in report.verified]
    lines += [
        translate("TransferDialogs", "Warning: {warning}").format(warning=w)
        for w in report.warnings
    ]
    lines.append(translate("TransferDialogs", "Recorded in the audit log as import.completed."))
    return "\n".join(lines)
