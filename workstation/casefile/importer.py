"""Importing a case transfer: decrypt, check everything, then add it to a new or existing case.

Order, and why: nothing is written until every check has passed.

1. The target: a new case's folder must be new or empty; an existing case's
   passphrase is checked against its key slot (no write).
2. age: the header says whether the file is for workstations (X25519) or a
   passphrase (scrypt, work factor bounded); the file's size bounds the
   plaintext (age cannot expand), and the file is hashed as it is decrypted.
3. The bundle (transfer.py describes it): a strict ustar reader (regular files
   only, safe names, no duplicates, sizes within limits and within the data),
   the signed manifest, every member's size and SHA-256.
4. The sender: the Ed25519 signature must verify under the key the manifest
   names, and that key must be this workstation's own or in the address book
   (unless the officer trusts an unknown sender, whose fingerprint is shown);
   the age layer must match whom the sender addressed.
5. The contents: the audit chain from the case's creation, its signed heads
   under the case's announced key, ending at the head the sender signed; every
   exhibit's control number, artifacts, sealing event and timestamps; every
   lookup's record and raw exchanges against its audit event; every contact
   entry, persona and note against the log.
6. Then, in ONE transaction (Case.run_import), the records the target lacks
   are added with their original times and officers, each with its audit event,
   and an ``import.completed`` event records the provenance: source case, its
   signed head, sender fingerprint, transfer SHA-256, and each exhibit added.
   Exhibits are matched by control number, lookups by record hash, timestamps by
   reply hash, contact entries and notes by their content, personas by alias.
   A new case is removed again if this step fails; an existing one rolls back.

Progress: steps while decrypting (bytes of the file), verifying and adding (exhibits).
A cancel is a failure like any other: before step 6 nothing was touched; during it the
transaction rolls back (a new case is removed; an existing one only shows, as after any
opening, that it was opened).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyrage  # type: ignore[import-untyped]
import sqlcipher3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from workstation import canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import audit, contacts, fts, heads, keyslot, layout, personas
from workstation.casefile import lookups as saved_lookups
from workstation.casefile import notes as case_notes
from workstation.casefile import transfer as fmt
from workstation.casefile.audit import AuditEvent
from workstation.casefile.case import Case
from workstation.casefile.contacts import AttachmentRef, ContactEntry, Counterpart
from workstation.casefile.evidence_store import StoredArtifact
from workstation.casefile.heads import SignedHead
from workstation.casefile.keyslot import KdfParams
from workstation.casefile.lookups import SavedExchange, SavedLookup
from workstation.casefile.notes import Note
from workstation.casefile.store import Connection
from workstation.errors import CaseError, CaseExists, WorkstationError
from workstation.evidence.timestamping import check_stored
from workstation.evidence.verify import (
    lookups_in_audit,
    stamped_in_audit,
    verify_item,
    verify_lookup,
)
from workstation.keys.addressbook import Partner
from workstation.keys.identity import (
    UnlockedIdentity,
    WorkstationIdentity,
    fingerprint,
    format_fingerprint,
)
from workstation.progress import Progress, checked

log = logging.getLogger(__name__)

IMPORTED_ACTION = "import.completed"
AGE_MAGIC = b"age-encryption.org/v1\n"
MAX_AGE_HEADER = 64 * 1024
MAX_PROBLEMS_SHOWN = 5
_REPORT_EVERY = 16 << 20  # decrypting: a progress step per 16 MiB read
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
_HEX128 = re.compile(r"\A[0-9a-f]{128}\Z")
_UTC = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z\Z")
# Every name the bundle format uses: lower-case ASCII segments, no dot segments.
_MEMBER_NAME = re.compile(
    r"\A[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*){0,2}\Z"
)
_TYPE_NAMES = {
    b"1": "a hard link",
    b"2": "a symbolic link",
    b"3": "a character device",
    b"4": "a block device",
    b"5": "a directory",
    b"6": "a FIFO",
    b"7": "a contiguous file",
    b"x": "a pax extended header",
    b"g": "a pax global header",
    b"L": "a GNU long name",
    b"K": "a GNU long link name",
}


class TransferRejected(WorkstationError):
    """The transfer was refused: damaged, altered, not for us, from an unknown sender..."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what an import will read; the plaintext is held in memory, never on disk."""

    max_file_bytes: int = 8 * 1024**3
    max_members: int = 1_000_000
    max_json_bytes: int = 512 * 1024**2
    max_scrypt_log_n: int = 22  # age's own tools stay at or below this (about a second)


# -- 2. the age layer --------------------------------------------------------------------


@dataclass(frozen=True)
class AgeHeader:
    """Whom an age file is for: ``recipients`` (X25519 stanzas) or ``passphrase`` (scrypt)."""

    kind: str
    stanzas: int
    other_types: tuple[str, ...] = ()


