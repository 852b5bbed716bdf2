"""The Case object: one open, encrypted case directory.

Layout of a case directory (0700)::

    keyslot.json   the data key wrapped under the passphrase (see keyslot.py)
    case.db        SQLCipher 4 database keyed with the data key (see store.py)

keyslot.json is written last when a case is created, so a folder without it is
never a half-made case that opens. Every public method takes the case's RLock:
the GUI calls in from worker threads, one at a time, on one connection.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from threading import RLock
from types import TracebackType

import sqlcipher3

from workstation import __version__, canonjson
from workstation.canonjson import JsonValue
from workstation.casefile import audit, keyslot, migrations
from workstation.casefile.audit import AuditEvent, ChainProblem, ChainReport
from workstation.casefile.keyslot import KdfParams
from workstation.casefile.store import DB_NAME, Connection, connect, transaction, translate_errors
from workstation.errors import CaseCorrupt, CaseError, CaseExists, CaseNotFound, InputError
from workstation.paths import ensure_private_dir

log = logging.getLogger(__name__)

KEYSLOT_NAME = "keyslot.json"
JOURNAL_NAME = DB_NAME + "-journal"
CLOCK_SOURCE = "system clock (UTC)"
UNKNOWN_ACTOR = "unspecified"


@dataclass(frozen=True)
class ArtifactData:
    """An artifact to seal: a name unique within its item, a media type and the bytes."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class EvidenceRecord:
    """A sealed evidence item as stored."""

    id: int
    control_number: str
    manifest: bytes
    created_utc: str


@dataclass(frozen=True)
class StoredArtifact:
    """A sealed artifact as stored; sha256 was computed when it was sealed."""

    name: str
    media_type: str
    sha256: str
    data: bytes


