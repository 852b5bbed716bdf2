"""Step 2, the age layer: whom the file is for, and decrypting it into memory.

The header says whether the file is for workstations (X25519) or a passphrase
(scrypt, work factor bounded); the file's size bounds the plaintext (age cannot
expand), and the file is hashed as it is decrypted.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage  # type: ignore[import-untyped]

from workstation.casefile import transfer as fmt
from workstation.casefile.importing.limits import DEFAULT_LIMITS, Limits, TransferRejected
from workstation.keys.identity import UnlockedIdentity, WorkstationIdentity, format_fingerprint
from workstation.progress import Progress, checked

AGE_MAGIC = b"age-encryption.org/v1\n"
MAX_AGE_HEADER = 64 * 1024
_REPORT_EVERY = 16 << 20  # decrypting: a progress step per 16 MiB read


@dataclass(frozen=True)
class AgeHeader:
    """Whom an age file is for: ``recipients`` (X25519 stanzas) or ``passphrase`` (scrypt)."""

    kind: str
    stanzas: int
    other_types: tuple[str, ...] = ()


def read_age_header(prefix: bytes, limits: Limits = DEFAULT_LIMITS) -> AgeHeader:
    """Classify an age file from its first bytes; TransferRejected if it is no age file."""
    if not prefix.startswith(AGE_MAGIC):
        raise TransferRejected(
            "This file is not a case transfer: it is not an age-encrypted file "
            "(made with `transfer export`)."
        )
    end = prefix.find(b"\n--- ")
    if end < 0:
        raise TransferRejected("The transfer file is damaged or incomplete: its header is cut off.")
    types: list[str] = []
    log_n: int | None = None
    for line in prefix[len(AGE_MAGIC) : end].split(b"\n"):
        if line.startswith(b"-> "):
            words = line[3:].decode("ascii", errors="replace").split(" ")
            types.append(words[0])
            if words[0] == "scrypt":
                digits = words[2] if len(words) == 3 else ""
                log_n = int(digits) if digits.isascii() and digits.isdigit() else -1
    if types == ["scrypt"]:
        if log_n is None or not 1 <= log_n <= limits.max_scrypt_log_n:
            raise TransferRejected(
                "The transfer's passphrase protection asks for an unreasonable amount of work; "
                "it was not made by the workstation."
            )
        return AgeHeader(fmt.BY_PASSPHRASE, 1)
    others = tuple(sorted({t for t in types if t != "X25519"}))
    return AgeHeader(fmt.BY_RECIPIENTS, len(types), others)


@dataclass(frozen=True)
class Decrypted:
    """The bundle's bytes (in memory) and the transfer file's SHA-256 and size."""

    plaintext: bytes
    sha256: str
    size: int
    header: AgeHeader


class _HashingReader(io.RawIOBase):
    """Reads a file for pyrage and hashes every byte that passes, reporting progress.

    A cancel raised from the progress step reaches pyrage as a read error; it is kept in
    ``failure`` and raised again once pyrage gives up.
    """

    def __init__(
        self, source: io.BufferedReader, progress: Progress | None = None, total: int = 0
    ) -> None:
        super().__init__()
        self._source = source
        self._progress = checked(progress)
        self._total = total
        self._reported = 0
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.size - self._reported >= _REPORT_EVERY:
            self._reported = self.size
            try:
                self._progress.step("Decrypting the transfer", self.size, self._total)
            except BaseException as exc:
                self.failure = exc
                raise
        count = self._source.readinto(buffer)
        if count:
            view = memoryview(buffer)[:count]
            self.sha256.update(view)
            self.size += count
        return count or 0

    def drain(self) -> None:
        while chunk := self._source.read(1024 * 1024):
            self.sha256.update(chunk)
            self.size += len(chunk)


def decrypt_file(
    path: Path,
    *,
    unlock: Callable[[], UnlockedIdentity] | None,
    transfer_passphrase: Callable[[], str] | None,
    own: WorkstationIdentity | None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Decrypted:
    """Decrypt a transfer file into memory; TransferRejected with a plain reason."""
    steps = checked(progress)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise TransferRejected(
                f"The transfer file is larger ({size} bytes) than an import accepts "
                f"({limits.max_file_bytes} bytes)."
            )
        with path.open("rb") as handle:
            header = read_age_header(handle.read(MAX_AGE_HEADER), limits)
            handle.seek(0)
            steps.step("Decrypting the transfer", 0, size)
            if header.kind == fmt.BY_PASSPHRASE:
                decrypted = _decrypt_passphrase(handle.read(), header, transfer_passphrase)
            else:
                reader = _HashingReader(handle, steps, size)
                decrypted = _decrypt_recipients(reader, header, unlock, own)
        steps.step("Decrypting the transfer", size, size)
        return decrypted
    except OSError as exc:
        raise TransferRejected(f"The transfer file {path} cannot be read: {exc.strerror}.") from exc


def _decrypt_passphrase(
    data: bytes, header: AgeHeader, transfer_passphrase: Callable[[], str] | None
) -> Decrypted:
    if transfer_passphrase is None:
        raise TransferRejected("This transfer is protected by a passphrase; it is needed.")
    try:
        plaintext = pyrage.passphrase.decrypt(data, transfer_passphrase())
    except pyrage.DecryptError as exc:
        raise TransferRejected(
            f"The transfer passphrase is wrong, or the file was damaged or altered ({exc})."
        ) from exc
    return Decrypted(bytes(plaintext), hashlib.sha256(data).hexdigest(), len(data), header)


def _decrypt_recipients(
    reader: _HashingReader,
    header: AgeHeader,
    unlock: Callable[[], UnlockedIdentity] | None,
    own: WorkstationIdentity | None,
) -> Decrypted:
    if unlock is None or own is None:
        raise TransferRejected(
            "This transfer is encrypted to workstations' keys, and this workstation has none "
            "yet: it cannot be addressed to it. `keys show` makes them."
        )
    identity = unlock()
    plaintext = io.BytesIO()
    try:
        pyrage.decrypt_io(reader, plaintext, [identity.age_identity])
    except Exception as exc:
        if reader.failure is not None:
            raise reader.failure from None  # a cancel, not damage
        if not isinstance(exc, pyrage.DecryptError | OSError):
            raise
        # pyrage reports a failed payload chunk (altered or cut off) as a bare OSError.
        raise _decrypt_problem(str(exc), header, own) from exc
    reader.drain()
    return Decrypted(plaintext.getvalue(), reader.sha256.hexdigest(), reader.size, header)


def _decrypt_problem(reason: str, header: AgeHeader, own: WorkstationIdentity) -> TransferRejected:
    if "no matching keys" in reason.lower():
        return TransferRejected(
            "This transfer is not addressed to this workstation (fingerprint "
            f"{format_fingerprint(own.fingerprint)}): none of its {header.stanzas} recipient "
            "entries opens with this workstation's key. Ask the sender to encrypt it to your "
            "key card (`keys export`); if they did, the file was damaged on the way."
        )
    return TransferRejected(
        f"The transfer file is damaged, altered or incomplete: it does not decrypt ({reason})."
    )
