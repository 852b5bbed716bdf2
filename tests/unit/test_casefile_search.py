"""Full-text search: what is indexed, ranking, and a query parser that never breaks FTS5."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.unit.test_casefile_case import PERSONA, draft, make_case, populate
from workstation.casefile import ArtifactData, Case, Counterpart, search_query
from workstation.casefile.fts import CREATE_SQL, HIGHLIGHT_END, HIGHLIGHT_START
from workstation.casefile.search_query import ParsedQuery, Term
from workstation.errors import InputError


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    with make_case(tmp_path_factory.mktemp("search") / "case", title="Operation Heron") as opened:
        populate(opened, "kestrel")
        opened.add_contact(
            draft(
                counterparts=(Counterpart("url", "https://pills-shop.example/item/42"),),
                content="Ivory carvings, 3 pieces, shipping via Antwerp. Price 900 EUR.",
            )
        )
        opened.add_contact(draft(content="Tablets: 100 for 500 EUR. Café near the station."))
        yield opened


def kinds(case: Case, query: str) -> set[tuple[str, int]]:
    return {(hit.kind, hit.ref_id) for hit in case.search(query)}


def test_every_record_kind_is_found(case: Case) -> None:
    found = {hit.kind for hit in case.search("kestrel")}
    assert found == {"case", "persona", "contact", "evidence", "note"}


def test_contact_content_counterparts_and_channel_are_indexed(case: Case) -> None:
    ivory = case.contacts()[1]
    assert kinds(case, "ivory") == {("contact", ivory.id)}
    assert kinds(case, "pills-shop.example") == {("contact", ivory.id)}
    assert ("contact", ivory.id) in kinds(case, "telegram")


def test_evidence_title_url_and_page_text_are_indexed(case: Case) -> None:
    item = case.evidence_items()[0].id
    for query in ("shop", "page text", "shop.example/kestrel", "CN-kestrel"):
        assert ("evidence", item) in kinds(case, query), query


def test_case_metadata_and_persona_notes_are_indexed(case: Case) -> None:
    assert ("case", 0) in kinds(case, "REF kestrel")
    assert ("persona", case.persona(PERSONA).id) in kinds(case, '"notes kestrel"')


def test_syntax(case: Case) -> None:
    ivory, tablets = case.contacts()[1:3]
    assert kinds(case, "ivory antwerp") == {("contact", ivory.id)}
    assert kinds(case, "ivory tablets") == set()
    assert kinds(case, "ivory OR tablets") == {("contact", ivory.id), ("contact", tablets.id)}
    assert kinds(case, "EUR -ivory") == {("contact", tablets.id)}
    assert kinds(case, '"900 EUR"') == {("contact", ivory.id)}
    assert kinds(case, '"EUR 900"') == set()  # a phrase keeps its order
    assert kinds(case, "carv*") == {("contact", ivory.id)}
    assert kinds(case, "cafe") == {("contact", tablets.id)}  # diacritics folded
    assert kinds(case, "ivory AND NOT tablets") == set()  # AND and NOT are words


def test_snippets_mark_matches_and_ranks_order_hits(case: Case) -> None:
    hits = case.search("EUR")
    assert all(HIGHLIGHT_START + "EUR" + HIGHLIGHT_END in hit.snippet for hit in hits)
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)
    assert len(case.search("EUR", limit=1)) == 1


def test_bad_queries_and_limits(case: Case) -> None:
    for query in ("", "   ", "-ivory", '""', "*", "- -"):
        with pytest.raises(InputError, match="Type a word to search for"):
            case.search(query)
    for limit in (0, 1001, -1):
        with pytest.raises(InputError, match="number of results"):
            case.search("ivory", limit=limit)


def test_new_evidence_with_page_text_is_searchable(tmp_path: Path) -> None:
    with make_case(tmp_path / "case") as case:
        item = case.add_evidence(
            "CN-7",
            b'{"title":"Listing","requested_url":"http://a.example/"}',
            [ArtifactData("page.txt", "text/plain; charset=utf-8", b"rhino horn powder")],
        )
        assert kinds(case, "rhino") == {("evidence", item)}
        case.update_metadata(legal_basis="Customs warrant 55")
        assert kinds(case, "warrant") == {("case", 0)}


# -- the parser ----------------------------------------------------------------------------


def test_parser_builds_the_expected_expression() -> None:
    parsed = search_query.parse('ivory "next week"* OR rotterdam tab* -antwerp -"by sea"')
    assert parsed == ParsedQuery(
        groups=(
            (Term("ivory"),),
            (Term("next week", prefix=True), Term("rotterdam")),
            (Term("tab", prefix=True),),
        ),
        excluded=(Term("antwerp"), Term("by sea")),
    )
    assert search_query.to_fts("a OR b c") == '("a" OR "b") AND ("c")'
    assert search_query.to_fts("a OR b OR c") == '("a" OR "b" OR "c")'
    assert search_query.to_fts('say "hi"') == '("say") AND ("hi")'
    assert search_query.to_fts('x"y') == '("x""y")'
    assert search_query.to_fts("NEAR(a b) col:x ^start") == (
        '("NEAR(a") AND ("b)") AND ("col:x") AND ("^start")'
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("OR a", '("OR") AND ("a")'),
        ("a OR", '("a") AND ("OR")'),
        ("a OR OR b", '("a") AND ("OR") AND ("OR") AND ("b")'),
        ("-x OR y", '(("OR") AND ("y")) NOT ("x")'),
    ],
)
def test_an_or_without_a_term_on_each_side_is_a_word(query: str, expected: str) -> None:
    assert search_query.to_fts(query) == expected


QUERY_TEXT = st.text(
    alphabet=st.sampled_from(list("abc XY\"*-()^:+.,'\\OR\x00é\u0301\ud800日")) | st.characters(),
    max_size=40,
)


def _fts_table() -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(":memory:")
    conn.execute(CREATE_SQL)
    conn.execute("INSERT INTO search_text (text) VALUES ('abc xy or or and not near é 日本')")
    return conn


FTS = _fts_table()


@settings(max_examples=600, deadline=None)
@given(QUERY_TEXT)
@example("\x00")
@example('"unclosed')
@example("-")
@example("OR OR OR")
@example('"a"*"b"')
@example("\ud800abc")
def test_arbitrary_text_never_breaks_fts5(query: str) -> None:
    try:
        expression = search_query.to_fts(query)
    except InputError as exc:
        assert "Type a word" in str(exc)
        return
    FTS.execute("SELECT rowid FROM search_text WHERE search_text MATCH ?", (expression,)).fetchall()


@settings(max_examples=100, deadline=None)
@given(QUERY_TEXT)
def test_arbitrary_text_through_the_case_raises_only_input_error(case: Case, query: str) -> None:
    try:
        hits = case.search(query)
    except InputError:
        return
    assert all(hit.kind in {"case", "contact", "persona", "evidence", "note"} for hit in hits)


@given(st.lists(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1), min_size=1))
def test_plain_words_are_all_required(words: list[str]) -> None:
    parsed = search_query.parse(" ".join(w for w in words if w != "OR") or "x")
    assert all(len(group) == 1 for group in parsed.groups)


def test_stdlib_sqlite_agrees() -> None:
    # The same expressions work on plain SQLite's FTS5 (the benchmark's baseline).
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute(CREATE_SQL)
        conn.execute("INSERT INTO search_text (text) VALUES ('ivory antwerp')")
        rows = conn.execute(
            "SELECT rowid FROM search_text WHERE search_text MATCH ?",
            (search_query.to_fts('ivo* OR x -"by sea"'),),
        ).fetchall()
    assert rows == [(1,)]
