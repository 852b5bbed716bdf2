"""The SQL that adds a transfer's records as they were: original times, officers, content."""

from __future__ import annotations

from workstation import canonjson
from workstation.casefile import fts, personas
from workstation.casefile.contacts import ContactEntry
from workstation.casefile.importing.contents import BundleItem, BundlePersona
from workstation.casefile.lookups import SavedLookup
from workstation.casefile.store import Connection


def insert_persona(conn: Connection, persona: BundlePersona) -> int:
    cursor = conn.execute(
        "INSERT INTO persona (alias, alias_key, accounts, email, phone, notes, created_utc,"
        " retired_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            persona.alias,
            personas.alias_key(persona.alias),
            canonjson.dumps([[a, h] for a, h in persona.accounts]),
            persona.email,
            persona.phone,
            persona.notes,
            persona.created_utc,
            persona.retired_utc,
        ),
    )
    return int(cursor.lastrowid or 0)


def insert_item(conn: Connection, item: BundleItem) -> int:
    cursor = conn.execute(
        "INSERT INTO evidence_item (control_number, manifest, created_utc) VALUES (?, ?, ?)",
        (item.control_number, item.manifest, item.created_utc),
    )
    item_id = int(cursor.lastrowid or 0)
    for artifact in item.artifacts:
        conn.execute(
            "INSERT INTO artifact (item_id, name, media_type, sha256, data) VALUES (?, ?, ?, ?, ?)",
            (item_id, artifact.name, artifact.media_type, artifact.sha256, artifact.data),
        )
    page = next((a.data for a in item.artifacts if a.name == fts.PAGE_TEXT_ARTIFACT), None)
    fts.index_evidence(conn, item_id, item.control_number, item.manifest, page)
    return item_id


def insert_lookup(conn: Connection, saved: SavedLookup) -> int:
    cursor = conn.execute(
        "INSERT INTO saved_lookup (kind, target, route, started_utc, finished_utc, record,"
        " record_sha256, saved_utc, officer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            saved.kind,
            saved.target,
            saved.route,
            saved.started_utc,
            saved.finished_utc,
            saved.record_json,
            saved.record_sha256,
            saved.saved_utc,
            saved.officer,
        ),
    )
    lookup_id = int(cursor.lastrowid or 0)
    for exchange in saved.exchanges:
        conn.execute(
            "INSERT INTO lookup_exchange (lookup_id, position, server, protocol, utc, request,"
            " request_sha256, response, response_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                lookup_id,
                exchange.position,
                exchange.server,
                exchange.protocol,
                exchange.utc,
                exchange.request,
                exchange.request_sha256,
                exchange.response,
                exchange.response_sha256,
            ),
        )
    return lookup_id


def insert_contact(
    conn: Connection,
    entry: ContactEntry,
    persona_id: int,
    evidence_ids: list[int],
    supersedes: int | None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO contact (occurred_utc, recorded_utc, persona_id, channel, direction,"
        " content, is_summary, authorisation_ref, officer, supersedes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.occurred_utc,
            entry.recorded_utc,
            persona_id,
            entry.channel,
            entry.direction,
            entry.content,
            int(entry.is_summary),
            entry.authorisation_ref,
            entry.officer,
            supersedes,
        ),
    )
    contact_id = int(cursor.lastrowid or 0)
    for position, counterpart in enumerate(entry.counterparts):
        conn.execute(
            "INSERT INTO contact_counterpart (contact_id, position, kind, value)"
            " VALUES (?, ?, ?, ?)",
            (contact_id, position, counterpart.kind, counterpart.value),
        )
    for position, ref in enumerate(entry.attachments):
        conn.execute(
            "INSERT INTO contact_attachment (contact_id, position, name, media_type, sha256)"
            " VALUES (?, ?, ?, ?, ?)",
            (contact_id, position, ref.name, ref.media_type, ref.sha256),
        )
    for evidence_id in evidence_ids:
        conn.execute(
            "INSERT INTO contact_evidence (contact_id, evidence_id) VALUES (?, ?)",
            (contact_id, evidence_id),
        )
    return contact_id
