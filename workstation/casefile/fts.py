"""Full-text search over the case (SQLite FTS5, inside the encrypted database).

One FTS5 table, ``search_text``, holds one document per searchable record:
the case's metadata, each contact entry (channel, counterparts, content), each
persona (alias, accounts, e-mail, phone, notes), each evidence item (title,
URLs, control number, note, and its ``page.txt`` artifact when it has one) and
each note. A document's rowid encodes what it is: ``ref_id * 8 + kind code``,
so a record's document is replaced by rowid without a mapping table.

The index is derived data: ``rebuild`` recreates it from the records, and a
migration that changes what is indexed calls it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from workstation import canonjson
from workstation.casefile import search_query
from workstation.casefile.store import Connection
from workstation.errors import InputError

log = logging.getLogger(__name__)

SearchKind = Literal["case", "contact", "persona", "evidence", "note", "lookup"]
CASE: SearchKind = "case"
CONTACT: SearchKind = "contact"
PERSONA: SearchKind = "persona"
EVIDENCE: SearchKind = "evidence"
NOTE: SearchKind = "note"
LOOKUP: SearchKind = "lookup"
_CODES: dict[SearchKind, int] = {
    CASE: 1,
    CONTACT: 2,
    PERSONA: 3,
    EVIDENCE: 4,
    NOTE: 5,
    LOOKUP: 6,
}
_KINDS: dict[int, SearchKind] = {code: kind for kind, code in _CODES.items()}

PAGE_TEXT_ARTIFACT = "page.txt"
PAGE_TEXT_MAX_BYTES = 4 * 1024 * 1024  # index the first 4 MiB of a page's text
HIGHLIGHT_START = "«"
HIGHLIGHT_END = "»"
ELLIPSIS = "…"
SNIPPET_TOKENS = 16
MAX_LIMIT = 1000

CREATE_SQL = (
    "CREATE VIRTUAL TABLE search_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')"
)


@dataclass(frozen=True)
class SearchHit:
    """One search result. ``rank`` is FTS5's bm25: smaller (more negative) is better."""

    kind: SearchKind
    ref_id: int
    snippet: str
    rank: float


def doc_id(kind: SearchKind, ref_id: int) -> int:
    """The rowid of a record's document."""
    return ref_id * 8 + _CODES[kind]


def index(conn: Connection, kind: SearchKind, ref_id: int, text: str, *, new: bool = False) -> None:
    """Index (or re-index) a record's text. ``new`` skips the delete for fresh records."""
    rowid = doc_id(kind, ref_id)
    if not new:
        conn.execute("DELETE FROM search_text WHERE rowid = ?", (rowid,))
    conn.execute("INSERT INTO search_text (rowid, text) VALUES (?, ?)", (rowid, text))


def search(conn: Connection, query: str, limit: int = 50) -> list[SearchHit]:
    """The best ``limit`` matches of the officer's query, best first."""
    if type(limit) is not int or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"The number of results must be from 1 to {MAX_LIMIT}.")
    expression = search_query.to_fts(query)
    rows = conn.execute(
        "SELECT rowid, snippet(search_text, 0, ?, ?, ?, ?), rank FROM search_text "
        "WHERE search_text MATCH ? ORDER BY rank LIMIT ?",
        (HIGHLIGHT_START, HIGHLIGHT_END, ELLIPSIS, SNIPPET_TOKENS, expression, limit),
    ).fetchall()
    hits = []
    for rowid, snippet, rank in rows:
        kind = _KINDS.get(int(rowid) % 8)
        if kind is not None:
            # One line: the fields of a document are separated by line breaks.
            preview = " ".join(str(snippet).split())
            hits.append(SearchHit(kind, int(rowid) // 8, preview, float(rank)))
    return hits


# -- what each record contributes ------------------------------------------------------


def evidence_text(control_number: str, manifest: bytes, page_text: bytes | None) -> str:
    """Title, URLs, note and control number from the manifest, plus the page's text."""
    parts = [control_number]
    try:
        doc: Any = canonjson.loads(manifest)
    except (ValueError, RecursionError):
        doc = None  # not a JSON manifest: only the control number is searchable
    if isinstance(doc, dict):
        for name in ("title", "requested_url", "final_url", "note"):
            value = doc.get(name)
            if isinstance(value, str):
                parts.append(value)
    if page_text:
        parts.append(page_text[:PAGE_TEXT_MAX_BYTES].decode("utf-8", errors="replace"))
    return "\n".join(parts)


def index_evidence(
    conn: Connection, item_id: int, control_number: str, manifest: bytes, page_text: bytes | None
) -> None:
    index(conn, EVIDENCE, item_id, evidence_text(control_number, manifest, page_text), new=True)


def _has_table(conn: Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def rebuild(conn: Connection) -> None:
    """Recreate every document from the records. Caller holds a write transaction."""
    # Imported here: these modules import fts themselves.
    from workstation.casefile import contacts, lookups, metadata, notes, personas  # noqa: PLC0415

    conn.execute("DELETE FROM search_text")
    index(conn, CASE, 0, metadata.search_text(metadata.load(conn)), new=True)
    for item_id, control_number, manifest in conn.execute(
        "SELECT id, control_number, manifest FROM evidence_item ORDER BY id"
    ).fetchall():
        page = conn.execute(
            "SELECT data FROM artifact WHERE item_id = ? AND name = ?",
            (item_id, PAGE_TEXT_ARTIFACT),
        ).fetchone()
        index_evidence(
            conn,
            int(item_id),
            str(control_number),
            bytes(manifest),
            bytes(page[0]) if page else None,
        )
    for persona in personas.list_all(conn, include_retired=True):
        index(conn, PERSONA, persona.id, personas.search_text(persona), new=True)
    for entry in contacts.list_entries(conn):
        index(conn, CONTACT, entry.id, contacts.search_text(entry), new=True)
    for note in notes.list_all(conn):
        index(conn, NOTE, note.id, notes.search_text(note), new=True)
    if _has_table(conn, "saved_lookup"):  # a rebuild during an older migration has none yet
        for saved in lookups.list_saved(conn):
            index(conn, LOOKUP, saved.id, lookups.search_text(saved), new=True)
    log.info("search index rebuilt")
