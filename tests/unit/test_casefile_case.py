"""Case: create/open, refusals that change nothing, corruption, evidence, no plaintext.

The helpers at the top (FAST_KDF, make_case, snapshot, raw_connection) are also
imported by the other test_casefile_* modules.
"""

from __future__ import annotations

import base64
import hashlib
import stat
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from workstation import canonjson
from workstation.casefile import (
    ArtifactData,
    Case,
    ContactDraft,
    ContactEntry,
    Counterpart,
    KdfParams,
    keyslot,
    store,
)
from workstation.casefile import audit as audit_module
from workstation.errors import (
    CaseCorrupt,
    CaseError,
    CaseExists,
    CaseNotFound,
    SchemaTooNew,
    WrongPassphrase,
)

PASSPHRASE = "correct horse battery staple"
# Fast Argon2id for tests only; production always uses the RFC 9106 floor.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
CANARY = "CANARY-7f3e9a1c-SUSPECT-mallory@example.invalid"


def make_case(path: Path, passphrase: str = PASSPHRASE, **kwargs: Any) -> Case:
    """Case.create with the fast test KDF."""
    return Case.create(path, passphrase, kdf=FAST_KDF, allow_weak_kdf=True, **kwargs)


def snapshot(directory: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under directory (the set of names counts too)."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def raw_connection(case_path: Path, passphrase: str = PASSPHRASE) -> store.Connection:
    """A second, plain connection to a case's database (to tamper as an attacker would)."""
    key = keyslot.unlock(keyslot.read(case_path / "keyslot.json"), passphrase)
    return store.connect(case_path / "case.db", key)


PERSONA = "Night Owl"


def draft(**changes: Any) -> ContactDraft:
    """A valid contact draft for PERSONA, with some fields changed."""
    fields: dict[str, Any] = {
        "persona": PERSONA,
        "channel": "Telegram",
        "counterparts": (Counterpart("handle", "@seller_77"),),
        "direction": "in",
        "content": "Have 100 tablets, 5 EUR each.\nShipping from Rotterdam.",
    }
    fields.update(changes)
    return ContactDraft(**fields)


def populate(case: Case, text: str = "sample") -> ContactEntry:
    """One record of every kind, each carrying ``text``; returns the (attached) contact entry."""
    case.update_metadata(
        reference=f"REF {text}",
        requesting_unit=f"unit {text}",
        legal_basis=f"basis {text}",
        commodity="cites",
    )
    case.add_persona(
        PERSONA,
        accounts=[("telegram", f"@owl_{text}")],
        email="owl@example.org",
        phone="+31 20 555 0100",
        notes=f"notes {text}",
    )
    case.save_persona_state(PERSONA, f"cookie={text}".encode())
    item = case.add_evidence(
        f"CN-{text}",
        f'{{"title":"shop {text}","final_url":"https://shop.example/{text}"}}'.encode(),
        [
            ArtifactData("page.txt", "text/plain", f"page text {text}".encode()),
            ArtifactData("dom.html", "text/html", f"<p>{text}</p>".encode()),
        ],
        details={"note": text},
    )
    case.add_note(f"note {text}", subject=f"subject {text}")
    case.append_audit("test.detail", {"text": text})
    return case.add_contact(
        draft(
            counterparts=(Counterpart("email", f"{text}@example.net"), Counterpart("handle", text)),
            content=f"content {text}",
            attachments=(("photo.jpg", "image/jpeg", f"jpeg {text}".encode()),),
            evidence_ids=(item,),
            authorisation_ref=f"AUTH {text}",
        )
    )


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    return tmp_path / "case"


@pytest.fixture
def closed_case(case_dir: Path) -> Path:
    """A case with one sealed item, closed again."""
    with make_case(case_dir, title="Op Test", officer="PC 1234") as case:
        case.add_evidence(
            "CN-1", b'{"m":1}', [ArtifactData("page.html", "text/html", b"<p>hi</p>")]
        )
    return case_dir


# -- create and open ------------------------------------------------------------------------


def test_create_then_open_round_trip(case_dir: Path) -> None:
    with make_case(case_dir, title="Op Lantern", officer="PC 1234") as created:
        case_id = created.case_id
        assert created.metadata().reference == "Op Lantern"
    with Case.open(case_dir, PASSPHRASE, officer="PC 99") as opened:
        info = opened.info()
        events = opened.audit_events()
    assert opened.case_id == case_id == info["case_id"]
    assert str(uuid.UUID(case_id, version=4)) == case_id
    assert info["officer"] == "PC 1234"
    assert info["created_utc"].endswith("Z")
    assert [e.action for e in events] == [
        "case.created",
        "audit.key_created",
        "audit.head_signed",
        "case.opened",
    ]
    assert [e.actor for e in events] == ["PC 1234"] * 3 + ["PC 99"]
    assert events[0].details["case_id"] == case_id


def test_case_is_two_private_files(case_dir: Path) -> None:
    make_case(case_dir).close()
    assert sorted(p.name for p in case_dir.iterdir()) == ["case.db", "keyslot.json"]
    assert stat.S_IMODE(case_dir.stat().st_mode) == 0o700
    for name in ("case.db", "keyslot.json"):
        assert stat.S_IMODE((case_dir / name).stat().st_mode) == 0o600


def test_close_is_idempotent_and_blocks_further_use(case_dir: Path) -> None:
    case = make_case(case_dir)
    case.close()
    case.close()
    assert case.closed
    with pytest.raises(CaseError, match="closed"):
        case.info()


def test_missing_officer_is_recorded_as_unspecified(case_dir: Path) -> None:
    with make_case(case_dir) as case:
        assert case.audit_events()[0].actor == "unspecified"
        assert case.info()["officer"] == ""


def test_wrong_passphrase_changes_nothing(closed_case: Path) -> None:
    before = snapshot(closed_case)
    with pytest.raises(WrongPassphrase) as caught:
        Case.open(closed_case, "wrong passphrase")
    assert str(caught.value) == "The passphrase does not open this case."
    assert snapshot(closed_case) == before


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(CaseNotFound, match="There is no case"):
        Case.open(tmp_path / "nope", PASSPHRASE)


def test_folder_without_keyslot_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CaseNotFound, match=r"not a case: it has no keyslot\.json"):
        Case.open(tmp_path, PASSPHRASE)


