"""The key slot file: the case's random data key, wrapped once per way of unlocking it.

keyslot.json is plaintext JSON. It holds the case id and a list of slots, each
wrapping the same data key with AES-256-GCM:

- ``passphrase`` (always exactly one): under a key derived from the officer's
  passphrase with Argon2id, whose parameters and salt are stored beside it so
  they can be raised later. The associated data is the case id, so a slot
  cannot be swapped between cases unnoticed.
- ``keyring`` (optional, "remember on this PC"): under a random 256-bit token
  kept in the OS keyring; associated data ``<case id>|keyring``.

It also holds the latest signed head of the audit log (see heads.py), so that
cutting events off the end of the log inside the database is noticed.
Nothing in the file is secret without the passphrase or the keyring token.

A wrong passphrase and a modified wrapped key look the same to AES-GCM (the tag
fails either way), so both surface as WrongPassphrase. A file that is not even
well formed (bad JSON, missing or mistyped fields, bad base64, wrong lengths,
unknown format or KDF) is CaseCorrupt; a file of a newer version is SchemaTooNew.
Version 1 files (a single passphrase slot, no head) are still read; version 2
is written.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from workstation import canonjson
from workstation.casefile.heads import SignedHead
from workstation.errors import CaseCorrupt, InputError, SchemaTooNew, WrongPassphrase

FORMAT = "investigator-workstation-keyslot"
VERSION = 2
KDF_NAME = "argon2id"
WRAP_ALG = "AES-256-GCM"
PASSPHRASE_SLOT = "passphrase"  # noqa: S105 - a slot type, not a secret
KEYRING_SLOT = "keyring"

DATA_KEY_BYTES = 32
TOKEN_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
WRAPPED_BYTES = DATA_KEY_BYTES + 16  # key + GCM tag
MAX_SLOT_BYTES = 64 * 1024  # a real slot is ~1 KB; refuse to parse megabytes
MAX_REASON_CHARS = 200

# Upper bounds keep a hostile slot from making us allocate terabytes or spin for hours.
MAX_TIME_COST = 64
MAX_MEMORY_KIB = 4 * 1024 * 1024  # 4 GiB
MAX_PARALLELISM = 64

_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_HEX128 = re.compile(r"\A[0-9a-f]{128}\Z")
_UTC = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters.

    The defaults are RFC 9106's second recommended option (t=3, m=64 MiB, p=4)
    and are the floor for new cases: Case.create refuses anything weaker unless
    the caller passes allow_weak_kdf=True, which only tests do. The CLI and the
    GUI never pass kdf at all (or pass stronger values, checked with
    check_floor). Opening a case accepts whatever its slot records.
    """

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def meets_floor(self) -> bool:
        """True when every parameter is at least the RFC 9106 default."""
        floor = KdfParams()
        return (
            self.time_cost >= floor.time_cost
            and self.memory_kib >= floor.memory_kib
            and self.parallelism >= floor.parallelism
        )

    def limit_problem(self) -> str | None:
        """Why these values cannot be used at all (Argon2 or our sanity bounds), or None."""
        for name, value, low, high in (
            ("time_cost", self.time_cost, 1, MAX_TIME_COST),
            ("parallelism", self.parallelism, 1, MAX_PARALLELISM),
            ("memory_kib", self.memory_kib, 8 * max(self.parallelism, 1), MAX_MEMORY_KIB),
        ):
            if type(value) is not int or not low <= value <= high:
                return f"{name} must be a whole number from {low} to {high}"
        return None

    def check_floor(self) -> None:
        """Raise InputError unless these parameters are usable and at least the floor."""
        problem = self.limit_problem()
        if problem is not None:
            raise InputError(f"The key-derivation settings are not valid: {problem}.")
        if not self.meets_floor():
            floor = KdfParams()
            raise InputError(
                "The key-derivation settings are weaker than the minimum "
                f"(time cost {floor.time_cost}, memory {floor.memory_kib} KiB, "
                f"parallelism {floor.parallelism}); a new case must use at least these."
            )


