"""The Case object: one open, encrypted case directory.

Layout of a case directory (0700)::

    keyslot.json   the data key wrapped under the passphrase (and, optionally, a keyring
                   token), plus the latest signed head of the audit log (keyslot.py)
    case.db        SQLCipher 4 database keyed with the data key (see store.py)

keyslot.json is written last when a case is created, so a folder without it is
never a half-made case that opens. Every public method takes the case's RLock:
the GUI calls in from worker threads, one at a time, on one connection. Every
change runs in one transaction together with its audit event; the record
modules (metadata, personas, contacts, notes, fts, heads) hold the logic, this
class the keys, the connection and the transactions.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from threading import RLock
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlcipher3

from workstation import __version__, canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import (
    audit,
    contacts,
    evidence_store,
    fts,
    heads,
    keyfile,
    keyslot,
    layout,
    metadata,
    migrations,
    notes,
    personas,
    remember,
    timestamps,
    validate,
    verification,
)
from workstation.casefile import lookups as saved_lookups
from workstation.casefile.audit import AuditEvent, ChainReport
from workstation.casefile.contacts import ContactDraft, ContactEntry
from workstation.casefile.evidence_store import ArtifactData, EvidenceRecord, StoredArtifact
from workstation.casefile.fts import SearchHit
from workstation.casefile.heads import SignedHead
from workstation.casefile.keyslot import KdfParams
from workstation.casefile.layout import JOURNAL_NAME, KEYSLOT_NAME
from workstation.casefile.lookups import SavedLookup
from workstation.casefile.metadata import CaseMetadata, CaseStatus
from workstation.casefile.notes import Note
from workstation.casefile.personas import Persona, PersonaAccount
from workstation.casefile.store import (
    DB_NAME,
    Connection,
    connect,
    scalar_int,
    transaction,
    translate_errors,
)
from workstation.errors import CaseCorrupt, CaseError, InputError

if TYPE_CHECKING:
    from workstation.lookup.result import LookupResult

log = logging.getLogger(__name__)

__all__ = [
    "JOURNAL_NAME",
    "KEYSLOT_NAME",
    "ArtifactData",
    "Case",
    "EvidenceRecord",
    "StoredArtifact",
]

CLOCK_SOURCE = "system clock (UTC)"
UNKNOWN_ACTOR = "unspecified"
CLOSED_MESSAGE = "This case is locked or closed; open it again to continue."
REASON_AUTO = f"every {heads.SIGN_EVERY} events"
REASON_LOCKED = "case locked"
REASON_CREATED = "case created"
REASON_STATUS_CLOSED = "case status closed"


class Case:
    """An open case. Make one with Case.create, Case.open or Case.open_remembered; close it."""

    path: Path
    case_id: str

    def __init__(
        self, *, path: Path, case_id: str, conn: Connection, key: bytearray, actor: str
    ) -> None:
        self.path = path
        self.case_id = case_id
        self._db_path = path / DB_NAME
        self._slot_path = path / KEYSLOT_NAME
        self._conn: Connection | None = conn
        self._key: bytearray | None = key
        self._actor = actor
        self._lock = RLock()
        self._ready = False  # set once fully created or opened: only then is close() signed
        self._published_seq = 0

    def __repr__(self) -> str:
        state = "open" if self._conn is not None else "closed"
        return f"<Case {self.case_id} at {self.path} ({state})>"

    # -- creating and opening ---------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        title: str = "",
        officer: str = "",
        kdf: KdfParams | None = None,
        allow_weak_kdf: bool = False,
    ) -> Case:
        """Create a new case in ``path`` (absent or an empty folder) and open it.

        ``title`` becomes the case reference. ``kdf`` defaults to the RFC 9106
        floor; weaker values are refused unless ``allow_weak_kdf`` is True,
        which exists for tests only.
        """
        path = Path(path)  # tolerate str from callers that skip the type hint
        kdf = kdf or KdfParams()
        _check_kdf(kdf, allow_weak_kdf)
        if not passphrase:
            raise InputError("The passphrase must not be empty.")
        reference = validate.line(title, "The case reference", required=False)
        created_dir = layout.claim_directory(path)
        layout.claim_db_file(path, created_dir)
        try:
            return cls._build(path, passphrase, reference, _actor(officer), kdf)
        except BaseException as exc:
            layout.remove_partial(path, created_dir, db_path_created=True)
            if isinstance(exc, OSError):
                raise CaseError(
                    f"The case could not be created at {path}: {exc.strerror}."
                ) from exc
            raise

    @classmethod
    def _build(
        cls, path: Path, passphrase: str, reference: str, actor: str, kdf: KdfParams
    ) -> Case:
        slot, key = keyslot.new_keyslot(passphrase, kdf)
        conn = _connect_or_wipe(path / DB_NAME, key)
        case = cls(path=path, case_id=slot.case_id, conn=conn, key=key, actor=actor)
        try:
            head = case._initialise(reference, kdf)
            keyslot.write_atomic(
                path / KEYSLOT_NAME, keyslot.KeySlot(slot.case_id, slot.passphrase, head=head)
            )
        except BaseException:
            case.close()
            raise
        case._published_seq = head.seq
        case._ready = True
        log.info("created case %s", case.case_id)
        return case

    def _initialise(self, reference: str, kdf: KdfParams) -> SignedHead:
        with self._db() as conn:
            migrations.migrate(conn, self._db_path)
            now = audit.utc_now()
            info = {
                "case_id": self.case_id,
                "reference": reference,
                "officer": "" if self._actor == UNKNOWN_ACTOR else self._actor,
                "created_utc": now,
                "opened_utc": now,
                "created_by": f"Investigator Workstation {__version__}",
                "clock_source": CLOCK_SOURCE,
            }
            with transaction(conn):
                for key, value in info.items():
                    conn.execute(
                        "INSERT OR REPLACE INTO case_info (key, value) VALUES (?, ?)", (key, value)
                    )
                audit.append(
                    conn,
                    "case.created",
                    self._actor,
                    {
                        "case_id": self.case_id,
                        "title": reference,
                        "workstation_version": __version__,
                        "clock_source": CLOCK_SOURCE,
                        "kdf": _kdf_json(kdf),
                    },
                )
                heads.create_key(conn, self._actor)
                fts.index(conn, fts.CASE, 0, metadata.search_text(metadata.load(conn)))
                return heads.sign_now(conn, self.case_id, self._actor, REASON_CREATED)

    @classmethod
    def open(cls, path: Path, passphrase: str, *, officer: str = "") -> Case:
        """Open an existing case. A failed open changes nothing on disk."""
        path = Path(path)
        slot_path, _ = layout.locate(path)
        slot = layout.read_slot(slot_path)
        key = keyslot.unlock(slot, passphrase)
        return cls._open_with_key(path, slot, key, officer)

    @classmethod
    def open_remembered(cls, path: Path, *, officer: str = "") -> Case | None:
        """Open with the token this PC's keyring remembers; None (logged) when that fails.

        None means "ask for the passphrase": no keyring, a locked keyring, no
        entry for this case, or a token that no longer opens it. A missing or
        damaged case still raises, as Case.open would.
        """
        path = Path(path)
        slot_path, _ = layout.locate(path)
        slot = layout.read_slot(slot_path)
        if slot.remembered is None:
            log.info("case %s is not remembered on this PC", slot.case_id)
            return None
        token = remember.load_token(slot.case_id)
        key = keyslot.unlock_with_token(slot, token) if token is not None else None
        if key is None:
            if token is not None:
                log.warning("the remembered unlock token does not open case %s", slot.case_id)
            return None
        return cls._open_with_key(path, slot, key, officer)

    @classmethod
    def _open_with_key(
        cls, path: Path, slot: keyslot.KeySlot, key: bytearray, officer: str
    ) -> Case:
        journal = path / JOURNAL_NAME
        had_journal = journal.exists()
        conn = _connect_or_wipe(path / DB_NAME, key)
        case = cls(path=path, case_id=slot.case_id, conn=conn, key=key, actor=_actor(officer))
        case._published_seq = slot.head.seq if slot.head else 0
        try:
            case._check_and_upgrade()
        except BaseException:
            case.close()
            if not had_journal:
                layout.discard_dead_journal(journal)
            raise
        case._ready = True
        log.info("opened case %s", case.case_id)
        return case

    def _check_and_upgrade(self) -> None:
        # Everything that can refuse the case runs before the first write.
        with self._db() as conn:
            version = migrations.check_not_too_new(conn)
            if version == 0:
                raise CaseCorrupt(self._corrupt("its database holds no case data"))
            row = conn.execute("SELECT value FROM case_info WHERE key = 'case_id'").fetchone()
            if row is None or row[0] != self.case_id:
                raise CaseCorrupt(self._corrupt("the database belongs to another case"))
            applied = migrations.migrate(conn, self._db_path)
            with self._write() as writing:
                if heads.public_key(writing) is None:
                    heads.create_key(writing, self._actor)  # a case from before signed heads
                # Under the write lock, so no other writer is half-way through one.
                keyslot.remove_stale_temp_files(self.path)
                audit.append(
                    writing,
                    "case.opened",
                    self._actor,
                    {
                        "workstation_version": __version__,
                        "schema_version": migrations.schema_version(writing),
                        "migrations_applied": list(applied),
                        "clock_source": CLOCK_SOURCE,
                    },
                )

    def _corrupt(self, why: str) -> str:
        return layout.corrupt_message(self.path, why)

    # -- closing ----------------------------------------------------------------------

    def close(self) -> None:
        """Sign the head, close the database and drop the key. Safe to call more than once.

        The data key is overwritten in place; the signing key is never kept in
        memory between signatures. SQLCipher wipes its own copies
        (cipher_memory_security). Python may hold stray copies in freed memory;
        this is as far as Python allows.
        """
        with self._lock:
            if self._conn is not None and self._ready:
                self._sign_on_close()
            self._ready = False
            conn, self._conn = self._conn, None
            if conn is not None:
                try:
                    conn.close()
                except sqlcipher3.Error:
                    log.warning("closing case %s failed", self.case_id, exc_info=True)
            if self._key is not None:
                _wipe(self._key)
                self._key = None

    def _sign_on_close(self) -> None:
        try:
            with self._db() as conn:
                if heads.unsigned_events(conn) == 0:
                    return
            with self._write() as conn:
                heads.sign_now(conn, self.case_id, self._actor, REASON_LOCKED)
        except (CaseError, sqlcipher3.Error, OSError) as exc:
            # Closing must still drop the key; the events stay covered by the chain.
            log.warning(
                "the audit head of case %s was not signed on close: %s",
                self.case_id,
                type(exc).__name__,
            )

    @property
    def closed(self) -> bool:
        """True once close() ran."""
        return self._conn is None

    def __enter__(self) -> Case:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _db(self) -> Iterator[Connection]:
        with self._lock:
            if self._conn is None:
                raise CaseError(CLOSED_MESSAGE)
            with translate_errors(self._db_path):
                yield self._conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; signs the head when due, publishes a new head after COMMIT.

        keyslot.json gets the head only after the database has it, so a crash in
        between leaves an older head there, never one the database lacks.
        """
        with self._db() as conn:
            with transaction(conn):
                yield conn
                if heads.due(conn):
                    heads.sign_now(conn, self.case_id, self._actor, REASON_AUTO)
                newest = heads.latest(conn)
            if newest is not None and newest.seq > self._published_seq:
                self._publish(conn, newest)

    def _publish(self, conn: Connection, head: SignedHead) -> None:
        self._published_seq = head.seq
        try:
            with transaction(conn):  # the write lock serialises keyslot.json writers
                keyfile.publish_head(self._slot_path, conn, head, heads.public_key(conn))
        except (CaseError, OSError) as exc:
            # The head is in the database; keyslot.json keeps an older one meanwhile.
            log.warning("keyslot.json was not given the new signed head: %s", type(exc).__name__)

    def _require_key(self) -> bytearray:
        if self._key is None or self._conn is None:
            raise CaseError(CLOSED_MESSAGE)
        return self._key

    # -- case metadata ----------------------------------------------------------------

    def info(self) -> dict[str, str]:
        """The case_info table (case_id, reference, officer, created_utc, ...)."""
        with self._db() as conn:
            rows = conn.execute("SELECT key, value FROM case_info ORDER BY key").fetchall()
        return {str(key): str(value) for key, value in rows}

    def metadata(self) -> CaseMetadata:
        """Reference, requesting unit, legal basis, officer, commodity, status, times."""
        with self._db() as conn:
            return metadata.load(conn)

    def update_metadata(self, **changes: Any) -> CaseMetadata:
        """Change some of reference, requesting_unit, legal_basis, officer, commodity, status.

        Audited with old and new values. Setting status to closed stamps
        closed_utc and signs the audit head; reopening clears closed_utc.
        """
        metadata.validated(changes)  # refuse bad input before taking the write lock
        with self._write() as conn:
            after, changed = metadata.update(conn, self._actor, changes)
            if changed:
                fts.index(conn, fts.CASE, 0, metadata.search_text(after))
            if changed and "status" in changes and after.status == CaseStatus.CLOSED:
                heads.sign_now(conn, self.case_id, self._actor, REASON_STATUS_CLOSED)
            return after

    def counts(self) -> dict[str, int]:
        """How many personas, contact entries, evidence items, notes and audit events."""
        tables = {
            "personas": "persona",
            "contacts": "contact",
            "evidence_items": "evidence_item",
            "notes": "note",
            "audit_events": "audit_event",
            "signed_heads": "signed_head",
        }
        with self._db() as conn:
            return {
                name: scalar_int(conn, f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                for name, table in tables.items()
            }

    # -- personas ---------------------------------------------------------------------

    def add_persona(
        self,
        alias: str,
        *,
        accounts: Iterable[PersonaAccount | tuple[str, str]] = (),
        email: str = "",
        phone: str = "",
        notes: str = "",
    ) -> Persona:
        """Add an undercover identity; the alias must be new to this case."""
        fields = {"accounts": accounts, "email": email, "phone": phone, "notes": notes}
        with self._write() as conn:
            return personas.add(conn, self._actor, alias, fields)

    def personas(self, include_retired: bool = False) -> list[Persona]:
        """The personas by alias (retired ones only when asked)."""
        with self._db() as conn:
            return personas.list_all(conn, include_retired=include_retired)

    def persona(self, alias: str) -> Persona:
        """The persona called alias (InputError if there is none)."""
        with self._db() as conn:
            return personas.get(conn, alias)

    def update_persona(self, alias: str, /, **changes: Any) -> Persona:
        """Change accounts, email, phone or notes (the alias itself cannot change)."""
        with self._write() as conn:
            return personas.update(conn, self._actor, alias, changes)

    def retire_persona(self, alias: str) -> Persona:
        """Retire the persona: it stays in the record, listed only with include_retired."""
        with self._write() as conn:
            return personas.retire(conn, self._actor, alias)

    def save_persona_state(self, alias: str, state: bytes) -> None:
        """Keep the persona's browser state (opaque bytes; the latest save wins)."""
        with self._write() as conn:
            personas.save_state(conn, self._actor, alias, state)

    def load_persona_state(self, alias: str) -> bytes | None:
        """The persona's last saved browser state, or None."""
        with self._db() as conn:
            return personas.load_state(conn, alias)

    # -- the contact log --------------------------------------------------------------

    def add_contact(self, draft: ContactDraft) -> ContactEntry:
        """Log a contact (InputError, naming the field, when something is not valid)."""
        checked = contacts.check_draft(draft)
        with self._write() as conn:
            batch = contacts.Batch(conn, self._actor)
            entry = batch.add(checked)
            batch.finish()
            return entry

    def add_contacts(self, drafts: Sequence[ContactDraft]) -> list[ContactEntry]:
        """Log many contacts in one transaction and one audit event: all, or (on error) none."""
        checked = [_numbered(n, contacts.check_draft, draft) for n, draft in enumerate(drafts)]
        with self._write() as conn:
            batch = contacts.Batch(conn, self._actor)
            entries = [_numbered(n, batch.add, draft) for n, draft in enumerate(checked)]
            batch.finish()
            return entries

    def contacts(
        self,
        *,
        persona: str | None = None,
        counterpart: str | None = None,
        since: str | None = None,
        until: str | None = None,
        include_superseded: bool = True,
    ) -> list[ContactEntry]:
        """Entries by time of contact, filtered.

        ``counterpart`` matches part of any counterpart's value (case-insensitive
        for ASCII letters); ``since``/``until`` are UTC times or dates (a date
        as ``until`` includes that whole day).
        """
        with self._db() as conn:
            filters = contacts.Filters(
                persona_id=personas.get(conn, persona).id if persona is not None else None,
                counterpart=(counterpart or "").strip() or None,
                since=_time_filter(since, "since"),
                until=_time_filter(until, "until"),
                include_superseded=include_superseded,
            )
            return contacts.list_entries(conn, filters)

    def contact(self, entry_id: int) -> ContactEntry:
        """One entry by id (InputError if there is none)."""
        with self._db() as conn:
            return contacts.get(conn, entry_id)

    def attachment(self, sha256: str) -> bytes:
        """An attachment's bytes, checked against its SHA-256."""
        with self._db() as conn:
            return contacts.attachment(conn, sha256, str(self.path))

    # -- notes and search -------------------------------------------------------------

    def add_note(self, text: str, *, subject: str = "") -> Note:
        """Add a searchable note (append-only)."""
        with self._write() as conn:
            return notes.add(conn, self._actor, text, subject)

    def notes(self) -> list[Note]:
        with self._db() as conn:
            return notes.list_all(conn)

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search: words, "phrases", prefix*, -excluded, OR. Best first."""
        with self._db() as conn:
            return fts.search(conn, query, limit)

    # -- evidence ---------------------------------------------------------------------

    def add_evidence(
        self,
        control_number: str,
        manifest: bytes,
        artifacts: Sequence[ArtifactData],
        *,
        details: Mapping[str, JsonValue] | None = None,
    ) -> int:
        """Seal an evidence item: item, artifacts and audit event in ONE transaction.

        Returns the item id. Nothing is stored if any part fails.
        """
        evidence_store.check(control_number, manifest, artifacts)
        extra = dict(details or {})
        canonjson.dumps(extra)  # refuse floats and non-JSON values before touching the DB
        hashed = [(artifact, hashlib.sha256(artifact.data).hexdigest()) for artifact in artifacts]
        with self._db() as conn:
            try:
                with self._write():
                    return evidence_store.insert(
                        conn,
                        self._actor,
                        control_number=control_number,
                        manifest=manifest,
                        hashed=hashed,
                        extra=extra,
                    )
            except sqlcipher3.IntegrityError as exc:
                raise evidence_store.refused(conn, control_number, exc) from exc

    def add_timestamp(
        self, item_id: int, tsa_url: str, reply: bytes, gen_time_utc: str
    ) -> timestamps.StoredTimestamp:
        """Keep a granted RFC 3161 reply for an exhibit; it leaves the queue."""
        with self._write() as conn:
            return timestamps.record(
                conn,
                self._actor,
                item_id=item_id,
                tsa_url=tsa_url,
                reply=reply,
                gen_time_utc=gen_time_utc,
            )

    def queue_timestamp(self, item_id: int, tsa_url: str, error: str) -> None:
        """The authority could not be reached: ask again later (counts the attempts)."""
        with self._write() as conn:
            timestamps.enqueue(conn, self._actor, item_id, tsa_url, error)

    def pending_timestamps(self) -> list[timestamps.PendingTimestamp]:
        with self._db() as conn:
            return timestamps.pending(conn)

    def timestamps(self, item_id: int) -> list[timestamps.StoredTimestamp]:
        with self._db() as conn:
            return timestamps.of_item(conn, item_id)

    # -- lookups kept as evidence -----------------------------------------------------

    def save_lookup(self, result: LookupResult) -> SavedLookup:
        """Keep a lookup result (record, raw exchanges, audit event) in one transaction."""
        with self._write() as conn:
            return saved_lookups.save(conn, self._actor, result)

    def lookups(self, kind: str | None = None, target: str | None = None) -> list[SavedLookup]:
        """Saved lookups, oldest first, optionally of one kind and target (without the bytes)."""
        with self._db() as conn:
            return saved_lookups.list_saved(conn, kind, target)

    def lookup(self, lookup_id: int) -> SavedLookup:
        """One saved lookup with its raw exchanges (InputError if there is none)."""
        with self._db() as conn:
            return saved_lookups.get(conn, lookup_id)

    def previous_lookup(
        self, kind: str, target: str, before_id: int | None = None
    ) -> SavedLookup | None:
        """The latest saved run of the same kind and target, before ``before_id`` if given."""
        with self._db() as conn:
            return saved_lookups.previous(conn, kind, target, before_id)

    def evidence_items(self) -> list[EvidenceRecord]:
        """Every sealed item, oldest first."""
        with self._db() as conn:
            rows = conn.execute(
                "SELECT id, control_number, manifest, created_utc FROM evidence_item ORDER BY id"
            ).fetchall()
        return [EvidenceRecord(int(i), str(c), bytes(m), str(u)) for i, c, m, u in rows]

    def artifacts(self, item_id: int) -> list[StoredArtifact]:
        """The artifacts of one item in the order they were sealed, each re-hashed on read.

        Raises KeyError for an unknown item and CaseCorrupt if an artifact no
        longer matches its recorded SHA-256.
        """
        with self._db() as conn:
            if (
                conn.execute("SELECT 1 FROM evidence_item WHERE id = ?", (item_id,)).fetchone()
                is None
            ):
                raise KeyError(item_id)
            rows = conn.execute(
                # Sorting only the rowids: ORDER BY on the rows themselves would copy
                # every blob through a temporary B-tree (half the read speed).
                "SELECT name, media_type, sha256, data FROM artifact WHERE rowid IN "
                "(SELECT rowid FROM artifact WHERE item_id = ?) ORDER BY rowid",
                (item_id,),
            ).fetchall()
        stored = [StoredArtifact(str(n), str(t), str(s), bytes(d)) for n, t, s, d in rows]
        for artifact in stored:
            if hashlib.sha256(artifact.data).hexdigest() != artifact.sha256:
                raise CaseCorrupt(
                    self._corrupt(f"artifact {artifact.name!r} of item {item_id} was altered")
                )
        return stored

    # -- the audit log and signed heads -----------------------------------------------

    def append_audit(
        self, action: str, details: Mapping[str, JsonValue] | None = None
    ) -> AuditEvent:
        """Record an action (e.g. "lookup.whois") in the audit log."""
        with self._write() as conn:
            return audit.append(conn, action, self._actor, details)

    def audit_events(self) -> list[AuditEvent]:
        """The whole audit log in order."""
        with self._db() as conn:
            return audit.load(conn)

    def sign_head(self, reason: str) -> SignedHead:
        """Sign the head of the audit log now (e.g. before an export)."""
        why = validate.line(reason, "The reason for signing", max_chars=keyslot.MAX_REASON_CHARS)
        with self._write() as conn:
            return heads.sign_now(conn, self.case_id, self._actor, why)

    def signed_heads(self) -> list[SignedHead]:
        """Every signed head in the database, oldest first."""
        with self._db() as conn:
            return heads.load_all(conn)

    def public_key_hex(self) -> str:
        """The case's Ed25519 public key (hex), which verifies its signed heads."""
        with self._db() as conn:
            key = heads.public_key(conn)
        if key is None:
            raise CaseCorrupt(self._corrupt("it has no signing key"))
        return key.hex()

    def verify_audit(self) -> ChainReport:
        """Verify the audit log: chain, start, signed heads, and contact entries against it.

        Reports the first problem: a broken chain (naming the first bad event),
        a log that does not start with this case's creation, a signed head that
        does not verify or that the log no longer reaches (truncation, caught
        through the head kept in keyslot.json), or a contact entry that differs
        from what its audit event recorded.
        """
        with self._db() as conn:
            events = audit.load(conn)
            head_list = heads.load_all(conn)
            key = heads.public_key(conn)
            entries = contacts.list_entries(conn)
        try:
            slot_head = keyslot.read(self._slot_path).head
        except (CaseError, OSError) as exc:
            return verification.unreadable_slot(events, str(exc))
        return verification.verify(self.case_id, events, head_list, key, slot_head, entries)

    def check_integrity(self) -> list[str]:
        """Read every page (HMAC check) and check the database structure.

        Slower than open (it reads the whole file); returns the problems found,
        an empty list when the case is sound.
        """
        with self._db() as conn:
            rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            if rows:
                # A page failed its HMAC; SQLCipher refuses further reads on this connection.
                return [str(row[0]) for row in rows]
            rows = conn.execute("PRAGMA quick_check").fetchall()
        return [str(row[0]) for row in rows if row[0] != "ok"]

    # -- keys -------------------------------------------------------------------------

    def change_passphrase(
        self, old: str, new: str, *, kdf: KdfParams | None = None, allow_weak_kdf: bool = False
    ) -> None:
        """Re-wrap the data key under a new passphrase (new salt); the database stays as is.

        ``kdf`` raises the Argon2id cost (default: the current parameters).
        WrongPassphrase when ``old`` is wrong; then nothing changes.
        """
        if not new:
            raise InputError("The new passphrase must not be empty.")
        if kdf is not None:
            _check_kdf(kdf, allow_weak_kdf)
        with self._lock:
            key = self._require_key()
            slot = layout.read_slot(self._slot_path)
            unlocked = keyslot.unlock(slot, old)
            same = hmac.compare_digest(bytes(unlocked), bytes(key))
            _wipe(unlocked)
            if not same:
                raise CaseCorrupt(self._corrupt("keyslot.json does not belong to this database"))
            new_params = kdf or slot.kdf
            entry = keyslot.wrap_passphrase(key, new, new_params, self.case_id)
            with self._write() as conn:
                audit.append(
                    conn, "case.passphrase_changed", self._actor, {"kdf": _kdf_json(new_params)}
                )
                keyfile.replace_passphrase(self._slot_path, slot.passphrase, entry)
        log.info("passphrase of case %s changed", self.case_id)

    def remember_on_this_pc(self) -> bool:
        """Let this PC's keyring open the case without the passphrase.

        Returns False (logged) when no usable keyring is there; the passphrase
        keeps working either way.
        """
        token = bytearray(secrets.token_bytes(keyslot.TOKEN_BYTES))
        try:
            with self._lock:
                entry = keyslot.wrap_token(self._require_key(), bytes(token), self.case_id)
                if not remember.store_token(self.case_id, bytes(token)):
                    return False
                try:
                    with self._write() as conn:
                        audit.append(conn, "case.remembered", self._actor, {})
                        keyfile.set_remembered(self._slot_path, entry)
                except BaseException:
                    remember.delete_token(self.case_id)
                    raise
        finally:
            _wipe(token)
        return True

    def forget_on_this_pc(self) -> None:
        """Remove the keyring slot and this PC's keyring entry; only the passphrase opens it."""
        with self._write() as conn:
            if keyslot.read(self._slot_path).remembered is not None:
                audit.append(conn, "case.forgotten", self._actor, {})
                keyfile.set_remembered(self._slot_path, None)
        remember.delete_token(self.case_id)

    # -- importing a transfer (casefile/importing/ holds the SQL) ---------------------

    def run_import(self, apply: Callable[[Connection, str], None]) -> None:
        """Run ``apply(connection, actor)`` in ONE write transaction: all of it, or nothing.

        For casefile/importing/, which inserts records with their original times
        and audits each; a head is signed when due, as after any write.
        """
        with self._write() as conn:
            apply(conn, self._actor)


# -- helpers ------------------------------------------------------------------------------


def _numbered(index: int, function: Any, *args: Any) -> Any:
    """Call function; an InputError names the batch entry it came from."""
    try:
        return function(*args)
    except InputError as exc:
        raise InputError(f"Entry {index + 1} of the batch: {exc} Nothing was logged.") from exc


def _time_filter(value: str | None, which: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    label = "The 'since' time" if which == "since" else "The 'until' time"
    return validate.utc_time(value, label, end_of_day=which == "until", allow_future=True)


def _actor(officer: str) -> str:
    return officer.strip() or UNKNOWN_ACTOR


def _kdf_json(kdf: KdfParams) -> dict[str, JsonValue]:
    return {
        "name": keyslot.KDF_NAME,
        "time_cost": kdf.time_cost,
        "memory_kib": kdf.memory_kib,
        "parallelism": kdf.parallelism,
    }


def _check_kdf(kdf: KdfParams, allow_weak: bool) -> None:
    if not allow_weak:
        kdf.check_floor()
        return
    problem = kdf.limit_problem()
    if problem is not None:
        raise InputError(f"The key-derivation settings are not valid: {problem}.")


def _connect_or_wipe(db_path: Path, key: bytearray) -> Connection:
    try:
        return connect(db_path, key)
    except BaseException:
        _wipe(key)
        raise


def _wipe(key: bytearray) -> None:
    # Best effort: Python and SQLCipher may hold other copies, but not through us.
    key[:] = bytes(len(key))
