"""The package reader and builder against hostile or sensitive input: archives with path
traversal, absolute names, symbolic links, ZIP bombs and lying headers are refused before
anything is written; random bytes and random JSON never crash the archive reader or the
standalone verifier's parsers (hypothesis, 10,000 examples each); a redacted copy
withholds whatever names a withheld persona, and is not made at all when a file would
still hold withheld information; a forged head signature is caught by `verify`."""

import hashlib
import io
import json
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cases import PASSPHRASE
from tests.support.package_case import SECRET_ALIAS, make_package_case, seal_page
from workstation.casefile import Case
from workstation.errors import InputError
from workstation.package import PackageFailed, PackageRequest, WithholdRequest, build_package
from workstation.package import standalone_verifier as standalone
from workstation.package.verify import (
    PackageArchiveRefused,
    extract_archive,
    member_parts,
    verify_package,
)

FUZZ = settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def zip_bytes(
    members: list[tuple[zipfile.ZipInfo | str, bytes]], method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return out.getvalue()


def refusal(data: bytes, target: Path) -> str:
    with pytest.raises(PackageArchiveRefused) as refused:
        extract_archive(io.BytesIO(data), target)
    assert list(target.iterdir()) == []  # nothing was written
    return str(refused.value)


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ([("pkg/package.json", b"{}"), ("pkg/../../evil.txt", b"x")], "path traversal"),
        ([("../evil.txt", b"x")], "path traversal"),
        ([("/etc/evil", b"x")], "absolute path"),
        ([("C:/evil", b"x")], "absolute path"),
        ([("pkg\\..\\evil", b"x")], "backslashes"),
        ([("pkg/package.json", b"{}"), (symlink("pkg/link"), b"/etc/passwd")], "symbolic link"),
        ([("pkg/a", b"1"), ("pkg/a", b"2")], "twice"),
    ],
)
def test_unsafe_members_are_refused_before_anything_is_written(
    tmp_path: Path, members: list[tuple[Any, bytes]], words: str
) -> None:
    with pytest.warns(UserWarning) if any(m[0] == "pkg/a" for m in members) else _nothing():
        data = zip_bytes(members)
    assert words in refusal(data, tmp_path)
    assert not (tmp_path.parent / "evil.txt").exists()


class _nothing:  # noqa: N801  (a do-nothing context manager, named for where it is used)
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_a_zip_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = zip_bytes([("pkg/zeros.bin", bytes(64 * 1024 * 1024))])
    assert len(bomb) < 100_000  # 64 MiB of zeros deflate to almost nothing
    assert "ZIP bomb" in refusal(bomb, tmp_path)


def test_a_member_larger_than_its_header_says_is_refused(tmp_path: Path) -> None:
    data = bytearray(zip_bytes([("pkg/data.bin", b"A" * 4000)]))
    # Shrink the uncompressed size in the central directory (the reader's view) to 10.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    message = refusal(bytes(data), tmp_path)
    assert "larger than its header says" in message or "cannot be read" in message


def test_random_bytes_are_refused_not_crashed_on(tmp_path: Path) -> None:
    assert "cannot be read" in refusal(b"PK\x03\x04 not really a zip", tmp_path)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@FUZZ
@given(st.binary(max_size=600))
def test_fuzz_archive_reader_on_random_bytes(scratch: Path, data: bytes) -> None:
    try:
        extract_archive(io.BytesIO(b"PK\x03\x04" + data), scratch)
    except PackageArchiveRefused:
        assert list(scratch.iterdir()) == []
    for child in scratch.iterdir():  # an archive that happens to be valid: start afresh
        shutil.rmtree(child) if child.is_dir() else child.unlink()


