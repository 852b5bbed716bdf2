"""Step 5a, the contents: every JSON member parsed into typed records.

Every other member (artifacts, timestamp replies, exchanges, attachments) must
belong to one of those records; verify.py then checks them against each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workstation.casefile import contacts
from workstation.casefile import transfer as fmt
from workstation.casefile.audit import AuditEvent
from workstation.casefile.contacts import AttachmentRef, ContactEntry, Counterpart
from workstation.casefile.evidence_store import StoredArtifact
from workstation.casefile.heads import SignedHead
from workstation.casefile.importing.bundle import SignedBundle
from workstation.casefile.importing.fields import (
    SHA256_HEX,
    Fields,
    as_text,
    is_count,
    load_json,
    rows_of,
)
from workstation.casefile.importing.limits import DEFAULT_LIMITS, Limits, TransferRejected
from workstation.casefile.lookups import SavedExchange, SavedLookup
from workstation.casefile.notes import Note


@dataclass(frozen=True)
class BundleTimestamp:
    tsa_url: str
    reply: bytes
    reply_sha256: str
    gen_time_utc: str
    received_utc: str


@dataclass(frozen=True)
class BundleItem:
    item_id: int
    control_number: str
    created_utc: str
    manifest: bytes
    artifacts: tuple[StoredArtifact, ...]
    timestamps: tuple[BundleTimestamp, ...]


@dataclass(frozen=True)
class BundlePersona:
    persona_id: int
    alias: str
    accounts: tuple[tuple[str, str], ...]
    email: str
    phone: str
    notes: str
    created_utc: str
    retired_utc: str | None


@dataclass(frozen=True)
class Contents:
    """Everything the bundle holds, typed; ids are the source case's."""

    case_id: str
    public_key: str
    info: dict[str, str]
    events: tuple[AuditEvent, ...]
    heads: tuple[SignedHead, ...]
    items: tuple[BundleItem, ...]
    lookups: tuple[SavedLookup, ...]
    personas: tuple[BundlePersona, ...]
    contacts: tuple[ContactEntry, ...]
    attachments: dict[str, bytes]
    notes: tuple[Note, ...]


def read_contents(bundle: SignedBundle, limits: Limits = DEFAULT_LIMITS) -> Contents:
    """Parse every JSON member into records, and account for every other member."""
    reader = _ContentReader(bundle, limits)
    contents = reader.read()
    unused = sorted(bundle.members.keys() - reader.used)
    if unused:
        raise TransferRejected(f"The transfer holds {unused[0]}, which belongs to no record.")
    return contents


