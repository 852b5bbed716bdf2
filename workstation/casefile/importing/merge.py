"""Step 6, adding the records the target lacks (inside one transaction).

The records are added with their original times and officers, each with its
audit event, and an ``import.completed`` event records the provenance: source
case, its signed head, sender fingerprint, transfer SHA-256, and each exhibit
added. Exhibits are matched by control number, lookups by record hash,
timestamps by reply hash, contact entries and notes by their content, personas
by alias.
"""

from __future__ import annotations

import hashlib

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import audit, contacts, fts, personas
from workstation.casefile import lookups as saved_lookups
from workstation.casefile import notes as case_notes
from workstation.casefile.contacts import ContactEntry
from workstation.casefile.importing.bundle import SignedBundle
from workstation.casefile.importing.contents import BundleItem, BundleTimestamp, Contents
from workstation.casefile.importing.decrypt import Decrypted
from workstation.casefile.importing.inserts import (
    insert_contact,
    insert_item,
    insert_lookup,
    insert_persona,
)
from workstation.casefile.importing.sender import Sender
from workstation.casefile.store import Connection
from workstation.progress import Progress, checked

IMPORTED_ACTION = "import.completed"


class Merge:
    """Adds what the target lacks, with its audit events; counts what was already there."""

    def __init__(
        self,
        bundle: SignedBundle,
        contents: Contents,
        sender: Sender,
        decrypted: Decrypted,
        progress: Progress | None = None,
    ) -> None:
        self.bundle = bundle
        self.contents = contents
        self.sender = sender
        self.decrypted = decrypted
        self.progress = checked(progress)
        self.added: dict[str, int] = {}
        self.present: dict[str, int] = {}
        self.exhibit_log: list[dict[str, JsonValue]] = []
        self.warnings: list[str] = []
        self.item_ids: dict[int, int] = {}  # source item id -> target item id
        self.logged: dict[str, list[JsonValue]] = {}

    @property
    def provenance(self) -> dict[str, JsonValue]:
        return {
            "source_case_id": self.bundle.case_id,
            "sender_fingerprint": self.sender.fingerprint,
            "transfer_sha256": self.decrypted.sha256,
        }

    def count(self, kind: str, added: bool) -> None:
        bucket = self.added if added else self.present
        bucket[kind] = bucket.get(kind, 0) + 1

    def apply(self, conn: Connection, actor: str) -> None:
        for kind in ("exhibits", "timestamps", "lookups", "personas", "contacts", "notes"):
            self.added[kind] = 0
            self.present[kind] = 0
        persona_ids = self._personas(conn, actor)
        self._evidence(conn, actor)
        self._lookups(conn, actor)
        self._contacts(conn, actor, persona_ids)
        self._notes(conn, actor)
        audit.append(conn, IMPORTED_ACTION, actor, self._completed())
        # Inside the transaction: a cancel here still takes everything back.
        items = len(self.contents.items)
        self.progress.step("The transfer is imported", items, items)

    # personas --------------------------------------------------------------------------

    def _personas(self, conn: Connection, actor: str) -> dict[str, int]:
        """alias key -> target persona id, adding the personas the target lacks."""
        ids: dict[str, int] = {}
        for persona in self.contents.personas:
            key = personas.alias_key(persona.alias)
            existing = personas.find(conn, persona.alias)
            if existing is not None:
                ids[key] = existing.id
                self.count("personas", False)
                continue
            ids[key] = insert_persona(conn, persona)
            stored = personas.get(conn, persona.alias)
            fts.index(conn, fts.PERSONA, stored.id, personas.search_text(stored))
            audit.append(
                conn,
                "persona.added",
                actor,
                {
                    "persona_id": stored.id,
                    "alias": stored.alias,
                    "accounts": [[a, h] for a, h in persona.accounts],
                    "email": persona.email,
                    "phone": persona.phone,
                    "notes": persona.notes,
                    "retired_utc": persona.retired_utc,
                    "imported": self.provenance,
                },
            )
            self.count("personas", True)
        return ids

    # evidence and timestamps -----------------------------------------------------------

    def _evidence(self, conn: Connection, actor: str) -> None:
        items = self.contents.items
        for number, item in enumerate(items):
            self.progress.step(f"Adding exhibit {number + 1} of {len(items)}", number, len(items))
            row = conn.execute(
                "SELECT id FROM evidence_item WHERE control_number = ?", (item.control_number,)
            ).fetchone()
            added = row is None
            item_id = insert_item(conn, item) if row is None else int(row[0])
            self.item_ids[item.item_id] = item_id
            self.count("exhibits", added)
            if added:
                audit.append(conn, "evidence.sealed", actor, self._sealed_details(item, item_id))
                self.exhibit_log.append(
                    {
                        "control_number": item.control_number,
                        "item_id": item_id,
                        "source_item_id": item.item_id,
                        **self.provenance,
                    }
                )
            for stamp in item.timestamps:
                self._timestamp(conn, actor, item, item_id, stamp)

    def _sealed_details(self, item: BundleItem, item_id: int) -> dict[str, JsonValue]:
        return {
            "control_number": item.control_number,
            "item_id": item_id,
            "manifest_sha256": hashlib.sha256(item.manifest).hexdigest(),
            "artifacts": [
                {
                    "name": a.name,
                    "media_type": a.media_type,
                    "sha256": a.sha256,
                    "size": len(a.data),
                }
                for a in item.artifacts
            ],
            "context": {
                "imported": {
                    **self.provenance,
                    "source_item_id": item.item_id,
                    "source_created_utc": item.created_utc,
                }
            },
        }

    def _timestamp(
        self, conn: Connection, actor: str, item: BundleItem, item_id: int, stamp: BundleTimestamp
    ) -> None:
        known = conn.execute(
            "SELECT 1 FROM evidence_timestamp WHERE item_id = ? AND reply_sha256 = ?",
            (item_id, stamp.reply_sha256),
        ).fetchone()
        self.count("timestamps", known is None)
        if known is not None:
            return
        conn.execute(
            "INSERT INTO evidence_timestamp (item_id, tsa_url, reply, reply_sha256, gen_time_utc,"
            " received_utc) VALUES (?, ?, ?, ?, ?, ?)",
            (
                item_id,
                stamp.tsa_url,
                stamp.reply,
                stamp.reply_sha256,
                stamp.gen_time_utc,
                stamp.received_utc,
            ),
        )
        conn.execute("DELETE FROM timestamp_queue WHERE item_id = ?", (item_id,))
        audit.append(
            conn,
            "evidence.timestamped",
            actor,
            {
                "control_number": item.control_number,
                "tsa_url": stamp.tsa_url,
                "reply_sha256": stamp.reply_sha256,
                "gen_time_utc": stamp.gen_time_utc,
                "imported": self.provenance,
            },
        )

    # lookups ---------------------------------------------------------------------------

    def _lookups(self, conn: Connection, actor: str) -> None:
        for saved in self.contents.lookups:
            known = conn.execute(
                "SELECT 1 FROM saved_lookup WHERE record_sha256 = ?", (saved.record_sha256,)
            ).fetchone()
            self.count("lookups", known is None)
            if known is not None:
                continue
            lookup_id = insert_lookup(conn, saved)
            stored = saved_lookups.get(conn, lookup_id)
            details = saved_lookups.audit_details(stored)
            details["imported"] = {**self.provenance, "source_lookup_id": saved.id}
            audit.append(conn, saved_lookups.SAVED_ACTION, actor, details)

    # the contact log -------------------------------------------------------------------

    def _contacts(self, conn: Connection, actor: str, persona_ids: dict[str, int]) -> None:
        existing = {_portable_key(e): e.id for e in contacts.list_entries(conn)}
        contact_ids: dict[int, int] = {}  # source id -> target id
        new_ids: list[int] = []
        for entry in sorted(self.contents.contacts, key=lambda e: e.id):
            key = _portable_key(entry)
            if key in existing:
                contact_ids[entry.id] = existing[key]
                self.count("contacts", False)
                continue
            target_id = self._insert_contact(conn, entry, persona_ids, contact_ids)
            contact_ids[entry.id] = target_id
            existing[key] = target_id
            new_ids.append(target_id)
            self.count("contacts", True)
        if new_ids:
            self._log_contacts(conn, actor, new_ids, contact_ids)

    def _insert_contact(
        self,
        conn: Connection,
        entry: ContactEntry,
        persona_ids: dict[str, int],
        contact_ids: dict[int, int],
    ) -> int:
        links = []
        for source_id in entry.evidence_ids:
            if source_id in self.item_ids:
                links.append(self.item_ids[source_id])
            else:
                self.warnings.append(
                    f"Contact entry {entry.id}: its link to exhibit {source_id} was dropped "
                    "(that exhibit was not in the transfer)."
                )
        supersedes = contact_ids.get(entry.supersedes) if entry.supersedes else None
        if entry.supersedes and supersedes is None:
            self.warnings.append(
                f"Contact entry {entry.id} corrects entry {entry.supersedes}, which was not in "
                "the transfer; it was added as a standalone entry."
            )
        if supersedes is not None and _corrected_by(conn, supersedes) is not None:
            self.warnings.append(
                f"Contact entry {entry.id} corrects an entry this case already has a correction "
                "of; it was added as a standalone entry."
            )
            supersedes = None
        for ref in entry.attachments:
            conn.execute(
                "INSERT INTO attachment (sha256, size, data) VALUES (?, ?, ?)"
                " ON CONFLICT (sha256) DO NOTHING",
                (ref.sha256, ref.size, self.contents.attachments[ref.sha256]),
            )
        persona_id = persona_ids[personas.alias_key(entry.persona)]
        return insert_contact(conn, entry, persona_id, sorted(set(links)), supersedes)

    def _log_contacts(
        self, conn: Connection, actor: str, new_ids: list[int], contact_ids: dict[int, int]
    ) -> None:
        source_of = {target: source for source, target in contact_ids.items()}
        stored = contacts.list_entries(conn, contacts.Filters(ids=new_ids))
        aliases = personas.by_id(conn)
        persona_of = {alias: pid for pid, alias in aliases.items()}
        logged: list[JsonValue] = []
        for entry in sorted(stored, key=lambda e: e.id):
            fts.index(conn, fts.CONTACT, entry.id, contacts.search_text(entry), new=True)
            record: dict[str, JsonValue] = {
                "contact_id": entry.id,
                "persona_id": persona_of[entry.persona],
                "entry_sha256": contacts.entry_digest(entry),
                "source_contact_id": source_of[entry.id],
            }
            if entry.supersedes is not None:
                record["supersedes"] = entry.supersedes
            logged.append(record)
        audit.append(
            conn, contacts.LOGGED_ACTION, actor, {"entries": logged, "imported": self.provenance}
        )

    # notes -----------------------------------------------------------------------------

    def _notes(self, conn: Connection, actor: str) -> None:
        existing = {
            (n.created_utc, n.officer, n.subject, n.text) for n in case_notes.list_all(conn)
        }
        for note in self.contents.notes:
            key = (note.created_utc, note.officer, note.subject, note.text)
            self.count("notes", key not in existing)
            if key in existing:
                continue
            existing.add(key)
            cursor = conn.execute(
                "INSERT INTO note (created_utc, officer, subject, text) VALUES (?, ?, ?, ?)", key
            )
            note_id = int(cursor.lastrowid or 0)
            fts.index(conn, fts.NOTE, note_id, case_notes.search_text(note), new=True)
            audit.append(
                conn,
                "note.added",
                actor,
                {
                    "note_id": note_id,
                    "subject": note.subject,
                    "text_sha256": hashlib.sha256(note.text.encode("utf-8")).hexdigest(),
                    "imported": self.provenance,
                },
            )

    # provenance ------------------------------------------------------------------------

    def _completed(self) -> dict[str, JsonValue]:
        head = self.contents.heads[-1]
        added: dict[str, JsonValue] = {k: v for k, v in self.added.items()}
        present: dict[str, JsonValue] = {k: v for k, v in self.present.items()}
        warnings: list[JsonValue] = list(self.warnings)
        return {
            **self.provenance,
            "transfer_bytes": self.decrypted.size,
            "encryption": self.decrypted.header.kind,
            "manifest_sha256": self.bundle.manifest_sha256,
            "sender": {
                "fingerprint": self.sender.fingerprint,
                "ed25519_public_key": self.sender.signing_key.hex(),
                "name": self.sender.name,
                "unit": self.sender.unit,
                "known": self.sender.known,
                "signature": self.bundle.signature.hex(),
            },
            "source_case": {
                "case_id": self.bundle.case_id,
                "reference": self.contents.info.get("reference", ""),
                "public_key": self.contents.public_key,
                "head": {
                    "seq": head.seq,
                    "hash": head.hash,
                    "utc": head.utc,
                    "reason": head.reason,
                    "signature": head.signature_hex,
                },
            },
            "scope": dict(self.bundle.scope),
            "added": added,
            "already_present": present,
            "exhibits": list(self.exhibit_log),
            "warnings": warnings,
        }


def _portable_key(entry: ContactEntry) -> str:
    """An entry's identity across cases: everything but ids and links."""
    return canonjson.dumps(
        [
            entry.occurred_utc,
            entry.recorded_utc,
            personas.alias_key(entry.persona),
            entry.channel,
            [[c.kind, c.value] for c in entry.counterparts],
            entry.direction,
            entry.content,
            entry.is_summary,
            [[a.name, a.media_type, a.sha256] for a in entry.attachments],
            entry.authorisation_ref,
            entry.officer,
        ]
    ).decode("utf-8")


def _corrected_by(conn: Connection, contact_id: int) -> int | None:
    row = conn.execute("SELECT id FROM contact WHERE supersedes = ?", (contact_id,)).fetchone()
    return None if row is None else int(row[0])
