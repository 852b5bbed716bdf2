"""The key slot: the case's random data key, wrapped under the officer's passphrase.

keyslot.json is plaintext JSON. It holds the case id, the Argon2id parameters and
salt, and the data key sealed with AES-256-GCM under the key derived from the
passphrase (the case id is the associated data, so a slot cannot be swapped
between cases unnoticed). Nothing in it is secret without the passphrase.

A wrong passphrase and a modified wrapped key look the same to AES-GCM (the tag
fails either way), so both surface as WrongPassphrase. A slot that is not even
well formed (bad JSON, missing or mistyped fields, bad base64, wrong lengths,
unknown format or KDF) is CaseCorrupt; a slot of a newer version is SchemaTooNew.
"""

from __future__ import annotations

import base64
import binascii
import os
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
from workstation.errors import CaseCorrupt, InputError, SchemaTooNew, WrongPassphrase

FORMAT = "investigator-workstation-keyslot"
VERSION = 1
KDF_NAME = "argon2id"
WRAP_ALG = "AES-256-GCM"

DATA_KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
WRAPPED_BYTES = DATA_KEY_BYTES + 16  # key + GCM tag
MAX_SLOT_BYTES = 64 * 1024  # a real slot is ~400 bytes; refuse to parse megabytes

# Upper bounds keep a hostile slot from making us allocate terabytes or spin for hours.
MAX_TIME_COST = 64
MAX_MEMORY_KIB = 4 * 1024 * 1024  # 4 GiB
MAX_PARALLELISM = 64


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
class KeySlot:
    """A parsed keyslot.json."""

    case_id: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes


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


def new_keyslot(
    passphrase: str, kdf: KdfParams, case_id: str | None = None
) -> tuple[KeySlot, bytearray]:
    """A fresh random data key and the slot that wraps it under the passphrase."""
    case_id = case_id or str(uuid.uuid4())
    data_key = bytearray(secrets.token_bytes(DATA_KEY_BYTES))
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    kek = derive_kek(passphrase, kdf, salt)
    wrapped = AESGCM(kek).encrypt(nonce, bytes(data_key), case_id.encode("utf-8"))
    return KeySlot(case_id, kdf, salt, nonce, wrapped), data_key


def unlock(slot: KeySlot, passphrase: str) -> bytearray:
    """The data key, or WrongPassphrase when the tag does not verify."""
    kek = derive_kek(passphrase, slot.kdf, slot.salt)
    try:
        key = AESGCM(kek).decrypt(slot.nonce, slot.wrapped_key, slot.case_id.encode("utf-8"))
    except InvalidTag:
        raise WrongPassphrase("The passphrase does not open this case.") from None
    return bytearray(key)


def to_json(slot: KeySlot) -> bytes:
    """Serialise canonically (stable bytes make the file easy to compare and hash)."""
    return canonjson.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "case_id": slot.case_id,
            "kdf": {
                "name": KDF_NAME,
                "time_cost": slot.kdf.time_cost,
                "memory_kib": slot.kdf.memory_kib,
                "parallelism": slot.kdf.parallelism,
                "salt": _b64(slot.salt),
            },
            "wrap": {
                "alg": WRAP_ALG,
                "nonce": _b64(slot.nonce),
                "ciphertext": _b64(slot.wrapped_key),
            },
        }
    )


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
    top = _object(doc, "the key slot", {"format", "version", "case_id", "kdf", "wrap"})
    if top["format"] != FORMAT:
        raise _SlotFormatError("it is not an investigator-workstation key slot")
    version = _int(top["version"], "version")
    if version > VERSION:
        raise SchemaTooNew(
            f"This case's key slot has version {version}, written by a newer version of the "
            f"workstation (this version reads up to {VERSION}). Open it with the newer version."
        )
    if version != VERSION:
        raise _SlotFormatError(f"unknown key slot version {version}")
    case_id = _case_id(top["case_id"])
    kdf, salt = _kdf(top["kdf"])
    nonce, wrapped = _wrap(top["wrap"])
    return KeySlot(case_id, kdf, salt, nonce, wrapped)


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


def _wrap(value: Any) -> tuple[bytes, bytes]:
    obj = _object(value, "wrap", {"alg", "nonce", "ciphertext"})
    if obj["alg"] != WRAP_ALG:
        raise _SlotFormatError("the key slot names an unknown wrapping algorithm")
    nonce = _bytes(obj["nonce"], "wrap.nonce")
    wrapped = _bytes(obj["ciphertext"], "wrap.ciphertext")
    if len(nonce) != NONCE_BYTES or len(wrapped) != WRAPPED_BYTES:
        raise _SlotFormatError("the wrapped key has the wrong length")
    return nonce, wrapped


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


def read(path: Path) -> KeySlot:
    """Read and parse a keyslot.json (the caller has checked that it exists)."""
    with path.open("rb") as handle:
        data = handle.read(MAX_SLOT_BYTES + 1)
    return parse(data, path)


def write_atomic(path: Path, slot: KeySlot) -> None:
    """Write the slot via a temp file in the same directory, fsync, rename, fsync the dir.

    A crash leaves either no slot or a complete one, never a half-written file.
    """
    data = to_json(slot)
    fd, tmp_name = tempfile.mkstemp(prefix=".keyslot-", suffix=".tmp", dir=path.parent)
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


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
