"""Low-level access to the encrypted case database (SQLCipher 4 through sqlcipher3).

Connection settings and why:

- ``PRAGMA key = "x'<hex>'"`` first: a raw 256-bit key, so SQLCipher runs no KDF
  of its own (Argon2id already ran when the key slot was unlocked).
- ``cipher_compatibility = 4`` pins the on-disk format, so a later SQLCipher with
  other defaults still reads the case.
- ``cipher_memory_security`` stays OFF (SQLCipher's default since 4.5; it still
  wipes its own key material). ON wipes every block SQLite frees, which made
  inserts 3-5x and searches 5-10x slower (bench/casefile.py), while the
  plaintext it guards is also in the Python objects the workstation works with,
  unwiped: it bought little. Swap is the real risk to plaintext in memory;
  that is the OS's job (encrypted or no swap, see ARCHITECTURE.md).
- ``temp_store = MEMORY``: temporary tables, indices, statement journals and
  sort spills stay in RAM instead of plaintext temp files.
- ``journal_mode = DELETE`` (rollback journal): SQLCipher writes the journal
  with the same encrypted pages as the database, and the journal is deleted at
  every commit, so a closed case is exactly two files (keyslot.json, case.db).
  WAL would also be encrypted but keeps a -wal and an unencrypted -shm index
  file beside the database while open, and brings concurrency we do not need.
- ``synchronous = FULL``: a commit is on the disk when it returns; evidence and
  audit events must survive a power cut.
- ``foreign_keys = ON``: artifacts must belong to an item.
- ``cache_size = -65536`` (64 MiB): decrypted pages stay in SQLite's cache; a
  page read again from the OS is decrypted and HMAC-checked again, which is
  where SQLCipher's cost over plain SQLite lies (bench/casefile.py).

The connection runs in autocommit mode (``isolation_level=None``); transactions
are explicit (``transaction()``), so nothing commits behind our back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import sqlcipher3

from workstation.errors import CaseCorrupt, CaseError

log = logging.getLogger(__name__)

DB_NAME = "case.db"
CACHE_SIZE = -65536  # negative: KiB, so 64 MiB of decrypted pages


class Cursor(Protocol):
    """The part of a DB-API cursor we use."""

    @property
    def lastrowid(self) -> int | None: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Connection(Protocol):
    """The part of a sqlcipher3 connection we use."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def commit(self) -> None: ...  # only useful to raw (test) connections; we BEGIN/COMMIT

    def close(self) -> None: ...


def connect(db_path: Path, key: bytes | bytearray, *, create: bool = False) -> Connection:
    """Open (or, with create, make) the database and key it.

    Without create the file must exist: SQLite would otherwise make an empty
    one, and a failed open must not leave anything behind. Raises CaseCorrupt
    when the file cannot be decrypted (damaged, truncated, not a case).
    """
    mode = "rwc" if create else "rw"
    uri = f"{db_path.absolute().as_uri()}?mode={mode}"
    with translate_errors(db_path):
        conn: Connection = sqlcipher3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False
        )
    try:
        with translate_errors(db_path):
            _configure(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def _configure(conn: Connection, key: bytes | bytearray) -> None:
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA cipher_compatibility = 4")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
    # The first read decrypts page 1: a bad HMAC or a non-database raises here,
    # before any pragma that might write.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    conn.execute("PRAGMA synchronous = FULL")


@contextmanager
def translate_errors(db_path: Path) -> Iterator[None]:
    """Turn database errors into CaseError with an officer-readable message.

    IntegrityError (constraints, the immutability triggers) and programming
    errors pass through: callers handle the first, the second is a bug.
    MemoryError becomes CaseCorrupt (see below).
    """
    try:
        yield
    except (sqlcipher3.IntegrityError, sqlcipher3.ProgrammingError, sqlcipher3.InterfaceError):
        raise
    except sqlcipher3.DatabaseError as exc:
        raise classify(exc, db_path) from exc
    except MemoryError as exc:
        # SQLite's pager turns a page the codec cannot decrypt into SQLITE_NOMEM, and
        # SQLCipher then keeps failing that connection the same way; sqlcipher3 maps
        # SQLITE_NOMEM to MemoryError. Real exhaustion is far rarer than this.
        raise CaseCorrupt(
            f"The case file at {db_path} is damaged or is not a case file: "
            "part of it could not be decrypted."
        ) from exc


def classify(exc: Exception, db_path: Path) -> CaseError:
    """The CaseError that tells the officer what a database error means."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "not a database" in text:
        return CaseCorrupt(f"The case file at {db_path} is damaged or is not a case file: {text}.")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return CaseError(
            f"The case at {db_path} is busy in another program or window; "
            "close it there and try again."
        )
    if name.startswith("SQLITE_FULL"):
        return CaseError(
            f"The disk holding the case at {db_path} is full; the last change was not saved. "
            "Free some space and try again."
        )
    if name.startswith("SQLITE_READONLY"):
        return CaseError(f"The case at {db_path} is read-only; nothing can be saved to it.")
    return CaseError(f"The case file at {db_path} could not be read or written: {text}.")


@contextmanager
def transaction(conn: Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception.

    IMMEDIATE takes the write lock at the start, so reading the audit head and
    appending to it cannot interleave with another writer.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        rollback_quietly(conn)
        raise


def rollback_quietly(conn: Connection) -> None:
    """Roll back if a transaction is open; SQLite may already have rolled back itself."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlcipher3.Error:
        log.warning("rolling back a case transaction failed", exc_info=True)


def scalar_int(conn: Connection, sql: str, parameters: Sequence[Any] = ()) -> int:
    """The single integer a query returns."""
    row = conn.execute(sql, parameters).fetchone()
    if row is None:
        raise LookupError(sql)
    return int(row[0])
