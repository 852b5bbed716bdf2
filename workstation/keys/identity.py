"""The workstation's own keys: an Ed25519 signing key and an age X25519 identity.

The signing key signs every case transfer this workstation exports, so the
receiver knows who sent it; the age identity decrypts transfers addressed to
this workstation. Both are made on first use and kept in ``keys/identity.json``
in the data directory (0700 folder, 0600 file): the public parts in the clear,
the private parts as one AES-256-GCM ciphertext whose associated data binds the
public parts, so swapping them is noticed.

How the private parts are protected, decided once when the keys are made:

- ``keyring`` (preferred): a random 256-bit secret kept in the OS keyring
  (casefile/remember.py, user name ``workstation-keys:<id>``) is the AES key.
  Nothing to type; the keys open only in this user's unlocked session.
- ``passphrase`` (when the PC has no usable keyring): the AES key is Argon2id
  over a passphrase the officer chooses, with the case file's parameters
  (RFC 9106 floor), salt and parameters stored in the file.

A key card (``keys export``) is the small JSON document a partner adds to their
address book: the age recipient, the Ed25519 public key and the fingerprint,
SHA-256 over both, of which the first 160 bits are shown in groups of four to be
compared out of band (phone, in person).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import secrets
import tempfile
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage  # type: ignore[import-untyped]
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from workstation import canonjson, paths
from workstation.casefile import remember
from workstation.casefile.audit import utc_now
from workstation.casefile.keyslot import KdfParams, derive_kek
from workstation.errors import WorkstationError

log = logging.getLogger(__name__)

IDENTITY_FORMAT = "investigator-workstation-identity"
CARD_FORMAT = "investigator-workstation-key-card"
VERSION = 1
KEYS_DIR_NAME = "keys"
IDENTITY_NAME = "identity.json"
KEYRING_USER_PREFIX = "workstation-keys:"
BY_KEYRING = "keyring"
BY_PASSPHRASE = "passphrase"  # noqa: S105 - a protection kind, not a secret
WRAP_ALG = "AES-256-GCM"
FINGERPRINT_HEX = 40  # 160 bits, shown as ten groups of four
MAX_FILE_BYTES = 64 * 1024  # an identity file or key card is well under 2 KB
MAX_LABEL_CHARS = 200
SECRET_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16

_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_FINGERPRINT = re.compile(r"\A[0-9a-f]{40}\Z")

# Asked with new=True when the keys are made (the officer chooses a passphrase),
# new=False when they are unlocked. Called only when a passphrase is really needed.
PassphraseSource = Callable[[bool], str]


class KeysError(WorkstationError):
    """The workstation's keys, a key card or the address book cannot be used."""


# -- fingerprints and key cards ----------------------------------------------------------


def fingerprint(signing_public_key: bytes, age_recipient: str) -> str:
    """The fingerprint of a workstation's two public keys: 40 lower-case hex digits."""
    body = canonjson.dumps(
        {"age_recipient": age_recipient, "ed25519_public_key": signing_public_key.hex()}
    )
    return hashlib.sha256(CARD_FORMAT.encode("ascii") + b"\n" + body).hexdigest()[:FINGERPRINT_HEX]


def format_fingerprint(value: str) -> str:
    """A fingerprint as it is read out over the phone: ``1A2B 3C4D ...``."""
    return " ".join(value[i : i + 4].upper() for i in range(0, len(value), 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, spaces) in its stored form; KeysError if it is none."""
    value = "".join(str(text).split()).lower()
    if not _FINGERPRINT.match(value):
        raise KeysError(f"{text!r} is not a fingerprint (40 hexadecimal digits).")
    return value


@dataclass(frozen=True)
class KeyCard:
    """A workstation's public keys as handed to a partner unit."""

    age_recipient: str
    signing_public_key: bytes
    label: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public_key, self.age_recipient)

    def to_json(self) -> bytes:
        """The card's text: small, readable JSON ending in a newline."""
        doc: dict[str, canonjson.JsonValue] = {
            "format": CARD_FORMAT,
            "version": VERSION,
            "age_recipient": self.age_recipient,
            "ed25519_public_key": self.signing_public_key.hex(),
            "fingerprint": self.fingerprint,
            "label": self.label,
        }
        return canonjson.dumps(doc) + b"\n"


def check_age_recipient(value: Any) -> str:
    """An age X25519 recipient (``age1...``), checked by the age library."""
    if not isinstance(value, str) or not value.startswith("age1"):
        raise KeysError("The age recipient is missing or is not an age1... key.")
    try:
        pyrage.x25519.Recipient.from_str(value)
    except pyrage.RecipientError as exc:
        raise KeysError(f"The age recipient is not valid ({exc}).") from exc
    return value


