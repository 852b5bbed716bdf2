"""Case transfer to another workstation: one age-encrypted file holding a signed bundle.

The bundle is an uncompressed POSIX ustar archive written here byte for byte
(fixed owner, mode and time, regular files only), so the same case gives the
same members and ``tar -tvf`` can list a decrypted bundle. Members::

    case.json                       case id, case_info, the case's Ed25519 public key
    audit.json                      every audit event (details as stored) and signed head
    evidence.json                   per exhibit: item id, control number, sealing time,
                                    artifacts (name, media type, SHA-256, size), timestamps
    evidence/NNNNNN/manifest.json   the exact manifest bytes (their SHA-256 is the control number)
    evidence/NNNNNN/artifact-KKKK   each artifact's bytes, in the manifest's order
    evidence/NNNNNN/timestamp-KKKK.tsr   each RFC 3161 reply as received
    lookups.json                    per saved lookup: its columns and exchanges' metadata
    lookups/NNNNNN/record.json      the exact stored record bytes
    lookups/NNNNNN/exchange-KKKK.request | .response   raw bytes as they travelled
    personas.json                   alias, accounts, e-mail, phone, notes, created, retired
    contacts.json                   each entry in the form its audit event hashed
    attachments/<sha256>            the contact log's attachments, content-addressed
    notes.json                      the notes
    transfer.json                   the signed manifest: sender, recipients, case and
                                    head, scope, and every other member's name, size, SHA-256
    transfer.sig                    Ed25519 signature (hex) by the exporting workstation over
                                    SIGNATURE_CONTEXT + transfer.json

NNNNNN is the position in evidence.json / lookups.json, so no name ever comes
from case data. transfer.json and transfer.sig come last because the bundle is
streamed: members are hashed as they are written, one exhibit in memory at a
time, straight into age (pyrage) and onto disk as ciphertext only. A passphrase
transfer is the exception: pyrage's scrypt mode takes the whole plaintext, so that
bundle is built in memory (never on disk).

Before reading, the case signs its audit head (``transfer export``), and the
bundle's log ends exactly there; the importer requires that. Personas' browser
state (cookies of undercover accounts) never travels: it is a live credential,
not evidence. After the file is complete, a ``transfer.exported`` audit event
records its SHA-256, recipients and scope.

Progress: a step per member, counting the bundle's bytes against what the manifests
list. A cancel stops the stream; the partial file is removed, nothing is written at
``out`` and no ``transfer.exported`` is recorded (the head signed at the start stays:
bookkeeping, like any head).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage  # type: ignore[import-untyped]

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import contacts as contact_log
from workstation.casefile import lookups as saved_lookups
from workstation.casefile.audit import AuditEvent, utc_now
from workstation.casefile.case import Case
from workstation.casefile.contacts import ContactEntry
from workstation.casefile.heads import SignedHead
from workstation.errors import CaseError, InputError
from workstation.evidence.verify import lookups_in_audit, verify_item, verify_lookup
from workstation.keys.identity import UnlockedIdentity
from workstation.progress import Progress, checked
from workstation.version import tool_identity

log = logging.getLogger(__name__)

TRANSFER_FORMAT = "investigator-workstation-transfer"
VERSION = 1
SIGNATURE_CONTEXT = b"investigator-workstation-transfer-signature-v1\n"
MANIFEST_MEMBER = "transfer.json"
SIGNATURE_MEMBER = "transfer.sig"
CASE_MEMBER = "case.json"
AUDIT_MEMBER = "audit.json"
EVIDENCE_MEMBER = "evidence.json"
LOOKUPS_MEMBER = "lookups.json"
PERSONAS_MEMBER = "personas.json"
CONTACTS_MEMBER = "contacts.json"
NOTES_MEMBER = "notes.json"
EXPORT_REASON = "transfer export"
EXPORTED_ACTION = "transfer.exported"
BY_RECIPIENTS = "recipients"
BY_PASSPHRASE = "passphrase"  # noqa: S105 - an encryption kind, not a secret
PARTS = ("contacts", "personas", "notes")

BLOCK = 512
MAX_MEMBER_BYTES = 8**11 - 1  # the largest size an 11-digit octal ustar field holds
USTAR_MAGIC = b"ustar\x0000"


# -- member names (the importer derives the same ones) -----------------------------------


def manifest_member(position: int) -> str:
    return f"evidence/{position:06d}/manifest.json"


def artifact_member(position: int, index: int) -> str:
    return f"evidence/{position:06d}/artifact-{index:04d}"


def timestamp_member(position: int, index: int) -> str:
    return f"evidence/{position:06d}/timestamp-{index:04d}.tsr"


def record_member(position: int) -> str:
    return f"lookups/{position:06d}/record.json"


def exchange_member(position: int, index: int, part: str) -> str:
    return f"lookups/{position:06d}/exchange-{index:04d}.{part}"


def attachment_member(sha256: str) -> str:
    return f"attachments/{sha256}"


def signed_message(manifest: bytes) -> bytes:
    """What the sender's Ed25519 signature covers."""
    return SIGNATURE_CONTEXT + manifest