@pytest.mark.parametrize("name", ["keyslot.json", "case.db", "report.pdf"])
def test_a_file_instead_of_a_case_folder_is_refused_clearly(closed_case: Path, name: str) -> None:
    target = closed_case / name if name != "report.pdf" else closed_case.parent / name
    if not target.exists():
        target.write_bytes(b"%PDF-1.7 not a case")
    with pytest.raises(CaseNotFound, match="is a file, not a case folder"):
        Case.open(target, PASSPHRASE)


def test_missing_or_empty_database_is_corrupt_and_not_recreated(closed_case: Path) -> None:
    db = closed_case / "case.db"
    db.unlink()
    with pytest.raises(CaseCorrupt, match=r"database \(case\.db\) is missing"):
        Case.open(closed_case, PASSPHRASE)
    assert not db.exists()
    db.write_bytes(b"")  # SQLite would happily treat this as a new empty database
    with pytest.raises(CaseCorrupt, match="is empty"):
        Case.open(closed_case, PASSPHRASE)
    assert db.read_bytes() == b""


# -- create refuses to overwrite, and cleans up after itself ------------------------------


def test_create_over_existing_case_is_refused(closed_case: Path) -> None:
    before = snapshot(closed_case)
    with pytest.raises(CaseExists):
        make_case(closed_case)
    assert snapshot(closed_case) == before


def test_create_over_non_empty_folder_or_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "x").write_text("keep me")
    afile = tmp_path / "file"
    afile.write_text("keep me too")
    for target in (folder, afile):
        with pytest.raises(CaseExists, match="already exists"):
            make_case(target)
    assert (folder / "x").read_text() == "keep me"
    assert afile.read_text() == "keep me too"


def test_create_in_empty_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir(mode=0o755)
    make_case(folder).close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    Case.open(folder, PASSPHRASE).close()