def check_signing_key(value: Any) -> bytes:
    """An Ed25519 public key given as 64 hex digits."""
    if not isinstance(value, str) or not _HEX64.match(value):
        raise KeysError("The Ed25519 public key is missing or is not 64 hexadecimal digits.")
    raw = bytes.fromhex(value)
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise KeysError("The Ed25519 public key is not valid.") from exc
    return raw


def parse_card(text: str | bytes) -> KeyCard:
    """A key card from its text; KeysError saying what is wrong with it."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if len(data) > MAX_FILE_BYTES:
        raise KeysError("This is too large to be a key card.")
    try:
        doc = canonjson.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise KeysError(f"The key card is not valid JSON ({exc}).") from exc
    if not isinstance(doc, dict) or doc.get("format") != CARD_FORMAT:
        raise KeysError("This is not a workstation key card (made with `keys export`).")
    if doc.get("version") != VERSION:
        raise KeysError(f"The key card is of version {doc.get('version')!r}; only 1 is known.")
    label = doc.get("label", "")
    if not isinstance(label, str) or len(label) > MAX_LABEL_CHARS:
        raise KeysError("The key card's label is not short text.")
    card = KeyCard(
        check_age_recipient(doc.get("age_recipient")),
        check_signing_key(doc.get("ed25519_public_key")),
        label.strip(),
    )
    stated = doc.get("fingerprint")
    if stated is not None and (
        not isinstance(stated, str) or "".join(stated.split()).lower() != card.fingerprint
    ):
        raise KeysError(
            "The key card is damaged or altered: its fingerprint does not match its keys."
        )
    return card


def read_card(file_or_text: str) -> KeyCard:
    """A key card given as a file name or as the card's text itself."""
    if file_or_text.lstrip().startswith("{"):
        return parse_card(file_or_text)
    path = Path(file_or_text)
    if not path.is_file():
        raise KeysError(f"{file_or_text!r} is neither a key card file nor a key card's text.")
    return parse_card(read_small_file(path, "The key card"))


# -- the workstation's identity ----------------------------------------------------------


@dataclass(frozen=True)
class WorkstationIdentity:
    """The public half of this workstation's keys, and how the private half is protected."""

    id: str
    created_utc: str
    signing_public_key: bytes
    age_recipient: str
    protection: str  # BY_KEYRING or BY_PASSPHRASE

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public_key, self.age_recipient)

    def card(self, label: str = "") -> KeyCard:
        return KeyCard(self.age_recipient, self.signing_public_key, label.strip())


@dataclass(frozen=True)
class UnlockedIdentity:
    """This workstation's keys, unlocked for one operation (do not keep it around)."""

    public: WorkstationIdentity
    signing_key: Ed25519PrivateKey
    age_identity: Any  # pyrage.x25519.Identity (the library ships no type information)

    def sign(self, message: bytes) -> bytes:
        return self.signing_key.sign(message)


@dataclass(frozen=True)
class _Sealed:
    """The stored identity: public parts, protection and the encrypted private parts."""

    public: WorkstationIdentity
    kdf: KdfParams | None
    salt: bytes
    nonce: bytes
    ciphertext: bytes


def keys_dir(directory: Path | None = None) -> Path:
    """Where the keys and the address book live (created 0700)."""
    return paths.ensure_private_dir(directory or paths.data_dir() / KEYS_DIR_NAME)


def load(directory: Path | None = None) -> WorkstationIdentity | None:
    """This workstation's public keys, or None when none were made yet."""
    sealed = _load_sealed(keys_dir(directory))
    return sealed.public if sealed else None


def ensure(
    passphrase: PassphraseSource | None,
    directory: Path | None = None,
    *,
    kdf: KdfParams | None = None,
    allow_weak_kdf: bool = False,
    use_keyring: bool = True,
) -> tuple[WorkstationIdentity, bool]:
    """The public keys, made first if there are none; and whether they were just made."""
    existing = load(directory)
    if existing is not None:
        return existing, False
    unlocked = create(
        passphrase, directory, kdf=kdf, allow_weak_kdf=allow_weak_kdf, use_keyring=use_keyring
    )
    return unlocked.public, True


def ensure_unlocked(
    passphrase: PassphraseSource | None, directory: Path | None = None
) -> UnlockedIdentity:
    """The unlocked keys, made first if there are none (one passphrase question either way)."""
    if load(directory) is None:
        return create(passphrase, directory)
    return unlock(passphrase, directory)