# -- ustar, written byte for byte --------------------------------------------------------


def tar_header(name: str, size: int) -> bytes:
    """A ustar header for a regular file: mode 0644, owner 0, time 0."""
    encoded = name.encode("ascii")
    if not encoded or len(encoded) > 100:
        raise ValueError(f"bundle member name {name!r} does not fit a ustar header")
    if not 0 <= size <= MAX_MEMBER_BYTES:
        raise CaseError(f"A part of the case ({name}) is too large for a transfer.")
    header = bytearray(BLOCK)
    header[0 : len(encoded)] = encoded
    header[100:108] = b"0000644\x00"
    header[108:116] = b"0000000\x00"
    header[116:124] = b"0000000\x00"
    header[124:136] = b"%011o\x00" % size
    header[136:148] = b"00000000000\x00"
    header[148:156] = b" " * 8
    header[156:157] = b"0"
    header[257:265] = USTAR_MAGIC
    header[148:156] = b"%06o\x00 " % sum(header)
    return bytes(header)


def tar_padding(size: int) -> bytes:
    return b"\x00" * (-size % BLOCK)


TAR_END = b"\x00" * (2 * BLOCK)


# -- what goes into a transfer -----------------------------------------------------------


@dataclass(frozen=True)
class TransferScope:
    """Which parts of the case travel. None means every exhibit (or lookup)."""

    exhibits: tuple[int, ...] | None = None
    lookups: tuple[int, ...] | None = None
    contacts: bool = True
    personas: bool = True
    notes: bool = True

    @property
    def whole_case(self) -> bool:
        return (
            self.exhibits is None
            and self.lookups is None
            and self.contacts
            and self.personas
            and self.notes
        )

    @classmethod
    def chosen(
        cls,
        exhibits: Sequence[int] = (),
        lookups: Sequence[int] = (),
        include: Sequence[str] = (),
    ) -> TransferScope:
        """The whole case when nothing is chosen; else only the named exhibits and lookups,
        plus the parts in ``include`` (contacts, personas, notes)."""
        unknown = sorted(set(include) - set(PARTS))
        if unknown:
            raise InputError(f"Unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}.")
        if not exhibits and not lookups:
            return cls() if not include else cls((), (), *(p in include for p in PARTS))
        return cls(
            tuple(sorted(set(exhibits))),
            tuple(sorted(set(lookups))),
            *(part in include for part in PARTS),
        )

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "whole_case": self.whole_case,
            "exhibits": None if self.exhibits is None else list(self.exhibits),
            "lookups": None if self.lookups is None else list(self.lookups),
            "contacts": self.contacts,
            "personas": self.personas,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class TransferRecipient:
    """A workstation a transfer is encrypted to."""

    name: str
    age_recipient: str
    fingerprint: str


@dataclass(frozen=True)
class Encryption:
    """To whom: one or more workstations, or (exclusively) a passphrase."""

    recipients: tuple[TransferRecipient, ...] = ()
    passphrase: str | None = None

    def check(self) -> None:
        if self.passphrase is not None and self.recipients:
            raise InputError(
                "A transfer is encrypted either to workstations or to a passphrase, not both."
            )
        if self.passphrase is None and not self.recipients:
            raise InputError("Name at least one recipient (--to NAME or --encrypt-to KEYFILE).")
        if self.passphrase is not None and not self.passphrase:
            raise InputError("The transfer passphrase must not be empty.")

    def addressed_to(self) -> dict[str, JsonValue]:
        if self.passphrase is not None:
            return {"kind": BY_PASSPHRASE}
        return {
            "kind": BY_RECIPIENTS,
            "recipients": [
                {"name": r.name, "age_recipient": r.age_recipient, "fingerprint": r.fingerprint}
                for r in self.recipients
            ],
        }


