"""Damaged and foreign files: every failure is a clear CaseError and changes nothing.

One flipped byte anywhere in case.db must give CaseCorrupt when the case is
opened or when the damaged part is read, never another exception and never a
silently wrong answer.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import struct
import zlib
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_casefile_case import PASSPHRASE, make_case, populate, snapshot
from workstation.casefile import Case
from workstation.errors import CaseCorrupt, CaseError, CaseNotFound, WrongPassphrase

PAGE = 4096


def png_bytes() -> bytes:
    """A real (1x1) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _attachments(case: Case) -> list[bytes]:
    return [case.attachment(a.sha256) for e in case.contacts() for a in e.attachments]


def _states(case: Case) -> list[bytes | None]:
    return [case.load_persona_state(p.alias) for p in case.personas(include_retired=True)]


READERS: dict[str, Callable[[Case], Any]] = {
    "metadata": Case.metadata,
    "personas": lambda case: case.personas(include_retired=True),
    "state": _states,
    "contacts": lambda case: case.contacts(),
    "attachments": _attachments,
    "evidence": Case.evidence_items,
    "artifacts": lambda case: [case.artifacts(item.id) for item in case.evidence_items()],
    "notes": Case.notes,
    "search": lambda case: case.search("sample"),
    "heads": Case.signed_heads,
    "audit": lambda case: case.audit_events()[:-1],  # without this session's case.opened
    "verified": lambda case: case.verify_audit().ok,
}


def read_everything(case: Case) -> dict[str, Any]:
    """Every answer the case can give; compared with the answers of the intact case."""
    return {name: read(case) for name, read in READERS.items()}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("faults") / "case"
    with make_case(path) as case:
        populate(case, "sample")
        case.add_evidence("CN-big", b"{}", [])  # a few more pages of varied content
        for n in range(30):
            case.add_note(f"note {n} " + "padding " * 60)
    scratch = path.parent / "scratch"
    shutil.copytree(path, scratch)
    with Case.open(scratch, PASSPHRASE) as case:
        expected = read_everything(case)
    return path, expected


@pytest.fixture
def copy(pristine: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(pristine[0], target)
    return target


def assert_open_refused(
    path: Path, error: type[CaseError], match: str = "", passphrase: str = PASSPHRASE
) -> None:
    before = snapshot(path)
    with pytest.raises(error, match=match):
        Case.open(path, passphrase)
    assert snapshot(path) == before


def test_wrong_passphrase(copy: Path) -> None:
    assert_open_refused(copy, WrongPassphrase, "does not open this case", "not the passphrase")


def test_a_png_named_case_db(copy: Path) -> None:
    (copy / "case.db").write_bytes(png_bytes())
    assert_open_refused(copy, CaseCorrupt, "is damaged or is not a case file")


def test_a_png_named_keyslot_json(copy: Path) -> None:
    (copy / "keyslot.json").write_bytes(png_bytes())
    assert_open_refused(copy, CaseCorrupt, "key slot is not valid JSON")


def test_a_plain_sqlite_database_named_case_db(copy: Path) -> None:
    (copy / "case.db").unlink()
    with closing(sqlite3.connect(copy / "case.db")) as plain:
        plain.execute("CREATE TABLE case_info (key TEXT, value TEXT)")
        plain.commit()
    assert_open_refused(copy, CaseCorrupt, "not a database")


def test_a_png_instead_of_the_case_folder(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    with pytest.raises(CaseNotFound, match="is a file, not a case folder"):
        Case.open(image, PASSPHRASE)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_database(copy: Path, keep: float) -> None:
    db = copy / "case.db"
    data = db.read_bytes()
    db.write_bytes(data[: int(len(data) * keep)])
    before = snapshot(copy)
    try:
        case = Case.open(copy, PASSPHRASE)
    except CaseCorrupt:
        assert snapshot(copy) == before  # a failed open writes nothing
        return
    with case, pytest.raises(CaseCorrupt):
        read_everything(case)


@pytest.mark.parametrize("keep", [1, 10, 0.5, -1])
def test_truncated_keyslot(copy: Path, keep: float) -> None:
    slot = copy / "keyslot.json"
    data = slot.read_bytes()
    slot.write_bytes(data[: int(keep if abs(keep) >= 1 else len(data) * keep)])
    assert_open_refused(copy, CaseCorrupt, "is damaged or is not a case file")


def _positions(size: int, seed: int = 20240501) -> list[int]:
    """One random offset in every page, plus the first bytes (salt) and the page ends."""
    rng = random.Random(seed)
    pages = size // PAGE
    spots = [rng.randrange(page * PAGE, (page + 1) * PAGE) for page in range(pages)]
    return sorted({0, 15, 16, 100, PAGE - 1, *spots, *(p * PAGE - 1 for p in range(2, pages + 1))})


def test_a_flipped_byte_anywhere_is_caught_or_harmless(
    pristine: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    source, expected = pristine
    positions = _positions((source / "case.db").stat().st_size)
    assert len(positions) > 40
    outcomes = {"refused at open": 0, "caught on read": 0, "harmless": 0}
    for position in positions:
        target = tmp_path / f"flip-{position}"
        shutil.copytree(source, target)
        _flip(target / "case.db", position)
        outcomes[_outcome(target, expected, position)] += 1
        shutil.rmtree(target)
    assert outcomes["refused at open"] > 0 and outcomes["caught on read"] > 0, outcomes


def _flip(path: Path, position: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(position)
        byte = handle.read(1)[0]
        handle.seek(position)
        handle.write(bytes([byte ^ 0x5A]))


def _outcome(path: Path, expected: dict[str, Any], position: int) -> str:
    before = snapshot(path)
    try:
        case = Case.open(path, PASSPHRASE)
    except CaseCorrupt:
        assert snapshot(path) == before, f"a failed open changed the files (byte {position})"
        return "refused at open"
    with case:
        answers = _answers(case)
    if any(answer is CaseCorrupt for answer in answers.values()):
        return "caught on read"
    assert answers == expected, f"byte {position}: a wrong answer was given silently"
    return "harmless"  # a page that nothing reads, e.g. free space


def _answers(case: Case) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for name, read in READERS.items():
        try:
            answers[name] = read(case)
        except CaseCorrupt:
            answers[name] = CaseCorrupt
    return answers
