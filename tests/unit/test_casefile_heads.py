"""Signed heads and the audit chain under attack, in copies of a real case.

The attacker is an insider with the passphrase: a raw keyed connection drops
the triggers and edits, deletes, reorders, inserts or truncates audit events.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.unit.test_casefile_case import PASSPHRASE, make_case, raw_connection
from workstation.casefile import Case, ChainProblem, keyslot
from workstation.casefile.heads import SIGN_EVERY, SignedHead, signature_valid, signed_bytes
from workstation.casefile.store import Connection


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed case with 40 events of its own and signed heads at creation and close."""
    path = tmp_path_factory.mktemp("heads") / "case"
    with make_case(path) as case:
        for n in range(34):
            case.append_audit("test.step", {"n": n})
    return path


@pytest.fixture
def copy(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(pristine, target)
    return target


def tamper(path: Path, *statements: str) -> None:
    with closing(raw_connection(path)) as conn:
        for trigger in ("audit_event_no_update", "audit_event_no_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            conn.execute(statement)


def report_of(path: Path) -> tuple[bool, int | None, ChainProblem | None, str]:
    with Case.open(path, PASSPHRASE) as case:
        report = case.verify_audit()
    return report.ok, report.first_bad_seq, report.problem, report.message


def last_seq(path: Path) -> int:
    with closing(raw_connection(path)) as conn:
        return int(conn.execute("SELECT max(seq) FROM audit_event").fetchone()[0])  # type: ignore[index]


# -- signing -----------------------------------------------------------------------------


def test_heads_are_signed_at_creation_and_close_and_kept_outside(copy: Path) -> None:
    with Case.open(copy, PASSPHRASE) as case:
        heads = case.signed_heads()
        events = case.audit_events()
        public = bytes.fromhex(case.public_key_hex())
        report = case.verify_audit()
        outside = keyslot.read(copy / "keyslot.json").head
    assert [h.reason for h in heads] == ["case created", "case locked"]
    assert heads[-1].seq == len(events) - 1  # the last event is this session's case.opened
    for head in heads:
        assert signature_valid(public, case.case_id, head)
        assert events[head.seq - 1].action == "audit.head_signed"
    assert outside == heads[-1]
    assert report.ok and report.tail_anchored
    assert events[1].action == "audit.key_created"
    assert events[1].details["public_key"] == public.hex()


def test_a_head_is_signed_every_hundred_events(copy: Path) -> None:
    with Case.open(copy, PASSPHRASE) as case:
        start = case.signed_heads()[-1].seq
        for n in range(2 * SIGN_EVERY):
            case.append_audit("test.more", {"n": n})
        auto = [h for h in case.signed_heads() if h.reason == f"every {SIGN_EVERY} events"]
        assert [h.seq for h in auto] == [start + SIGN_EVERY, start + 2 * SIGN_EVERY]
        explicit = case.sign_head("before export")
        assert keyslot.read(copy / "keyslot.json").head == explicit
        assert case.verify_audit().tail_anchored


def test_a_signature_covers_case_seq_hash_time_and_reason() -> None:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    head = SignedHead(7, "a" * 64, "2024-05-01T12:00:00.000000Z", "why", "")
    signed = dataclasses.replace(
        head, signature_hex=private.sign(signed_bytes("c", 7, "a" * 64, head.utc, "why")).hex()
    )
    assert signature_valid(public, "c", signed)
    for change in ({"seq": 8}, {"hash": "b" * 64}, {"reason": "other"}, {"utc": "x"}):
        assert not signature_valid(public, "c", dataclasses.replace(signed, **change))
    assert not signature_valid(public, "other case", signed)
    assert not signature_valid(public, "c", dataclasses.replace(signed, signature_hex="zz"))


# -- tampering: every kind is detected, naming the first bad event ---------------------------


def test_edit(copy: Path) -> None:
    tamper(copy, "UPDATE audit_event SET actor = 'someone else' WHERE seq = 10")
    assert report_of(copy)[:3] == (False, 10, ChainProblem.HASH_MISMATCH)


def test_delete(copy: Path) -> None:
    tamper(copy, "DELETE FROM audit_event WHERE seq = 12")
    assert report_of(copy)[:3] == (False, 13, ChainProblem.SEQUENCE)


def test_reorder(copy: Path) -> None:
    tamper(
        copy,
        "UPDATE audit_event SET seq = 100000 WHERE seq = 15",
        "UPDATE audit_event SET seq = 15 WHERE seq = 16",
        "UPDATE audit_event SET seq = 16 WHERE seq = 100000",
    )
    ok, first_bad, problem, _ = report_of(copy)
    assert (ok, first_bad) == (False, 15)
    assert problem in {ChainProblem.BROKEN_LINK, ChainProblem.HASH_MISMATCH}


def test_insert(copy: Path) -> None:
    tamper(
        copy,
        "UPDATE audit_event SET seq = seq + 1000 WHERE seq > 20",
        "UPDATE audit_event SET seq = seq - 999 WHERE seq > 1000",
        "INSERT INTO audit_event SELECT 21, utc, action, actor, details, prev_hash, hash "
        "FROM audit_event WHERE seq = 20",
    )
    assert report_of(copy)[:3] == (False, 21, ChainProblem.BROKEN_LINK)


def test_truncate_the_middle(copy: Path) -> None:
    tamper(copy, "DELETE FROM audit_event WHERE seq BETWEEN 8 AND 19")
    assert report_of(copy)[:3] == (False, 20, ChainProblem.SEQUENCE)


def _cut_tail(path: Path, keep: int, *, heads_too: bool) -> None:
    statements = [f"DELETE FROM audit_event WHERE seq > {keep}"]
    if heads_too:
        statements = [
            "DROP TRIGGER signed_head_no_delete",
            f"DELETE FROM signed_head WHERE seq > {keep}",
            *statements,
        ]
    tamper(path, *statements)


@pytest.mark.parametrize("heads_too", [True, False], ids=["heads-deleted-too", "heads-left"])
def test_truncating_the_tail_is_caught_by_the_head_outside(copy: Path, heads_too: bool) -> None:
    keep = 30
    last = last_seq(copy)
    _cut_tail(copy, keep, heads_too=heads_too)
    ok, first_bad, problem, message = report_of(copy)
    # Opening appended case.opened as event keep + 1, a valid continuation of the chain:
    # only the signed heads (the one in keyslot.json at least) show that events were cut.
    assert (ok, problem, first_bad) == (False, ChainProblem.TRUNCATED, keep + 2)
    assert f"vouches for event {last}" in message


def test_truncating_and_refilling_the_tail_is_caught(copy: Path) -> None:
    last = last_seq(copy)
    _cut_tail(copy, 30, heads_too=True)
    with Case.open(copy, PASSPHRASE) as case:  # the insider writes new events in their place
        for n in range(last):
            case.append_audit("test.refill", {"n": n})
    ok, first_bad, problem, message = report_of(copy)
    assert (ok, problem, first_bad) == (False, ChainProblem.BAD_HEAD, last)
    assert f"Audit event {last} is not the event" in message


def test_truncating_the_tail_of_an_open_case_is_reported_as_truncation(copy: Path) -> None:
    with Case.open(copy, PASSPHRASE) as case:
        keep = case.signed_heads()[-1].seq - 3
        _cut_tail(copy, keep, heads_too=True)
        report = case.verify_audit()
    assert (report.ok, report.problem, report.first_bad_seq) == (
        False,
        ChainProblem.TRUNCATED,
        keep + 1,
    )
    assert "cut off the end" in report.message


def test_a_shortened_log_does_not_get_a_new_head_outside(copy: Path) -> None:
    before = keyslot.read(copy / "keyslot.json").head
    _cut_tail(copy, 30, heads_too=True)
    for _ in range(3):  # open and close: each close signs a head in the database
        Case.open(copy, PASSPHRASE).close()
    assert keyslot.read(copy / "keyslot.json").head == before  # the evidence is kept
    assert not report_of(copy)[0]


def _forge(path: Path, sign: Callable[[bytes], bytes], seq_of: Callable[[Path], int]) -> None:
    slot = keyslot.read(path / "keyslot.json")
    with closing(raw_connection(path)) as conn:
        seq = seq_of(path)
        row = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).fetchone()
        assert row is not None
        digest = str(row[0])
    utc = "2030-01-01T00:00:00.000000Z"
    signature = sign(signed_bytes(slot.case_id, seq, digest, utc, "forged")).hex()
    head = SignedHead(seq, digest, utc, "forged", signature)
    keyslot.write_atomic(path / "keyslot.json", dataclasses.replace(slot, head=head))


def test_a_head_forged_with_another_key_is_rejected(copy: Path) -> None:
    other = Ed25519PrivateKey.generate()
    forged_seq = last_seq(copy)
    _forge(copy, other.sign, last_seq)
    ok, first_bad, problem, message = report_of(copy)
    assert (ok, problem, first_bad) == (False, ChainProblem.BAD_HEAD, forged_seq)
    assert "forged or altered" in message


def test_a_forged_head_in_the_database_is_rejected(copy: Path) -> None:
    tamper(
        copy,
        "DROP TRIGGER signed_head_no_update",
        "UPDATE signed_head SET signature = replace(signature, substr(signature, 1, 2), 'ff')"
        " WHERE seq = 3",
    )
    assert report_of(copy)[:3] == (False, 3, ChainProblem.BAD_HEAD)


def test_a_replaced_signing_key_is_detected(copy: Path) -> None:
    new = Ed25519PrivateKey.generate()

    def swap(conn: Connection) -> None:
        conn.execute("DROP TRIGGER signing_key_no_update")
        conn.execute(
            "UPDATE signing_key SET public_key = ?, private_key = ?",
            (new.public_key().public_bytes_raw(), new.private_bytes_raw()),
        )

    with closing(raw_connection(copy)) as conn:
        swap(conn)
    ok, _, problem, message = report_of(copy)
    assert (ok, problem) == (False, ChainProblem.KEY_MISMATCH)
    assert "key was replaced" in message


def test_a_case_without_keyslot_head_still_verifies_its_database_heads(copy: Path) -> None:
    slot = keyslot.read(copy / "keyslot.json")
    keyslot.write_atomic(copy / "keyslot.json", dataclasses.replace(slot, head=None))
    with Case.open(copy, PASSPHRASE) as case:
        assert case.verify_audit().ok
    assert keyslot.read(copy / "keyslot.json").head is not None  # given back at close