@pytest.mark.parametrize("pre_existing", [False, True])
def test_failed_create_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pre_existing: bool
) -> None:
    target = tmp_path / "case"
    if pre_existing:
        target.mkdir()

    def fail(path: Path, slot: keyslot.KeySlot) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keyslot, "write_atomic", fail)
    with pytest.raises(CaseError, match=r"could not be created.*No space left"):
        make_case(target)
    if pre_existing:
        assert list(target.iterdir()) == []
    else:
        assert not target.exists()


# -- corrupt key slot --------------------------------------------------------------------------


def _rewrite_slot(case_path: Path, change: Any) -> None:
    slot_path = case_path / "keyslot.json"
    doc = canonjson.loads(slot_path.read_bytes())
    change(doc)
    slot_path.write_bytes(canonjson.dumps(doc))


def _flip_wrapped_key(doc: dict[str, Any]) -> None:
    wrap = doc["slots"][0]["wrap"]
    raw = bytearray(base64.b64decode(wrap["ciphertext"]))
    raw[5] ^= 0x01
    wrap["ciphertext"] = base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
        pytest.param(lambda b: b"\x00\xff garbage \x13" * 20, id="garbage"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: b.replace(b'"argon2id"', b'"scrypt"'), id="unknown-kdf"),
        pytest.param(lambda b: b.replace(b'"nonce":"', b'"nonce":"!'), id="bad-base64"),
    ],
)
def test_malformed_keyslot_is_corrupt_and_unchanged(closed_case: Path, damage: Any) -> None:
    slot = closed_case / "keyslot.json"
    slot.write_bytes(damage(slot.read_bytes()))
    before = snapshot(closed_case)
    with pytest.raises(CaseCorrupt, match="is damaged or is not a case file"):
        Case.open(closed_case, PASSPHRASE)
    assert snapshot(closed_case) == before


def test_flipped_bit_in_wrapped_key_reads_as_wrong_passphrase(closed_case: Path) -> None:
    # AES-GCM cannot tell a wrong key from a modified ciphertext: the tag fails
    # either way, so a well-formed but altered slot is WrongPassphrase, not CaseCorrupt.
    _rewrite_slot(closed_case, _flip_wrapped_key)
    before = snapshot(closed_case)
    with pytest.raises(WrongPassphrase):
        Case.open(closed_case, PASSPHRASE)
    assert snapshot(closed_case) == before


def test_keyslot_of_another_case_does_not_open_this_database(tmp_path: Path) -> None:
    make_case(tmp_path / "a").close()
    make_case(tmp_path / "b").close()
    (tmp_path / "a" / "keyslot.json").write_bytes((tmp_path / "b" / "keyslot.json").read_bytes())
    before = snapshot(tmp_path / "a")
    with pytest.raises(CaseCorrupt):
        Case.open(tmp_path / "a", PASSPHRASE)
    assert snapshot(tmp_path / "a") == before


# -- corrupt database --------------------------------------------------------------------------


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(bytes(data))


def test_flipped_byte_in_first_page_fails_open_and_changes_nothing(closed_case: Path) -> None:
    _flip_byte(closed_case / "case.db", 2048)
    before = snapshot(closed_case)
    with pytest.raises(CaseCorrupt, match="is damaged or is not a case file"):
        Case.open(closed_case, PASSPHRASE)
    assert snapshot(closed_case) == before


