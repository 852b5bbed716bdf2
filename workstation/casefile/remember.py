"""The OS keyring, for "remember on this PC".

The keyring holds a random token (base64) under service SERVICE and the case
id as user name; the token unwraps the case's keyring slot in keyslot.json.
The keyring itself is reached through workstation/secretstore.py, which fails
soft: no keyring means "not available", because the passphrase always works
without it. These names stay here for the case code and older callers.
"""

from __future__ import annotations

from workstation.secretstore import SERVICE, delete_token, load_token, store_token

__all__ = ["SERVICE", "delete_token", "load_token", "store_token"]
