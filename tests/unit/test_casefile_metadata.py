"""Case metadata: the fields, validation, audit of changes, closing and reopening."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.test_casefile_case import PASSPHRASE, make_case
from workstation.casefile import Case, CaseMetadata, CaseStatus, Commodity
from workstation.errors import InputError


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with make_case(tmp_path / "case", title="OP-0412", officer="PC 1234") as opened:
        yield opened


def test_a_new_case_has_its_reference_and_defaults(case: Case) -> None:
    meta = case.metadata()
    assert isinstance(meta, CaseMetadata)
    assert (meta.reference, meta.officer) == ("OP-0412", "PC 1234")
    assert (meta.requesting_unit, meta.legal_basis) == ("", "")
    assert (meta.commodity, meta.status) == (Commodity.OTHER, CaseStatus.OPEN)
    assert meta.opened_utc.endswith("Z") and meta.closed_utc is None


def test_update_round_trips_and_is_audited(tmp_path: Path, case: Case) -> None:
    updated = case.update_metadata(
        requesting_unit="Border Force, Dover",
        legal_basis="Warrant 2024/117",
        commodity="cites",
        reference="OP-0412-B",
    )
    assert updated.commodity is Commodity.CITES
    assert updated == case.metadata()
    event = case.audit_events()[-1]
    assert event.action == "case.metadata_changed"
    assert event.details["changes"]["reference"] == {"old": "OP-0412", "new": "OP-0412-B"}
    assert set(event.details["changes"]) == {
        "requesting_unit",
        "legal_basis",
        "commodity",
        "reference",
    }
    case.close()
    with Case.open(tmp_path / "case", PASSPHRASE) as reopened:
        assert reopened.metadata() == updated


def test_closing_stamps_the_time_and_signs_the_head(case: Case) -> None:
    closed = case.update_metadata(status=CaseStatus.CLOSED)
    assert closed.status is CaseStatus.CLOSED and closed.closed_utc is not None
    assert case.signed_heads()[-1].reason == "case status closed"
    assert case.signed_heads()[-1].seq == case.audit_events()[-1].seq
    reopened = case.update_metadata(status="open")
    assert reopened.closed_utc is None


def test_no_change_no_event(case: Case) -> None:
    count = len(case.audit_events())
    assert case.update_metadata(reference="OP-0412") == case.metadata()
    assert len(case.audit_events()) == count


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"commodity": "tobacco"}, "The commodity must be one of: drugs, cites, arms, excise"),
        ({"status": "archived"}, "The status must be one of: open, closed"),
        ({"reference": "two\nlines"}, "The case reference must be a single line"),
        ({"legal_basis": 7}, "The legal basis must be text."),
        ({"opened_utc": "2020-01-01"}, "opened_utc cannot be changed here"),
        ({"case_id": "x"}, "case_id cannot be changed here"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    case: Case, changes: dict[str, object], message: str
) -> None:
    before = (case.metadata(), len(case.audit_events()))
    with pytest.raises(InputError) as caught:
        case.update_metadata(**{"requesting_unit": "changed", **changes})
    assert message in str(caught.value)
    assert (case.metadata(), len(case.audit_events())) == before