def create(
    passphrase: PassphraseSource | None,
    directory: Path | None = None,
    *,
    kdf: KdfParams | None = None,
    allow_weak_kdf: bool = False,
    use_keyring: bool = True,
) -> UnlockedIdentity:
    """Make this workstation's keys and store them; KeysError if it already has some.

    The OS keyring protects them when it works (and ``use_keyring``); otherwise
    ``passphrase(True)`` is asked for a new passphrase. ``kdf`` weaker than the
    case file's floor is refused unless ``allow_weak_kdf`` (tests only).
    """
    folder = keys_dir(directory)
    signing = Ed25519PrivateKey.generate()
    age_identity = pyrage.x25519.Identity.generate()
    identity_id = str(uuid.uuid4())
    secret = _new_keyring_secret(identity_id) if use_keyring else None
    kind = BY_KEYRING if secret is not None else BY_PASSPHRASE
    public = WorkstationIdentity(
        identity_id,
        utc_now(),
        signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        str(age_identity.to_public()),
        kind,
    )
    params, salt = None, b""
    if secret is None:
        params, salt, secret = _passphrase_key(passphrase, kdf, allow_weak_kdf)
    sealed = _seal(public, secret, params, salt, _private_bytes(signing, age_identity))
    try:
        write_private_file(folder / IDENTITY_NAME, _to_json(sealed), replace=False)
    except FileExistsError:
        if kind == BY_KEYRING:
            remember.delete_token(_keyring_user(identity_id))
        raise KeysError(
            "This workstation already has keys (made by another program just now)."
        ) from None
    log.info("made this workstation's keys (protected by %s)", kind)
    return UnlockedIdentity(public, signing, age_identity)


def unlock(passphrase: PassphraseSource | None, directory: Path | None = None) -> UnlockedIdentity:
    """Decrypt the private keys; KeysError when there are none or they cannot be opened."""
    sealed = _load_sealed(keys_dir(directory))
    if sealed is None:
        raise KeysError("This workstation has no keys yet; `keys show` makes them.")
    key = _unlock_key(sealed, passphrase)
    try:
        plain = AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, _aad(sealed.public))
    except InvalidTag:
        if sealed.public.protection == BY_PASSPHRASE:
            raise KeysError(
                "The passphrase of this workstation's keys is wrong (or its key file was altered)."
            ) from None
        raise KeysError(
            "The OS keyring's secret does not open this workstation's keys: "
            "the key file was altered or replaced."
        ) from None
    return _unlocked(sealed.public, plain)


def _unlock_key(sealed: _Sealed, passphrase: PassphraseSource | None) -> bytes:
    public = sealed.public
    if public.protection == BY_KEYRING:
        token = remember.load_token(_keyring_user(public.id))
        if token is None:
            raise KeysError(
                "This workstation's keys are protected by a secret in the OS keyring, which "
                "cannot be read now (locked, or another user account). Unlock it and try again."
            )
        return token
    if passphrase is None or sealed.kdf is None:
        raise KeysError("The passphrase of this workstation's keys is needed.")
    return derive_kek(passphrase(False), sealed.kdf, sealed.salt)


def _new_keyring_secret(identity_id: str) -> bytes | None:
    """A fresh secret stored in the OS keyring and read back, or None if the keyring fails."""
    secret = secrets.token_bytes(SECRET_BYTES)
    user = _keyring_user(identity_id)
    if not remember.store_token(user, secret):
        return None
    if remember.load_token(user) != secret:
        # Some back-ends accept a secret they cannot give back; do not rely on them.
        remember.delete_token(user)
        return None
    return secret


def _passphrase_key(
    passphrase: PassphraseSource | None, kdf: KdfParams | None, allow_weak: bool
) -> tuple[KdfParams, bytes, bytes]:
    if passphrase is None:
        raise KeysError(
            "This PC has no usable keyring, so the workstation's keys need a passphrase "
            "to protect them."
        )
    params = kdf or KdfParams()
    if allow_weak:
        problem = params.limit_problem()
        if problem is not None:
            raise KeysError(f"The key-derivation settings are not valid: {problem}.")
    else:
        params.check_floor()
    chosen = passphrase(True)
    if not chosen:
        raise KeysError("The passphrase for this workstation's keys must not be empty.")
    salt = secrets.token_bytes(SALT_BYTES)
    return params, salt, derive_kek(chosen, params, salt)


def _keyring_user(identity_id: str) -> str:
    return KEYRING_USER_PREFIX + identity_id


