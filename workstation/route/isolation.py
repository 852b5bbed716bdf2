"""SOCKS credentials that keep identities apart on Tor.

Tor's SocksPort isolates streams by their SOCKS user name and password (IsolateSOCKSAuth,
on by default): streams with different credentials never share a circuit, streams with
the same credentials may. So each isolation key (a persona, or the workstation itself)
gets its own user name, and a "new identity" is a new user name for that key.
"""

import hashlib
import threading

# Not a secret: SOCKS5 login needs a password, and the user name alone separates the keys.
PASSWORD = "isolate"  # noqa: S105
DEFAULT_LABEL = "workstation"
_MAX_LABEL = 200
_UNSAFE = frozenset('"\\')


class IsolationCredentials:
    """key -> (user name, password), with a generation per key that new_identity bumps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generations: dict[str | None, int] = {}

    def for_key(self, key: str | None) -> tuple[str, str]:
        with self._lock:
            generation = self._generations.get(key, 0)
        return f"{label_for(key)}:{generation}", PASSWORD

    def renew(self, key: str | None) -> None:
        """From now on the key's streams use fresh credentials, hence fresh circuits."""
        with self._lock:
            self._generations[key] = self._generations.get(key, 0) + 1


def label_for(key: str | None) -> str:
    """The key itself when it reads well in Tor's circuit list, else a digest of it."""
    if key is None:
        return DEFAULT_LABEL
    readable = key.isascii() and key.isprintable() and not _UNSAFE & set(key)
    if readable and 0 < len(key) <= _MAX_LABEL:
        return key
    return "key-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
