"""Personas: round trips, unique aliases, updates, retirement, the browser-state vault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_casefile_case import PASSPHRASE, make_case
from workstation.casefile import Case, Persona, PersonaAccount
from workstation.casefile import personas as persona_module
from workstation.errors import InputError


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with make_case(tmp_path / "case") as opened:
        yield opened


def test_persona_round_trips_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        added = case.add_persona(
            "  Night Owl ",
            accounts=[PersonaAccount("telegram", "@owl"), ("wickr", "owl77")],
            email="owl@example.org",
            phone="+31 20 555 0100",
            notes="Poses as a reseller.\nSpeaks Dutch.",
        )
    assert added.alias == "Night Owl"
    assert added.accounts == (PersonaAccount("telegram", "@owl"), PersonaAccount("wickr", "owl77"))
    assert added.created_utc.endswith("Z") and not added.retired
    with Case.open(path, PASSPHRASE) as case:
        assert case.personas() == [added]
        assert case.persona("night owl") == added


def test_aliases_are_unique_whatever_their_case(case: Case) -> None:
    case.add_persona("Magpie")
    with pytest.raises(InputError, match="There is already a persona called 'MAGPIE'"):
        case.add_persona("MAGPIE")


def test_unknown_persona_is_an_input_error(case: Case) -> None:
    with pytest.raises(InputError, match=r"^No persona called 'Ghost' in this case\.$"):
        case.persona("Ghost")
    for call in (
        lambda: case.update_persona("Ghost", notes="x"),
        lambda: case.retire_persona("Ghost"),
        lambda: case.save_persona_state("Ghost", b"x"),
        lambda: case.load_persona_state("Ghost"),
    ):
        with pytest.raises(InputError, match="No persona called 'Ghost'"):
            call()


def test_update_is_audited_with_old_and_new_values(case: Case) -> None:
    case.add_persona("Magpie", email="old@example.org")
    updated = case.update_persona("Magpie", email="new@example.org", notes="now in Lyon")
    assert (updated.email, updated.notes) == ("new@example.org", "now in Lyon")
    event = case.audit_events()[-1]
    assert event.action == "persona.changed"
    assert event.details["changes"] == {
        "email": {"old": "old@example.org", "new": "new@example.org"},
        "notes": {"old": "", "new": "now in Lyon"},
    }
    count = len(case.audit_events())
    case.update_persona("Magpie", email="new@example.org")  # no change, no event
    assert len(case.audit_events()) == count


def test_alias_cannot_be_renamed(case: Case) -> None:
    case.add_persona("Magpie")
    with pytest.raises(InputError, match="alias cannot be changed"):
        case.update_persona("Magpie", alias="Crow")
    with pytest.raises(InputError, match="created_utc cannot be changed"):
        case.update_persona("Magpie", created_utc="2020-01-01T00:00:00Z")


def test_retired_personas_stay_in_the_record(case: Case) -> None:
    case.add_persona("Magpie")
    case.add_persona("Crow")
    retired = case.retire_persona("Crow")
    assert retired.retired
    assert [p.alias for p in case.personas()] == ["Magpie"]
    assert [p.alias for p in case.personas(include_retired=True)] == ["Crow", "Magpie"]
    assert case.audit_events()[-1].action == "persona.retired"


def test_state_vault_keeps_the_latest_and_audits_no_content(case: Case) -> None:
    case.add_persona("Magpie")
    assert case.load_persona_state("Magpie") is None
    case.save_persona_state("Magpie", b"cookies v1")
    case.save_persona_state("magpie", b"cookies v2 \x00\xff")
    assert case.load_persona_state("Magpie") == b"cookies v2 \x00\xff"
    event = case.audit_events()[-1]
    assert event.action == "persona.state_saved"
    assert b"cookies" not in event.details_json
    assert event.details["size"] == len(b"cookies v2 \x00\xff")
    with pytest.raises(TypeError):
        case.save_persona_state("Magpie", "text")  # type: ignore[arg-type]


BAD_PERSONAS: list[tuple[dict[str, Any], str]] = [
    ({"alias": ""}, "The persona's alias must not be empty."),
    ({"alias": "a\nb"}, "single line"),
    ({"alias": "x" * 81}, "longer than 80 characters"),
    ({"email": "owl at example"}, "does not look like name@domain.tld"),
    ({"phone": "ring ring"}, "is not a phone number"),
    ({"accounts": [("telegram", "")]}, "The handle on telegram must not be empty."),
    ({"accounts": [("", "@x")]}, "An account's platform must not be empty."),
    ({"accounts": [("t", "@x"), ("t", "@x")]}, "is listed twice"),
    ({"accounts": ["telegram:@x"]}, "needs a platform and a handle"),
    ({"accounts": "telegram:@x"}, "must be a list"),
    ({"notes": "\x00"}, "cannot be stored"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_PERSONAS)
def test_bad_personas_are_refused_clearly(case: Case, fields: dict[str, Any], message: str) -> None:
    extra = dict(fields)
    alias = extra.pop("alias", "Magpie")
    with pytest.raises(InputError) as caught:
        case.add_persona(alias, **extra)
    assert message in str(caught.value)
    assert case.personas(include_retired=True) == []


@pytest.fixture(scope="module")
def shared_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    with make_case(tmp_path_factory.mktemp("persona") / "case") as case:
        yield case


text = st.text(max_size=30)


@settings(max_examples=80, deadline=None)
@given(
    alias=text,
    accounts=st.lists(st.tuples(text, text), max_size=3),
    email=text,
    phone=text,
    notes=st.text(max_size=200),
)
def test_any_persona_input_is_stored_exactly_or_refused_with_input_error(
    shared_case: Case,
    alias: str,
    accounts: list[tuple[str, str]],
    email: str,
    phone: str,
    notes: str,
) -> None:
    try:
        added = shared_case.add_persona(
            alias, accounts=accounts, email=email, phone=phone, notes=notes
        )
    except InputError:
        return
    assert isinstance(added, Persona)
    assert shared_case.persona(alias) == added
    assert added.alias == alias.strip() and added.notes == notes
    assert persona_module.alias_key(added.alias) == persona_module.alias_key(alias.strip())