class Case:
    """An open case. Make one with Case.create or Case.open; close it when done."""

    path: Path
    case_id: str

    def __init__(
        self, *, path: Path, case_id: str, conn: Connection, key: bytearray, actor: str
    ) -> None:
        self.path = path
        self.case_id = case_id
        self._db_path = path / DB_NAME
        self._conn: Connection | None = conn
        self._key: bytearray | None = key
        self._actor = actor
        self._lock = RLock()

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

        ``kdf`` defaults to the RFC 9106 floor; weaker values are refused unless
        ``allow_weak_kdf`` is True, which exists for tests only.
        """
        path = Path(path)  # tolerate str from callers that skip the type hint
        kdf = kdf or KdfParams()
        _check_kdf(kdf, allow_weak_kdf)
        if not passphrase:
            raise InputError("The passphrase must not be empty.")
        created_dir = _claim_directory(path)
        _claim_db_file(path, created_dir)
        try:
            return cls._build(path, passphrase, title, _actor(officer), kdf)
        except BaseException as exc:
            _remove_partial(path, created_dir, db_path_created=True)
            if isinstance(exc, OSError):
                raise CaseError(
                    f"The case could not be created at {path}: {exc.strerror}."
                ) from exc
            raise

    @classmethod
    def _build(cls, path: Path, passphrase: str, title: str, actor: str, kdf: KdfParams) -> Case:
        slot, key = keyslot.new_keyslot(passphrase, kdf)
        conn = _connect_or_wipe(path / DB_NAME, key)
        case = cls(path=path, case_id=slot.case_id, conn=conn, key=key, actor=actor)
        try:
            case._initialise(title, kdf)
            keyslot.write_atomic(path / KEYSLOT_NAME, slot)
        except BaseException:
            case.close()
            raise
        log.info("created case %s", case.case_id)
        return case

    def _initialise(self, title: str, kdf: KdfParams) -> None:
        with self._db() as conn:
            migrations.migrate(conn, self._db_path)
            info = {
                "case_id": self.case_id,
                "title": title,
                "officer": "" if self._actor == UNKNOWN_ACTOR else self._actor,
                "created_utc": audit.utc_now(),
                "created_by": f"Investigator Workstation {__version__}",
                "clock_source": CLOCK_SOURCE,
            }
            with transaction(conn):
                for key, value in info.items():
                    conn.execute("INSERT INTO case_info (key, value) VALUES (?, ?)", (key, value))
                audit.append(
                    conn,
                    "case.created",
                    self._actor,
                    {
                        "case_id": self.case_id,
                        "title": title,
                        "workstation_version": __version__,
                        "clock_source": CLOCK_SOURCE,
                        "kdf": {
                            "name": keyslot.KDF_NAME,
                            "time_cost": kdf.time_cost,
                            "memory_kib": kdf.memory_kib,
                            "parallelism": kdf.parallelism,
                        },
                    },
                )

    @classmethod
    def open(cls, path: Path, passphrase: str, *, officer: str = "") -> Case:
        """Open an existing case. A failed open changes nothing on disk."""
        path = Path(path)
        slot_path, db_path = _locate(path)
        slot = _read_slot(slot_path)
        key = keyslot.unlock(slot, passphrase)
        conn = _connect_or_wipe(db_path, key)
        case = cls(path=path, case_id=slot.case_id, conn=conn, key=key, actor=_actor(officer))
        try:
            case._check_and_upgrade()
        except BaseException:
            case.close()
            raise
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
            with transaction(conn):
                audit.append(
                    conn,
                    "case.opened",
                    self._actor,
                    {
                        "workstation_version": __version__,
                        "schema_version": migrations.schema_version(conn),
                        "migrations_applied": list(applied),
                        "clock_source": CLOCK_SOURCE,
                    },
                )

    def _corrupt(self, why: str) -> str:
        return f"The case file at {self.path} is damaged or is not a case file: {why}."

    # -- closing ----------------------------------------------------------------------

    def close(self) -> None:
        """Close the database and drop the key. Safe to call more than once."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                try:
                    conn.close()
                except sqlcipher3.Error:
                    log.warning("closing case %s failed", self.case_id, exc_info=True)
            if self._key is not None:
                _wipe(self._key)
                self._key = None

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
                raise CaseError("This case has been closed; open it again to continue.")
            with translate_errors(self._db_path):
                yield self._conn

    # -- reading and writing ----------------------------------------------------------

    def info(self) -> dict[str, str]:
        """The case_info table (case_id, title, officer, created_utc, ...)."""
        with self._db() as conn:
            rows = conn.execute("SELECT key, value FROM case_info ORDER BY key").fetchall()
        return {str(key): str(value) for key, value in rows}

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
        _check_evidence(control_number, manifest, artifacts)
        extra = dict(details or {})
        canonjson.dumps(extra)  # refuse floats and non-JSON values before touching the DB
        hashed = [(artifact, hashlib.sha256(artifact.data).hexdigest()) for artifact in artifacts]
        with self._db() as conn:
            try:
                with transaction(conn):
                    return self._insert_evidence(conn, control_number, manifest, hashed, extra)
            except sqlcipher3.IntegrityError as exc:
                raise self._evidence_refused(conn, control_number, exc) from exc

    def _insert_evidence(
        self,
        conn: Connection,
        control_number: str,
        manifest: bytes,
        hashed: list[tuple[ArtifactData, str]],
        extra: dict[str, JsonValue],
    ) -> int:
        cursor = conn.execute(
            "INSERT INTO evidence_item (control_number, manifest, created_utc) VALUES (?, ?, ?)",
            (control_number, bytes(manifest), audit.utc_now()),
        )
        item_id = cursor.lastrowid
        if item_id is None:
            raise CaseError("The evidence item could not be stored.")
        for artifact, digest in hashed:
            conn.execute(
                "INSERT INTO artifact (item_id, name, media_type, sha256, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (item_id, artifact.name, artifact.media_type, digest, bytes(artifact.data)),
            )
        event: dict[str, JsonValue] = {
            "control_number": control_number,
            "item_id": item_id,
            "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
            "artifacts": [
                {"name": a.name, "media_type": a.media_type, "sha256": d, "size": len(a.data)}
                for a, d in hashed
            ],
        }
        if extra:
            event["context"] = extra
        audit.append(conn, "evidence.sealed", self._actor, event)
        return item_id

    def _evidence_refused(self, conn: Connection, control_number: str, exc: Exception) -> CaseError:
        row = conn.execute(
            "SELECT 1 FROM evidence_item WHERE control_number = ?", (control_number,)
        ).fetchone()
        if row is not None:
            return CaseError(
                f"Evidence with control number {control_number} is already in this case; "
                "nothing was added."
            )
        return CaseError(f"The evidence item could not be stored, nothing was added: {exc}.")

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
                "SELECT name, media_type, sha256, data FROM artifact "
                "WHERE item_id = ? ORDER BY rowid",
                (item_id,),
            ).fetchall()
        stored = [StoredArtifact(str(n), str(t), str(s), bytes(d)) for n, t, s, d in rows]
        for artifact in stored:
            if hashlib.sha256(artifact.data).hexdigest() != artifact.sha256:
                raise CaseCorrupt(
                    self._corrupt(f"artifact {artifact.name!r} of item {item_id} was altered")
                )
        return stored

    def append_audit(
        self, action: str, details: Mapping[str, JsonValue] | None = None
    ) -> AuditEvent:
        """Record an action (e.g. "lookup.whois") in the audit log."""
        with self._db() as conn, transaction(conn):
            return audit.append(conn, action, self._actor, details)

    def audit_events(self) -> list[AuditEvent]:
        """The whole audit log in order."""
        with self._db() as conn:
            return audit.load(conn)

    def verify_audit(self) -> ChainReport:
        """Verify the audit chain, and that it starts with this case's case.created event.

        The second check catches a log that was emptied (or cut from the start)
        and then continued: the chain alone would look valid.
        """
        events = self.audit_events()
        report = audit.verify_chain(events)
        if report.ok and not _starts_with_creation(events, self.case_id):
            return ChainReport(
                ok=False,
                events_checked=0,
                head_hash=None,
                first_bad_seq=events[0].seq if events else None,
                problem=ChainProblem.MISSING_START,
                message=(
                    "The audit log does not start with the creation of this case; "
                    "its first events were removed."
                ),
            )
        return report

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


