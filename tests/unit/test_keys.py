"""The workstation's own keys (keyring or passphrase protection), key cards, the address book."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pyrage  # type: ignore[import-untyped]
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.support.cases import FAST_KDF
from tests.support.keyrings import MemoryKeyring, memory_keyring
from workstation.keys import addressbook, identity
from workstation.keys.identity import KeyCard, KeysError

__all__ = ["memory_keyring"]  # the fixture, used by name

PASSPHRASE = "keys passphrase"


def asked(answer: str = PASSPHRASE) -> tuple[list[bool], identity.PassphraseSource]:
    """A passphrase source that records each question (new or not)."""
    questions: list[bool] = []

    def source(new: bool) -> str:
        questions.append(new)
        return answer

    return questions, source


def make_with_passphrase(folder: Path) -> identity.UnlockedIdentity:
    return identity.create(asked()[1], folder, kdf=FAST_KDF, allow_weak_kdf=True, use_keyring=False)


def test_keys_in_the_keyring_are_made_once_and_unlock_without_a_question(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    questions, source = asked()
    public, made = identity.ensure(source, tmp_path)
    assert made and public.protection == identity.BY_KEYRING
    again, made_again = identity.ensure(source, tmp_path)
    assert again == public and not made_again
    unlocked = identity.unlock(source, tmp_path)
    assert questions == []  # the keyring's secret opened them
    assert unlocked.public == public
    message = b"signed by this workstation"
    Ed25519PublicKey.from_public_bytes(public.signing_public_key).verify(
        unlocked.sign(message), message
    )
    sealed = pyrage.encrypt(
        b"for this workstation", [pyrage.x25519.Recipient.from_str(public.age_recipient)]
    )
    assert pyrage.decrypt(sealed, [unlocked.age_identity]) == b"for this workstation"
    assert [user for _, user in memory_keyring.entries] == [f"workstation-keys:{public.id}"]


def test_private_keys_are_never_on_disk_in_the_clear(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    unlocked = identity.create(None, tmp_path)
    stored = (tmp_path / identity.IDENTITY_NAME).read_bytes()
    assert str(unlocked.age_identity).encode() not in stored
    assert unlocked.signing_key.private_bytes_raw().hex().encode() not in stored
    assert b"AGE-SECRET-KEY" not in stored
    assert stat.S_IMODE((tmp_path / identity.IDENTITY_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700


def test_without_a_keyring_a_passphrase_protects_the_keys(tmp_path: Path, no_keyring: None) -> None:
    questions, source = asked()
    made = identity.create(source, tmp_path, kdf=FAST_KDF, allow_weak_kdf=True)
    assert made.public.protection == identity.BY_PASSPHRASE
    assert questions == [True]
    assert identity.unlock(source, tmp_path).public == made.public
    assert questions == [True, False]
    with pytest.raises(KeysError, match="passphrase of this workstation's keys is wrong"):
        identity.unlock(asked("not it")[1], tmp_path)
    with pytest.raises(KeysError, match="passphrase of this workstation's keys is needed"):
        identity.unlock(None, tmp_path)
    with pytest.raises(KeysError, match="no usable keyring"):
        identity.create(None, tmp_path / "other")


def test_a_weak_key_derivation_is_refused_outside_tests(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="weaker than the minimum"):
        identity.create(asked()[1], tmp_path, kdf=FAST_KDF, use_keyring=False)
    assert not (tmp_path / identity.IDENTITY_NAME).exists()


def test_a_keyring_that_lost_the_secret_is_named(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    identity.create(None, tmp_path)
    memory_keyring.entries.clear()
    with pytest.raises(KeysError, match="OS keyring, which cannot be read now"):
        identity.unlock(None, tmp_path)


def test_swapped_public_keys_in_the_key_file_are_noticed(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    identity.create(None, tmp_path)
    path = tmp_path / identity.IDENTITY_NAME
    doc = json.loads(path.read_bytes())
    doc["age_recipient"] = str(pyrage.x25519.Identity.generate().to_public())
    path.write_text(json.dumps(doc))
    with pytest.raises(KeysError, match="does not open this workstation's keys"):
        identity.unlock(None, tmp_path)
    path.write_text("{not json")
    with pytest.raises(KeysError, match="damaged"):
        identity.load(tmp_path)


def test_keys_are_never_replaced(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    first = identity.create(None, tmp_path)
    with pytest.raises(KeysError, match="already has keys"):
        identity.create(None, tmp_path)
    assert identity.load(tmp_path) == first.public
    assert len(memory_keyring.entries) == 1  # the loser's keyring secret was removed


def test_unlocking_without_keys_says_how_to_make_them(tmp_path: Path) -> None:
    with pytest.raises(KeysError, match="`keys show` makes them"):
        identity.unlock(None, tmp_path)


# -- key cards and fingerprints ----------------------------------------------------------


def test_a_key_card_round_trips_and_its_fingerprint_is_checked(tmp_path: Path) -> None:
    card = make_with_passphrase(tmp_path).public.card("Customs, Rotterdam")
    text = card.to_json()
    assert identity.parse_card(text) == card
    assert identity.read_card(text.decode()) == card
    (tmp_path / "card.json").write_bytes(text)
    assert identity.read_card(str(tmp_path / "card.json")) == card
    shown = identity.format_fingerprint(card.fingerprint)
    assert len(shown.split()) == 10 and all(len(group) == 4 for group in shown.split())
    assert identity.normalise_fingerprint(shown) == card.fingerprint
    doc = json.loads(text)
    doc["fingerprint"] = "0" * 40
    with pytest.raises(KeysError, match="fingerprint does not match"):
        identity.parse_card(json.dumps(doc))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something else"}, "not a workstation key card"),
        ({"version": 2}, "version 2"),
        ({"age_recipient": "age1notakey"}, "age recipient is not valid"),
        ({"age_recipient": 5}, "age recipient is missing"),
        ({"ed25519_public_key": "ab" * 31}, "64 hexadecimal digits"),
        ({"label": ["x"]}, "label is not short text"),
    ],
)
def test_a_malformed_key_card_is_refused(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    doc = json.loads(make_with_passphrase(tmp_path).public.card().to_json())
    doc.pop("fingerprint")
    doc.update(change)
    with pytest.raises(KeysError, match=message):
        identity.parse_card(json.dumps(doc))


def test_a_card_that_is_neither_file_nor_text_is_named(tmp_path: Path) -> None:
    with pytest.raises(KeysError, match="neither a key card file"):
        identity.read_card(str(tmp_path / "missing.card"))
    with pytest.raises(KeysError, match="not valid JSON"):
        identity.read_card("{broken")
    with pytest.raises(KeysError, match="too large"):
        identity.parse_card(b"{" + b" " * identity.MAX_FILE_BYTES)


# -- the address book --------------------------------------------------------------------


def partner_card(folder: Path) -> KeyCard:
    return make_with_passphrase(folder).public.card()


def test_partners_are_added_found_and_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bob = partner_card(tmp_path / "bob")
    carol = partner_card(tmp_path / "carol")
    added = addressbook.add("  Bob  Smith ", "Customs B", bob, home)
    assert (added.name, added.unit, added.fingerprint) == (
        "Bob Smith",
        "Customs B",
        bob.fingerprint,
    )
    addressbook.add("Carol", "", carol, home)
    assert [p.name for p in addressbook.load(home)] == ["Bob Smith", "Carol"]
    assert addressbook.find("bob smith", home).fingerprint == bob.fingerprint
    found = addressbook.by_signing_key(carol.signing_public_key, home)
    assert found is not None and found.name == "Carol"
    assert addressbook.by_signing_key(b"\x00" * 32, home) is None
    book = addressbook.book_path(home)
    assert stat.S_IMODE(book.stat().st_mode) == 0o600
    stored = json.loads(book.read_bytes())
    assert stored["partners"][0]["fingerprint"] == bob.fingerprint


def test_the_address_book_refuses_twins_and_its_own_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    own = make_with_passphrase(home)
    bob = partner_card(tmp_path / "bob")
    addressbook.add("Bob", "B", bob, home)
    with pytest.raises(KeysError, match="already a partner called 'Bob'"):
        addressbook.add("BOB", "B", partner_card(tmp_path / "other"), home)
    with pytest.raises(KeysError, match="already in the address book as 'Bob'"):
        addressbook.add("Robert", "B", bob, home)
    with pytest.raises(KeysError, match="this workstation's own"):
        addressbook.add("Me", "", own.public.card(), home)
    with pytest.raises(KeysError, match="must not be empty"):
        addressbook.add("   ", "", partner_card(tmp_path / "x"), home)
    with pytest.raises(KeysError, match=r"No partner called .Dave.*known: Bob"):
        addressbook.find("Dave", home)


def test_a_damaged_address_book_is_named(tmp_path: Path) -> None:
    addressbook.add("Bob", "B", partner_card(tmp_path / "bob"), tmp_path)
    book = addressbook.book_path(tmp_path)
    doc = json.loads(book.read_bytes())
    doc["partners"][0]["fingerprint"] = "1" * 40
    book.write_text(json.dumps(doc))
    with pytest.raises(KeysError, match=r"address book .* is damaged"):
        addressbook.load(tmp_path)