class Picks:
    """Structured values driven by hypothesis' bytes: cheap to make, and they shrink."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def pick(self, options: Sequence[Any]) -> Any:
        byte = self.data[self.at % len(self.data)] if self.data else 0
        self.at += 1
        return options[byte % len(options)]

    def many(self, options: Sequence[Any], most: int) -> list[Any]:
        return [self.pick(options) for _ in range(self.pick(range(most + 1)))]


NAME_PARTS = ["pkg", "..", ".", "", "a", "b.txt", "C:", "\\", "\x00", "~", "pkg/"]
MODES = [0o100644, 0o120777, 0o040755, 0o010644, 0o600, 0]


@FUZZ
@pytest.mark.filterwarnings("ignore:Duplicate name")
@given(st.binary(min_size=1, max_size=24))
def test_fuzz_archive_member_names_never_escape(scratch: Path, data: bytes) -> None:
    picks = Picks(data)
    infos = []
    for _ in range(picks.pick([1, 1, 2, 3])):
        info = zipfile.ZipInfo("/".join(picks.many(NAME_PARTS, 4)) or "x")
        info.external_attr = picks.pick(MODES) << 16
        infos.append(info)
    target = scratch / "out"
    target.mkdir()
    try:
        data = zip_bytes([(info, b"data") for info in infos], zipfile.ZIP_STORED)
        extract_archive(io.BytesIO(data), target)
    except PackageArchiveRefused:
        assert list(target.iterdir()) == []
    written = list(scratch.rglob("*"))
    assert all(p == target or p.is_relative_to(target) for p in written)
    assert not any(p.is_symlink() for p in written)
    shutil.rmtree(target)


def test_member_parts_accepts_plain_relative_names() -> None:
    assert member_parts("pkg/evidence/exhibits/1-ab/manifest.json") == (
        "pkg", "evidence", "exhibits", "1-ab", "manifest.json",
    )  # fmt: skip
    assert member_parts("pkg/") == ("pkg",)


JSON = [None, True, 0, -1, 2**70, 1.5, "", "x", "a" * 64, [], [1, "x"], {}, {"a": 1}]
HEX = ["0" * 64, "f" * 64, "A" * 64, "nothex", 5]


def fuzzed_event(picks: Picks) -> dict[str, Any]:
    event = {
        "seq": picks.pick([1, 1, 0, 2, "1", True]),
        "utc": picks.pick(["2026-01-02T03:04:05.000001Z", "2026-01-02T03:04:05Z", "", 7]),
        "action": picks.pick(["case.created", "evidence.sealed", "", None]),
        "actor": picks.pick(["officer", "", 3]),
        "details": picks.pick([{}, {"a": 1}, *JSON]),
        "prev_hash": picks.pick([standalone.GENESIS_HASH, *HEX]),
        "hash": picks.pick(HEX),
    }
    if picks.pick([False, True]):
        event["withheld"] = picks.pick([True, False, 1])
        event["details_sha256"] = picks.pick(HEX)
    if picks.pick([False, False, True]):
        event["hash"] = standalone.event_hash(event) if isinstance(event["details"], dict) else ""
    return event


@FUZZ
@given(st.binary(max_size=40), st.booleans())
def test_fuzz_audit_lines(data: bytes, raw: bool) -> None:
    line = data if raw else json.dumps(fuzzed_event(Picks(data))).encode()
    findings = standalone.Findings()
    event = standalone._audit_event(line, 1, standalone.GENESIS_HASH, "audit line 1", findings)
    assert (event is None) == bool(findings.problems)
    if event is not None:
        assert event["seq"] == 1 and event["prev_hash"] == standalone.GENESIS_HASH
        assert event.get("withheld") or standalone.event_hash(event) == event["hash"]


def fuzzed_tree(picks: Picks) -> Any:
    leaves = [
        {
            "index": picks.pick([-1, 0, 1, 2, 3, 8, "0"]),
            "kind": picks.pick([*standalone.LEAF_KINDS, "other"]),
            "id": picks.pick([0, 1, 2, "1"]),
            "sha256": picks.pick(HEX),
            "leaf_hash": picks.pick(HEX),
            "proof": picks.many(HEX, 3) if picks.pick([True, False]) else picks.pick(JSON),
        }
        if picks.pick([True, True, False])
        else picks.pick(JSON)
        for _ in range(picks.pick(range(5)))
    ]
    counts = {kind: picks.pick([0, 1, 2]) for kind in standalone.LEAF_KINDS}
    return {
        "format": picks.pick([standalone.MERKLE_FORMAT, standalone.MERKLE_FORMAT, "x"]),
        "root": picks.pick(HEX),
        "size": picks.pick([sum(counts.values()), 0, -1, "2"]),
        "counts": picks.pick([counts, counts, *JSON]),
        "complete": picks.pick([True, False, None]),
        "leaves": picks.pick([leaves, leaves, *JSON]),
    }


@FUZZ
@given(st.binary(max_size=64))
def test_fuzz_merkle_documents(data: bytes) -> None:
    tree = fuzzed_tree(Picks(data))
    findings = standalone.Findings()
    if standalone._tree_shape(tree):
        return
    listed = standalone._check_leaves(tree, bytes.fromhex(tree["root"]), findings)
    assert len(listed) + len(findings.problems) == len(tree["leaves"])
    assert all(kind in standalone.LEAF_KINDS for kind, _ in listed)


@pytest.fixture(scope="module")
def package_zip(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("package-reader")
    made = make_package_case(root / "reader.case")
    with Case.open(made.path, PASSPHRASE) as case:
        build_package(case, root / "package", PackageRequest(archive=True))
    yield root / "package.zip"


def test_a_real_package_archive_verifies_and_a_cut_one_is_refused(
    package_zip: Path, tmp_path: Path
) -> None:
    assert verify_package(package_zip).ok
    cut = tmp_path / "cut.zip"
    cut.write_bytes(package_zip.read_bytes()[: package_zip.stat().st_size // 2])
    with pytest.raises(PackageArchiveRefused):
        verify_package(cut)


def test_a_real_package_archive_with_a_deflate_stream_damaged_fails(
    package_zip: Path, tmp_path: Path
) -> None:
    data = bytearray(package_zip.read_bytes())
    with zipfile.ZipFile(package_zip) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("package.json"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    try:
        report = verify_package(damaged)
    except PackageArchiveRefused as exc:
        assert "cannot be read" in str(exc)
    else:
        assert not report.ok


# -- the builder: redaction safety and signatures ----------------------------------------------


def test_an_exhibit_naming_a_withheld_persona_is_withheld_too(tmp_path: Path) -> None:
    made = make_package_case(tmp_path / "auto.case")
    with Case.open(made.path, PASSPHRASE, officer="test officer") as case:
        naming = seal_page(
            case, "https://forum.example/profile", f"<p>{SECRET_ALIAS}</p>".encode(), "Profile",
            "test officer",
        )  # fmt: skip
        full = build_package(case, tmp_path / "full", PackageRequest())
        request = PackageRequest(withhold=WithholdRequest(personas=(SECRET_ALIAS,)))
        redacted = build_package(case, tmp_path / "redacted", request)
    assert redacted.merkle_root == full.merkle_root and redacted.head_seq == full.head_seq
    assert naming not in {e.item_id for e in redacted.exhibits}
    assert any(f"exhibit {naming} is withheld too" in note for note in redacted.notes)
    for path in (tmp_path / "redacted").rglob("*"):
        if path.is_file():
            assert SECRET_ALIAS.encode() not in path.read_bytes(), path
    assert verify_package(tmp_path / "redacted").ok


def test_a_redacted_copy_that_would_leak_is_not_made(tmp_path: Path) -> None:
    made = make_package_case(tmp_path / "leak.case")
    with Case.open(made.path, PASSPHRASE) as case:
        # The case's own metadata names the persona: case.json would carry it.
        case.update_metadata(requesting_unit=f"Unit working with {SECRET_ALIAS}")
        request = PackageRequest(withhold=WithholdRequest(personas=(SECRET_ALIAS,)))
        with pytest.raises(PackageFailed, match=r"case\.json would have held withheld"):
            build_package(case, tmp_path / "leaky", request)
    assert not (tmp_path / "leaky").exists()


def test_unknown_persona_or_exhibit_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    made = make_package_case(tmp_path / "unknown.case")
    with Case.open(made.path, PASSPHRASE) as case:
        for withhold in (WithholdRequest(personas=("Nobody",)), WithholdRequest(exhibits=(99,))):
            with pytest.raises(InputError):
                build_package(case, tmp_path / "out", PackageRequest(withhold=withhold))
    assert not (tmp_path / "out").exists()


def test_verify_catches_a_forged_head_signature_the_standalone_cannot(
    package_zip: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "forged"
    extract_archive(package_zip, tmp_path)
    (tmp_path / "package").rename(folder)
    heads_file = folder / "audit" / "signed-heads.json"
    document = json.loads(heads_file.read_bytes())
    head = document["heads"][-1]
    forged = bytes(64).hex()
    head["signature_hex"] = forged
    heads_file.write_text(json.dumps(document))
    (folder / head["signature_file"]).write_bytes(bytes(64))
    lines = []
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        name = line.split("  ", 1)[1]
        lines.append(f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n")
    (folder / "SHA256SUMS").write_text("".join(lines))
    assert standalone.verify_folder(folder, openssl=None).ok  # no Ed25519 in the stdlib
    report = verify_package(folder)
    assert not report.ok
    assert any(head["signature_file"] in problem for problem in report.problems)