# -- helpers ------------------------------------------------------------------------------


def _starts_with_creation(events: Sequence[AuditEvent], case_id: str) -> bool:
    if not events or events[0].action != "case.created":
        return False
    return events[0].details.get("case_id") == case_id


def _actor(officer: str) -> str:
    return officer.strip() or UNKNOWN_ACTOR


def _check_kdf(kdf: KdfParams, allow_weak: bool) -> None:
    if not allow_weak:
        kdf.check_floor()
        return
    problem = kdf.limit_problem()
    if problem is not None:
        raise InputError(f"The key-derivation settings are not valid: {problem}.")


def _exists_message(path: Path) -> str:
    return (
        f"Something already exists at {path}; a new case needs a new or empty folder. "
        "Choose another place."
    )


def _claim_directory(path: Path) -> bool:
    """Make sure path is a new or empty private folder; True if we created it."""
    try:
        if path.exists() or path.is_symlink():
            if not path.is_dir() or any(path.iterdir()):
                raise CaseExists(_exists_message(path))
            ensure_private_dir(path)
            return False
        ensure_private_dir(path)
    except OSError as exc:
        raise CaseError(f"The case could not be created at {path}: {exc.strerror}.") from exc
    return True


def _claim_db_file(path: Path, created_dir: bool) -> None:
    """Create case.db empty and 0600 before SQLite writes a byte (its journal inherits the mode)."""
    try:
        fd = os.open(path / DB_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CaseExists(_exists_message(path)) from None  # lost a race: not ours to remove
    except OSError as exc:
        _remove_partial(path, created_dir, db_path_created=False)
        raise CaseError(f"The case could not be created at {path}: {exc.strerror}.") from exc
    os.close(fd)


def _connect_or_wipe(db_path: Path, key: bytearray) -> Connection:
    try:
        return connect(db_path, key)
    except BaseException:
        _wipe(key)
        raise


def _wipe(key: bytearray) -> None:
    # Best effort: Python and SQLCipher may hold other copies, but not through us.
    key[:] = bytes(len(key))


def _remove_partial(path: Path, created_dir: bool, *, db_path_created: bool) -> None:
    """Remove what a failed create made, and nothing else."""
    names = [KEYSLOT_NAME, JOURNAL_NAME] + ([DB_NAME] if db_path_created else [])
    for name in names:
        with suppress(OSError):
            (path / name).unlink(missing_ok=True)
    if created_dir:
        with suppress(OSError):
            path.rmdir()


def _locate(path: Path) -> tuple[Path, Path]:
    """The key slot and database paths, or CaseNotFound / CaseCorrupt."""
    if not path.exists():
        raise CaseNotFound(f"There is no case at {path}.")
    if not path.is_dir():
        raise CaseNotFound(
            f"{path} is a file, not a case folder. Choose the folder that holds "
            f"{KEYSLOT_NAME} and {DB_NAME}."
        )
    slot_path, db_path = path / KEYSLOT_NAME, path / DB_NAME
    if not slot_path.exists():
        raise CaseNotFound(f"The folder {path} is not a case: it has no {KEYSLOT_NAME}.")
    why = f"{KEYSLOT_NAME} is not a file" if not slot_path.is_file() else _db_file_problem(db_path)
    if why is not None:
        raise CaseCorrupt(f"The case file at {path} is damaged or is not a case file: {why}.")
    return slot_path, db_path


def _db_file_problem(db_path: Path) -> str | None:
    if not db_path.is_file():
        return f"its database ({DB_NAME}) is missing"
    if db_path.stat().st_size == 0:
        # SQLite would take an empty file for a new, empty database.
        return f"its database ({DB_NAME}) is empty"
    return None


def _read_slot(slot_path: Path) -> keyslot.KeySlot:
    try:
        return keyslot.read(slot_path)
    except OSError as exc:
        raise CaseError(
            f"The case key slot at {slot_path} cannot be read: {exc.strerror}."
        ) from exc


def _check_evidence(
    control_number: str, manifest: bytes, artifacts: Sequence[ArtifactData]
) -> None:
    """Refuse malformed input before the transaction (these are caller bugs)."""
    if not isinstance(control_number, str) or not control_number:
        raise ValueError("control_number must be a non-empty string")
    if not isinstance(manifest, bytes | bytearray | memoryview):
        raise TypeError("manifest must be bytes")
    names: set[str] = set()
    for artifact in artifacts:
        if not isinstance(artifact, ArtifactData):
            raise TypeError("artifacts must be ArtifactData")
        if not artifact.name or not artifact.media_type:
            raise ValueError("every artifact needs a name and a media type")
        if artifact.name in names:
            raise ValueError(f"artifact name {artifact.name!r} is used twice")
        if not isinstance(artifact.data, bytes | bytearray | memoryview):
            raise TypeError(f"artifact {artifact.name!r} data must be bytes")
        names.add(artifact.name)