def read_age_header(prefix: bytes, limits: Limits = Limits()) -> AgeHeader:
    """Classify an age file from its first bytes; TransferRejected if it is no age file."""
    if not prefix.startswith(AGE_MAGIC):
        raise TransferRejected(
            "This file is not a case transfer: it is not an age-encrypted file "
            "(made with `transfer export`)."
        )
    end = prefix.find(b"\n--- ")
    if end < 0:
        raise TransferRejected("The transfer file is damaged or incomplete: its header is cut off.")
    types: list[str] = []
    log_n: int | None = None
    for line in prefix[len(AGE_MAGIC) : end].split(b"\n"):
        if line.startswith(b"-> "):
            words = line[3:].decode("ascii", errors="replace").split(" ")
            types.append(words[0])
            if words[0] == "scrypt":
                digits = words[2] if len(words) == 3 else ""
                log_n = int(digits) if digits.isascii() and digits.isdigit() else -1
    if types == ["scrypt"]:
        if log_n is None or not 1 <= log_n <= limits.max_scrypt_log_n:
            raise TransferRejected(
                "The transfer's passphrase protection asks for an unreasonable amount of work; "
                "it was not made by the workstation."
            )
        return AgeHeader(fmt.BY_PASSPHRASE, 1)
    others = tuple(sorted({t for t in types if t != "X25519"}))
    return AgeHeader(fmt.BY_RECIPIENTS, len(types), others)


@dataclass(frozen=True)
class Decrypted:
    """The bundle's bytes (in memory) and the transfer file's SHA-256 and size."""

    plaintext: bytes
    sha256: str
    size: int
    header: AgeHeader


class _HashingReader(io.RawIOBase):
    """Reads a file for pyrage and hashes every byte that passes, reporting progress.

    A cancel raised from the progress step reaches pyrage as a read error; it is kept in
    ``failure`` and raised again once pyrage gives up.
    """

    def __init__(
        self, source: io.BufferedReader, progress: Progress | None = None, total: int = 0
    ) -> None:
        super().__init__()
        self._source = source
        self._progress = checked(progress)
        self._total = total
        self._reported = 0
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.size - self._reported >= _REPORT_EVERY:
            self._reported = self.size
            try:
                self._progress.step("Decrypting the transfer", self.size, self._total)
            except BaseException as exc:
                self.failure = exc
                raise
        count = self._source.readinto(buffer)
        if count:
            view = memoryview(buffer)[:count]
            self.sha256.update(view)
            self.size += count
        return count or 0

    def drain(self) -> None:
        while chunk := self._source.read(1024 * 1024):
            self.sha256.update(chunk)
            self.size += len(chunk)


