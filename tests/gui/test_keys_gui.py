"""This workstation's keys and the partner address book, from the GUI.

Real key pairs in the test's data directory, the real keyring API with an in-process
backend (or none at all, so the keys' passphrase is asked in a dialog).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gui.test_package_gui import click_ok, collect, output_actions
from tests.support.cases import FAST_KDF
from tests.support.keyrings import MemoryKeyring
from tests.support.waits import WORKER_MS
from workstation.keys import addressbook, identity
from workstation.keys.identity import format_fingerprint
from workstation.ui.keys_dialog import AddPartnerDialog, KeysDialog
from workstation.ui.main_window import MainWindow
from workstation.ui.passphrase_prompt import PassphraseDialog

NEW_KEYS_PASSPHRASE = "my keys' passphrase"


def partner_card_text(folder: Path, label: str = "Customs B, cyber desk") -> str:
    unlocked = identity.create(
        lambda _new: "partner", folder, kdf=FAST_KDF, allow_weak_kdf=True, use_keyring=False
    )
    return unlocked.public.card(label).to_json().decode()


def open_keys(qtbot: Any, window: MainWindow) -> KeysDialog:
    dialog = output_actions(window).show_keys()
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=WORKER_MS)
    assert dialog.isVisible() and not dialog.isModal()
    return dialog


def add_dialog(qtbot: Any, keys: KeysDialog) -> AddPartnerDialog:
    with qtbot.waitSignal(keys.addDialogShown) as shown:
        keys.add_button.click()
    dialog: AddPartnerDialog = shown.args[0]
    for control in (dialog.name, dialog.unit, dialog.text, dialog.compared, dialog.load_button):
        assert control.accessibleName()
    return dialog


def test_the_keys_are_made_shown_and_saved_as_a_card(
    qtbot: Any, window: MainWindow, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    keys = open_keys(qtbot, window)
    assert keys.fingerprint.text() == "No keys yet" and keys.make_keys.isVisibleTo(keys)
    assert output_actions(window).show_keys() is keys, "one dialog at a time"
    keys.make_keys.click()
    qtbot.waitUntil(lambda: not keys.make_keys.isVisibleTo(keys), timeout=10000)
    own = identity.load()
    assert own is not None and own.protection == identity.BY_KEYRING
    assert keys.fingerprint.text() == format_fingerprint(own.fingerprint)
    assert "keyring" in keys.protection.text()
    keys.label.setText("Police A, internet unit")
    card_file = tmp_path / "police-a.card"
    with qtbot.waitSignal(keys.cardSaved, timeout=10000):
        keys.save_card(card_file)
    card = identity.parse_card(card_file.read_bytes())
    assert card.fingerprint == own.fingerprint and card.label == "Police A, internet unit"
    assert format_fingerprint(own.fingerprint) in keys.message.text()
    keys.close()


def test_a_partner_is_added_only_after_the_fingerprint_was_compared(
    qtbot: Any, window: MainWindow, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    identity.create(None)
    keys = open_keys(qtbot, window)
    dialog = add_dialog(qtbot, keys)
    assert not dialog.ok.isEnabled()
    dialog.text.setPlainText('{"format": "something else"}')
    assert "not a workstation key card" in dialog.error.text() and not dialog.ok.isEnabled()
    text = partner_card_text(tmp_path / "bob")
    card = identity.parse_card(text)
    dialog.text.setPlainText(text)
    assert dialog.fingerprint.text() == format_fingerprint(card.fingerprint)
    assert dialog.unit.text() == "Customs B, cyber desk", "the card's label proposes the unit"
    dialog.name.setText("Bob")
    assert not dialog.ok.isEnabled(), "not before the fingerprint was compared"
    dialog.compared.setChecked(True)
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(keys.loaded, timeout=10000):
        click_ok(dialog)
    assert [(p.name, p.unit, p.fingerprint) for p in addressbook.load()] == [
        ("Bob", "Customs B, cyber desk", card.fingerprint)
    ]
    assert keys.partner_rows() == [
        ("Bob", "Customs B, cyber desk", format_fingerprint(card.fingerprint))
    ]
    assert "Bob" in keys.message.text()

    again = add_dialog(qtbot, keys)
    again.name.setText("Bob's twin")
    again.text.setPlainText(text)
    again.compared.setChecked(True)
    with qtbot.waitSignal(again.refused, timeout=10000) as refused:
        click_ok(again)
    assert "already in the address book" in refused.args[0] and again.isVisible()
    own = identity.load()
    assert own is not None
    again.text.setPlainText(own.card().to_json().decode())
    assert not again.compared.isChecked(), "a new card needs a new comparison"
    again.compared.setChecked(True)
    with qtbot.waitSignal(again.refused, timeout=10000) as refused:
        click_ok(again)
    assert "this workstation's own" in refused.args[0]
    again.reject()
    keys.close()


def test_a_partner_card_is_read_from_a_file(
    qtbot: Any, window: MainWindow, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    card_file = tmp_path / "carol.card"
    card_file.write_text(partner_card_text(tmp_path / "carol", label=""))
    keys = open_keys(qtbot, window)
    dialog = add_dialog(qtbot, keys)
    dialog.load_file(card_file)
    fingerprint = identity.parse_card(card_file.read_bytes()).fingerprint
    qtbot.waitUntil(lambda: dialog.fingerprint.text() == format_fingerprint(fingerprint))
    dialog.load_file(tmp_path / "missing.card")
    with qtbot.waitSignal(dialog.refused, timeout=10000) as refused:
        pass
    assert "cannot be read" in refused.args[0]
    dialog.reject()
    keys.close()


def test_without_a_keyring_new_keys_get_a_passphrase_typed_twice(
    qtbot: Any, window: MainWindow, no_keyring: None
) -> None:
    keys = open_keys(qtbot, window)
    asked = collect(keys.passphraseAsked)
    keys.make_keys.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    question: PassphraseDialog = asked[0]
    assert question.repeat is not None and question.repeat.accessibleName()
    question.passphrase.setText(NEW_KEYS_PASSPHRASE)
    question.repeat.setText("something else")
    click_ok(question)
    assert "differ" in question.error.text() and question.isVisible()
    question.repeat.setText(NEW_KEYS_PASSPHRASE)
    with qtbot.waitSignal(keys.loaded, timeout=20000):
        click_ok(question)
    own = identity.load()
    assert own is not None and own.protection == identity.BY_PASSPHRASE
    assert "passphrase" in keys.protection.text()
    unlocked = identity.unlock(lambda _new: NEW_KEYS_PASSPHRASE)
    assert unlocked.public.fingerprint == own.fingerprint
    keys.close()