class _ContentReader:
    def __init__(self, bundle: SignedBundle, limits: Limits) -> None:
        self.bundle = bundle
        self.limits = limits
        self.used: set[str] = set()

    def blob(self, name: str) -> bytes:
        view = self.bundle.members.get(name)
        if view is None:
            raise TransferRejected(f"The transfer lacks {name}.")
        self.used.add(name)
        return bytes(view)

    def json(self, name: str) -> Any:
        return load_json(self.blob(name), name, self.limits)

    def read(self) -> Contents:
        case = Fields(self.json(fmt.CASE_MEMBER), fmt.CASE_MEMBER)
        info = case.row("info")
        log_doc = Fields(self.json(fmt.AUDIT_MEMBER), fmt.AUDIT_MEMBER)
        contact_rows = rows_of(self.json(fmt.CONTACTS_MEMBER), fmt.CONTACTS_MEMBER)
        contact_list = tuple(_contact(row) for row in contact_rows)
        return Contents(
            case_id=case.text("case_id"),
            public_key=case.hex64("public_key"),
            info={key: info.text(key) for key in info.value},
            events=tuple(_event(row) for row in log_doc.rows("events")),
            heads=tuple(_head(row) for row in log_doc.rows("heads")),
            items=tuple(
                self._item(n, row)
                for n, row in enumerate(rows_of(self.json(fmt.EVIDENCE_MEMBER), "evidence.json"))
            ),
            lookups=tuple(
                self._lookup(n, row)
                for n, row in enumerate(rows_of(self.json(fmt.LOOKUPS_MEMBER), "lookups.json"))
            ),
            personas=tuple(
                _persona(row) for row in rows_of(self.json(fmt.PERSONAS_MEMBER), "personas.json")
            ),
            contacts=contact_list,
            attachments=self._attachments(contact_list),
            notes=tuple(_note(row) for row in rows_of(self.json(fmt.NOTES_MEMBER), "notes.json")),
        )

    def _item(self, position: int, row: Fields) -> BundleItem:
        artifacts = []
        for index, a in enumerate(row.rows("artifacts")):
            data = self.blob(fmt.artifact_member(position, index))
            if a.integer("size") != len(data):
                raise TransferRejected("An artifact in the transfer is not the size it says.")
            artifacts.append(
                StoredArtifact(a.text("name"), a.text("media_type"), a.sha256("sha256"), data)
            )
        stamps = tuple(
            BundleTimestamp(
                s.text("tsa_url"),
                self.blob(fmt.timestamp_member(position, index)),
                s.sha256("reply_sha256"),
                s.utc("gen_time_utc"),
                s.utc("received_utc"),
            )
            for index, s in enumerate(row.rows("timestamps"))
        )
        return BundleItem(
            row.integer("item_id"),
            row.sha256("control_number"),
            row.utc("created_utc"),
            self.blob(fmt.manifest_member(position)),
            tuple(artifacts),
            stamps,
        )

    def _lookup(self, position: int, row: Fields) -> SavedLookup:
        exchanges = []
        for index, e in enumerate(row.rows("exchanges")):
            if e.integer("position") != index:
                raise TransferRejected("A lookup's exchanges in the transfer are out of order.")
            exchanges.append(
                SavedExchange(
                    index,
                    e.text("server"),
                    e.text("protocol"),
                    e.text("utc"),
                    self.blob(fmt.exchange_member(position, index, "request")),
                    e.sha256("request_sha256"),
                    self.blob(fmt.exchange_member(position, index, "response")),
                    e.sha256("response_sha256"),
                )
            )
        return SavedLookup(
            id=row.integer("lookup_id"),
            kind=row.text("kind"),
            target=row.text("target"),
            route=row.text("route"),
            started_utc=row.text("started_utc"),
            finished_utc=row.text("finished_utc"),
            record_json=self.blob(fmt.record_member(position)),
            record_sha256=row.sha256("record_sha256"),
            saved_utc=row.utc("saved_utc"),
            officer=row.text("officer"),
            exchange_count=len(exchanges),
            exchanges=tuple(exchanges),
        )

    def _attachments(self, entries: Iterable[ContactEntry]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for entry in entries:
            for ref in entry.attachments:
                if ref.sha256 not in found:
                    data = self.blob(fmt.attachment_member(ref.sha256))
                    if hashlib.sha256(data).hexdigest() != ref.sha256:
                        raise TransferRejected(
                            f"Attachment {ref.sha256} in the transfer does not match its name."
                        )
                    found[ref.sha256] = data
                if len(found[ref.sha256]) != ref.size:
                    raise TransferRejected(
                        f"Attachment {ref.name} of contact entry {entry.id} is not the size "
                        "its entry says."
                    )
        return found


def _event(row: Fields) -> AuditEvent:
    return AuditEvent(
        row.integer("seq"),
        row.text("utc"),
        row.text("action"),
        row.text("actor"),
        row.text("details").encode("utf-8"),
        row.text("prev_hash"),
        row.text("hash"),
    )


def _head(row: Fields) -> SignedHead:
    return SignedHead(
        row.integer("seq"),
        row.sha256("hash"),
        row.text("utc"),
        row.text("reason"),
        row.text("signature"),
    )


def _persona(row: Fields) -> BundlePersona:
    accounts = []
    for pair in row.array("accounts"):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        ):
            raise TransferRejected("A persona's accounts in the transfer are malformed.")
        accounts.append((pair[0], pair[1]))
    return BundlePersona(
        row.integer("persona_id"),
        row.text("alias"),
        tuple(accounts),
        row.text("email"),
        row.text("phone"),
        row.text("notes"),
        row.utc("created_utc"),
        row.maybe_utc("retired_utc"),
    )


def _contact(row: Fields) -> ContactEntry:
    counterparts = []
    for pair in row.array("counterparts"):
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in contacts.KINDS):
            raise TransferRejected("A contact entry's counterparts in the transfer are malformed.")
        counterparts.append(Counterpart(pair[0], as_text(pair[1], "a counterpart")))
    attachments = []
    for ref in row.array("attachments"):
        if not (isinstance(ref, list) and len(ref) == 4):
            raise TransferRejected("A contact entry's attachments in the transfer are malformed.")
        name, media_type, digest, size = ref
        if not (isinstance(digest, str) and SHA256_HEX.match(digest)) or not is_count(size):
            raise TransferRejected("A contact entry's attachments in the transfer are malformed.")
        attachments.append(
            AttachmentRef(
                as_text(name, "an attachment"), as_text(media_type, "a media type"), digest, size
            )
        )
    direction = row.text("direction")
    if direction not in contacts.DIRECTIONS:
        raise TransferRejected("A contact entry's direction in the transfer is malformed.")
    evidence_ids = row.array("evidence_ids")
    if not all(is_count(value) for value in evidence_ids):
        raise TransferRejected("A contact entry's evidence links in the transfer are malformed.")
    return ContactEntry(
        id=row.integer("id"),
        occurred_utc=row.utc("occurred_utc"),
        recorded_utc=row.utc("recorded_utc"),
        persona=row.text("persona"),
        channel=row.text("channel"),
        counterparts=tuple(counterparts),
        direction=direction,
        content=row.text("content"),
        is_summary=row.flag("is_summary"),
        attachments=tuple(attachments),
        evidence_ids=tuple(evidence_ids),
        authorisation_ref=row.text("authorisation_ref"),
        officer=row.text("officer"),
        supersedes=row.maybe_int("supersedes"),
        superseded_by=None,
    )


def _note(row: Fields) -> Note:
    return Note(
        row.integer("note_id"),
        row.utc("created_utc"),
        row.text("officer"),
        row.text("subject"),
        row.text("text"),
    )
