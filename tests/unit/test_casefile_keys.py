"""Passphrase change, "remember on this PC" through a real keyring backend, locking."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.keyrings import MemoryKeyring
from tests.unit.test_casefile_case import PASSPHRASE, make_case, raw_connection, snapshot
from tests.unit.test_casefile_keyslot import v1_document
from workstation.casefile import Case, KdfParams, keyslot
from workstation.casefile.remember import SERVICE
from workstation.errors import CaseError, InputError, WrongPassphrase

PAGE = 4096


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    make_case(path).close()
    return path


# -- passphrase change --------------------------------------------------------------------


def _pages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[i : i + PAGE] for i in range(0, len(data), PAGE)]


def test_change_passphrase_rewraps_the_key_and_leaves_the_database(case_path: Path) -> None:
    with closing(raw_connection(case_path)) as conn:  # the data key, through the old passphrase
        key_before = keyslot.unlock(keyslot.read(case_path / "keyslot.json"), PASSPHRASE)
        conn.execute("SELECT 1").fetchone()
    with Case.open(case_path, PASSPHRASE) as case:
        for n in range(300):  # a database of some size, so that "not rewritten" means something
            case.append_audit("test.filler", {"n": n, "pad": "x" * 200})
        pages_before = _pages(case_path / "case.db")
        salt_before = keyslot.read(case_path / "keyslot.json").passphrase.salt
        case.change_passphrase(PASSPHRASE, "a new passphrase")
        pages_after = _pages(case_path / "case.db")
        assert case.audit_events()[-1].action == "case.passphrase_changed"
    slot = keyslot.read(case_path / "keyslot.json")
    assert slot.passphrase.salt != salt_before
    assert keyslot.unlock(slot, "a new passphrase") == key_before  # same data key
    with pytest.raises(WrongPassphrase):
        keyslot.unlock(slot, PASSPHRASE)
    # Not re-encrypted: only the pages the one audit event touched differ.
    changed = sum(a != b for a, b in zip(pages_before, pages_after, strict=False))
    assert len(pages_before) > 30 and changed <= 4
    Case.open(case_path, "a new passphrase").close()


def test_change_passphrase_can_raise_the_kdf(case_path: Path) -> None:
    stronger = KdfParams(time_cost=2, memory_kib=16384, parallelism=1)
    with Case.open(case_path, PASSPHRASE) as case:
        with pytest.raises(InputError, match="weaker than the minimum"):
            case.change_passphrase(PASSPHRASE, "new", kdf=stronger)
        case.change_passphrase(PASSPHRASE, "new", kdf=stronger, allow_weak_kdf=True)
    assert keyslot.read(case_path / "keyslot.json").kdf == stronger
    with Case.open(case_path, "new") as case:
        case.change_passphrase("new", "newer")  # keeps the current parameters
    assert keyslot.read(case_path / "keyslot.json").kdf == stronger


def test_wrong_old_passphrase_changes_nothing(case_path: Path) -> None:
    with Case.open(case_path, PASSPHRASE) as case:
        before = snapshot(case_path)
        with pytest.raises(WrongPassphrase):
            case.change_passphrase("not it", "new")
        with pytest.raises(InputError, match="new passphrase must not be empty"):
            case.change_passphrase(PASSPHRASE, "")
        assert snapshot(case_path) == before
    Case.open(case_path, PASSPHRASE).close()


def test_old_single_slot_keyslot_files_keep_working(case_path: Path) -> None:
    slot = keyslot.read(case_path / "keyslot.json")
    entry = slot.passphrase
    (case_path / "keyslot.json").write_bytes(v1_document(slot))
    with Case.open(case_path, PASSPHRASE) as case:
        case.change_passphrase(PASSPHRASE, "new one")
    assert keyslot.read(case_path / "keyslot.json").passphrase != entry
    Case.open(case_path, "new one").close()


# -- remember on this PC ----------------------------------------------------------------


def test_remembered_case_opens_without_the_passphrase(
    case_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.remember_on_this_pc()
        case_id = case.case_id
        assert case.audit_events()[-1].action == "case.remembered"
    assert (SERVICE, case_id) in memory_keyring.entries
    token = memory_keyring.entries[(SERVICE, case_id)]
    assert token not in (case_path / "keyslot.json").read_text()
    opened = Case.open_remembered(case_path, officer="PC 5")
    assert opened is not None
    with opened:
        assert opened.audit_events()[-1].actor == "PC 5"
    Case.open(case_path, PASSPHRASE).close()  # the passphrase still works


def test_forget_removes_slot_and_keyring_entry(
    case_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with Case.open(case_path, PASSPHRASE) as case:
        case.remember_on_this_pc()
        case.forget_on_this_pc()
        assert case.audit_events()[-1].action == "case.forgotten"
        case.forget_on_this_pc()  # twice is fine
    assert memory_keyring.entries == {}
    assert keyslot.read(case_path / "keyslot.json").remembered is None
    assert Case.open_remembered(case_path) is None


def test_remember_survives_a_passphrase_change(
    case_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with Case.open(case_path, PASSPHRASE) as case:
        case.remember_on_this_pc()
        case.change_passphrase(PASSPHRASE, "changed")
    opened = Case.open_remembered(case_path)
    assert opened is not None
    opened.close()


def test_open_remembered_returns_none_and_changes_nothing_when_it_cannot(
    case_path: Path, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="workstation")
    assert Case.open_remembered(case_path) is None  # never remembered
    with Case.open(case_path, PASSPHRASE) as case:
        case.remember_on_this_pc()
        case_id = case.case_id
    before = snapshot(case_path)
    token = memory_keyring.entries[(SERVICE, case_id)]

    memory_keyring.locked = True
    assert Case.open_remembered(case_path) is None
    memory_keyring.locked = False

    memory_keyring.entries[(SERVICE, case_id)] = base64.b64encode(bytes(32)).decode()
    assert Case.open_remembered(case_path) is None  # a token that does not unwrap the key
    memory_keyring.entries[(SERVICE, case_id)] = "not base64 !"
    assert Case.open_remembered(case_path) is None
    del memory_keyring.entries[(SERVICE, case_id)]
    assert Case.open_remembered(case_path) is None  # no entry
    assert snapshot(case_path) == before
    assert token not in caplog.text


def test_no_keyring_is_not_an_error(case_path: Path, no_keyring: None) -> None:
    with Case.open(case_path, PASSPHRASE) as case:
        before = snapshot(case_path)
        assert case.remember_on_this_pc() is False
        assert snapshot(case_path) == before
        case.forget_on_this_pc()
    assert Case.open_remembered(case_path) is None


def test_open_remembered_still_reports_a_missing_case(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    from workstation.errors import CaseNotFound  # noqa: PLC0415

    with pytest.raises(CaseNotFound):
        Case.open_remembered(tmp_path / "nowhere")


# -- locking ------------------------------------------------------------------------------


def test_every_method_of_a_closed_case_refuses(case_path: Path) -> None:
    case = Case.open(case_path, PASSPHRASE)
    case.close()
    calls: dict[str, Callable[[], object]] = {
        "metadata": case.metadata,
        "update_metadata": lambda: case.update_metadata(reference="x"),
        "personas": case.personas,
        "add_persona": lambda: case.add_persona("x"),
        "contacts": case.contacts,
        "search": lambda: case.search("x"),
        "attachment": lambda: case.attachment("0" * 64),
        "evidence_items": case.evidence_items,
        "verify_audit": case.verify_audit,
        "sign_head": lambda: case.sign_head("x"),
        "public_key_hex": case.public_key_hex,
        "change_passphrase": lambda: case.change_passphrase(PASSPHRASE, "y"),
        "remember_on_this_pc": case.remember_on_this_pc,
        "forget_on_this_pc": case.forget_on_this_pc,
        "load_persona_state": lambda: case.load_persona_state("x"),
        "add_note": lambda: case.add_note("x"),
    }
    for name, call in calls.items():
        with pytest.raises(CaseError, match="This case is locked or closed") as caught:
            call()
        assert type(caught.value) is CaseError, name


def test_close_wipes_the_data_key(case_path: Path) -> None:
    case = Case.open(case_path, PASSPHRASE)
    key = case._key
    assert key is not None and any(key)
    case.close()
    assert key == bytearray(len(key)) and case._key is None
