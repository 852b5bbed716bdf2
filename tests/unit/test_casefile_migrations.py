"""Schema migrations, with injected migration lists."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.unit.test_casefile_case import (
    FAST_KDF,
    PASSPHRASE,
    make_case,
    raw_connection,
    snapshot,
)
from tests.unit.test_casefile_keyslot import v1_document
from workstation.casefile import ArtifactData, Case, audit, keyslot, store
from workstation.casefile import migrations as mig
from workstation.casefile.migrations import MIGRATIONS, V1_SQL, Migration
from workstation.errors import CaseError, SchemaTooNew

V1 = MIGRATIONS[0]
V2 = Migration(
    2,
    "add a note column and a persona table",
    """
    ALTER TABLE case_info ADD COLUMN note TEXT;
    CREATE TABLE persona (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    INSERT INTO persona (name) VALUES ('first; with a semicolon');
    """,
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "case.db"


@pytest.fixture
def conn(db_path: Path) -> Iterator[store.Connection]:
    with closing(store.connect(db_path, secrets.token_bytes(32), create=True)) as connection:
        yield connection


def _tables(conn: store.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(row[0]) for row in rows}


def _v1_by_hand(conn: store.Connection) -> None:
    """What a workstation of schema version 1 left behind, with some data."""
    for statement in mig.split_statements(V1_SQL):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO case_info (key, value) VALUES ('title', 'kept')")
    conn.execute(
        "INSERT INTO evidence_item (control_number, manifest, created_utc) VALUES (?, ?, ?)",
        ("CN-1", b"{}", "2024-01-01T00:00:00.000000Z"),
    )


def test_fresh_database_reaches_latest(conn: store.Connection, db_path: Path) -> None:
    assert mig.schema_version(conn) == 0
    assert mig.migrate(conn, db_path) == [m.version for m in MIGRATIONS]
    assert mig.schema_version(conn) == mig.latest_version() == MIGRATIONS[-1].version
    assert {"case_info", "evidence_item", "artifact", "audit_event"} <= _tables(conn)
    assert {"persona", "contact", "attachment", "signed_head", "search_text"} <= _tables(conn)
    assert {"evidence_timestamp", "timestamp_queue"} <= _tables(conn)
    assert {"saved_lookup", "lookup_exchange"} <= _tables(conn)
    triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    append_only = {
        "evidence_item", "artifact", "audit_event", "signing_key", "signed_head", "attachment",
        "contact", "contact_counterpart", "contact_attachment", "contact_evidence", "note",
        "evidence_timestamp", "saved_lookup", "lookup_exchange",
    }  # fmt: skip
    assert {str(t[0]) for t in triggers} == {
        f"{table}_no_{op}" for table in append_only for op in ("update", "delete")
    }
    assert mig.migrate(conn, db_path) == []  # nothing pending: a no-op


def test_v1_database_gets_v2_and_keeps_its_data(conn: store.Connection, db_path: Path) -> None:
    _v1_by_hand(conn)
    assert mig.migrate(conn, db_path, [V1, V2]) == [2]
    assert mig.schema_version(conn) == 2
    assert conn.execute("SELECT value, note FROM case_info").fetchall() == [("kept", None)]
    assert conn.execute("SELECT control_number FROM evidence_item").fetchall() == [("CN-1",)]
    assert conn.execute("SELECT name FROM persona").fetchall() == [("first; with a semicolon",)]


def test_callable_migration(conn: store.Connection, db_path: Path) -> None:
    def add_index(connection: store.Connection) -> None:
        connection.execute("CREATE INDEX evidence_by_time ON evidence_item (created_utc)")

    _v1_by_hand(conn)
    assert mig.migrate(conn, db_path, [V1, Migration(2, "index", add_index)]) == [2]
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    assert ("evidence_by_time",) in names


def test_failing_sql_migration_rolls_back(conn: store.Connection, db_path: Path) -> None:
    _v1_by_hand(conn)
    broken = Migration(
        2, "broken", "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
    )
    with pytest.raises(CaseError, match=r"format 2 .*failed, and the case was left as it was"):
        mig.migrate(conn, db_path, [V1, broken])
    assert mig.schema_version(conn) == 1
    assert "half_done" not in _tables(conn)
    assert not conn.in_transaction


def test_failing_callable_migration_rolls_back(conn: store.Connection, db_path: Path) -> None:
    def explode(connection: store.Connection) -> None:
        connection.execute("CREATE TABLE half_done (x)")
        raise ValueError("bug in migration")

    _v1_by_hand(conn)
    with pytest.raises(ValueError, match="bug in migration"):
        mig.migrate(conn, db_path, [V1, Migration(2, "explodes", explode)])
    assert mig.schema_version(conn) == 1
    assert "half_done" not in _tables(conn)


def test_only_failing_step_is_undone(conn: store.Connection, db_path: Path) -> None:
    # Each migration is its own transaction: 2 stays applied when 3 fails.
    _v1_by_hand(conn)
    broken = Migration(3, "broken", "INSERT INTO no_such_table VALUES (1);")
    with pytest.raises(CaseError):
        mig.migrate(conn, db_path, [V1, V2, broken])
    assert mig.schema_version(conn) == 2


def test_database_newer_than_code(conn: store.Connection, db_path: Path) -> None:
    _v1_by_hand(conn)
    conn.execute("PRAGMA user_version = 3")
    with pytest.raises(SchemaTooNew, match="format 3; this version understands up to 2"):
        mig.migrate(conn, db_path, [V1, V2])
    assert mig.schema_version(conn) == 3
    assert "persona" not in _tables(conn)


@pytest.mark.parametrize("versions", [[2], [1, 3], [2, 1], [1, 1]])
def test_migration_list_must_be_1_to_n(
    conn: store.Connection, db_path: Path, versions: list[int]
) -> None:
    steps = [Migration(v, "x", "SELECT 1;") for v in versions]
    with pytest.raises(ValueError, match="in order"):
        mig.migrate(conn, db_path, steps)


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    statements = mig.split_statements(V1_SQL)
    triggers = [s for s in statements if s.startswith("CREATE TRIGGER")]
    assert len(triggers) == 6
    assert all(s.endswith("END;") for s in triggers)
    with pytest.raises(ValueError, match="incomplete"):
        mig.split_statements("CREATE TABLE t (x); CREATE TRIGGER x BEFORE DELETE ON t BEGIN")


# A later schema step, to test what opening a case does when the code is newer or older.
NEXT = Migration(
    len(MIGRATIONS) + 1,
    "a table for lookup results",
    "CREATE TABLE lookup_result (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
)


def test_opening_an_older_case_migrates_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "case"
    make_case(path, title="old").close()
    monkeypatch.setattr(mig, "MIGRATIONS", (*MIGRATIONS, NEXT))
    with Case.open(path, PASSPHRASE) as case:
        opened = case.audit_events()[-1]
        assert case.metadata().reference == "old"
        assert case.verify_audit().ok
    assert opened.details["migrations_applied"] == [NEXT.version]
    assert opened.details["schema_version"] == NEXT.version
    with closing(raw_connection(path)) as conn:
        assert mig.schema_version(conn) == NEXT.version


def test_opening_a_case_from_newer_code_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "case"
    monkeypatch.setattr(mig, "MIGRATIONS", (*MIGRATIONS, NEXT))
    make_case(path).close()
    monkeypatch.setattr(mig, "MIGRATIONS", MIGRATIONS)
    before = snapshot(path)
    with pytest.raises(SchemaTooNew):
        Case.open(path, PASSPHRASE)
    assert snapshot(path) == before


# -- a real version-1 case, as the first release wrote it, opened by this code ---------------


def _build_v1_case(path: Path) -> str:
    """A case exactly as schema version 1 left it: v1 key slot, v1 tables, one exhibit."""
    path.mkdir(mode=0o700)
    slot, key = keyslot.new_keyslot(PASSPHRASE, FAST_KDF)
    with closing(store.connect(path / store.DB_NAME, key, create=True)) as conn:
        mig.migrate(conn, path / store.DB_NAME, [V1])
        with store.transaction(conn):
            info = {
                "case_id": slot.case_id,
                "title": "OP-OLD-1",
                "officer": "PC 1",
                "created_utc": "2024-01-02T03:04:05.000006Z",
                "created_by": "Investigator Workstation 0.1.0",
                "clock_source": "system clock (UTC)",
            }
            for name, value in info.items():
                conn.execute("INSERT INTO case_info (key, value) VALUES (?, ?)", (name, value))
            audit.append(
                conn, "case.created", "PC 1", {"case_id": slot.case_id, "title": "OP-OLD-1"}
            )
            conn.execute(
                "INSERT INTO evidence_item (control_number, manifest, created_utc) "
                "VALUES (?, ?, ?)",
                ("CN-OLD", b'{"title":"old listing"}', "2024-01-02T03:05:00.000000Z"),
            )
            conn.execute(
                "INSERT INTO artifact (item_id, name, media_type, sha256, data) "
                "VALUES (1, 'page.txt', 'text/plain', ?, ?)",
                (hashlib.sha256(b"pangolin scales").hexdigest(), b"pangolin scales"),
            )
            audit.append(conn, "evidence.sealed", "PC 1", {"control_number": "CN-OLD"})
    (path / "keyslot.json").write_bytes(v1_document(slot))
    return slot.case_id


def test_a_version_1_case_opens_migrated_with_its_data_and_a_key_pair(tmp_path: Path) -> None:
    path = tmp_path / "old.case"
    case_id = _build_v1_case(path)
    with Case.open(path, PASSPHRASE, officer="PC 2") as case:
        assert case.case_id == case_id
        meta = case.metadata()
        assert (meta.reference, meta.officer, meta.opened_utc) == (
            "OP-OLD-1",
            "PC 1",
            "2024-01-02T03:04:05.000006Z",
        )
        assert meta.commodity == "other" and meta.status == "open"
        (item,) = case.evidence_items()
        assert item.control_number == "CN-OLD"
        assert case.artifacts(item.id)[0].data == b"pangolin scales"
        assert {(h.kind, h.ref_id) for h in case.search("pangolin")} == {("evidence", item.id)}
        actions = [e.action for e in case.audit_events()]
        assert actions == ["case.created", "evidence.sealed", "audit.key_created", "case.opened"]
        assert case.audit_events()[-1].details["migrations_applied"] == [2, 3, 4]
        assert len(case.public_key_hex()) == 64
        case.add_persona("New Persona")  # the new tables work
        report = case.verify_audit()
        assert report.ok and not report.tail_anchored  # no head signed yet
    assert keyslot.read(path / "keyslot.json").head is not None  # signed when closed
    with Case.open(path, PASSPHRASE) as case:
        report = case.verify_audit()
        assert report.ok and report.tail_anchored


def test_a_version_2_case_gains_the_timestamp_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases made before timestamps existed open, keep their exhibits and can be stamped."""
    path = tmp_path / "v2.case"
    monkeypatch.setattr(mig, "MIGRATIONS", MIGRATIONS[:2])
    with Case.create(path, PASSPHRASE, kdf=FAST_KDF, allow_weak_kdf=True) as old:
        item = old.add_evidence("CN-V2", b"{}", [ArtifactData("a.txt", "text/plain", b"a")])
    monkeypatch.setattr(mig, "MIGRATIONS", MIGRATIONS)
    with Case.open(path, PASSPHRASE) as case:
        assert case.pending_timestamps() == []
        case.queue_timestamp(item, "http://tsa.test/", "unreachable")
        case.queue_timestamp(item, "http://tsa.test/", "still unreachable")
        (waiting,) = case.pending_timestamps()
        assert (waiting.control_number, waiting.attempts) == ("CN-V2", 2)
        stored = case.add_timestamp(item, "http://tsa.test/", b"reply", "2026-01-01T00:00:00Z")
        assert case.pending_timestamps() == []
        assert case.timestamps(item) == [stored]
        events = [e for e in case.audit_events() if e.action.startswith("evidence.timestamp")]
        assert [e.action for e in events] == ["evidence.timestamp_queued", "evidence.timestamped"]
        assert events[-1].details["reply_sha256"] == stored.reply_sha256
        assert case.verify_audit().ok
