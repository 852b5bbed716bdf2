"""Small per-PC secrets in the OS keyring (through the keyring package).

What lives there: the tokens that open cases remembered on this PC
(casefile/remember.py), the secret of the interception CA's key
(route/interception_ca.py), the workstation's own keys (keys/identity.py) and
the route's proxy password (settings.py). Each is an entry of service SERVICE
under its own name.

Everything here fails soft: a missing keyring package, no backend, a locked
keyring or any backend error is logged (never with the secret) and reported as
"not available"; every caller has a way on without the keyring.
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
        log.info("the keyring package is not installed; nothing can be kept in the OS keyring")
        return None
    return keyring


def store_text(name: str, secret: str) -> bool:
    """Put a secret under name; False (logged) when the keyring cannot take it."""
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(SERVICE, name, secret)
    except Exception as exc:  # noqa: BLE001 - any keyring failure means "not available"
        log.info("the keyring refused to store a secret: %s", type(exc).__name__)
        return False
    return True


def load_text(name: str) -> str | None:
    """The secret under name, or None (logged) when there is none or the keyring fails."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        stored = keyring.get_password(SERVICE, name)
    except Exception as exc:  # noqa: BLE001 - any keyring failure means "not available"
        log.info("the keyring could not be read: %s", type(exc).__name__)
        return None
    if stored is None:
        log.info("the keyring has no entry %s", name)
    return stored if isinstance(stored, str) else None


def delete_secret(name: str) -> None:
    """Remove the entry if the keyring is there and has it; failures are logged only."""
    keyring = _keyring()
    if keyring is None:
        return
    try:
        keyring.delete_password(SERVICE, name)
    except Exception as exc:  # noqa: BLE001 - any keyring failure means "not available"
        log.info("nothing removed from the keyring: %s", type(exc).__name__)


def store_token(name: str, token: bytes) -> bool:
    """Put random bytes (kept as base64) under name; False when the keyring cannot."""
    return store_text(name, base64.b64encode(token).decode("ascii"))


def load_token(name: str) -> bytes | None:
    """The bytes under name, or None when there are none, they are not base64, or no keyring."""
    stored = load_text(name)
    if stored is None:
        return None
    try:
        return base64.b64decode(stored.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        log.warning("the keyring entry %s is not a token", name)
        return None


def delete_token(name: str) -> None:
    """Remove a token (same as delete_secret; named for the callers that store tokens)."""
    delete_secret(name)
