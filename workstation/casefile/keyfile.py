"""Changes to keyslot.json: passphrase slot, keyring slot, latest signed head.

Each change re-reads the file and replaces it atomically while the caller holds
the database's write lock (a BEGIN IMMEDIATE transaction), so two programs with
the same case open cannot undo each other's changes to it.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from workstation.casefile import heads, keyslot
from workstation.casefile.heads import SignedHead
from workstation.casefile.keyslot import PassphraseSlot, TokenSlot
from workstation.casefile.store import Connection
from workstation.errors import CaseError

log = logging.getLogger(__name__)


def replace_passphrase(slot_path: Path, expected: PassphraseSlot, new: PassphraseSlot) -> None:
    """Swap the passphrase slot, unless someone else changed it since it was checked."""
    current = keyslot.read(slot_path)
    if current.passphrase != expected:
        raise CaseError(
            "The passphrase of this case was changed elsewhere meanwhile; nothing was changed. "
            "Try again."
        )
    keyslot.write_atomic(slot_path, dataclasses.replace(current, passphrase=new))


def set_remembered(slot_path: Path, remembered: TokenSlot | None) -> bool:
    """Set or remove the keyring slot; returns whether there was one before."""
    current = keyslot.read(slot_path)
    if current.remembered is None and remembered is None:
        return False
    keyslot.write_atomic(slot_path, dataclasses.replace(current, remembered=remembered))
    return current.remembered is not None


def publish_head(
    slot_path: Path, conn: Connection, head: SignedHead, public_key: bytes | None
) -> bool:
    """Put the newest signed head into keyslot.json; returns whether it was written.

    A head already there that the log no longer matches is kept: it is the
    evidence that the log was cut short or rewritten, and overwriting it with a
    head of the shortened log would hide that.
    """
    current = keyslot.read(slot_path)
    old = current.head
    if old is not None and old.seq >= head.seq:
        return False
    if old is not None and not (
        public_key is not None
        and heads.signature_valid(public_key, current.case_id, old)
        and heads.event_matches(conn, old)
    ):
        log.warning(
            "the signed head in keyslot.json does not match the audit log; it is kept as found"
        )
        return False
    keyslot.write_atomic(slot_path, dataclasses.replace(current, head=head))
    return True
