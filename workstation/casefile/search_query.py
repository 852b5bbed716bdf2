"""The officer's search syntax, turned into a safe FTS5 query.

Syntax: words (all must match), "quoted phrases", prefix* (a word or phrase
ending in *), -excluded (a word or phrase), and OR between two terms. Anything
else is literal text: every term reaches FTS5 as a double-quoted string, so
FTS5 operators typed by the officer (AND, NOT, NEAR, column:, ^, parentheses)
are just words and can never cause a syntax error.

A term without a letter or digit matches nothing in the index and is dropped.
A query with nothing left to look for raises InputError; nothing else raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.errors import InputError

OR = "OR"


@dataclass(frozen=True)
class Term:
    """A word or phrase; ``prefix`` matches any word starting with its last word."""

    text: str
    prefix: bool = False

    def to_fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + "*" if self.prefix else quoted


@dataclass(frozen=True)
class ParsedQuery:
    """All groups must match (each group: any of its terms); no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    def to_fts(self) -> str:
        required = " AND ".join(
            "(" + " OR ".join(term.to_fts() for term in group) + ")" for group in self.groups
        )
        if not self.excluded:
            return required
        return f"({required}) NOT (" + " OR ".join(t.to_fts() for t in self.excluded) + ")"


@dataclass(frozen=True)
class _Item:
    term: Term | None  # None: the OR operator
    negated: bool = False


def parse(query: str) -> ParsedQuery:
    """Parse the officer's query; InputError when nothing is left to look for."""
    items = [item for item in _scan(_clean(query)) if item.term is None or _searchable(item.term)]
    excluded = tuple(item.term for item in items if item.negated and item.term is not None)
    groups = _group(items)
    if not groups:
        raise InputError(
            "Type a word to search for (excluded -words alone find nothing)."
            if excluded
            else "Type a word to search for."
        )
    return ParsedQuery(groups, excluded)


def to_fts(query: str) -> str:
    """The FTS5 MATCH expression for the officer's query."""
    return parse(query).to_fts()


def _clean(query: str) -> str:
    if not isinstance(query, str):
        raise InputError("The search must be text.")
    # NUL and lone surrogates cannot be passed to SQLite; they separate words here.
    return "".join(
        " " if char == "\x00" or "\ud800" <= char <= "\udfff" else char for char in query
    )


def _searchable(term: Term) -> bool:
    return any(char.isalnum() for char in term.text)


def _scan(text: str) -> list[_Item]:
    items: list[_Item] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        negated = text[pos] == "-" and pos + 1 < len(text) and not text[pos + 1].isspace()
        start = pos + 1 if negated else pos
        item, pos = _read_term(text, start, negated)
        items.append(item)
    return items


def _read_term(text: str, pos: int, negated: bool) -> tuple[_Item, int]:
    if text[pos] == '"':
        end = text.find('"', pos + 1)
        if end == -1:  # an unclosed quote runs to the end
            return _Item(Term(text[pos + 1 :]), negated), len(text)
        prefix = end + 1 < len(text) and text[end + 1] == "*"
        return _Item(Term(text[pos + 1 : end], prefix), negated), end + (2 if prefix else 1)
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    word = text[pos:end]
    if word == OR and not negated:
        return _Item(None), end
    stripped = word.rstrip("*")
    return _Item(Term(stripped, prefix=stripped != word), negated), end


def _group(items: list[_Item]) -> tuple[tuple[Term, ...], ...]:
    """Join positive terms around OR into groups; the excluded terms are left out.

    OR is an operator only between two positive terms; anywhere else (first,
    last, doubled, next to an -excluded term) it is the word "OR".
    """
    groups: list[list[Term]] = []
    join_next = False
    for index, item in enumerate(items):
        if item.term is None:
            if _positive(items, index - 1) and _positive(items, index + 1) and not join_next:
                join_next = True
                continue
            item = _Item(Term(OR))  # noqa: PLW2901 - a stray OR is just the word
        if item.negated or item.term is None:
            continue
        if join_next:
            groups[-1].append(item.term)
            join_next = False
        else:
            groups.append([item.term])
    return tuple(tuple(group) for group in groups)


def _positive(items: list[_Item], index: int) -> bool:
    return 0 <= index < len(items) and items[index].term is not None and not items[index].negated
