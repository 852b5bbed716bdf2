"""Encrypted case transfers from the GUI: export to a partner or a passphrase, import into
the open case or a new one, rejections in plain words with nothing added.

Real cases, real key pairs (this workstation's in the test's data directory, partners'
in folders of their own), the real keyring API (an in-process backend, or none at all).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import shiboken6

from tests.gui.test_package_gui import click_ok, collect, output_actions
from tests.support.cases import FAST_KDF, PASSPHRASE, fast_case
from tests.support.keyrings import MemoryKeyring
from tests.support.package_case import make_package_case
from workstation.casefile import Case
from workstation.casefile.importer import ImportReport, ReceiverKeys, Target, import_transfer
from workstation.casefile.transfer import (
    Encryption,
    ExportSummary,
    TransferRecipient,
    export_transfer,
)
from workstation.keys import addressbook, identity
from workstation.keys.identity import UnlockedIdentity, format_fingerprint
from workstation.ui.main_window import MainWindow
from workstation.ui.passphrase_prompt import PassphraseDialog
from workstation.ui.transfer_dialogs import ImportDialog, TransferExportDialog

JOB_TIMEOUT_MS = 60_000
KEYS_PASSPHRASE = "passphrase of my keys"
TRANSFER_PASSPHRASE = "transfer passphrase 42"
NEW_CASE_PASSPHRASE = "new case passphrase"


def partner_keys(folder: Path) -> UnlockedIdentity:
    """Another workstation's keys, in a folder of its own."""
    return identity.create(
        lambda _new: "partner keys", folder, kdf=FAST_KDF, allow_weak_kdf=True, use_keyring=False
    )


def addressed_to(unlocked: UnlockedIdentity, name: str) -> Encryption:
    public = unlocked.public
    return Encryption((TransferRecipient(name, public.age_recipient, public.fingerprint),))


def folder_digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def answer(dialog: PassphraseDialog, text: str) -> None:
    dialog.passphrase.setText(text)
    if dialog.repeat is not None:
        dialog.repeat.setText(text)
    click_ok(dialog)


