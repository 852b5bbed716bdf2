"""Notes: free text the officer (or, later, a lookup) adds to the case; searchable.

Append-only like the contact log: a note is never changed or deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from workstation.casefile import audit, fts, validate
from workstation.casefile.store import Connection


@dataclass(frozen=True)
class Note:
    """A note; ``subject`` says what it is about (free text, may be empty)."""

    id: int
    created_utc: str
    officer: str
    subject: str
    text: str


def add(conn: Connection, actor: str, text: str, subject: str = "") -> Note:
    """Add a note. Caller holds a write transaction."""
    body = validate.text(text, "The note")
    about = validate.line(subject, "The note's subject", required=False)
    created = audit.utc_now()
    cursor = conn.execute(
        "INSERT INTO note (created_utc, officer, subject, text) VALUES (?, ?, ?, ?)",
        (created, actor, about, body),
    )
    note_id = int(cursor.lastrowid or 0)
    note = Note(note_id, created, actor, about, body)
    fts.index(conn, fts.NOTE, note_id, search_text(note), new=True)
    audit.append(
        conn,
        "note.added",
        actor,
        {
            "note_id": note_id,
            "subject": about,
            "text_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        },
    )
    return note


def list_all(conn: Connection) -> list[Note]:
    rows = conn.execute(
        "SELECT id, created_utc, officer, subject, text FROM note ORDER BY id"
    ).fetchall()
    return [Note(int(i), str(c), str(o), str(s), str(t)) for i, c, o, s, t in rows]


def search_text(note: Note) -> str:
    return f"{note.subject}\n{note.text}"
