"""This workstation's own key pair and the address book of partner units (Qt-free).

identity.py: the workstation's Ed25519 signing key (it signs case transfers) and
its age X25519 identity (transfers are encrypted to it), public parts in the
clear, private parts encrypted in the data directory; key cards to hand to
partners. addressbook.py: partner units' public keys with fingerprints to
compare out of band.
"""

from workstation.keys.addressbook import Partner
from workstation.keys.identity import (
    KeyCard,
    KeysError,
    UnlockedIdentity,
    WorkstationIdentity,
    format_fingerprint,
)

__all__ = [
    "KeyCard",
    "KeysError",
    "Partner",
    "UnlockedIdentity",
    "WorkstationIdentity",
    "format_fingerprint",
]