def test_flipped_byte_in_a_data_page_is_caught_when_read(case_dir: Path) -> None:
    blob = bytes(range(256)) * 1024  # 256 KiB: most pages of the file are this artifact
    with make_case(case_dir) as case:
        item = case.add_evidence("CN-big", b"{}", [ArtifactData("big.bin", "x/y", blob)])
    db = case_dir / "case.db"
    pages = db.stat().st_size // 4096
    _flip_byte(db, (pages // 2) * 4096 + 2000)  # middle of a middle page: SQLCipher's HMAC
    with Case.open(case_dir, PASSPHRASE) as case:
        assert case.evidence_items()[0].control_number == "CN-big"
        with pytest.raises(CaseCorrupt, match="is damaged"):
            case.artifacts(item)
        assert any("HMAC" in problem for problem in case.check_integrity())


@pytest.mark.parametrize("keep", [100, 0.5], ids=["under-one-page", "half"])
def test_truncated_database_is_corrupt_and_unchanged(closed_case: Path, keep: float) -> None:
    db = closed_case / "case.db"
    data = db.read_bytes()
    db.write_bytes(data[: int(keep if keep > 1 else len(data) * keep)])
    before = snapshot(closed_case)
    with pytest.raises(CaseCorrupt):
        Case.open(closed_case, PASSPHRASE)
    assert snapshot(closed_case) == before


def test_database_of_another_case_is_corrupt(tmp_path: Path) -> None:
    make_case(tmp_path / "a").close()
    make_case(tmp_path / "b").close()
    (tmp_path / "a" / "case.db").write_bytes((tmp_path / "b" / "case.db").read_bytes())
    with pytest.raises(CaseCorrupt):
        Case.open(tmp_path / "a", PASSPHRASE)


def test_plain_sqlite_file_as_database_is_corrupt(closed_case: Path) -> None:
    import sqlite3  # noqa: PLC0415 - only this test makes an unencrypted database

    db = closed_case / "case.db"
    db.unlink()
    with closing(sqlite3.connect(db)) as plain:
        plain.execute("CREATE TABLE t (x)")
        plain.commit()
    before = snapshot(closed_case)
    with pytest.raises(CaseCorrupt, match="not a database"):
        Case.open(closed_case, PASSPHRASE)
    assert snapshot(closed_case) == before


def test_schema_newer_than_code_is_refused_unchanged(closed_case: Path) -> None:
    with closing(raw_connection(closed_case)) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = snapshot(closed_case)
    with pytest.raises(SchemaTooNew, match="newer version"):
        Case.open(closed_case, PASSPHRASE)
    assert snapshot(closed_case) == before


# -- nothing readable on disk -----------------------------------------------------------------


def _assert_no_plaintext(case_path: Path) -> None:
    for path in case_path.rglob("*"):
        data = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert CANARY.encode(encoding) not in data, path
        assert b"SQLite format 3" not in data, path


def test_no_plaintext_on_disk(case_dir: Path) -> None:
    case = make_case(case_dir, title=CANARY, officer=CANARY)
    case.add_evidence(
        "CN-canary",
        CANARY.encode(),
        [ArtifactData("dom.html", "text/html", CANARY.encode() * 50)],
        details={"note": CANARY},
    )
    case.append_audit("contact.logged", {"content": CANARY})
    # While open: the journal is gone after each commit and nothing is readable.
    assert sorted(p.name for p in case_dir.iterdir()) == ["case.db", "keyslot.json"]
    _assert_no_plaintext(case_dir)
    case.close()
    _assert_no_plaintext(case_dir)
    # The canary really is in there, so the test above could fail.
    with Case.open(case_dir, PASSPHRASE) as case:
        assert case.metadata().reference == CANARY
        logged = [e for e in case.audit_events() if e.action == "contact.logged"]
        assert CANARY in logged[0].details_json.decode()


# -- evidence ------------------------------------------------------------------------------


def test_add_evidence_stores_items_artifacts_and_an_audit_event(case_dir: Path) -> None:
    artifacts = [
        ArtifactData("screenshot.png", "image/png", b"\x89PNG fake"),
        ArtifactData("page.mhtml", "multipart/related", b"MIME fake"),
    ]
    with make_case(case_dir) as case:
        item = case.add_evidence("CN-0001", b'{"x":1}', artifacts, details={"url": "http://a"})
        records = case.evidence_items()
        stored = case.artifacts(item)
        event = case.audit_events()[-1]
    assert [(r.id, r.control_number, r.manifest) for r in records] == [
        (item, "CN-0001", b'{"x":1}')
    ]
    assert records[0].created_utc.endswith("Z")
    assert [(a.name, a.media_type, a.data) for a in stored] == [
        (a.name, a.media_type, a.data) for a in artifacts
    ]
    assert [a.sha256 for a in stored] == [hashlib.sha256(a.data).hexdigest() for a in artifacts]
    assert event.action == "evidence.sealed"
    assert event.details["control_number"] == "CN-0001"
    assert event.details["item_id"] == item
    assert event.details["context"] == {"url": "http://a"}
    assert [a["sha256"] for a in event.details["artifacts"]] == [a.sha256 for a in stored]


def test_unknown_item_has_no_artifacts(case_dir: Path) -> None:
    with make_case(case_dir) as case, pytest.raises(KeyError):
        case.artifacts(42)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE evidence_item SET control_number = 'forged'",
        "DELETE FROM evidence_item",
        "UPDATE artifact SET data = x'00'",
        "DELETE FROM artifact",
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event WHERE seq = 1",
    ],
)
def test_triggers_block_changes_to_sealed_rows(closed_case: Path, statement: str) -> None:
    with closing(raw_connection(closed_case)) as conn:
        with pytest.raises(sqlcipher3.IntegrityError, match="cannot be changed or deleted"):
            conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM artifact").fetchone() == (1,)