def decrypt_file(
    path: Path,
    *,
    unlock: Callable[[], UnlockedIdentity] | None,
    transfer_passphrase: Callable[[], str] | None,
    own: WorkstationIdentity | None,
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Decrypted:
    """Decrypt a transfer file into memory; TransferRejected with a plain reason."""
    steps = checked(progress)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise TransferRejected(
                f"The transfer file is larger ({size} bytes) than an import accepts "
                f"({limits.max_file_bytes} bytes)."
            )
        with path.open("rb") as handle:
            header = read_age_header(handle.read(MAX_AGE_HEADER), limits)
            handle.seek(0)
            steps.step("Decrypting the transfer", 0, size)
            if header.kind == fmt.BY_PASSPHRASE:
                decrypted = _decrypt_passphrase(handle.read(), header, transfer_passphrase)
            else:
                reader = _HashingReader(handle, steps, size)
                decrypted = _decrypt_recipients(reader, header, unlock, own)
        steps.step("Decrypting the transfer", size, size)
        return decrypted
    except OSError as exc:
        raise TransferRejected(f"The transfer file {path} cannot be read: {exc.strerror}.") from exc


def _decrypt_passphrase(
    data: bytes, header: AgeHeader, transfer_passphrase: Callable[[], str] | None
) -> Decrypted:
    if transfer_passphrase is None:
        raise TransferRejected("This transfer is protected by a passphrase; it is needed.")
    try:
        plaintext = pyrage.passphrase.decrypt(data, transfer_passphrase())
    except pyrage.DecryptError as exc:
        raise TransferRejected(
            f"The transfer passphrase is wrong, or the file was damaged or altered ({exc})."
        ) from exc
    return Decrypted(bytes(plaintext), hashlib.sha256(data).hexdigest(), len(data), header)


def _decrypt_recipients(
    reader: _HashingReader,
    header: AgeHeader,
    unlock: Callable[[], UnlockedIdentity] | None,
    own: WorkstationIdentity | None,
) -> Decrypted:
    if unlock is None or own is None:
        raise TransferRejected(
            "This transfer is encrypted to workstations' keys, and this workstation has none "
            "yet: it cannot be addressed to it. `keys show` makes them."
        )
    identity = unlock()
    plaintext = io.BytesIO()
    try:
        pyrage.decrypt_io(reader, plaintext, [identity.age_identity])
    except Exception as exc:
        if reader.failure is not None:
            raise reader.failure from None  # a cancel, not damage
        if not isinstance(exc, pyrage.DecryptError | OSError):
            raise
        # pyrage reports a failed payload chunk (altered or cut off) as a bare OSError.
        raise _decrypt_problem(str(exc), header, own) from exc
    reader.drain()
    return Decrypted(plaintext.getvalue(), reader.sha256.hexdigest(), reader.size, header)


def _decrypt_problem(reason: str, header: AgeHeader, own: WorkstationIdentity) -> TransferRejected:
    if "no matching keys" in reason.lower():
        return TransferRejected(
            "This transfer is not addressed to this workstation (fingerprint "
            f"{format_fingerprint(own.fingerprint)}): none of its {header.stanzas} recipient "
            "entries opens with this workstation's key. Ask the sender to encrypt it to your "
            "key card (`keys export`); if they did, the file was damaged on the way."
        )
    return TransferRejected(
        f"The transfer file is damaged, altered or incomplete: it does not decrypt ({reason})."
    )


# -- 3. the bundle: a strict ustar reader, the signed manifest, member hashes ------------


def read_members(data: bytes | memoryview, limits: Limits = Limits()) -> dict[str, memoryview]:
    """The regular files of an uncompressed ustar archive, by name; TransferRejected else.

    Only what the workstation writes is accepted: regular files with safe names,
    each once, sizes within the data; then two zero blocks and nothing but zeros.
    """
    view = memoryview(data)
    if len(view) % fmt.BLOCK:
        raise TransferRejected(_bundle("is cut off (its length is not whole 512-byte blocks)"))
    members: dict[str, memoryview] = {}
    offset = 0
    while True:
        if offset + fmt.BLOCK > len(view):
            raise TransferRejected(_bundle("is cut off (no end-of-archive marker)"))
        block = view[offset : offset + fmt.BLOCK]
        if not any(block):
            _check_end(view, offset)
            return members
        name, size = _parse_header(bytes(block))
        offset += fmt.BLOCK
        if size > len(view) - offset:
            raise TransferRejected(
                _bundle(f"declares {size} bytes for {name}, more than it holds (cut off or forged)")
            )
        if name in members:
            raise TransferRejected(_bundle(f"holds {name} twice"))
        if len(members) >= limits.max_members:
            raise TransferRejected(_bundle(f"holds more than {limits.max_members} files"))
        members[name] = view[offset : offset + size]
        offset += size + (-size % fmt.BLOCK)


def _bundle(problem: str) -> str:
    return f"The transfer's contents are not a valid bundle: the archive {problem}."


def _check_end(view: memoryview, offset: int) -> None:
    rest = view[offset:]
    if len(rest) < 2 * fmt.BLOCK:
        raise TransferRejected(_bundle("is cut off (incomplete end-of-archive marker)"))
    if any(rest):
        raise TransferRejected(_bundle("has data after its end-of-archive marker"))


def _parse_header(block: bytes) -> tuple[str, int]:
    if block[257:263] not in (b"ustar\x00", b"ustar "):
        raise TransferRejected(_bundle("is not an uncompressed POSIX tar archive"))
    if _octal(block[148:156], "checksum") != sum(block[:148]) + 8 * 32 + sum(block[156:]):
        raise TransferRejected(_bundle("has a header whose checksum does not match"))
    name = _field_text(block[0:100])
    prefix = _field_text(block[345:500]) if block[257:263] == b"ustar\x00" else ""
    full = f"{prefix}/{name}" if prefix else name
    typeflag = block[156:157]
    if typeflag not in (b"0", b"\x00"):
        kind = _TYPE_NAMES.get(typeflag, f"an entry of type {typeflag!r}")
        raise TransferRejected(_bundle(f"holds {kind} ({full!r}); only plain files are accepted"))
    check_member_name(full)
    return full, _octal(block[124:136], f"size of {full}")


def _field_text(raw: bytes) -> str:
    text = raw.split(b"\x00", 1)[0]
    try:
        return text.decode("ascii")
    except UnicodeDecodeError:
        raise TransferRejected(_bundle("has a file name that is not plain ASCII")) from None


def _octal(raw: bytes, what: str) -> int:
    text = raw.replace(b"\x00", b" ").strip()
    if not text or any(c not in b"01234567" for c in text):
        raise TransferRejected(_bundle(f"has a malformed {what}"))
    return int(text, 8)


def check_member_name(name: str) -> None:
    """Refuse any name the bundle format would not write: no traversal, no absolute paths."""
    if not _MEMBER_NAME.match(name) or len(name) > 100:
        raise TransferRejected(
            _bundle(f"holds an unsafe or unknown file name {name!r} (absolute, '..', or odd)")
        )


@dataclass(frozen=True)
class SignedBundle:
    """A bundle whose structure and member hashes are checked (the signature not yet)."""

    manifest_bytes: bytes
    signature: bytes
    members: dict[str, memoryview]
    sender_key: bytes
    sender_age: str
    addressed_kind: str
    addressed_recipients: tuple[str, ...]
    case_id: str
    case_public_key: str
    head_seq: int
    head_hash: str
    scope: dict[str, Any]
    created_utc: str

    @property
    def sender_fingerprint(self) -> str:
        return fingerprint(self.sender_key, self.sender_age)

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()


def parse_bundle(data: bytes | memoryview, limits: Limits = Limits()) -> SignedBundle:
    """Read the archive and its manifest, and check every member's size and SHA-256."""
    members = read_members(data, limits)
    manifest_view = members.pop(fmt.MANIFEST_MEMBER, None)
    signature_view = members.pop(fmt.SIGNATURE_MEMBER, None)
    if manifest_view is None or signature_view is None:
        raise TransferRejected(_bundle("lacks its signed manifest (transfer.json, transfer.sig)"))
    manifest_bytes = bytes(manifest_view)
    doc = _Fields(_load_json(manifest_bytes, "manifest", limits), "manifest")
    if not _is_canonical(manifest_bytes):
        raise TransferRejected("The transfer's manifest is not in canonical form.")
    if doc.text("format") != fmt.TRANSFER_FORMAT or doc.integer("version") != fmt.VERSION:
        raise TransferRejected("This is not a transfer this version of the workstation reads.")
    _check_listed_members(doc.rows("members"), members)
    return _signed_bundle(doc, manifest_bytes, _signature(signature_view), members)


def _signature(view: memoryview) -> bytes:
    text = bytes(view)
    if not _HEX128.match(text.decode("ascii", errors="replace")):
        raise TransferRejected("The transfer's signature (transfer.sig) is malformed.")
    return bytes.fromhex(text.decode("ascii"))


def _check_listed_members(listed: list[_Fields], members: dict[str, memoryview]) -> None:
    names = [entry.text("name") for entry in listed]
    if len(set(names)) != len(names):
        raise TransferRejected("The transfer's manifest lists a file twice.")
    missing = sorted(set(names) - members.keys())
    extra = sorted(members.keys() - set(names))
    if missing:
        raise TransferRejected(f"The transfer lacks {missing[0]}, which its manifest lists.")
    if extra:
        raise TransferRejected(f"The transfer holds {extra[0]}, which its manifest does not list.")
    for entry, name in zip(listed, names, strict=True):
        data = members[name]
        if entry.integer("size") != len(data):
            raise TransferRejected(f"{name} in the transfer is not the size its manifest says.")
        if hashlib.sha256(data).hexdigest() != entry.sha256("sha256"):
            raise TransferRejected(
                f"{name} in the transfer does not match the SHA-256 its manifest gives: "
                "it was altered."
            )


def _signed_bundle(
    doc: _Fields, manifest: bytes, signature: bytes, members: dict[str, memoryview]
) -> SignedBundle:
    sender = doc.row("sender")
    addressed = doc.row("addressed_to")
    kind = addressed.text("kind")
    if kind not in (fmt.BY_RECIPIENTS, fmt.BY_PASSPHRASE):
        raise TransferRejected("The transfer's manifest names an unknown kind of encryption.")
    recipients = (
        tuple(r.text("age_recipient") for r in addressed.rows("recipients"))
        if kind == fmt.BY_RECIPIENTS
        else ()
    )
    case = doc.row("case")
    head = case.row("head")
    return SignedBundle(
        manifest_bytes=manifest,
        signature=signature,
        members=members,
        sender_key=bytes.fromhex(sender.hex64("ed25519_public_key")),
        sender_age=sender.text("age_recipient"),
        addressed_kind=kind,
        addressed_recipients=recipients,
        case_id=case.text("case_id"),
        case_public_key=case.hex64("public_key"),
        head_seq=head.integer("seq"),
        head_hash=head.sha256("hash"),
        scope=dict(doc.row("scope").value),
        created_utc=doc.utc("created_utc"),
    )


# -- 4. the sender -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """Who signed the transfer, as far as this workstation knows them."""

    fingerprint: str
    signing_key: bytes
    name: str | None
    unit: str | None
    this_workstation: bool

    @property
    def known(self) -> bool:
        return self.this_workstation or self.name is not None

    def describe(self) -> str:
        shown = format_fingerprint(self.fingerprint)
        if self.this_workstation:
            return f"this workstation ({shown})"
        if self.name is not None:
            unit = f", {self.unit}" if self.unit else ""
            return f"{self.name}{unit} ({shown})"
        return f"an unknown workstation ({shown}), trusted on request"


def check_sender(
    bundle: SignedBundle,
    *,
    own: WorkstationIdentity | None,
    partners: Sequence[Partner],
    trust_unknown: bool = False,
) -> Sender:
    """Verify the signature under the named sender's key, and know (or trust) that sender."""
    shown = format_fingerprint(bundle.sender_fingerprint)
    try:
        Ed25519PublicKey.from_public_bytes(bundle.sender_key).verify(
            bundle.signature, fmt.signed_message(bundle.manifest_bytes)
        )
    except (InvalidSignature, ValueError):
        raise TransferRejected(
            "The transfer's signature does not verify with the key of the workstation it names "
            f"as its sender (fingerprint {shown}): it was forged or altered."
        ) from None
    if own is not None and own.fingerprint == bundle.sender_fingerprint:
        return Sender(bundle.sender_fingerprint, bundle.sender_key, None, None, True)
    partner = next((p for p in partners if p.fingerprint == bundle.sender_fingerprint), None)
    if partner is not None:
        return Sender(partner.fingerprint, bundle.sender_key, partner.name, partner.unit, False)
    if not trust_unknown:
        raise TransferRejected(
            "The transfer was signed by a workstation that is not in your address book: "
            f"fingerprint {shown}. Compare it with the sending unit out of band (phone, in "
            "person), then add their key card with `keys add`, or import with --trust-unknown."
        )
    return Sender(bundle.sender_fingerprint, bundle.sender_key, None, None, False)


def check_addressing(
    bundle: SignedBundle, header: AgeHeader, own: WorkstationIdentity | None
) -> None:
    """The encryption must be the one the sender signed for; else someone re-encrypted it."""
    if header.kind != bundle.addressed_kind:
        raise TransferRejected(
            "The transfer was re-encrypted by someone other than its sender: it is signed for "
            f"{bundle.addressed_kind} but encrypted to {header.kind}."
        )
    if header.kind == fmt.BY_RECIPIENTS and (
        own is None or own.age_recipient not in bundle.addressed_recipients
    ):
        raise TransferRejected(
            "The sender addressed this transfer to other workstations; someone re-encrypted it "
            "for this one. Ask the sender for a transfer addressed to you."
        )


# -- 5. the contents ---------------------------------------------------------------------


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


def read_contents(bundle: SignedBundle, limits: Limits = Limits()) -> Contents:
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
        return _load_json(self.blob(name), name, self.limits)

    def read(self) -> Contents:
        case = _Fields(self.json(fmt.CASE_MEMBER), fmt.CASE_MEMBER)
        info = case.row("info")
        log_doc = _Fields(self.json(fmt.AUDIT_MEMBER), fmt.AUDIT_MEMBER)
        contact_rows = _rows(self.json(fmt.CONTACTS_MEMBER), fmt.CONTACTS_MEMBER)
        contact_list = tuple(_contact(row) for row in contact_rows)
        return Contents(
            case_id=case.text("case_id"),
            public_key=case.hex64("public_key"),
            info={key: info.text(key) for key in info.value},
            events=tuple(_event(row) for row in log_doc.rows("events")),
            heads=tuple(_head(row) for row in log_doc.rows("heads")),
            items=tuple(
                self._item(n, row)
                for n, row in enumerate(_rows(self.json(fmt.EVIDENCE_MEMBER), "evidence.json"))
            ),
            lookups=tuple(
                self._lookup(n, row)
                for n, row in enumerate(_rows(self.json(fmt.LOOKUPS_MEMBER), "lookups.json"))
            ),
            personas=tuple(
                _persona(row) for row in _rows(self.json(fmt.PERSONAS_MEMBER), "personas.json")
            ),
            contacts=contact_list,
            attachments=self._attachments(contact_list),
            notes=tuple(_note(row) for row in _rows(self.json(fmt.NOTES_MEMBER), "notes.json")),
        )

    def _item(self, position: int, row: _Fields) -> BundleItem:
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

    def _lookup(self, position: int, row: _Fields) -> SavedLookup:
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


def _event(row: _Fields) -> AuditEvent:
    return AuditEvent(
        row.integer("seq"),
        row.text("utc"),
        row.text("action"),
        row.text("actor"),
        row.text("details").encode("utf-8"),
        row.text("prev_hash"),
        row.text("hash"),
    )


def _head(row: _Fields) -> SignedHead:
    return SignedHead(
        row.integer("seq"),
        row.sha256("hash"),
        row.text("utc"),
        row.text("reason"),
        row.text("signature"),
    )


def _persona(row: _Fields) -> BundlePersona:
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


def _contact(row: _Fields) -> ContactEntry:
    counterparts = []
    for pair in row.array("counterparts"):
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in contacts.KINDS):
            raise TransferRejected("A contact entry's counterparts in the transfer are malformed.")
        counterparts.append(Counterpart(pair[0], _str(pair[1], "a counterpart")))
    attachments = []
    for ref in row.array("attachments"):
        if not (isinstance(ref, list) and len(ref) == 4):
            raise TransferRejected("A contact entry's attachments in the transfer are malformed.")
        name, media_type, digest, size = ref
        if not (isinstance(digest, str) and _SHA256.match(digest)) or not _is_count(size):
            raise TransferRejected("A contact entry's attachments in the transfer are malformed.")
        attachments.append(
            AttachmentRef(
                _str(name, "an attachment"), _str(media_type, "a media type"), digest, size
            )
        )
    direction = row.text("direction")
    if direction not in contacts.DIRECTIONS:
        raise TransferRejected("A contact entry's direction in the transfer is malformed.")
    evidence_ids = row.array("evidence_ids")
    if not all(_is_count(value) for value in evidence_ids):
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