def test_a_transfer_to_a_partner_from_the_address_book_opens_only_for_them(
    qtbot: Any, window: MainWindow, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    bob = partner_keys(tmp_path / "bob-keys")
    addressbook.add("Bob", "Customs B", bob.public.card())
    made = make_package_case(tmp_path / "source.case")
    case = Case.open(made.path, PASSPHRASE)
    actions = output_actions(window)
    window.set_case(case)
    with qtbot.waitSignal(actions.transfer_export.dialogShown) as shown:
        actions.transfer_action.trigger()
    dialog: TransferExportDialog = shown.args[0]
    assert dialog.to_partners.isChecked() and dialog.whole_case.isChecked()
    row = dialog.recipients.list.item(0)
    assert format_fingerprint(bob.public.fingerprint) in row.text() and "Customs B" in row.text()
    click_ok(dialog)
    assert "partner" in dialog.error.text(), "no recipient ticked yet"
    dialog.recipients.set_checked(["Bob"])
    out = tmp_path / "for-bob.age"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(actions.transfer_export.written, timeout=JOB_TIMEOUT_MS) as written:
        click_ok(dialog)
    summary: ExportSummary = written.args[0]
    assert summary.out == out and out.is_file()
    assert len(memory_keyring.entries) == 1, "this workstation's keys were made, in the keyring"
    own = identity.load()
    assert own is not None and summary.sender_fingerprint == own.fingerprint
    panel = actions.transfer_export.last_panel
    assert panel is not None and not panel.isModal()
    assert format_fingerprint(bob.public.fingerprint) in panel.text()
    assert format_fingerprint(own.fingerprint) in panel.text() and summary.sha256 in panel.text()
    report = import_transfer(
        out,
        Target(tmp_path / "bob.case", "bob's case", True, kdf=FAST_KDF, allow_weak_kdf=True),
        ReceiverKeys(bob.public, (), lambda: bob),
        trust_unknown=True,
    )
    assert report.added["exhibits"] == 2 and report.sender.fingerprint == own.fingerprint


def test_a_passphrase_transfer_of_chosen_parts_goes_into_a_new_case(
    qtbot: Any, window: MainWindow, tmp_path: Path, no_keyring: None
) -> None:
    """Without a keyring the keys' passphrase is asked in a dialog, so is the transfer's."""
    identity.create(
        lambda _new: KEYS_PASSPHRASE, kdf=FAST_KDF, allow_weak_kdf=True, use_keyring=False
    )
    made = make_package_case(tmp_path / "source.case")
    case = Case.open(made.path, PASSPHRASE)
    actions = output_actions(window)
    window.set_case(case)
    asked = collect(actions.transfer_export.passphraseAsked)
    with qtbot.waitSignal(actions.transfer_export.dialogShown) as shown:
        actions.transfer_action.trigger()
    dialog: TransferExportDialog = shown.args[0]
    assert dialog.to_passphrase.isChecked(), "no partners: a passphrase is proposed"
    dialog.passphrase.setText(TRANSFER_PASSPHRASE)
    dialog.repeat.setText(TRANSFER_PASSPHRASE + "x")
    dialog.chosen_parts.setChecked(True)
    dialog.exhibits.set_checked([made.shown_item])
    dialog.personas.setChecked(True)
    out = tmp_path / "parts.age"
    dialog.out.setText(str(out))
    click_ok(dialog)
    assert "differ" in dialog.error.text()
    dialog.repeat.setText(TRANSFER_PASSPHRASE)
    written = collect(actions.transfer_export.written)
    click_ok(dialog)
    qtbot.waitUntil(lambda: bool(asked), timeout=JOB_TIMEOUT_MS)
    question: PassphraseDialog = asked[0]
    assert question.repeat is None and question.passphrase.accessibleName()
    answer(question, KEYS_PASSPHRASE)
    qtbot.waitUntil(lambda: bool(written), timeout=JOB_TIMEOUT_MS)
    summary: ExportSummary = written[0]
    assert summary.scope["exhibits"] == [made.shown_item] and summary.scope["contacts"] is False
    assert summary.counts["exhibits"] == 1 and summary.addressed_to == {"kind": "passphrase"}

    shown_control = next(r.control_number for r in case.evidence_items() if r.id == made.shown_item)
    window.set_case(None)
    asked_import = collect(actions.transfer_import.passphraseAsked)
    with qtbot.waitSignal(actions.transfer_import.dialogShown) as shown_import:
        actions.import_action.trigger()
    importing: ImportDialog = shown_import.args[0]
    assert importing.into_new.isChecked() and not importing.into_open.isEnabled()
    importing.file.setText(str(out))
    target = tmp_path / "cases" / "received.case"
    importing.new_path.setText(str(target))
    importing.new_passphrase.setText(NEW_CASE_PASSPHRASE)
    importing.new_repeat.setText(NEW_CASE_PASSPHRASE)
    imported = collect(actions.transfer_import.imported)
    click_ok(importing)
    qtbot.waitUntil(lambda: bool(asked_import), timeout=JOB_TIMEOUT_MS)
    answer(asked_import[0], TRANSFER_PASSPHRASE)
    qtbot.waitUntil(lambda: bool(imported), timeout=JOB_TIMEOUT_MS)
    report: ImportReport = imported[0]
    assert report.new_case and report.target == target and report.added["exhibits"] == 1
    panel = actions.transfer_import.last_panel
    assert panel is not None and not panel.isModal()
    assert "this workstation" in panel.text() and "own key" in panel.text()
    assert [b.text() for b in panel.extra_buttons] == ["Open the new case"]
    with Case.open(target, NEW_CASE_PASSPHRASE) as received:
        assert [r.control_number for r in received.evidence_items()] == [shown_control]


@pytest.fixture
def from_alice(tmp_path: Path, memory_keyring: MemoryKeyring) -> tuple[Path, UnlockedIdentity]:
    """A transfer of a full case from Alice's workstation, addressed to this one."""
    own = identity.create(None)
    alice = partner_keys(tmp_path / "alice-keys")
    made = make_package_case(tmp_path / "alice.case")
    out = tmp_path / "from-alice.age"
    with Case.open(made.path, PASSPHRASE) as case:
        export_transfer(case, out, alice, addressed_to(own, "me"))
    return out, alice


def open_target(window: MainWindow, tmp_path: Path) -> Case:
    case = fast_case(tmp_path / "target.case")
    window.set_case(case)
    return case


def start_import(qtbot: Any, window: MainWindow, transfer: Path) -> None:
    """Import into the open case: it was unlocked when opened, so no passphrase is asked."""
    actions = output_actions(window)
    with qtbot.waitSignal(actions.transfer_import.dialogShown) as shown:
        actions.import_action.trigger()
    dialog: ImportDialog = shown.args[0]
    assert dialog.into_open.isChecked() and dialog.into_open.isEnabled()
    for control in (dialog.file, dialog.new_path, dialog.trust_unknown):
        assert control.accessibleName()
    dialog.file.setText(str(transfer))
    click_ok(dialog)
    assert not dialog.isVisible()


def test_a_transfer_from_a_known_partner_is_added_to_the_open_case(
    qtbot: Any, window: MainWindow, tmp_path: Path, from_alice: tuple[Path, UnlockedIdentity]
) -> None:
    transfer, alice = from_alice
    addressbook.add("Alice", "Police A", alice.public.card())
    open_target(window, tmp_path)
    actions = output_actions(window)
    with qtbot.waitSignal(actions.transfer_import.imported, timeout=JOB_TIMEOUT_MS) as imported:
        start_import(qtbot, window, transfer)
    report: ImportReport = imported.args[0]
    assert not report.new_case and report.added["exhibits"] == 2
    text = actions.transfer_import.last_panel.text()  # type: ignore[union-attr]
    assert "Alice, Police A" in text and "yes, as Alice" in text
    assert format_fingerprint(alice.public.fingerprint) in text
    qtbot.waitUntil(lambda: len(window.explorer.exhibits) == 2)  # the panes were reloaded


def test_rejected_transfers_are_explained_and_change_nothing(
    qtbot: Any, window: MainWindow, tmp_path: Path, from_alice: tuple[Path, UnlockedIdentity]
) -> None:
    transfer, alice = from_alice  # Alice is not in the address book
    case = open_target(window, tmp_path)
    actions = output_actions(window)
    before = folder_digest(case.path)
    events = len(case.audit_events())
    with qtbot.waitSignal(actions.transfer_import.rejected, timeout=JOB_TIMEOUT_MS) as rejected:
        start_import(qtbot, window, transfer)
    assert "not in your address book" in rejected.args[0]
    panel = actions.transfer_import.last_panel
    assert panel is not None and panel.problem and not panel.isModal()
    assert "Nothing was imported" in panel.text()
    assert format_fingerprint(alice.public.fingerprint) in panel.text()

    damaged = tmp_path / "damaged.age"
    data = bytearray(transfer.read_bytes())
    data[-100] ^= 0x01
    damaged.write_bytes(bytes(data))
    addressbook.add("Alice", "Police A", alice.public.card())
    with qtbot.waitSignal(actions.transfer_import.rejected, timeout=JOB_TIMEOUT_MS) as rejected:
        start_import(qtbot, window, damaged)
    assert "damaged" in rejected.args[0]

    assert folder_digest(case.path) == before
    assert len(case.audit_events()) == events and case.evidence_items() == []


def test_cancel_while_the_transfer_passphrase_is_asked_adds_nothing(
    qtbot: Any, window: MainWindow, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    made = make_package_case(tmp_path / "source.case")
    out = tmp_path / "by-passphrase.age"
    with Case.open(made.path, PASSPHRASE) as source:
        export_transfer(
            out=out,
            case=source,
            sender=identity.create(None),
            encryption=Encryption(passphrase=TRANSFER_PASSPHRASE),
        )
    case = open_target(window, tmp_path)
    actions = output_actions(window)
    before = folder_digest(case.path)
    asked = collect(actions.transfer_import.passphraseAsked)
    started = collect(actions.transfer_import.started)
    start_import(qtbot, window, out)
    qtbot.waitUntil(lambda: bool(asked), timeout=JOB_TIMEOUT_MS)
    question: PassphraseDialog = asked[0]
    assert question.isVisible()
    with qtbot.waitSignal(actions.transfer_import.cancelled, timeout=JOB_TIMEOUT_MS):
        started[0].cancel_button.click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(question) or not question.isVisible())
    assert folder_digest(case.path) == before and case.evidence_items() == []
