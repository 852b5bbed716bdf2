"""Lookup results kept as evidence: save, list, compare, append-only, verified, encrypted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from tests.support.cases import PASSPHRASE, fast_case
from tests.unit.test_casefile_case import raw_connection
from workstation import canonjson
from workstation.casefile import Case, audit
from workstation.casefile import migrations as mig
from workstation.errors import InputError
from workstation.evidence.verify import verify_case
from workstation.lookup.diff import Change
from workstation.lookup.result import Exchange, LookupResult, Pivot
from workstation.lookup.storage import Comparison, compare_with_previous, save_and_compare

CANARY = b"CANARY-lookup-7d31e0-registrant"


def result(
    target: str = "example.org", data: dict[str, Any] | None = None, answer: bytes = CANARY
) -> LookupResult:
    """A realistic WHOIS-like result with two exchanges, one of them binary."""
    return LookupResult(
        kind="whois",
        target=target,
        route="socks5://127.0.0.1:1080",
        started_utc="2024-05-01T10:00:00.000Z",
        finished_utc="2024-05-01T10:00:01.250Z",
        data=data if data is not None else {"registrar": "Example Registrar", "status": ["ok"]},
        exchanges=(
            Exchange(
                "whois.iana.org:43",
                "whois",
                b"org\r\n",
                b"refer: whois.pir.org\r\n",
                "2024-05-01T10:00:00.500Z",
            ),
            Exchange(
                "whois.pir.org:43",
                "whois",
                target.encode() + b"\r\n",
                answer + bytes(range(256)),
                "2024-05-01T10:00:01.250Z",
            ),
        ),
        pivots=(Pivot("dns", "ns1.example.org", "nameserver"),),
        warnings=("the registrar's server was not asked",),
        summary=("Registrar: Example Registrar",),
    )


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "case"


@pytest.fixture
def case(case_path: Path) -> Iterator[Case]:
    with fast_case(case_path) as opened:
        yield opened


def test_a_saved_lookup_keeps_record_and_raw_bytes(case: Case) -> None:
    original = result()
    saved = case.save_lookup(original)
    assert saved.record_sha256 == original.record_sha256()
    assert saved.record_json == canonjson.dumps(original.record())
    loaded = case.lookup(saved.id)
    assert [(e.request, e.response) for e in loaded.exchanges] == [
        (e.request, e.response) for e in original.exchanges
    ]
    assert (
        loaded.exchanges[1].response_sha256
        == hashlib.sha256(original.exchanges[1].response).hexdigest()
    )
    assert loaded.as_result() == original
    assert loaded.summary == ["Registrar: Example Registrar"]
    assert (loaded.kind, loaded.target, loaded.officer) == ("whois", "example.org", "test officer")


def test_saving_writes_an_audit_event_with_every_hash(case: Case) -> None:
    saved = case.save_lookup(result())
    event = case.audit_events()[-1]
    assert event.action == "lookup.saved"
    assert event.details["lookup_id"] == saved.id
    assert event.details["record_sha256"] == saved.record_sha256
    assert [e["response_sha256"] for e in event.details["exchanges"]] == [
        hashlib.sha256(e.response).hexdigest() for e in result().exchanges
    ]
    assert case.verify_audit().ok


def test_listing_filters_and_previous_run(case: Case) -> None:
    first = case.save_lookup(result())
    other = case.save_lookup(result(target="example.net"))
    second = case.save_lookup(result(data={"registrar": "Another Registrar"}))
    assert [s.id for s in case.lookups()] == [first.id, other.id, second.id]
    assert [s.id for s in case.lookups(target="example.org")] == [first.id, second.id]
    assert [s.id for s in case.lookups(kind="dns")] == []
    listed = case.lookups(kind="whois", target="example.net")
    assert [(s.id, s.exchange_count, s.exchanges) for s in listed] == [(other.id, 2, ())]
    previous = case.previous_lookup("whois", "example.org", second.id)
    assert previous is not None and previous.id == first.id
    latest = case.previous_lookup("whois", "example.org")
    assert latest is not None and latest.data == {"registrar": "Another Registrar"}
    assert case.previous_lookup("whois", "example.org", first.id) is None


def test_lookups_survive_closing_and_reopening(case_path: Path) -> None:
    with fast_case(case_path) as case:
        saved = case.save_lookup(result())
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.lookup(saved.id).as_result() == result()
        assert verify_case(case).ok


def test_an_unknown_lookup_id_is_an_input_error(case: Case) -> None:
    with pytest.raises(InputError, match="no saved lookup 99"):
        case.lookup(99)


def test_a_result_that_is_not_canonical_json_stores_nothing(case: Case) -> None:
    before = len(case.audit_events())
    with pytest.raises(InputError, match="cannot be saved as evidence"):
        case.save_lookup(result(data={"rtt": 0.25}))
    assert case.lookups() == []
    assert len(case.audit_events()) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE saved_lookup SET target = 'forged.example'",
        "DELETE FROM saved_lookup",
        "UPDATE lookup_exchange SET response = x'00'",
        "DELETE FROM lookup_exchange",
    ],
)
def test_saved_lookups_are_append_only(case_path: Path, statement: str) -> None:
    with fast_case(case_path) as case:
        case.save_lookup(result())
    with (
        closing(raw_connection(case_path)) as conn,
        pytest.raises(sqlcipher3.IntegrityError, match="cannot be changed or deleted"),
    ):
        conn.execute(statement)


def _tamper(case_path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    with closing(raw_connection(case_path)) as conn:
        for trigger in ("saved_lookup_no_update", "lookup_exchange_no_update"):
            conn.execute(f"DROP TRIGGER {trigger}")
        for sql, parameters in statements:
            conn.execute(sql, parameters)


def _problems(case_path: Path) -> list[str]:
    with Case.open(case_path, PASSPHRASE) as case:
        report = verify_case(case)
    assert not report.ok
    return report.problems()


def test_verify_catches_one_changed_byte_of_a_raw_answer(case_path: Path) -> None:
    with fast_case(case_path) as case:
        saved = case.save_lookup(result())
    with closing(raw_connection(case_path)) as conn:
        row = conn.execute("SELECT response FROM lookup_exchange WHERE position = 1").fetchone()
    assert row is not None
    changed = bytearray(row[0])
    changed[3] ^= 0x01
    edit = "UPDATE lookup_exchange SET response = ? WHERE position = 1"
    _tamper(case_path, (edit, (bytes(changed),)))
    problems = _problems(case_path)
    label = f"lookup {saved.id} (whois example.org)"
    assert any(
        p.startswith(label) and "exchange 2 (whois.pir.org:43): the response has SHA-256" in p
        for p in problems
    ), problems
    assert any("does not match the record's hash" in p for p in problems)


def test_verify_catches_a_rewritten_answer_with_its_hash(case_path: Path) -> None:
    # An attacker who also rewrites the stored hash is caught by the record and the audit log.
    with fast_case(case_path) as case:
        case.save_lookup(result())
    forged = b"no match for example.org"
    forge = "UPDATE lookup_exchange SET response = ?, response_sha256 = ? WHERE position = 1"
    _tamper(case_path, (forge, (forged, hashlib.sha256(forged).hexdigest())))
    problems = _problems(case_path)
    assert any("does not match the record's hash" in p for p in problems), problems
    assert any("differ from those the audit log recorded" in p for p in problems), problems


def test_verify_catches_a_changed_record(case_path: Path) -> None:
    with fast_case(case_path) as case:
        saved = case.save_lookup(result())
    record = canonjson.loads(saved.record_json)
    record["data"]["registrar"] = "Innocent Registrar"
    _tamper(case_path, ("UPDATE saved_lookup SET record = ?", (canonjson.dumps(record),)))
    problems = _problems(case_path)
    assert any(
        f"lookup {saved.id} (whois example.org): the record has SHA-256" in p for p in problems
    ), problems


def test_verify_catches_a_changed_record_with_its_hash(case_path: Path) -> None:
    with fast_case(case_path) as case:
        saved = case.save_lookup(result())
    record = canonjson.loads(saved.record_json)
    record["data"]["registrar"] = "Innocent Registrar"
    forged = canonjson.dumps(record)
    edit = "UPDATE saved_lookup SET record = ?, record_sha256 = ?"
    _tamper(case_path, (edit, (forged, hashlib.sha256(forged).hexdigest())))
    problems = _problems(case_path)
    assert any("differs from the one the audit log recorded" in p for p in problems), problems


def test_verify_catches_a_lookup_the_audit_log_never_saw(case_path: Path) -> None:
    with fast_case(case_path) as case:
        saved = case.save_lookup(result())
    smuggled = result(target="smuggled.example")
    record = canonjson.dumps(smuggled.record())
    with closing(raw_connection(case_path)) as conn:
        conn.execute(
            "INSERT INTO saved_lookup (kind, target, route, started_utc, finished_utc, record,"
            " record_sha256, saved_utc, officer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "whois",
                "smuggled.example",
                smuggled.route,
                smuggled.started_utc,
                smuggled.finished_utc,
                record,
                hashlib.sha256(record).hexdigest(),
                audit.utc_now(),
                "someone",
            ),
        )
    problems = _problems(case_path)
    unrecorded = "the audit log has no record of this lookup being saved"
    assert f"lookup {saved.id + 1} (whois smuggled.example): {unrecorded}" in problems
    assert any("lists 2 exchanges, the case holds 0" in p for p in problems)


def test_no_plaintext_of_a_saved_answer_on_disk(case_path: Path) -> None:
    with fast_case(case_path) as case:
        case.save_lookup(result())
        assert CANARY in case.lookup(1).exchanges[1].response
    for file in case_path.iterdir():
        assert CANARY not in file.read_bytes(), file.name
        assert b"Example Registrar" not in file.read_bytes(), file.name


def test_a_case_from_before_lookups_gains_the_tables(
    case_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mig, "MIGRATIONS", mig.MIGRATIONS[:3])
    fast_case(case_path).close()
    monkeypatch.undo()
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.audit_events()[-1].details["migrations_applied"] == [4]
        saved = case.save_lookup(result())
        assert case.lookup(saved.id).as_result() == result()
        assert verify_case(case).ok


def test_saving_again_shows_what_changed_since_the_last_run(case: Case) -> None:
    first = save_and_compare(case, result())
    assert first.comparison == Comparison(None, None, None)
    assert first.as_json()["changes"] is None
    second = save_and_compare(case, result(data={"registrar": "Another", "status": ["ok"]}))
    assert (second.lookup_id, second.comparison.previous_id) == (first.lookup_id + 1, 1)
    assert second.comparison.changes == [
        Change("changed", ("registrar",), "Example Registrar", "Another")
    ]
    elsewhere = save_and_compare(case, result(target="example.net"))
    assert elsewhere.comparison.changes is None  # another target is another lookup
    unchanged = compare_with_previous(case, result(data={"registrar": "Another", "status": ["ok"]}))
    assert (unchanged.previous_id, unchanged.changes) == (second.lookup_id, [])


def test_saved_lookups_are_found_by_the_case_search(case: Case) -> None:
    saved = case.save_lookup(result(target="shady-pharma.example"))
    hits = case.search("shady-pharma.example")
    assert [(hit.kind, hit.ref_id) for hit in hits] == [("lookup", saved.id)]
    assert [hit.kind for hit in case.search("whois.pir.org")] == ["lookup"]
    assert [hit.kind for hit in case.search('"Example Registrar"')] == ["lookup"]


def test_a_rebuilt_search_index_still_finds_saved_lookups(case: Case) -> None:
    from workstation.casefile import fts  # noqa: PLC0415

    saved = case.save_lookup(result(target="rebuilt.example"))
    with case._db() as conn, case._write():
        fts.rebuild(conn)
    assert [hit.ref_id for hit in case.search("rebuilt.example")] == [saved.id]