def _note(row: _Fields) -> Note:
    return Note(
        row.integer("note_id"),
        row.utc("created_utc"),
        row.text("officer"),
        row.text("subject"),
        row.text("text"),
    )


# -- typed access to parsed JSON ----------------------------------------------------------


def _load_json(data: bytes, what: str, limits: Limits) -> Any:
    if len(data) > limits.max_json_bytes:
        raise TransferRejected(f"The transfer's {what} is larger than an import accepts.")
    try:
        return canonjson.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise TransferRejected(f"The transfer's {what} is not valid JSON ({exc}).") from exc


def _is_canonical(data: bytes) -> bool:
    try:
        return canonjson.is_canonical(data)
    except RecursionError:  # absurdly nested JSON is not something the workstation wrote
        return False


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TransferRejected(f"The transfer holds {what} that is not text.")
    return value


def _rows(value: Any, where: str) -> list[_Fields]:
    if not isinstance(value, list):
        raise TransferRejected(f"The transfer's {where} is malformed (not a list).")
    return [_Fields(row, where) for row in value]


class _Fields:
    """A JSON object from the transfer, read field by field with types checked."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise TransferRejected(f"The transfer's {where} is malformed (not an object).")
        self.value: dict[str, Any] = value
        self.where = where

    def _get(self, key: str) -> Any:
        if key not in self.value:
            raise self._bad(key, "is missing")
        return self.value[key]

    def _bad(self, key: str, why: str) -> TransferRejected:
        return TransferRejected(f"The transfer's {self.where} is malformed: {key!r} {why}.")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._bad(key, "is not text")
        return value

    def maybe_text(self, key: str) -> str | None:
        return None if self._get(key) is None else self.text(key)

    def utc(self, key: str) -> str:
        value = self.text(key)
        if not _UTC.match(value):
            raise self._bad(key, "is not a UTC time")
        return value

    def maybe_utc(self, key: str) -> str | None:
        return None if self._get(key) is None else self.utc(key)

    def integer(self, key: str) -> int:
        value = self._get(key)
        if not _is_count(value):
            raise self._bad(key, "is not a whole number")
        return cast(int, value)

    def maybe_int(self, key: str) -> int | None:
        return None if self._get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "is not true or false")
        return value

    def sha256(self, key: str) -> str:
        value = self.text(key)
        if not _SHA256.match(value):
            raise self._bad(key, "is not a SHA-256")
        return value

    def hex64(self, key: str) -> str:
        return self.sha256(key)  # a 32-byte key in hex has the same form

    def array(self, key: str) -> list[Any]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._bad(key, "is not a list")
        return value

    def rows(self, key: str) -> list[_Fields]:
        return [_Fields(row, f"{self.where} {key}") for row in self.array(key)]

    def row(self, key: str) -> _Fields:
        return _Fields(self._get(key), f"{self.where} {key}")


# -- 5b. verifying the contents ----------------------------------------------------------


def verify_contents(
    bundle: SignedBundle, contents: Contents, *, progress: Progress | None = None
) -> list[str]:
    """Check the records against each other and the audit log; what was verified, or reject.

    progress gets a step per exhibit verified."""
    checker = _Checker(bundle, contents, checked(progress))
    checker.run()
    if checker.problems:
        shown = "; ".join(checker.problems[:MAX_PROBLEMS_SHOWN])
        more = len(checker.problems) - MAX_PROBLEMS_SHOWN
        extra = f" (and {more} more)" if more > 0 else ""
        raise TransferRejected(f"The transfer's contents do not verify: {shown}{extra}.")
    return checker.verified


class _Checker:
    def __init__(self, bundle: SignedBundle, contents: Contents, progress: Progress) -> None:
        self.bundle = bundle
        self.contents = contents
        self.progress = progress
        self.problems: list[str] = []
        self.verified: list[str] = []

    def run(self) -> None:
        if not self._audit_log():
            return  # the records are checked against the log; without it, nothing holds
        self._evidence()
        self._lookups()
        self._contacts()
        self._personas()
        self._notes()

    def _audit_log(self) -> bool:
        bundle, contents = self.bundle, self.contents
        if (contents.case_id, contents.public_key) != (bundle.case_id, bundle.case_public_key):
            self.problems.append("the case it holds is not the case its manifest names")
            return False
        events = list(contents.events)
        report = audit.verify_chain(events)
        if not report.ok:
            self.problems.append(f"audit log: {report.message}")
            return False
        first = events[0].details if events else {}
        if (
            not events
            or events[0].action != "case.created"
            or first.get("case_id") != bundle.case_id
        ):
            self.problems.append("audit log: it does not start with the creation of the case")
            return False
        key = bytes.fromhex(contents.public_key)
        problem = heads.check(bundle.case_id, events, list(contents.heads), key, None)
        if problem is not None:
            self.problems.append(f"audit log: {problem.message}")
            return False
        last = contents.heads[-1] if contents.heads else None
        if (
            last is None
            or (last.seq, last.hash) != (bundle.head_seq, bundle.head_hash)
            or (last.seq != len(events))
        ):
            self.problems.append("audit log: it does not end at the head the sender signed")
            return False
        self.verified.append(
            f"audit log: {len(events)} events intact from the case's creation, ending at the "
            f"head signed with the case's key (event {last.seq}, {len(contents.heads)} heads)"
        )
        return True

    def _evidence(self) -> None:
        events = self.contents.events
        sealed = _sealed_items(events)
        stamped = stamped_in_audit(events)
        numbers = [item.control_number for item in self.contents.items]
        if len(set(numbers)) != len(numbers):
            self.problems.append("an exhibit is in the transfer twice")
        stamps = 0
        items = self.contents.items
        for number, item in enumerate(items):
            self.progress.step(
                f"Verifying exhibit {number + 1} of {len(items)}", number, len(items)
            )
            report = verify_item(item.control_number, item.manifest, item.artifacts)
            names = [artifact.name for artifact in item.artifacts]
            if len(set(names)) != len(names):
                report.problems.append("an artifact name is used twice")
            if report.ok and _media_types(item.manifest) != {
                a.name: a.media_type for a in item.artifacts
            }:
                report.problems.append("an artifact's media type differs from the manifest's")
            self.problems.extend(f"exhibit {item.control_number}: {p}" for p in report.problems)
            if sealed.get(item.item_id) != item.control_number:
                self.problems.append(
                    f"exhibit {item.control_number}: the audit log has no record of its sealing"
                )
            for stamp in item.timestamps:
                stamps += 1
                found = check_stored(stamp.reply, stamp.reply_sha256, item.manifest, ())
                if (item.control_number, stamp.reply_sha256) not in stamped:
                    found.append("the audit log has no record of this timestamp")
                self.problems.extend(
                    f"exhibit {item.control_number}: timestamp: {p}" for p in found
                )
        self.verified.append(
            f"exhibits ({len(numbers)}): control numbers, artifacts' SHA-256 and sealing "
            f"events; timestamp replies ({stamps}) cover their manifests"
        )

    def _lookups(self) -> None:
        audited = lookups_in_audit(self.contents.events)
        for saved in self.contents.lookups:
            report = verify_lookup(saved, audited.get(saved.id))
            self.problems.extend(f"{report.label}: {p}" for p in report.problems)
        exchanges = sum(len(s.exchanges) for s in self.contents.lookups)
        self.verified.append(
            f"lookups ({len(self.contents.lookups)}): records and raw exchanges ({exchanges}) "
            "match their audit events"
        )

    def _contacts(self) -> None:
        logged = contacts.logged_digests(self.contents.events)
        for entry in self.contents.contacts:
            digest = logged.get(entry.id, (0, ""))[1]
            if contacts.entry_digest(entry) != digest:
                self.problems.append(
                    f"contact entry {entry.id} differs from what the audit log recorded"
                )
        self.verified.append(
            f"contact log ({len(self.contents.contacts)} entries): each matches its audit "
            f"event; attachments ({len(self.contents.attachments)}) match their SHA-256"
        )

    def _personas(self) -> None:
        added = {
            (e.details.get("persona_id"), e.details.get("alias"))
            for e in self.contents.events
            if e.action == "persona.added"
        }
        keys = [personas.alias_key(p.alias) for p in self.contents.personas]
        if len(set(keys)) != len(keys):
            self.problems.append("a persona is in the transfer twice")
        for persona in self.contents.personas:
            if (persona.persona_id, persona.alias) not in added:
                self.problems.append(f"persona {persona.alias!r} was never added in the audit log")
        present = {personas.alias_key(p.alias) for p in self.contents.personas}
        for entry in self.contents.contacts:
            if personas.alias_key(entry.persona) not in present:
                self.problems.append(
                    f"contact entry {entry.id} names a persona not in the transfer"
                )
        self.verified.append(f"personas ({len(keys)}): each added in the audit log")

    def _notes(self) -> None:
        logged = {
            e.details.get("note_id"): (e.details.get("subject"), e.details.get("text_sha256"))
            for e in self.contents.events
            if e.action == "note.added"
        }
        for note in self.contents.notes:
            digest = hashlib.sha256(note.text.encode("utf-8")).hexdigest()
            if logged.get(note.id) != (note.subject, digest):
                self.problems.append(f"note {note.id} differs from what the audit log recorded")
        self.verified.append(f"notes ({len(self.contents.notes)}): match their audit events")


def _media_types(manifest: bytes) -> dict[str, Any]:
    """Artifact name -> media type, from a manifest verify_item already found well formed."""
    entries = canonjson.loads(manifest)["artifacts"]
    return {entry["name"]: entry.get("media_type") for entry in entries}


def _sealed_items(events: Iterable[AuditEvent]) -> dict[int, str]:
    """source item id -> control number, from the evidence.sealed events."""
    found: dict[int, str] = {}
    for event in events:
        if event.action == "evidence.sealed":
            item_id, number = event.details.get("item_id"), event.details.get("control_number")
            if isinstance(item_id, int) and isinstance(number, str):
                found[item_id] = number
    return found


# -- the whole import --------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiverKeys:
    """This workstation's public keys, a way to unlock them, and the address book."""

    own: WorkstationIdentity | None
    partners: tuple[Partner, ...]
    unlock: Callable[[], UnlockedIdentity] | None


