"""The OS keyring, for "remember on this PC" (through the keyring package).

The keyring holds a random token (base64) under service SERVICE and the case
id as user name; the token unwraps the case's keyring slot in keyslot.json.
Everything here fails soft: a missing keyring package, no backend, a locked
keyring or any backend error is logged (never with the token) and reported as
"not available", because the passphrase always works without it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from types import ModuleType

log = logging.getLogger(__name__)

SERVICE = "investigator-workstation"


def _keyring() -> ModuleType | None:
    try:
        import keyring  # noqa: PLC0415 - optional and slow to import: only when used
    except ImportError:
        log.info("the keyring package is not installed; cannot remember cases on this PC")
        return None
    return keyring


def store_token(case_id: str, token: bytes) -> bool:
    """Put the token in the keyring; False (logged) when the keyring cannot take it."""
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(SERVICE, case_id, base64.b64encode(token).decode("ascii"))
    except Exception as exc:  # noqa: BLE001 - any keyring failure means "not available"
        log.info("the keyring refused to store the unlock token: %s", type(exc).__name__)
        return False
    return True


def load_token(case_id: str) -> bytes | None:
    """The token for this case, or None (logged) when there is none or the keyring fails."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        stored = keyring.get_password(SERVICE, case_id)
    except Exception as exc:  # noqa: BLE001 - any keyring failure means "not available"
        log.info("the keyring could not be read: %s", type(exc).__name__)
        return None
    if stored is None:
        log.info("the keyring has no unlock token for this case")
        return None
    try:
        return base64.b64decode(stored.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        log.warning("the keyring entry for this case is not a token")
        return None


def delete_token(case_id: str) -> None:
    """Remove the token if the keyring is there and has it; failures are logged only."""
    keyring = _keyring()
    if keyring is None:
        return
    try:
        keyring.delete_password(SERVICE, case_id)
    except Exception as exc:  # noqa: BLE001 - any keyring failure means "not available"
        log.info("no unlock token removed from the keyring: %s", type(exc).__name__)