@dataclass(frozen=True)
class Wrapped:
    """The data key sealed with AES-256-GCM."""

    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class PassphraseSlot:
    """The data key wrapped under Argon2id(passphrase, salt)."""

    kdf: KdfParams
    salt: bytes
    wrapped: Wrapped


@dataclass(frozen=True)
class TokenSlot:
    """The data key wrapped under a random token kept in the OS keyring."""

    wrapped: Wrapped


@dataclass(frozen=True)
class KeySlot:
    """A parsed keyslot.json: the case id, its slots and the latest signed head."""

    case_id: str
    passphrase: PassphraseSlot
    remembered: TokenSlot | None = None
    head: SignedHead | None = None

    @property
    def kdf(self) -> KdfParams:
        """The Argon2id parameters of the passphrase slot."""
        return self.passphrase.kdf


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalise so that the same visible passphrase typed on another OS still works."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_kek(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    """The key-encryption key: Argon2id over the passphrase."""
    return hash_secret_raw(
        secret=normalise_passphrase(passphrase),
        salt=salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _passphrase_aad(case_id: str) -> bytes:
    return case_id.encode("utf-8")


def _token_aad(case_id: str) -> bytes:
    return f"{case_id}|{KEYRING_SLOT}".encode()


def _seal(kek: bytes, data_key: bytes | bytearray, aad: bytes) -> Wrapped:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return Wrapped(nonce, AESGCM(kek).encrypt(nonce, bytes(data_key), aad))


def wrap_passphrase(
    data_key: bytes | bytearray, passphrase: str, kdf: KdfParams, case_id: str
) -> PassphraseSlot:
    """A passphrase slot for an existing data key, with a fresh salt and nonce."""
    salt = secrets.token_bytes(SALT_BYTES)
    kek = derive_kek(passphrase, kdf, salt)
    return PassphraseSlot(kdf, salt, _seal(kek, data_key, _passphrase_aad(case_id)))


def wrap_token(data_key: bytes | bytearray, token: bytes, case_id: str) -> TokenSlot:
    """A keyring slot: the data key wrapped under a random token."""
    if len(token) != TOKEN_BYTES:
        raise ValueError("the keyring token must be 32 bytes")
    return TokenSlot(_seal(token, data_key, _token_aad(case_id)))


def new_keyslot(
    passphrase: str, kdf: KdfParams, case_id: str | None = None
) -> tuple[KeySlot, bytearray]:
    """A fresh random data key and the slot file that wraps it under the passphrase."""
    case_id = case_id or str(uuid.uuid4())
    data_key = bytearray(secrets.token_bytes(DATA_KEY_BYTES))
    return KeySlot(case_id, wrap_passphrase(data_key, passphrase, kdf, case_id)), data_key


def unlock(slot: KeySlot, passphrase: str) -> bytearray:
    """The data key, or WrongPassphrase when the tag does not verify."""
    entry = slot.passphrase
    kek = derive_kek(passphrase, entry.kdf, entry.salt)
    try:
        key = AESGCM(kek).decrypt(
            entry.wrapped.nonce, entry.wrapped.ciphertext, _passphrase_aad(slot.case_id)
        )
    except InvalidTag:
        raise WrongPassphrase("The passphrase does not open this case.") from None
    return bytearray(key)


def unlock_with_token(slot: KeySlot, token: bytes) -> bytearray | None:
    """The data key from the keyring slot, or None when there is none or the token fails."""
    if slot.remembered is None or len(token) != TOKEN_BYTES:
        return None
    wrapped = slot.remembered.wrapped
    try:
        key = AESGCM(token).decrypt(wrapped.nonce, wrapped.ciphertext, _token_aad(slot.case_id))
    except InvalidTag:
        return None
    return bytearray(key)


# -- serialising ---------------------------------------------------------------------------


def to_json(slot: KeySlot) -> bytes:
    """Serialise canonically (stable bytes make the file easy to compare and hash)."""
    slots: list[canonjson.JsonValue] = [_passphrase_json(slot.passphrase)]
    if slot.remembered is not None:
        slots.append({"type": KEYRING_SLOT, "wrap": _wrap_json(slot.remembered.wrapped)})
    return canonjson.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "case_id": slot.case_id,
            "slots": slots,
            "head": _head_json(slot.head),
        }
    )


def _passphrase_json(entry: PassphraseSlot) -> dict[str, canonjson.JsonValue]:
    return {
        "type": PASSPHRASE_SLOT,
        "kdf": {
            "name": KDF_NAME,
            "time_cost": entry.kdf.time_cost,
            "memory_kib": entry.kdf.memory_kib,
            "parallelism": entry.kdf.parallelism,
            "salt": _b64(entry.salt),
        },
        "wrap": _wrap_json(entry.wrapped),
    }


def _wrap_json(wrapped: Wrapped) -> dict[str, canonjson.JsonValue]:
    return {"alg": WRAP_ALG, "nonce": _b64(wrapped.nonce), "ciphertext": _b64(wrapped.ciphertext)}


def _head_json(head: SignedHead | None) -> canonjson.JsonValue:
    if head is None:
        return None
    return {
        "seq": head.seq,
        "hash": head.hash,
        "utc": head.utc,
        "reason": head.reason,
        "signature": head.signature_hex,
    }


# -- parsing -------------------------------------------------------------------------------


class _SlotFormatError(Exception):
    """Internal: why a slot is not well formed (turned into CaseCorrupt by parse)."""


def parse(data: bytes, where: Path | str = "keyslot.json") -> KeySlot:
    """Parse keyslot.json bytes. Raises only CaseCorrupt or SchemaTooNew."""
    try:
        return _parse(data)
    except _SlotFormatError as exc:
        raise CaseCorrupt(
            f"The case file at {where} is damaged or is not a case file: {exc}."
        ) from None


def _parse(data: bytes) -> KeySlot:
    if len(data) > MAX_SLOT_BYTES:
        raise _SlotFormatError("the key slot is far larger than a key slot can be")
    try:
        doc = canonjson.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise _SlotFormatError(f"the key slot is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(doc, dict):
        raise _SlotFormatError("the key slot is not a JSON object")
    if doc.get("format") != FORMAT:
        raise _SlotFormatError("it is not an investigator-workstation key slot")
    version = _int(doc.get("version"), "version")
    if version > VERSION:
        raise SchemaTooNew(
            f"This case's key slot has version {version}, written by a newer version of the "
            f"workstation (this version reads up to {VERSION}). Open it with the newer version."
        )
    if version == 1:
        return _parse_v1(doc)
    if version == VERSION:
        return _parse_v2(doc)
    raise _SlotFormatError(f"unknown key slot version {version}")


def _parse_v1(doc: dict[str, Any]) -> KeySlot:
    top = _object(doc, "the key slot", {"format", "version", "case_id", "kdf", "wrap"})
    kdf, salt = _kdf(top["kdf"])
    return KeySlot(_case_id(top["case_id"]), PassphraseSlot(kdf, salt, _wrap(top["wrap"])))


def _parse_v2(doc: dict[str, Any]) -> KeySlot:
    top = _object(doc, "the key slot", {"format", "version", "case_id", "slots", "head"})
    passphrase, remembered = _slots(top["slots"])
    return KeySlot(_case_id(top["case_id"]), passphrase, remembered, _head(top["head"]))


def _slots(value: Any) -> tuple[PassphraseSlot, TokenSlot | None]:
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        raise _SlotFormatError("slots must be a list of one or two entries")
    passphrase: PassphraseSlot | None = None
    remembered: TokenSlot | None = None
    for entry in value:
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind == PASSPHRASE_SLOT and passphrase is None:
            obj = _object(entry, "the passphrase slot", {"type", "kdf", "wrap"})
            kdf, salt = _kdf(obj["kdf"])
            passphrase = PassphraseSlot(kdf, salt, _wrap(obj["wrap"]))
        elif kind == KEYRING_SLOT and remembered is None:
            obj = _object(entry, "the keyring slot", {"type", "wrap"})
            remembered = TokenSlot(_wrap(obj["wrap"]))
        else:
            raise _SlotFormatError("a slot has an unknown or repeated type")
    if passphrase is None:
        raise _SlotFormatError("the key slot has no passphrase slot")
    return passphrase, remembered


def _head(value: Any) -> SignedHead | None:
    if value is None:
        return None
    obj = _object(value, "head", {"seq", "hash", "utc", "reason", "signature"})
    seq = _int(obj["seq"], "head.seq")
    fields = [obj[name] for name in ("hash", "utc", "reason", "signature")]
    if seq < 1 or not all(isinstance(field, str) for field in fields):
        raise _SlotFormatError("head has a malformed field")
    digest, utc, reason, signature = fields
    if not (_HEX64.match(digest) and _UTC.match(utc) and _HEX128.match(signature)):
        raise _SlotFormatError("head has a malformed hash, time or signature")
    if len(reason) > MAX_REASON_CHARS:
        raise _SlotFormatError("head.reason is too long")
    return SignedHead(seq, digest, utc, reason, signature)


def _kdf(value: Any) -> tuple[KdfParams, bytes]:
    obj = _object(value, "kdf", {"name", "time_cost", "memory_kib", "parallelism", "salt"})
    if obj["name"] != KDF_NAME:
        raise _SlotFormatError("the key slot names an unknown key-derivation function")
    params = KdfParams(
        time_cost=_int(obj["time_cost"], "kdf.time_cost"),
        memory_kib=_int(obj["memory_kib"], "kdf.memory_kib"),
        parallelism=_int(obj["parallelism"], "kdf.parallelism"),
    )
    problem = params.limit_problem()
    if problem is not None:
        raise _SlotFormatError(f"kdf: {problem}")
    salt = _bytes(obj["salt"], "kdf.salt")
    if not 16 <= len(salt) <= 64:
        raise _SlotFormatError("kdf.salt has the wrong length")
    return params, salt


def _wrap(value: Any) -> Wrapped:
    obj = _object(value, "wrap", {"alg", "nonce", "ciphertext"})
    if obj["alg"] != WRAP_ALG:
        raise _SlotFormatError("the key slot names an unknown wrapping algorithm")
    nonce = _bytes(obj["nonce"], "wrap.nonce")
    wrapped = _bytes(obj["ciphertext"], "wrap.ciphertext")
    if len(nonce) != NONCE_BYTES or len(wrapped) != WRAPPED_BYTES:
        raise _SlotFormatError("the wrapped key has the wrong length")
    return Wrapped(nonce, wrapped)


def _object(value: Any, what: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _SlotFormatError(f"{what} is not a JSON object")
    if set(value) != keys:
        raise _SlotFormatError(f"{what} does not have exactly the expected fields")
    return value


def _int(value: Any, what: str) -> int:
    if type(value) is not int:  # bool is an int subclass; refuse it
        raise _SlotFormatError(f"{what} is not a whole number")
    return value


def _bytes(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise _SlotFormatError(f"{what} is not a text field")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise _SlotFormatError(f"{what} is not valid base64") from None


def _case_id(value: Any) -> str:
    if not isinstance(value, str):
        raise _SlotFormatError("case_id is not a text field")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise _SlotFormatError("case_id is not a UUID") from None
    if str(parsed) != value:
        raise _SlotFormatError("case_id is not a UUID in canonical form")
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# -- files ---------------------------------------------------------------------------------


def read(path: Path) -> KeySlot:
    """Read and parse a keyslot.json (the caller has checked that it exists)."""
    with path.open("rb") as handle:
        data = handle.read(MAX_SLOT_BYTES + 1)
    return parse(data, path)


TEMP_PREFIX = ".keyslot-"


def write_atomic(path: Path, slot: KeySlot) -> None:
    """Write the slot via a temp file in the same directory, fsync, rename, fsync the dir.

    A crash leaves either the old file or the new one, never a half-written file
    (at worst a stray ``.keyslot-*.tmp`` beside them, removed at the next open).
    """
    data = to_json(slot)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def remove_stale_temp_files(directory: Path) -> None:
    """Remove temp files a killed writer left behind (they hold nothing secret)."""
    for stale in directory.glob(f"{TEMP_PREFIX}*.tmp"):
        stale.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
