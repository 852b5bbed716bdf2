"""Where a transfer goes (Target): checked before any work, then added to in one go.

A new case's folder must be new or empty; an existing case's passphrase is
checked against its key slot (no write). The merge then runs in ONE transaction
(Case.run_import); a new case is removed again if it fails, an existing one
rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from workstation.casefile import keyslot, layout
from workstation.casefile.case import Case
from workstation.casefile.importing.contents import Contents
from workstation.casefile.importing.limits import TransferRejected
from workstation.casefile.importing.merge import Merge
from workstation.casefile.keyslot import KdfParams
from workstation.errors import CaseError, CaseExists


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


def check_target(target: Target) -> None:
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


def apply_to_target(target: Target, merge: Merge, contents: Contents) -> str:
    """Run the merge in the target case, in one transaction; the target's case id."""
    try:
        return _apply_to_case(target, merge, contents)
    except sqlcipher3.IntegrityError as exc:
        # The target refused a record (a constraint); the transaction was rolled back.
        raise CaseError(
            f"The transfer could not be added to the case at {target.path}; nothing was "
            f"added: {exc}."
        ) from exc


def _apply_to_case(target: Target, merge: Merge, contents: Contents) -> str:
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
