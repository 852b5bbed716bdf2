"""The case folder on disk: claiming a new one, finding the files of an existing one.

A case is a folder (0700) holding keyslot.json and case.db (both 0600).
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from workstation.casefile import keyslot
from workstation.casefile.store import DB_NAME
from workstation.errors import CaseCorrupt, CaseError, CaseExists, CaseNotFound
from workstation.paths import ensure_private_dir

KEYSLOT_NAME = "keyslot.json"
JOURNAL_NAME = DB_NAME + "-journal"


def corrupt_message(path: Path, why: str) -> str:
    return f"The case file at {path} is damaged or is not a case file: {why}."


def _exists_message(path: Path) -> str:
    return (
        f"Something already exists at {path}; a new case needs a new or empty folder. "
        "Choose another place."
    )


def claim_directory(path: Path) -> bool:
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


def claim_db_file(path: Path, created_dir: bool) -> None:
    """Create case.db empty and 0600 before SQLite writes a byte (its journal inherits the mode)."""
    try:
        fd = os.open(path / DB_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CaseExists(_exists_message(path)) from None  # lost a race: not ours to remove
    except OSError as exc:
        remove_partial(path, created_dir, db_path_created=False)
        raise CaseError(f"The case could not be created at {path}: {exc.strerror}.") from exc
    os.close(fd)


def remove_partial(path: Path, created_dir: bool, *, db_path_created: bool) -> None:
    """Remove what a failed create made, and nothing else."""
    names = [KEYSLOT_NAME, JOURNAL_NAME] + ([DB_NAME] if db_path_created else [])
    for name in names:
        with suppress(OSError):
            (path / name).unlink(missing_ok=True)
    with suppress(OSError):
        keyslot.remove_stale_temp_files(path)
    if created_dir:
        with suppress(OSError):
            path.rmdir()


def discard_dead_journal(journal: Path) -> None:
    """Remove a rollback journal that SQLite left behind invalidated (first byte zero).

    When a write fails on a damaged page, SQLite rolls back but may zero the
    journal's header instead of deleting the file. Such a journal is not hot (it
    will never be played back), so removing it keeps a failed open from leaving
    anything on disk. A journal whose header is intact is never touched.
    """
    try:
        with journal.open("rb") as handle:
            first = handle.read(1)
        if first in (b"", b"\x00"):
            journal.unlink()
    except OSError:
        pass  # nothing there, or not ours to remove


def locate(path: Path) -> tuple[Path, Path]:
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
        raise CaseCorrupt(corrupt_message(path, why))
    return slot_path, db_path


def _db_file_problem(db_path: Path) -> str | None:
    if not db_path.is_file():
        return f"its database ({DB_NAME}) is missing"
    if db_path.stat().st_size == 0:
        # SQLite would take an empty file for a new, empty database.
        return f"its database ({DB_NAME}) is empty"
    return None


def read_slot(slot_path: Path) -> keyslot.KeySlot:
    try:
        return keyslot.read(slot_path)
    except OSError as exc:
        raise CaseError(
            f"The case key slot at {slot_path} cannot be read: {exc.strerror}."
        ) from exc