@dataclass
class ExportSummary:
    """What a transfer holds and where it went."""

    out: Path
    sha256: str
    size: int
    case_id: str
    head_seq: int
    members: int
    bundle_bytes: int
    counts: dict[str, int] = field(default_factory=dict)
    addressed_to: dict[str, JsonValue] = field(default_factory=dict)
    scope: dict[str, JsonValue] = field(default_factory=dict)
    sender_fingerprint: str = ""


def export_transfer(
    case: Case,
    out: Path,
    sender: UnlockedIdentity,
    encryption: Encryption,
    scope: TransferScope | None = None,
    *,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the case (or the chosen parts) as one encrypted, signed transfer file at ``out``.

    ``out`` must not exist yet; nothing is left behind when the export fails or the
    officer cancels (progress: a step per bundle member, in bytes; OperationCancelled).
    """
    scope = scope or TransferScope()
    encryption.check()
    check_out_path(out)
    _check_scope(case, scope)
    steps = checked(progress)
    steps.step("Signing the audit head", 0, 0)
    head = case.sign_head(EXPORT_REASON)
    events = case.audit_events()
    if events[-1].seq != head.seq:
        raise CaseError("The case changed while the transfer was being made; try again.")
    reader = _Reader(case, scope, events, case.signed_heads())
    writer = _BundleWriter(reader, sender, encryption, steps)
    sha256, size = _write_encrypted(out, writer, encryption)
    summary = ExportSummary(
        out=out,
        sha256=sha256,
        size=size,
        case_id=case.case_id,
        head_seq=head.seq,
        members=writer.member_count,
        bundle_bytes=writer.bundle_bytes,
        counts=dict(writer.reader.counts),
        addressed_to=encryption.addressed_to(),
        scope=scope.as_json(),
        sender_fingerprint=sender.public.fingerprint,
    )
    case.append_audit(EXPORTED_ACTION, _exported_details(summary))
    log.info("exported case %s as a transfer (%d bytes)", case.case_id, size)
    return summary


def _exported_details(summary: ExportSummary) -> dict[str, JsonValue]:
    counts: dict[str, JsonValue] = {k: v for k, v in summary.counts.items()}
    return {
        "file_name": summary.out.name,
        "sha256": summary.sha256,
        "size": summary.size,
        "head_seq": summary.head_seq,
        "sender_fingerprint": summary.sender_fingerprint,
        "addressed_to": summary.addressed_to,
        "scope": summary.scope,
        "counts": counts,
    }


def check_out_path(out: Path) -> None:
    """The transfer file must be new, in an existing folder."""
    if out.exists() or out.is_symlink():
        raise InputError(f"{out} already exists; choose a new file name for the transfer.")
    if not out.parent.is_dir():
        raise InputError(f"The folder {out.parent} does not exist.")


def _check_scope(case: Case, scope: TransferScope) -> None:
    if scope.exhibits is not None:
        known = {record.id for record in case.evidence_items()}
        for item_id in scope.exhibits:
            if item_id not in known:
                raise InputError(f"There is no exhibit {item_id} in this case.")
    if scope.lookups is not None:
        saved = {listed.id for listed in case.lookups()}
        for lookup_id in scope.lookups:
            if lookup_id not in saved:
                raise InputError(f"There is no saved lookup {lookup_id} in this case.")


# -- reading the case into members -------------------------------------------------------


Member = tuple[str, bytes]


class _Reader:
    """Yields the bundle's members from the case, one exhibit or lookup at a time."""

    def __init__(
        self,
        case: Case,
        scope: TransferScope,
        events: list[AuditEvent],
        heads: list[SignedHead],
    ) -> None:
        self.case = case
        self.scope = scope
        self.events = events
        self.heads = heads
        self.counts: dict[str, int] = {}

    def planned_bytes(self) -> int:
        """What the bundle will hold at least: the chosen exhibits' artifacts (as their
        manifests list them) with a tar header each."""
        chosen = None if self.scope.exhibits is None else set(self.scope.exhibits)
        total = 0
        for record in self.case.evidence_items():
            if chosen is not None and record.id not in chosen:
                continue
            try:
                listed = canonjson.loads(bytes(record.manifest)).get("artifacts")
            except (ValueError, UnicodeDecodeError, AttributeError):
                continue
            for entry in listed if isinstance(listed, list) else []:
                size = entry.get("size") if isinstance(entry, dict) else None
                total += BLOCK + size if isinstance(size, int) and size > 0 else 0
        return total

    def members(self) -> Iterator[Member]:
        yield CASE_MEMBER, self._case_json()
        yield (
            AUDIT_MEMBER,
            _json(
                {"events": [_event_json(e) for e in self.events], "heads": _heads_json(self.heads)}
            ),
        )
        yield from self._evidence()
        yield from self._lookups()
        entries = self._contacts()
        yield from self._attachments(entries)
        yield CONTACTS_MEMBER, _json([_contact_json(e) for e in entries])
        yield PERSONAS_MEMBER, _json(self._personas(entries))
        notes = self.case.notes() if self.scope.notes else []
        self.counts["notes"] = len(notes)
        yield (
            NOTES_MEMBER,
            _json(
                [
                    {
                        "note_id": n.id,
                        "created_utc": n.created_utc,
                        "officer": n.officer,
                        "subject": n.subject,
                        "text": n.text,
                    }
                    for n in notes
                ]
            ),
        )

    def _case_json(self) -> bytes:
        info: dict[str, JsonValue] = {k: v for k, v in self.case.info().items()}
        return _json(
            {"case_id": self.case.case_id, "public_key": self.case.public_key_hex(), "info": info}
        )

    def _evidence(self) -> Iterator[Member]:
        chosen = None if self.scope.exhibits is None else set(self.scope.exhibits)
        listed: list[JsonValue] = []
        records = [r for r in self.case.evidence_items() if chosen is None or r.id in chosen]
        for position, record in enumerate(records):
            stored = self.case.artifacts(record.id)
            report = verify_item(record.control_number, record.manifest, stored)
            if not report.ok:
                raise CaseError(
                    f"Exhibit {record.id} ({record.control_number}) does not verify, so it is "
                    f"not sent: {report.problems[0]}. Run `verify` on the case."
                )
            yield manifest_member(position), record.manifest
            for index, artifact in enumerate(stored):
                yield artifact_member(position, index), artifact.data
            stamps = self.case.timestamps(record.id)
            for index, stamp in enumerate(stamps):
                yield timestamp_member(position, index), stamp.reply
            listed.append(
                {
                    "item_id": record.id,
                    "control_number": record.control_number,
                    "created_utc": record.created_utc,
                    "artifacts": [
                        {
                            "name": a.name,
                            "media_type": a.media_type,
                            "sha256": a.sha256,
                            "size": len(a.data),
                        }
                        for a in stored
                    ],
                    "timestamps": [
                        {
                            "tsa_url": s.tsa_url,
                            "reply_sha256": s.reply_sha256,
                            "gen_time_utc": s.gen_time_utc,
                            "received_utc": s.received_utc,
                        }
                        for s in stamps
                    ],
                }
            )
        self.counts["exhibits"] = len(listed)
        yield EVIDENCE_MEMBER, _json(listed)

    def _lookups(self) -> Iterator[Member]:
        chosen = None if self.scope.lookups is None else set(self.scope.lookups)
        audited = lookups_in_audit(self.events)
        listed: list[JsonValue] = []
        summaries = [s for s in self.case.lookups() if chosen is None or s.id in chosen]
        for position, summary in enumerate(summaries):
            saved = self.case.lookup(summary.id)
            report = verify_lookup(saved, audited.get(saved.id))
            if not report.ok:
                raise CaseError(
                    f"Saved {report.label} does not verify, so it is not sent: "
                    f"{report.problems[0]}. Run `verify` on the case."
                )
            yield record_member(position), saved.record_json
            for exchange in saved.exchanges:
                yield exchange_member(position, exchange.position, "request"), exchange.request
                yield exchange_member(position, exchange.position, "response"), exchange.response
            listed.append(_lookup_json(saved))
        self.counts["lookups"] = len(listed)
        yield LOOKUPS_MEMBER, _json(listed)

    def _contacts(self) -> list[ContactEntry]:
        entries = self.case.contacts() if self.scope.contacts else []
        self.counts["contacts"] = len(entries)
        return entries

    def _attachments(self, entries: list[ContactEntry]) -> Iterator[Member]:
        digests = sorted({a.sha256 for e in entries for a in e.attachments})
        self.counts["attachments"] = len(digests)
        for digest in digests:
            yield attachment_member(digest), self.case.attachment(digest)

    def _personas(self, entries: list[ContactEntry]) -> list[JsonValue]:
        needed = {e.persona for e in entries}
        chosen = [
            p
            for p in self.case.personas(include_retired=True)
            if self.scope.personas or p.alias in needed
        ]
        retired = _retired_times(self.events)
        self.counts["personas"] = len(chosen)
        return [
            {
                "persona_id": p.id,
                "alias": p.alias,
                "accounts": [[a.platform, a.handle] for a in p.accounts],
                "email": p.email,
                "phone": p.phone,
                "notes": p.notes,
                "created_utc": p.created_utc,
                "retired_utc": retired.get(p.id, utc_now()) if p.retired else None,
            }
            for p in chosen
        ]


def _retired_times(events: Sequence[AuditEvent]) -> dict[int, str]:
    """persona id -> when it was retired, from the persona.retired events."""
    found: dict[int, str] = {}
    for event in events:
        if event.action == "persona.retired":
            persona_id = event.details.get("persona_id")
            if isinstance(persona_id, int):
                found[persona_id] = event.utc
    return found


def _json(value: Any) -> bytes:
    return canonjson.dumps(value)


def _event_json(event: AuditEvent) -> dict[str, JsonValue]:
    return {
        "seq": event.seq,
        "utc": event.utc,
        "action": event.action,
        "actor": event.actor,
        "details": event.details_json.decode("utf-8"),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _heads_json(heads: Sequence[SignedHead]) -> list[JsonValue]:
    return [
        {
            "seq": h.seq,
            "hash": h.hash,
            "utc": h.utc,
            "reason": h.reason,
            "signature": h.signature_hex,
        }
        for h in heads
    ]


def _lookup_json(saved: saved_lookups.SavedLookup) -> dict[str, JsonValue]:
    return {
        "lookup_id": saved.id,
        "kind": saved.kind,
        "target": saved.target,
        "route": saved.route,
        "started_utc": saved.started_utc,
        "finished_utc": saved.finished_utc,
        "record_sha256": saved.record_sha256,
        "saved_utc": saved.saved_utc,
        "officer": saved.officer,
        "exchanges": [
            {
                "position": e.position,
                "server": e.server,
                "protocol": e.protocol,
                "utc": e.utc,
                "request_sha256": e.request_sha256,
                "response_sha256": e.response_sha256,
            }
            for e in saved.exchanges
        ],
    }


def contact_record(entry: ContactEntry) -> dict[str, JsonValue]:
    """An entry in the form its audit event hashed (contacts.entry_digest)."""
    return contact_log.entry_record(entry)


def _contact_json(entry: ContactEntry) -> dict[str, JsonValue]:
    record = contact_record(entry)
    if hashlib.sha256(canonjson.dumps(record)).hexdigest() != contact_log.entry_digest(entry):
        raise AssertionError("the transfer's contact form differs from the audited one")
    return record


# -- the archive, signed and encrypted ---------------------------------------------------


class _BundleWriter:
    """Turns the members into ustar bytes, hashing each; transfer.json and its signature last."""

    def __init__(
        self,
        reader: _Reader,
        sender: UnlockedIdentity,
        encryption: Encryption,
        progress: Progress,
    ) -> None:
        self.reader = reader
        self.sender = sender
        self.encryption = encryption
        self.progress = progress
        self.listed: list[dict[str, JsonValue]] = []
        self.names: set[str] = set()
        self.member_count = 0
        self.bundle_bytes = 0
        self.planned = reader.planned_bytes()

    def step(self, text: str) -> None:
        """Report the bytes so far against the plan (raises OperationCancelled)."""
        self.planned = max(self.planned, self.bundle_bytes)
        self.progress.step(text, self.bundle_bytes, self.planned)

    def finished(self) -> None:
        """The file is complete and on disk, not yet in place: the last chance to cancel."""
        self.progress.step("The transfer is written", self.planned, self.planned)

    def chunks(self) -> Iterator[bytes]:
        for name, data in self.reader.members():
            self.step(f"Packing {name}")
            self.listed.append(
                {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
            yield from self._member(name, data)
        manifest = self._manifest()
        yield from self._member(MANIFEST_MEMBER, manifest)
        signature = self.sender.sign(signed_message(manifest)).hex().encode("ascii")
        yield from self._member(SIGNATURE_MEMBER, signature)
        self.bundle_bytes += len(TAR_END)
        yield TAR_END

    def _member(self, name: str, data: bytes) -> Iterator[bytes]:
        if name in self.names:
            raise AssertionError(f"bundle member {name} written twice")
        self.names.add(name)
        self.member_count += 1
        self.bundle_bytes += BLOCK + len(data) + len(tar_padding(len(data)))
        yield tar_header(name, len(data))
        yield data
        yield tar_padding(len(data))

    def _manifest(self) -> bytes:
        case = self.reader.case
        head = self.reader.heads[-1]
        public = self.sender.public
        return canonjson.dumps(
            {
                "format": TRANSFER_FORMAT,
                "version": VERSION,
                "created_utc": utc_now(),
                "tool": dict(tool_identity()),
                "sender": {
                    "ed25519_public_key": public.signing_public_key.hex(),
                    "age_recipient": public.age_recipient,
                    "fingerprint": public.fingerprint,
                },
                "addressed_to": self.encryption.addressed_to(),
                "case": {
                    "case_id": case.case_id,
                    "public_key": case.public_key_hex(),
                    "head": {"seq": head.seq, "hash": head.hash},
                },
                "scope": self.reader.scope.as_json(),
                "members": sorted(self.listed, key=lambda member: str(member["name"])),
            }
        )


class _ChunkReader(io.RawIOBase):
    """A readable stream over generated chunks, for pyrage.encrypt_io.

    An exception while making the chunks is kept and raised again after pyrage
    gives up, since pyrage reports it only as text.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
            except BaseException as exc:
                self.failure = exc
                raise
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


class _HashingWriter(io.RawIOBase):
    """Writes to a file and hashes what passes, so the file's SHA-256 costs no second read."""

    def __init__(self, target: io.BufferedWriter) -> None:
        super().__init__()
        self._target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._target.write(view)
        self.sha256.update(view)
        self.size += len(view)
        return len(view)


def _write_encrypted(out: Path, writer: _BundleWriter, encryption: Encryption) -> tuple[str, int]:
    """Encrypt the bundle into a temporary file beside ``out``, then link it into place."""
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".transfer-", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as raw:
            sink = _HashingWriter(raw)
            _encrypt(writer, encryption, sink)
            raw.flush()
            os.fsync(raw.fileno())
        writer.finished()
        try:
            os.link(temporary, out)
        except FileExistsError:
            raise InputError(f"{out} appeared meanwhile; nothing was written to it.") from None
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
    return sink.sha256.hexdigest(), sink.size


def _encrypt(writer: _BundleWriter, encryption: Encryption, sink: _HashingWriter) -> None:
    if encryption.passphrase is not None:
        sink.write(pyrage.passphrase.encrypt(b"".join(writer.chunks()), encryption.passphrase))
        return
    recipients = [pyrage.x25519.Recipient.from_str(r.age_recipient) for r in encryption.recipients]
    source = _ChunkReader(writer.chunks())
    try:
        pyrage.encrypt_io(source, sink, recipients)
    except Exception as exc:
        # A failure (or a cancel) while the members were made reaches pyrage as a read
        # error; raise it as it was.
        if source.failure is not None:
            raise source.failure from None
        if isinstance(exc, pyrage.EncryptError):
            raise CaseError(f"The transfer could not be encrypted: {exc}.") from exc
        raise