def _private_bytes(signing: Ed25519PrivateKey, age_identity: Any) -> bytes:
    return canonjson.dumps(
        {
            "age_identity": str(age_identity),
            "ed25519_private_key": signing.private_bytes_raw().hex(),
        }
    )


def _aad(public: WorkstationIdentity) -> bytes:
    return canonjson.dumps(
        {
            "format": IDENTITY_FORMAT,
            "id": public.id,
            "created_utc": public.created_utc,
            "ed25519_public_key": public.signing_public_key.hex(),
            "age_recipient": public.age_recipient,
            "protection": public.protection,
        }
    )


def _seal(
    public: WorkstationIdentity, key: bytes, kdf: KdfParams | None, salt: bytes, plain: bytes
) -> _Sealed:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return _Sealed(public, kdf, salt, nonce, AESGCM(key).encrypt(nonce, plain, _aad(public)))


def _unlocked(public: WorkstationIdentity, plain: bytes) -> UnlockedIdentity:
    damaged = KeysError("This workstation's key file is damaged: its keys do not match.")
    try:
        doc = canonjson.loads(plain)
        signing = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(doc["ed25519_private_key"]))
        age_identity = pyrage.x25519.Identity.from_str(doc["age_identity"])
    except (ValueError, KeyError, TypeError, pyrage.IdentityError) as exc:
        raise damaged from exc
    own = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    if own != public.signing_public_key or str(age_identity.to_public()) != public.age_recipient:
        raise damaged
    return UnlockedIdentity(public, signing, age_identity)


# -- the identity file -------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _to_json(sealed: _Sealed) -> bytes:
    public = sealed.public
    protection: dict[str, canonjson.JsonValue] = {"kind": public.protection}
    if sealed.kdf is not None:
        protection["kdf"] = {
            "name": "argon2id",
            "time_cost": sealed.kdf.time_cost,
            "memory_kib": sealed.kdf.memory_kib,
            "parallelism": sealed.kdf.parallelism,
        }
        protection["salt"] = _b64(sealed.salt)
    doc: dict[str, canonjson.JsonValue] = {
        "format": IDENTITY_FORMAT,
        "version": VERSION,
        "id": public.id,
        "created_utc": public.created_utc,
        "ed25519_public_key": public.signing_public_key.hex(),
        "age_recipient": public.age_recipient,
        "fingerprint": public.fingerprint,
        "protection": protection,
        "private": {
            "alg": WRAP_ALG,
            "nonce": _b64(sealed.nonce),
            "ciphertext": _b64(sealed.ciphertext),
        },
    }
    return canonjson.dumps(doc) + b"\n"


def _load_sealed(folder: Path) -> _Sealed | None:
    path = folder / IDENTITY_NAME
    if not path.exists():
        return None
    data = read_small_file(path, "This workstation's key file")
    try:
        return _parse_sealed(data)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, RecursionError) as exc:
        raise KeysError(f"This workstation's key file {path} is damaged ({exc}).") from exc


def _parse_sealed(data: bytes) -> _Sealed:
    doc = canonjson.loads(data)
    if doc["format"] != IDENTITY_FORMAT or doc["version"] != VERSION:
        raise ValueError("unknown format or version")
    protection = doc["protection"]
    kind = protection["kind"]
    if kind not in (BY_KEYRING, BY_PASSPHRASE):
        raise ValueError(f"unknown protection {kind!r}")
    kdf, salt = None, b""
    if kind == BY_PASSPHRASE:
        raw = protection["kdf"]
        kdf = KdfParams(raw["time_cost"], raw["memory_kib"], raw["parallelism"])
        problem = kdf.limit_problem()
        if problem is not None:
            raise ValueError(problem)
        salt = base64.b64decode(protection["salt"], validate=True)
    public = WorkstationIdentity(
        str(doc["id"]),
        str(doc["created_utc"]),
        check_signing_key(doc["ed25519_public_key"]),
        check_age_recipient(doc["age_recipient"]),
        kind,
    )
    private = doc["private"]
    return _Sealed(
        public,
        kdf,
        salt,
        base64.b64decode(private["nonce"], validate=True),
        base64.b64decode(private["ciphertext"], validate=True),
    )


def read_small_file(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A small file's bytes; KeysError when it is unreadable or larger than ``limit``."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise KeysError(f"{what} at {path} cannot be read: {exc.strerror}.") from exc
    if len(data) > limit:
        raise KeysError(f"{what} at {path} is too large.")
    return data


def write_private_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a 0600 file atomically: whole or not at all.

    ``replace=False`` never overwrites (FileExistsError if the file appeared),
    so two programs making keys at once cannot both win.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