@dataclass(frozen=True)
class Target:
    """Where the transfer goes: a new case (made with ``passphrase``) or an existing one."""

    path: Path
    passphrase: str
    new: bool
    officer: str = ""
    kdf: KdfParams | None = None  # a new case's key derivation; tests pass a cheap one
    allow_weak_kdf: bool = False
    # The case already open (in the window): added to through its own connection, so its
    # passphrase is not asked again. path and passphrase are then not used.
    case: Case | None = None


@dataclass
class ImportReport:
    """What was verified and what was added (or was already there)."""

    target: Path
    case_id: str
    new_case: bool
    transfer_sha256: str
    transfer_bytes: int
    encryption: str
    sender: Sender
    source_case_id: str
    source_reference: str
    source_head_seq: int
    verified: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    already_present: dict[str, int] = field(default_factory=dict)
    exhibits: list[dict[str, JsonValue]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "target": str(self.target),
            "case_id": self.case_id,
            "new_case": self.new_case,
            "transfer": {
                "sha256": self.transfer_sha256,
                "bytes": self.transfer_bytes,
                "encryption": self.encryption,
            },
            "sender": {
                "fingerprint": self.sender.fingerprint,
                "name": self.sender.name,
                "unit": self.sender.unit,
                "known": self.sender.known,
                "this_workstation": self.sender.this_workstation,
            },
            "source_case": {
                "case_id": self.source_case_id,
                "reference": self.source_reference,
                "head_seq": self.source_head_seq,
            },
            "verified": self.verified,
            "added": self.added,
            "already_present": self.already_present,
            "exhibits": self.exhibits,
            "warnings": self.warnings,
        }


