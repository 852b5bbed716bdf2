"""No plaintext anywhere: a distinctive string in every kind of record, then a disk scan.

The string is made fresh for each run, so it cannot be on disk from anything
else (this file, earlier runs, tool output). After the case is closed it must
appear in no file under the case folder, the data directory, the temp
directory and /dev/shm, in UTF-8 or UTF-16, and in no log message.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.test_casefile_case import PASSPHRASE, make_case, populate
from workstation.casefile import Case, ContactDraft, Counterpart

MAX_SCAN_BYTES = 256 * 1024 * 1024


def files_under(root: Path, newer_than: float | None = None) -> Iterator[Path]:
    """Regular files under root (symlinks not followed), optionally only recent ones."""
    for folder, _, names in os.walk(root, onerror=lambda _: None):
        for name in names:
            path = Path(folder) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if not path.is_file() or path.is_symlink() or info.st_size > MAX_SCAN_BYTES:
                continue
            if newer_than is None or info.st_mtime >= newer_than:
                yield path


def containing(paths: Iterator[Path], needles: list[bytes]) -> list[str]:
    found: list[str] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # vanished or unreadable (another process's private file)
        found.extend(f"{path} ({needle[:12]!r}...)" for needle in needles if needle in data)
    return found


def test_nothing_readable_is_left_anywhere(
    tmp_path: Path, workstation_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    canary = f"CANARY-{secrets.token_hex(8)}-mallory"
    started = time.time() - 2  # file times have coarse resolution on some file systems
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "case"
    with make_case(path, title=canary, officer=canary) as case:
        populate(case, canary)
        case.add_persona(f"{canary} persona", email=f"{canary}@example.org")
        case.save_persona_state(f"{canary} persona", canary.encode() * 100)
        case.add_contact(
            ContactDraft(
                persona=f"{canary} persona",
                channel=canary,
                counterparts=(Counterpart("url", f"https://{canary}.example/shop"),),
                direction="out",
                content=canary * 20,
                authorisation_ref=canary,
            )
        )
        assert case.search(canary)
        assert case.verify_audit().ok
    # The canary really is in the case, so the scan below could fail.
    with Case.open(path, PASSPHRASE) as case:
        assert case.metadata().reference == f"REF {canary}"
        assert case.load_persona_state(f"{canary} persona") == canary.encode() * 100
        assert any(canary in entry.content for entry in case.contacts())
    needles = [canary.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    roots: list[tuple[Path, float | None]] = [
        (path, None),
        (workstation_home, None),
        (Path("/dev/shm"), None),
        # The temp directory is shared with everything else on the machine: what
        # this test could have written there is newer than its start.
        (Path(tempfile.gettempdir()), started),
    ]
    leaks = [hit for root, since in roots for hit in containing(files_under(root, since), needles)]
    assert leaks == []
    assert sorted(p.name for p in path.iterdir()) == ["case.db", "keyslot.json"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert canary not in logged
    assert caplog.records, "logging was captured"
