"""The address book: partner units' public keys, to encrypt to them and to know their transfers.

``keys/addressbook.json`` in the data directory (0600), canonical JSON::

    {"format": "investigator-workstation-address-book", "version": 1,
     "partners": [{"name", "unit", "age_recipient", "ed25519_public_key",
                   "fingerprint", "label", "added_utc"}, ...]}

A partner is added from the key card their workstation exported (`keys export`);
the fingerprint shown then must be compared with them out of band (phone, in
person), since a card sent by e-mail could have been swapped on the way. Names
are unique (case-insensitively), and so are keys: one partner per workstation.
The file is rewritten atomically; two programs adding at once may lose one
addition, never corrupt the file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from workstation import canonjson
from workstation.casefile.audit import utc_now
from workstation.keys import identity
from workstation.keys.identity import KeyCard, KeysError

BOOK_FORMAT = "investigator-workstation-address-book"
VERSION = 1
BOOK_NAME = "addressbook.json"
MAX_BOOK_BYTES = 16 * 1024 * 1024
MAX_NAME_CHARS = 80
MAX_UNIT_CHARS = 200


@dataclass(frozen=True)
class Partner:
    """A partner workstation: who it belongs to and its public keys."""

    name: str
    unit: str
    age_recipient: str
    signing_public_key: bytes
    label: str
    added_utc: str

    @property
    def fingerprint(self) -> str:
        return identity.fingerprint(self.signing_public_key, self.age_recipient)

    def as_json(self) -> dict[str, canonjson.JsonValue]:
        return {
            "name": self.name,
            "unit": self.unit,
            "age_recipient": self.age_recipient,
            "ed25519_public_key": self.signing_public_key.hex(),
            "fingerprint": self.fingerprint,
            "label": self.label,
            "added_utc": self.added_utc,
        }


def book_path(directory: Path | None = None) -> Path:
    return identity.keys_dir(directory) / BOOK_NAME


def load(directory: Path | None = None) -> list[Partner]:
    """Every partner, in the order they were added."""
    path = book_path(directory)
    if not path.exists():
        return []
    data = identity.read_small_file(path, "The address book", MAX_BOOK_BYTES)
    try:
        doc = canonjson.loads(data)
        if doc["format"] != BOOK_FORMAT or doc["version"] != VERSION:
            raise ValueError("unknown format or version")
        return [_partner(entry) for entry in doc["partners"]]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError, KeysError) as exc:
        raise KeysError(f"The address book at {path} is damaged ({exc}).") from exc


def _partner(entry: dict[str, object]) -> Partner:
    partner = Partner(
        _text(entry["name"], "name", MAX_NAME_CHARS),
        _text(entry["unit"], "unit", MAX_UNIT_CHARS, required=False),
        identity.check_age_recipient(entry["age_recipient"]),
        identity.check_signing_key(entry["ed25519_public_key"]),
        _text(entry.get("label", ""), "label", identity.MAX_LABEL_CHARS, required=False),
        str(entry["added_utc"]),
    )
    if entry.get("fingerprint") != partner.fingerprint:
        raise ValueError(f"the fingerprint of {partner.name} does not match the keys")
    return partner


def _text(value: object, what: str, limit: int, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise KeysError(f"The partner's {what} must be text.")
    text = " ".join(value.split())
    if required and not text:
        raise KeysError(f"The partner's {what} must not be empty.")
    if len(text) > limit:
        raise KeysError(f"The partner's {what} is longer than {limit} characters.")
    return text


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def add(name: str, unit: str, card: KeyCard, directory: Path | None = None) -> Partner:
    """Add a partner from their key card; KeysError if the name or the keys are known."""
    partner = Partner(
        _text(name, "name", MAX_NAME_CHARS),
        _text(unit, "unit", MAX_UNIT_CHARS, required=False),
        card.age_recipient,
        card.signing_public_key,
        card.label,
        utc_now(),
    )
    own = identity.load(directory)
    if own is not None and own.signing_public_key == partner.signing_public_key:
        raise KeysError("This key card is this workstation's own; add partners' cards only.")
    partners = load(directory)
    for known in partners:
        if _name_key(known.name) == _name_key(partner.name):
            raise KeysError(f"There is already a partner called {known.name!r}.")
        if (
            known.signing_public_key == partner.signing_public_key
            or known.age_recipient == partner.age_recipient
        ):
            raise KeysError(
                f"These keys are already in the address book as {known.name!r} "
                f"(fingerprint {identity.format_fingerprint(known.fingerprint)})."
            )
    _save([*partners, partner], directory)
    return partner


def find(name: str, directory: Path | None = None) -> Partner:
    """The partner called ``name`` (case-insensitively); KeysError naming the known ones."""
    partners = load(directory)
    for partner in partners:
        if _name_key(partner.name) == _name_key(" ".join(str(name).split())):
            return partner
    known = ", ".join(p.name for p in partners) or "none yet; add one with `keys add`"
    raise KeysError(f"No partner called {name!r} in the address book (known: {known}).")


def by_signing_key(key: bytes, directory: Path | None = None) -> Partner | None:
    """The partner whose Ed25519 key this is, or None."""
    return next((p for p in load(directory) if p.signing_public_key == key), None)


def _save(partners: list[Partner], directory: Path | None) -> None:
    doc: dict[str, canonjson.JsonValue] = {
        "format": BOOK_FORMAT,
        "version": VERSION,
        "partners": [p.as_json() for p in partners],
    }
    identity.write_private_file(book_path(directory), canonjson.dumps(doc) + b"\n", replace=True)