def test_altered_artifact_is_caught_on_read(closed_case: Path) -> None:
    with closing(raw_connection(closed_case)) as conn:
        conn.execute("DROP TRIGGER artifact_no_update")
        conn.execute("UPDATE artifact SET data = x'00'")
    with Case.open(closed_case, PASSPHRASE) as case, pytest.raises(CaseCorrupt, match="altered"):
        case.artifacts(case.evidence_items()[0].id)


def _counts(case_path: Path) -> tuple[int, ...]:
    with closing(raw_connection(case_path)) as conn:
        return tuple(
            store.scalar_int(conn, f"SELECT count(*) FROM {table}")
            for table in ("evidence_item", "artifact", "audit_event")
        )


def test_duplicate_control_number_stores_nothing(closed_case: Path) -> None:
    with Case.open(closed_case, PASSPHRASE) as case:
        before = _counts(closed_case)
        with pytest.raises(CaseError, match="already in this case"):
            case.add_evidence("CN-1", b"{}", [ArtifactData("other.png", "image/png", b"x")])
        assert _counts(closed_case) == before
        assert case.verify_audit().ok


def test_failure_after_rows_were_written_rolls_everything_back(
    closed_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_append(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash while sealing")

    with Case.open(closed_case, PASSPHRASE) as case:
        before = _counts(closed_case)
        monkeypatch.setattr(audit_module, "append", broken_append)
        with pytest.raises(RuntimeError, match="simulated"):
            case.add_evidence("CN-2", b"{}", [ArtifactData("a.png", "image/png", b"x")])
        monkeypatch.undo()
        assert _counts(closed_case) == before
        assert [r.control_number for r in case.evidence_items()] == ["CN-1"]
        assert case.verify_audit().ok
        # The case is still usable after the rollback.
        case.add_evidence("CN-2", b"{}", [ArtifactData("a.png", "image/png", b"x")])


@pytest.mark.parametrize(
    ("artifacts", "details", "error"),
    [
        ([ArtifactData("a", "t/t", b"1"), ArtifactData("a", "t/t", b"2")], None, ValueError),
        ([ArtifactData("", "t/t", b"1")], None, ValueError),
        ([ArtifactData("a", "t/t", b"1")], {"ratio": 0.5}, TypeError),
    ],
    ids=["duplicate-name", "empty-name", "float-details"],
)
def test_bad_evidence_input_is_refused_before_writing(
    closed_case: Path, artifacts: list[ArtifactData], details: Any, error: type[Exception]
) -> None:
    with Case.open(closed_case, PASSPHRASE) as case:
        before = _counts(closed_case)
        with pytest.raises(error):
            case.add_evidence("CN-9", b"{}", artifacts, details=details)
        assert _counts(closed_case) == before


# -- threads ----------------------------------------------------------------------------------


@pytest.fixture
def open_case(case_dir: Path) -> Iterator[Case]:
    with make_case(case_dir) as case:
        yield case


def test_worker_threads_share_one_case(open_case: Case) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait()
            for n in range(15):
                open_case.append_audit("test.tick", {"worker": worker, "n": n})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = open_case.audit_events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert sorted(
        (e.details["worker"], e.details["n"]) for e in events if e.action == "test.tick"
    ) == [(w, n) for w in range(4) for n in range(15)]
    assert open_case.verify_audit().ok
