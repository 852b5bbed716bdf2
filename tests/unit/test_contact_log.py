"""The undercover contact log: round trips, corrections, filters, attachments, refusals."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from tests.unit.test_casefile_case import PASSPHRASE, PERSONA, draft, make_case, raw_connection
from workstation.casefile import ArtifactData, Case, ChainProblem, ContactDraft, Counterpart
from workstation.errors import CaseCorrupt, InputError


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with make_case(tmp_path / "case", officer="PC 7") as opened:
        opened.add_persona(PERSONA)
        yield opened


def test_entry_round_trips_with_every_field(case: Case) -> None:
    item = case.add_evidence("CN-1", b"{}", [ArtifactData("a.png", "image/png", b"png")])
    photo = b"\xff\xd8 jpeg bytes"
    entry = case.add_contact(
        draft(
            channel="Wickr",
            counterparts=(
                Counterpart("handle", "@seller_77"),
                Counterpart("email", "seller@shop.example"),
                Counterpart("phone", "+44 20 7946 0958"),
                Counterpart("url", "https://shop.example/item/5"),
            ),
            direction="out",
            content="  Exactly as typed,\n\twith spacing.  \n",
            is_summary=True,
            attachments=(("photo.jpg", "image/jpeg", photo),),
            evidence_ids=(item,),
            authorisation_ref="RIPA 2024/117",
            occurred_utc="2024-05-01T14:30:00+02:00",
        )
    )
    assert case.contacts() == [entry]
    assert entry.occurred_utc == "2024-05-01T12:30:00.000000Z"
    assert entry.recorded_utc.endswith("Z") and entry.recorded_utc > entry.occurred_utc
    assert entry.content == "  Exactly as typed,\n\twith spacing.  \n"  # verbatim
    assert (entry.persona, entry.officer, entry.direction, entry.is_summary) == (
        PERSONA,
        "PC 7",
        "out",
        True,
    )
    assert [c.kind for c in entry.counterparts] == ["handle", "email", "phone", "url"]
    (ref,) = entry.attachments
    assert (ref.name, ref.media_type, ref.size) == ("photo.jpg", "image/jpeg", len(photo))
    assert ref.sha256 == hashlib.sha256(photo).hexdigest()
    assert case.attachment(ref.sha256) == photo
    assert entry.evidence_ids == (item,)
    assert entry.authorisation_ref == "RIPA 2024/117"
    assert (entry.supersedes, entry.superseded_by) == (None, None)
    event = case.audit_events()[-1]
    assert event.action == "contact.logged"
    assert event.details["entries"][0]["contact_id"] == entry.id


def test_entries_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        case.add_persona(PERSONA)
        written = case.add_contact(draft())
    with Case.open(path, PASSPHRASE) as case:
        assert case.contacts() == [written]
        assert case.contact(written.id) == written


def test_a_correction_supersedes_and_both_stay(case: Case) -> None:
    first = case.add_contact(draft(content="100 tablets"))
    fixed = case.add_contact(draft(content="1000 tablets", supersedes=first.id))
    entries = case.contacts()
    assert [e.id for e in entries] == [first.id, fixed.id]
    assert entries[0].superseded_by == fixed.id and entries[0].content == "100 tablets"
    assert entries[1].supersedes == first.id
    assert case.contacts(include_superseded=False) == [entries[1]]
    with pytest.raises(InputError, match=f"already corrected by entry {fixed.id}"):
        case.add_contact(draft(supersedes=first.id))
    with pytest.raises(InputError, match="Entry 99 does not exist"):
        case.add_contact(draft(supersedes=99))


def test_filters(case: Case) -> None:
    case.add_persona("Magpie")
    early = case.add_contact(draft(occurred_utc="2024-05-01T09:00:00Z"))
    late = case.add_contact(
        draft(
            persona="magpie",  # aliases match whatever their case
            counterparts=(Counterpart("email", "Vendor@Shop.example"),),
            occurred_utc="2024-05-03T09:00:00Z",
        )
    )
    middle = case.add_contact(draft(occurred_utc="2024-05-02T23:59:59Z"))
    assert [e.id for e in case.contacts()] == [early.id, middle.id, late.id]  # by time
    assert [e.id for e in case.contacts(persona="Magpie")] == [late.id]
    assert [e.id for e in case.contacts(counterpart="vendor@shop")] == [late.id]
    assert [e.id for e in case.contacts(counterpart="SELLER_7")] == [early.id, middle.id]
    assert [e.id for e in case.contacts(since="2024-05-02")] == [middle.id, late.id]
    assert [e.id for e in case.contacts(until="2024-05-02")] == [early.id, middle.id]
    assert case.contacts(since="2024-05-01T09:00:01Z", until="2024-05-02T12:00:00Z") == []
    with pytest.raises(InputError, match="No persona called 'Nobody' in this case"):
        case.contacts(persona="Nobody")
    with pytest.raises(InputError, match="no time zone"):
        case.contacts(since="2024-05-01T09:00")


def test_attachments_are_stored_once_per_content(case: Case, tmp_path: Path) -> None:
    data = b"same bytes"
    a = case.add_contact(draft(attachments=(("a.bin", "application/octet-stream", data),)))
    b = case.add_contact(draft(attachments=(("b.bin", "application/octet-stream", data),)))
    assert a.attachments[0].sha256 == b.attachments[0].sha256
    with closing(raw_connection(tmp_path / "case")) as conn:
        assert conn.execute("SELECT count(*) FROM attachment").fetchone() == (1,)
    with pytest.raises(InputError, match="no attachment with SHA-256"):
        case.attachment("0" * 64)
    with pytest.raises(InputError, match="is not a SHA-256"):
        case.attachment("photo.jpg")


def test_batch_is_all_or_nothing(case: Case) -> None:
    good = [draft(content=f"message {n}") for n in range(5)]
    added = case.add_contacts(good)
    assert [e.content for e in added] == [f"message {n}" for n in range(5)]
    before = len(case.audit_events())
    bad = [draft(), draft(persona="Nobody"), draft()]
    with pytest.raises(InputError, match=r"Entry 2 of the batch: No persona called 'Nobody'"):
        case.add_contacts(bad)
    assert len(case.contacts()) == 5
    assert len(case.audit_events()) == before
    with pytest.raises(InputError, match="Entry 1 of the batch: The channel must not be empty"):
        case.add_contacts([draft(channel=" ")])


BAD_DRAFTS: list[tuple[dict[str, Any], str]] = [
    ({"persona": "Nobody"}, "No persona called 'Nobody' in this case."),
    ({"channel": ""}, "The channel must not be empty."),
    ({"channel": "Tele\ngram"}, "The channel must be a single line"),
    ({"content": "   "}, "The content must not be empty."),
    ({"content": "", "is_summary": True}, "The summary must not be empty."),
    ({"content": "nul \x00 inside"}, "cannot be stored"),
    ({"direction": "sideways"}, "The direction must be one of: in, out"),
    ({"counterparts": ()}, "Name at least one counterpart"),
    ({"counterparts": (Counterpart("email", "not-an-address"),)}, "does not look like"),
    ({"counterparts": (Counterpart("phone", "call me"),)}, "is not a phone number"),
    ({"counterparts": (Counterpart("url", "ftp://x.example"),)}, "is not an http:// or https://"),
    ({"counterparts": (Counterpart("handle", " "),)}, "The counterpart's handle must not be empty"),
    ({"counterparts": (Counterpart("fax", "123"),)}, "A counterpart's kind must be one of"),  # type: ignore[arg-type]
    (
        {"counterparts": (Counterpart("handle", "@a"), Counterpart("handle", "@a"))},
        "listed twice",
    ),
    ({"evidence_ids": (42,)}, "There is no evidence item 42 in this case."),
    ({"evidence_ids": (0,)}, "must be a positive whole number"),
    ({"occurred_utc": "yesterday"}, "is not a time like"),
    ({"occurred_utc": "2024-05-01T10:00:00"}, "has no time zone"),
    ({"occurred_utc": "2999-01-01T00:00:00Z"}, "is in the future"),
    ({"supersedes": -1}, "supersedes must be a positive whole number"),
    ({"attachments": (("x", "image/png", "not bytes"),)}, "must be given as bytes"),
    ({"attachments": (("x", "png", b"1"),)}, "is not like text/plain"),
    ({"attachments": (("", "image/png", b"1"),)}, "An attachment's name must not be empty"),
    ({"authorisation_ref": "a\rb"}, "single line"),
]


@pytest.mark.parametrize(("change", "message"), BAD_DRAFTS)
def test_bad_drafts_are_refused_with_a_clear_message(
    case: Case, change: dict[str, Any], message: str
) -> None:
    before = len(case.audit_events())
    with pytest.raises(InputError) as caught:
        case.add_contact(draft(**change))
    assert message in str(caught.value)
    assert case.contacts() == []
    assert len(case.audit_events()) == before


def test_not_a_draft_is_refused(case: Case) -> None:
    with pytest.raises(InputError, match="ContactDraft"):
        case.add_contact({"persona": PERSONA})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE contact SET content = 'forged'",
        "DELETE FROM contact",
        "UPDATE contact_counterpart SET value = 'x'",
        "DELETE FROM contact_counterpart",
        "UPDATE attachment SET data = x'00'",
        "DELETE FROM attachment",
        "DELETE FROM contact_attachment",
        "UPDATE note SET text = 'x'",
    ],
)
def test_the_log_is_append_only(tmp_path: Path, statement: str) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        case.add_persona(PERSONA)
        case.add_contact(draft(attachments=(("a", "text/plain", b"a"),)))
        case.add_note("a note")
    with (
        closing(raw_connection(path)) as conn,
        pytest.raises(sqlcipher3.IntegrityError, match="cannot be changed or deleted"),
    ):
        conn.execute(statement)


def test_entry_changed_behind_the_triggers_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        case.add_persona(PERSONA)
        entry = case.add_contact(draft(content="100 tablets"))
        logged_at = case.audit_events()[-1].seq
    with closing(raw_connection(path)) as conn:
        conn.execute("DROP TRIGGER contact_no_update")
        conn.execute("UPDATE contact SET content = '10 tablets' WHERE id = ?", (entry.id,))
    with Case.open(path, PASSPHRASE) as case:
        report = case.verify_audit()
    assert (report.ok, report.problem, report.first_bad_seq) == (
        False,
        ChainProblem.RECORD_MISMATCH,
        logged_at,
    )
    assert f"Contact entry {entry.id} differs" in report.message


def test_entry_deleted_behind_the_triggers_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        case.add_persona(PERSONA)
        entry = case.add_contact(draft())
    with closing(raw_connection(path)) as conn:
        for table in ("contact", "contact_counterpart"):
            conn.execute(f"DROP TRIGGER {table}_no_delete")
        conn.execute("DELETE FROM contact_counterpart")
        conn.execute("DELETE FROM contact")
    with Case.open(path, PASSPHRASE) as case:
        report = case.verify_audit()
    assert report.problem == ChainProblem.RECORD_MISMATCH
    assert f"Contact entry {entry.id}" in report.message and "deleted" in report.message


def test_altered_attachment_is_caught_on_read(tmp_path: Path) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        case.add_persona(PERSONA)
        sha = case.add_contact(draft(attachments=(("a", "text/plain", b"a"),))).attachments[0]
    with closing(raw_connection(path)) as conn:
        conn.execute("DROP TRIGGER attachment_no_update")
        conn.execute("UPDATE attachment SET data = x'00'")
    with Case.open(path, PASSPHRASE) as case, pytest.raises(CaseCorrupt, match="was altered"):
        case.attachment(sha.sha256)


def test_draft_defaults_match_the_documented_api() -> None:
    minimal = ContactDraft(PERSONA, "Signal", (Counterpart("phone", "+1 555 0100"),), "out", "hi")
    assert (minimal.is_summary, minimal.attachments, minimal.evidence_ids) == (False, (), ())
    assert (minimal.authorisation_ref, minimal.occurred_utc, minimal.supersedes) == ("", None, None)
