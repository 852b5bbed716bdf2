"""What an import refuses with (TransferRejected), and the bounds on what it reads."""

from __future__ import annotations

from dataclasses import dataclass

from workstation.errors import WorkstationError


class TransferRejected(WorkstationError):
    """The transfer was refused: damaged, altered, not for us, from an unknown sender..."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what an import will read; the plaintext is held in memory, never on disk."""

    max_file_bytes: int = 8 * 1024**3
    max_members: int = 1_000_000
    max_json_bytes: int = 512 * 1024**2
    max_scrypt_log_n: int = 22  # age's own tools stay at or below this (about a second)


DEFAULT_LIMITS = Limits()  # the default of every step's ``limits`` (a frozen value)
