"""Property tests of the contact-log validators: anything in, only InputError out."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.unit.test_casefile_case import PERSONA, make_case
from workstation.casefile import Case, ContactDraft, Counterpart, parse_counterpart
from workstation.casefile.contacts import KINDS, check_counterpart, check_draft
from workstation.errors import InputError

any_text = st.text(max_size=60)
kinds = st.sampled_from(KINDS)


@given(kinds, any_text)
def test_any_counterpart_is_accepted_or_refused_with_input_error(kind: str, value: str) -> None:
    try:
        checked = check_counterpart(Counterpart(kind, value))  # type: ignore[arg-type]
    except InputError as exc:
        assert str(exc).endswith(".")
        return
    assert checked.kind == kind
    assert checked.value == value.strip() and checked.value


@given(any_text)
def test_any_typed_counterpart_parses_or_raises_input_error(text: str) -> None:
    try:
        parsed = parse_counterpart(text)
    except InputError:
        return
    assert parsed.kind in KINDS
    assert check_counterpart(parsed) == parsed  # what parsing returns is valid


@given(st.emails())
def test_real_email_addresses_are_accepted(address: str) -> None:
    assert check_counterpart(Counterpart("email", address)).value == address
    assert parse_counterpart(address) == Counterpart("email", address)


@given(st.from_regex(r"\A\+?[1-9][0-9]{2,3}( [0-9]{2,4}){1,4}\Z"))
def test_phone_numbers_with_spaces_are_accepted(number: str) -> None:
    assert parse_counterpart(number) == Counterpart("phone", number)


@given(
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"\A[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}\Z"),
    st.from_regex(r"\A(/[A-Za-z0-9._~-]{0,10}){0,3}\Z"),
)
def test_http_urls_are_accepted(scheme: str, host: str, path: str) -> None:
    url = f"{scheme}://{host}{path}"
    assert parse_counterpart(url) == Counterpart("url", url)


@given(kinds, any_text)
def test_an_explicit_kind_prefix_wins(kind: str, value: str) -> None:
    try:
        expected = check_counterpart(Counterpart(kind, value))  # type: ignore[arg-type]
    except InputError:
        with pytest.raises(InputError):
            parse_counterpart(f"{kind}:{value}")
        return
    assert parse_counterpart(f"{kind}:{value}") == expected


def test_guessing() -> None:
    assert parse_counterpart("@seller_77") == Counterpart("handle", "@seller_77")
    assert parse_counterpart("seller77") == Counterpart("handle", "seller77")
    assert parse_counterpart("handle:+44 Shop") == Counterpart("handle", "+44 Shop")
    assert parse_counterpart("URL:https://x.example") == Counterpart("url", "https://x.example")
    with pytest.raises(InputError, match="not an http:// or https://"):
        parse_counterpart("url:x.example")


values: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=20), st.integers(-3, 3), st.none(), st.booleans(), st.binary(max_size=5)
)
counterparts = st.lists(st.builds(Counterpart, kinds, st.text(max_size=20)), max_size=3)
drafts = st.builds(
    ContactDraft,
    persona=st.sampled_from([PERSONA, "nobody", "", "NIGHT OWL"]),
    channel=st.text(max_size=15),
    counterparts=st.one_of(counterparts.map(tuple), values),
    direction=st.one_of(st.sampled_from(["in", "out"]), values),
    content=st.one_of(st.text(max_size=40), values),
    is_summary=st.one_of(st.booleans(), values),
    attachments=st.one_of(
        st.lists(
            st.tuples(
                st.text(max_size=8), st.sampled_from(["text/plain", "x"]), st.binary(max_size=8)
            ),
            max_size=2,
        ).map(tuple),
        values,
    ),
    evidence_ids=st.one_of(st.lists(st.integers(-1, 3), max_size=2).map(tuple), values),
    authorisation_ref=st.one_of(st.text(max_size=10), values),
    occurred_utc=st.one_of(
        st.none(),
        st.sampled_from(["2024-05-01T10:00:00Z", "2024-05-01", "2024-02-30T00:00:00Z"]),
        st.text(max_size=25),
    ),
    supersedes=st.one_of(st.none(), st.integers(-1, 5), values),
)


@given(drafts)
def test_check_draft_raises_only_input_error(candidate: ContactDraft) -> None:
    with contextlib.suppress(InputError):
        check_draft(candidate)


@pytest.fixture(scope="module")
def shared_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    with make_case(tmp_path_factory.mktemp("drafts") / "case") as case:
        case.add_persona(PERSONA)
        yield case


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts)
@example(ContactDraft(PERSONA, "Signal", (Counterpart("handle", " @x "),), "in", " hi "))
def test_any_draft_is_logged_exactly_or_refused(shared_case: Case, candidate: ContactDraft) -> None:
    before = len(shared_case.audit_events())
    try:
        entry = shared_case.add_contact(candidate)
    except InputError:
        assert len(shared_case.audit_events()) == before  # nothing was written
        return
    assert shared_case.contact(entry.id) == entry
    assert entry.content == candidate.content
    assert entry.counterparts == tuple(check_counterpart(c) for c in candidate.counterparts)
    assert shared_case.verify_audit().ok