def import_transfer(
    transfer_file: Path,
    target: Target,
    keys: ReceiverKeys,
    *,
    transfer_passphrase: Callable[[], str] | None = None,
    trust_unknown: bool = False,
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> ImportReport:
    """Verify a transfer completely, then add it to the target case. See the module's steps.

    progress: steps while decrypting (bytes), verifying and adding (exhibits); a cancel
    (OperationCancelled) leaves the target as a failure would: nothing added.
    """
    steps = checked(progress)
    _check_target(target)
    decrypted = decrypt_file(
        transfer_file,
        unlock=keys.unlock,
        transfer_passphrase=transfer_passphrase,
        own=keys.own,
        limits=limits,
        progress=steps,
    )
    steps.step("Checking the bundle and its signature", 0, 0)
    bundle = parse_bundle(decrypted.plaintext, limits)
    sender = check_sender(bundle, own=keys.own, partners=keys.partners, trust_unknown=trust_unknown)
    check_addressing(bundle, decrypted.header, keys.own)
    contents = read_contents(bundle, limits)
    verified = [
        f"signature: by {sender.describe()}",
        f"transfer file: SHA-256 {decrypted.sha256}, {len(bundle.members) + 2} bundle files "
        "match the signed manifest",
        *verify_contents(bundle, contents, progress=steps),
    ]
    merge = _Merge(bundle, contents, sender, decrypted, steps)
    steps.step("Adding to the case", 0, len(contents.items))
    case_id = _apply(target, merge, contents)
    report = ImportReport(
        target=target.path,
        case_id=case_id,
        new_case=target.new,
        transfer_sha256=decrypted.sha256,
        transfer_bytes=decrypted.size,
        encryption=decrypted.header.kind,
        sender=sender,
        source_case_id=bundle.case_id,
        source_reference=contents.info.get("reference", ""),
        source_head_seq=bundle.head_seq,
        verified=verified,
        added=merge.added,
        already_present=merge.present,
        exhibits=merge.exhibit_log,
        warnings=merge.warnings,
    )
    log.info("imported a transfer of case %s into case %s", bundle.case_id, case_id)
    return report


def _check_target(target: Target) -> None:
    """Refuse a wrong target before any work: a used folder, a wrong passphrase."""
    path = target.path
    if target.new:
        if path.is_symlink() or (path.exists() and (not path.is_dir() or any(path.iterdir()))):
            raise CaseExists(
                f"Something already exists at {path}; a new case needs a new or empty folder."
            )
        if not target.passphrase:
            raise TransferRejected("The new case's passphrase must not be empty.")
        return
    if target.case is not None:
        return  # open, so unlocked
    slot_path, _ = layout.locate(path)
    key = keyslot.unlock(layout.read_slot(slot_path), target.passphrase)
    key[:] = bytes(len(key))


def _apply(target: Target, merge: _Merge, contents: Contents) -> str:
    try:
        return _apply_to_case(target, merge, contents)
    except sqlcipher3.IntegrityError as exc:
        # The target refused a record (a constraint); the transaction was rolled back.
        raise CaseError(
            f"The transfer could not be added to the case at {target.path}; nothing was "
            f"added: {exc}."
        ) from exc


def _apply_to_case(target: Target, merge: _Merge, contents: Contents) -> str:
    merge.progress.check()  # the last moment a cancel leaves the target untouched
    if target.case is not None:
        target.case.run_import(merge.apply)
        return target.case.case_id
    if not target.new:
        with Case.open(target.path, target.passphrase, officer=target.officer) as case:
            case.run_import(merge.apply)
            return case.case_id
    created_dir = not target.path.exists()
    case = Case.create(
        target.path,
        target.passphrase,
        title=contents.info.get("reference", ""),
        officer=target.officer,
        kdf=target.kdf,
        allow_weak_kdf=target.allow_weak_kdf,
    )
    try:
        _copy_metadata(case, contents.info)
        case.run_import(merge.apply)
        return case.case_id
    except BaseException:
        case.close()
        layout.remove_partial(target.path, created_dir, db_path_created=True)
        raise
    finally:
        case.close()


def _copy_metadata(case: Case, info: dict[str, str]) -> None:
    changes = {
        name: info[name]
        for name in ("requesting_unit", "legal_basis", "commodity")
        if info.get(name)
    }
    if changes:
        case.update_metadata(**changes)


# -- 6. adding the records (one transaction) ---------------------------------------------


class _Merge:
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
            ids[key] = _insert_persona(conn, persona)
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
            item_id = _insert_item(conn, item) if row is None else int(row[0])
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
            lookup_id = _insert_lookup(conn, saved)
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
        return _insert_contact(conn, entry, persona_id, sorted(set(links)), supersedes)

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


def _insert_persona(conn: Connection, persona: BundlePersona) -> int:
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


def _insert_item(conn: Connection, item: BundleItem) -> int:
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


def _insert_lookup(conn: Connection, saved: SavedLookup) -> int:
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


def _insert_contact(
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
