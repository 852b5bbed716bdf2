"""Progress and cancel for the long jobs: the evidence package (and its evidence export),
the package's verification, the case transfer's export and its import.

Each job runs on a real case. Progress must end at done == total when nothing is
cancelled; a cancel is made from the reporter callback at a chosen step (found by its
text, so the point is the same on every run), and afterwards nothing the job started is
left behind: no folder, no archive, no transfer file, nothing recorded in the source
case's audit log, nothing added to the target case.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.package_case import PackageCase, make_package_case
from tests.unit.test_transfer_fuzz import (
    TARGET_PASSPHRASE,
    World,
    folder_digest,
    make_world,
    to,
)
from workstation.casefile import Case
from workstation.casefile.importer import IMPORTED_ACTION, Target
from workstation.casefile.transfer import Encryption, export_transfer
from workstation.evidence.export import AUDIT_ACTION, export_evidence
from workstation.package import PackageRequest, build_package
from workstation.package import standalone_verifier as standalone
from workstation.package.build import PACKAGE_ACTION
from workstation.package.verify import verify_package
from workstation.progress import OperationCancelled, Progress
from workstation.report import REPORT_ACTION

Step = tuple[str, int, int]


@dataclass
class Steps:
    """Records every step; cancels once a step whose text starts with ``cancel_at`` came."""

    cancel_at: str | None = None
    seen: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.progress = Progress(self.report)

    def report(self, text: str, done: int, total: int) -> None:
        self.seen.append((text, done, total))
        if self.cancel_at is not None and text.startswith(self.cancel_at):
            self.progress.cancel()

    @property
    def cancelled_at(self) -> Step:
        return next(s for s in self.seen if self.cancel_at and s[0].startswith(self.cancel_at))

    def texts(self) -> list[str]:
        return [text for text, _, _ in self.seen]


def assert_ends_complete(steps: Steps) -> None:
    _, done, total = steps.seen[-1]
    assert total > 0 and done == total, steps.seen[-1]
    for _, done, total in steps.seen:
        assert 0 <= done <= total or total == 0, (done, total)


def trail(case: Case) -> list[tuple[int, str, str]]:
    return [(e.seq, e.action, e.hash) for e in case.audit_events()]


def recorded_since(before: list[tuple[int, str, str]], case: Case) -> list[str]:
    """The actions the case recorded since ``before`` (in the same session)."""
    after = trail(case)
    assert after[: len(before)] == before
    return [action for _, action, _ in after[len(before) :]]


# -- the evidence package ----------------------------------------------------------------


@pytest.fixture(scope="module")
def package_case(tmp_path_factory: pytest.TempPathFactory) -> PackageCase:
    return make_package_case(tmp_path_factory.mktemp("package-case") / "source.case")


@pytest.fixture
def fresh_case(package_case: PackageCase, tmp_path: Path) -> Path:
    """A copy of the case that has never been exported (no package head to reuse)."""
    copy = tmp_path / "copy.case"
    shutil.copytree(package_case.path, copy)
    return copy


def export_package(
    case_path: Path,
    out: Path,
    steps: Steps,
    *,
    archive: bool = False,
    recorded: list[str] | None = None,
) -> None:
    """Export; ``recorded`` gets what the case recorded meanwhile, even when cancelled."""
    with Case.open(case_path, PASSPHRASE) as case:
        before = trail(case)
        try:
            build_package(case, out, PackageRequest(archive=archive), progress=steps.progress)
        finally:
            if recorded is not None:
                recorded.extend(recorded_since(before, case))


def test_a_package_export_reports_bytes_then_steps_and_ends_complete(
    fresh_case: Path, tmp_path: Path
) -> None:
    steps = Steps()
    out = tmp_path / "package"
    export_package(fresh_case, out, steps, archive=True)
    assert_ends_complete(steps)
    texts = steps.texts()
    exported = [s for s in steps.seen if s[0].startswith("Exhibit ")]
    assert exported and all(total == exported[0][2] > 0 for _, _, total in exported)
    assert [done for _, done, _ in exported] == sorted(done for _, done, _ in exported)
    assert texts.index("Archiving evidence/") < texts.index("Signing the audit head")
    assert texts[-1] == "The package is complete"
    assert standalone.verify_folder(out).ok
    assert verify_package(tmp_path / "package.zip").ok


@pytest.mark.parametrize(
    "cancel_at",
    ["Reading the case", "Exhibit 1 of 2: page.txt", "Exhibit 2 of 2", "Archiving evidence/"],
)
def test_a_package_cancelled_before_its_head_leaves_nothing_and_records_nothing(
    fresh_case: Path, tmp_path: Path, cancel_at: str
) -> None:
    steps = Steps(cancel_at)
    recorded: list[str] = []
    with pytest.raises(OperationCancelled):
        export_package(fresh_case, tmp_path / "package", steps, archive=True, recorded=recorded)
    assert steps.seen[-1] == steps.cancelled_at  # nothing was reported after the cancel
    assert not (tmp_path / "package").exists()
    assert not (tmp_path / "package.zip").exists()
    assert recorded == []


@pytest.mark.parametrize("cancel_at", ["Writing the report", "Archiving the package"])
def test_a_package_cancelled_after_its_head_keeps_only_the_head(
    fresh_case: Path, tmp_path: Path, cancel_at: str
) -> None:
    recorded: list[str] = []
    with pytest.raises(OperationCancelled):
        export_package(
            fresh_case, tmp_path / "package", Steps(cancel_at), archive=True, recorded=recorded
        )
    assert not (tmp_path / "package").exists()
    assert not (tmp_path / "package.zip").exists()
    assert recorded == ["audit.head_signed"]
    assert PACKAGE_ACTION not in recorded and REPORT_ACTION not in recorded
    assert set(recorded) <= {"audit.head_signed"}


def test_a_cancel_empties_a_folder_it_was_given_and_leaves_the_folder(
    fresh_case: Path, tmp_path: Path
) -> None:
    given = tmp_path / "given"
    given.mkdir()
    with pytest.raises(OperationCancelled):
        export_package(fresh_case, given, Steps("Exhibit 2 of 2"))
    assert given.is_dir() and list(given.iterdir()) == []


def test_an_evidence_export_reports_bytes_and_a_cancel_removes_it(
    fresh_case: Path, tmp_path: Path
) -> None:
    steps = Steps()
    with Case.open(fresh_case, PASSPHRASE) as case:
        summary = export_evidence(case, tmp_path / "done", None, progress=steps.progress)
        before = [e.action for e in case.audit_events()]
        with pytest.raises(OperationCancelled):
            export_evidence(case, tmp_path / "never", None, progress=Steps("Exhibit 2").progress)
        after = [e.action for e in case.audit_events()]
    assert_ends_complete(steps)
    planned = steps.seen[-1][2]
    assert planned == sum(
        (tmp_path / "done" / path).stat().st_size
        for exhibit in summary.exhibits
        for path in exhibit.files
        if not path.endswith(("/manifest.json", ".tsr", "-certs.pem"))
    )
    assert before[-1] == AUDIT_ACTION and after == before
    assert not (tmp_path / "never").exists()


# -- verifying a package -----------------------------------------------------------------


@pytest.fixture(scope="module")
def built_package(package_case: PackageCase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built")
    copy = root / "copy.case"
    shutil.copytree(package_case.path, copy)
    export_package(copy, root / "package", Steps(), archive=True)
    return root / "package"


def test_verifying_a_package_reports_bytes_then_checks_and_ends_complete(
    built_package: Path,
) -> None:
    steps = Steps()
    assert verify_package(built_package, progress=steps.progress).ok
    assert_ends_complete(steps)
    checks = {*standalone.CHECKS, "Checking the signatures", "Checking the timestamps"}
    hashed = [s for s in steps.seen if s[0].startswith("Checking ") and s[0] not in checks]
    total = sum(p.stat().st_size for p in built_package.rglob("*") if p.is_file())
    total -= (built_package / "SHA256SUMS").stat().st_size
    assert hashed[-1][1:] == (total, total)


@pytest.fixture
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder an archive is unpacked into, watched by the test."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("cancel_at", ["Unpacking ", "Checking evidence/", "Checking the WACZ"])
def test_a_cancelled_verification_stops_and_removes_what_it_unpacked(
    built_package: Path, own_temp: Path, cancel_at: str
) -> None:
    steps = Steps(cancel_at)
    with pytest.raises(OperationCancelled):
        verify_package(built_package.with_name("package.zip"), progress=steps.progress)
    assert steps.seen[-1] == steps.cancelled_at
    assert list(own_temp.iterdir()) == []


# -- the case transfer ---------------------------------------------------------------------


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def transfer_out(
    world: World,
    name: str,
    steps: Steps,
    encryption: Encryption,
    recorded: list[str] | None = None,
) -> Path:
    out = world.root / name
    with Case.open(world.source, PASSPHRASE) as case:
        before = trail(case)
        try:
            export_transfer(case, out, world.sender, encryption, progress=steps.progress)
        finally:
            if recorded is not None:
                recorded.extend(recorded_since(before, case))
    return out


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".transfer-"))


def test_a_transfer_export_reports_its_bytes_and_ends_complete(world: World) -> None:
    steps = Steps()
    out = transfer_out(world, "again.age", steps, Encryption((to(world.receiver),)))
    assert out.is_file()
    assert_ends_complete(steps)
    assert any(text.startswith("Packing evidence/000001/artifact-") for text in steps.texts())


@pytest.mark.parametrize("by_passphrase", [False, True])
@pytest.mark.parametrize(
    "cancel_at",
    ["Signing the audit head", "Packing evidence/000000/artifact-0001", "Packing notes.json"],
)
def test_a_cancelled_transfer_export_leaves_no_file(
    world: World, cancel_at: str, by_passphrase: bool
) -> None:
    encryption = (
        Encryption(passphrase="s3cret") if by_passphrase else Encryption((to(world.receiver),))
    )
    steps = Steps(cancel_at)
    recorded: list[str] = []
    with pytest.raises(OperationCancelled):
        transfer_out(world, "cancelled.age", steps, encryption, recorded)
    assert steps.seen[-1] == steps.cancelled_at
    assert not (world.root / "cancelled.age").exists()
    assert leftovers(world.root) == []
    # The head is signed before anything is read (the bundle's log ends there); nothing else.
    assert recorded == ["audit.head_signed"]


def test_a_transfer_export_cancelled_before_it_began_records_nothing(world: World) -> None:
    steps = Steps()
    steps.progress.cancel()
    recorded: list[str] = []
    with pytest.raises(OperationCancelled):
        transfer_out(world, "never.age", steps, Encryption((to(world.receiver),)), recorded)
    assert recorded == [] and steps.seen == []
    assert not (world.root / "never.age").exists()


def import_with(world: World, steps: Steps, target: Target) -> None:
    from workstation.casefile.importer import import_transfer  # noqa: PLC0415

    import_transfer(world.transfer, target, world.keys(), progress=steps.progress)


def existing_target(world: World) -> Target:
    return Target(world.target, TARGET_PASSPHRASE, False)


def case_contents(path: Path, passphrase: str) -> dict[str, list[object]]:
    with Case.open(path, passphrase) as case:
        return {
            "exhibits": [r.control_number for r in case.evidence_items()],
            "lookups": [s.record_sha256 for s in case.lookups()],
            "contacts": [c.content for c in case.contacts()],
            "personas": [p.alias for p in case.personas(include_retired=True)],
            "notes": [n.text for n in case.notes()],
            "imports": [e.seq for e in case.audit_events() if e.action == IMPORTED_ACTION],
        }


def test_an_import_reports_decrypting_verifying_adding_and_ends_complete(world: World) -> None:
    steps = Steps()
    import_with(world, steps, existing_target(world))
    assert_ends_complete(steps)
    texts = steps.texts()
    assert texts[0] == "Decrypting the transfer" and texts[-1] == "The transfer is imported"
    assert "Verifying exhibit 2 of 2" in texts and "Adding exhibit 2 of 2" in texts
    assert len(case_contents(world.target, TARGET_PASSPHRASE)["exhibits"]) == 2


@pytest.mark.parametrize(
    "cancel_at", ["Decrypting the transfer", "Verifying exhibit 2 of 2", "Adding to the case"]
)
def test_an_import_cancelled_before_it_writes_leaves_the_target_byte_for_byte(
    world: World, cancel_at: str
) -> None:
    before = folder_digest(world.target)
    with pytest.raises(OperationCancelled):
        import_with(world, Steps(cancel_at), existing_target(world))
    assert folder_digest(world.target) == before


@pytest.mark.parametrize("cancel_at", ["Adding exhibit 1 of 2", "Adding exhibit 2 of 2"])
def test_an_import_cancelled_while_it_writes_adds_nothing(world: World, cancel_at: str) -> None:
    before = case_contents(world.target, TARGET_PASSPHRASE)
    with pytest.raises(OperationCancelled):
        import_with(world, Steps(cancel_at), existing_target(world))
    assert case_contents(world.target, TARGET_PASSPHRASE) == before
    new_case = world.root / "new.case"
    with pytest.raises(OperationCancelled):
        import_with(world, Steps(cancel_at), Target(new_case, "new passphrase", True))
    assert not new_case.exists()


# -- the report inside the package names the package's head ------------------------------


def head_meta(html: bytes) -> tuple[str, str]:
    from workstation.report.html import HEAD_HASH_META, HEAD_SEQ_META  # noqa: PLC0415

    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "report.html").write_bytes(html)
        found = standalone.report_head_meta(folder / "report.html")
    finally:
        shutil.rmtree(folder)
    return found[HEAD_SEQ_META], found[HEAD_HASH_META]


def test_the_report_in_a_package_names_the_head_its_audit_log_ends_at(
    built_package: Path,
) -> None:
    last = json.loads((built_package / "audit" / "audit-log.jsonl").read_bytes().splitlines()[-1])
    index = json.loads((built_package / "package.json").read_bytes())
    named = head_meta((built_package / "report.html").read_bytes())
    assert named == (str(last["seq"]), last["hash"])
    assert index["audit"]["head"] == {"seq": last["seq"], "hash": last["hash"]}
    assert index["report"] == {"html": "report.html", "names_head": True}
    visible = (built_package / "report.html").read_text()
    assert f"Events in the log</th><td>{last['seq']}</td>" in visible
    assert "audit/audit-log.jsonl" in visible


def test_the_verifiers_name_a_report_that_names_another_head(
    built_package: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "altered"
    shutil.copytree(built_package, folder)
    report = folder / "report.html"
    seq, _ = head_meta(report.read_bytes())
    altered = report.read_bytes().replace(
        f'name="audit-head-seq" content="{seq}"'.encode(),
        f'name="audit-head-seq" content="{int(seq) + 1}"'.encode(),
    )
    assert altered != report.read_bytes()
    report.write_bytes(altered)
    resum(folder)
    problems = standalone.verify_folder(folder).problems
    assert [p for p in problems if p.startswith("report.html: names event")] == problems
    assert len(problems) == 1
    assert problems == verify_package(folder).problems


def resum(folder: Path) -> None:
    """Write SHA256SUMS again, as someone altering a package would."""
    lines = []
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        name = line.split("  ", 1)[1]
        lines.append(f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n")
    (folder / "SHA256SUMS").write_text("".join(lines))


def test_the_report_and_the_verifier_agree_on_the_meta_names() -> None:
    from workstation.report.html import HEAD_HASH_META, HEAD_SEQ_META  # noqa: PLC0415

    assert (HEAD_SEQ_META, HEAD_HASH_META) == (
        standalone.REPORT_HEAD_SEQ_META,
        standalone.REPORT_HEAD_HASH_META,
    )


def test_a_report_given_a_head_signs_none_of_its_own(fresh_case: Path) -> None:
    from workstation.report import build_report  # noqa: PLC0415

    with Case.open(fresh_case, PASSPHRASE) as case:
        head = case.signed_heads()[-1]
        heads = len(case.signed_heads())
        report = build_report(case, head=head, record_in_audit=False)
        assert len(case.signed_heads()) == heads
        plain = build_report(case, record_in_audit=False)
        newest = case.signed_heads()[-1]
    assert head_meta(report.html) == (str(head.seq), head.hash)
    assert head_meta(plain.html) == (str(newest.seq), newest.hash) != head_meta(report.html)


# -- the case changing while the package is made -------------------------------------------


def change_during(case: Case, change: Callable[[Case], object], at: str) -> Progress:
    """A Progress that makes a change to the case once, at the step starting with ``at``."""
    done: list[bool] = []

    def report(text: str, _done: int, _total: int) -> None:
        if text.startswith(at) and not done:
            done.append(True)
            change(case)

    return Progress(report)


def test_a_contact_logged_during_the_export_is_in_the_tree_and_the_log(
    fresh_case: Path, tmp_path: Path
) -> None:
    from workstation.casefile import ContactDraft, Counterpart  # noqa: PLC0415

    draft = ContactDraft(
        "Harbour-Buyer", "E-mail", (Counterpart("email", "a@b.example"),), "in", "Logged late."
    )
    with Case.open(fresh_case, PASSPHRASE) as case:
        contacts = len(case.contacts())
        progress = change_during(case, lambda c: c.add_contact(draft), "Exhibit 1 of 2")
        summary = build_package(case, tmp_path / "p", PackageRequest(), progress=progress)
    tree = json.loads((tmp_path / "p" / "merkle.json").read_bytes())
    assert tree["counts"]["contact"] == contacts + 1 == summary.leaves - 2 - 1 - 2
    assert b"Logged late." in (tmp_path / "p" / "contacts" / "contact-log.jsonl").read_bytes()
    assert standalone.verify_folder(tmp_path / "p").ok
    assert verify_package(tmp_path / "p").ok


def test_an_exhibit_sealed_during_the_export_is_a_leaf_but_not_in_the_package(
    fresh_case: Path, tmp_path: Path
) -> None:
    from tests.support.package_case import seal_page  # noqa: PLC0415

    def seal(case: Case) -> None:
        seal_page(case, "https://late.example/", b"<p>late</p>", "Late", "test officer")

    with Case.open(fresh_case, PASSPHRASE) as case:
        progress = change_during(case, seal, "Exhibit 2 of 2")
        summary = build_package(case, tmp_path / "p", PackageRequest(), progress=progress)
    assert len(summary.exhibits) == 2 and summary.leaves == summary.disclosed_leaves + 1
    assert any("was sealed while this package was being made" in n for n in summary.notes)
    assert standalone.verify_folder(tmp_path / "p").ok
    assert verify_package(tmp_path / "p").ok


# -- an exhibit that does not verify is still listed with its files' real digests ----------


def sealed_with_a_wrong_count(case: Case) -> int:
    from tests.support.package_case import warc_of  # noqa: PLC0415
    from workstation.casefile.evidence_store import ArtifactData  # noqa: PLC0415
    from workstation.evidence.manifest import ArtifactBytes, build_manifest  # noqa: PLC0415

    artifacts = [
        ArtifactBytes("page.warc.gz", "application/warc", warc_of("https://x.example/", b"x")),
        ArtifactBytes("dom.html", "text/html", b"<p>x</p>"),
    ]
    fields = {"requested_url": "https://x.example/", "recorded_exchanges": 5}
    manifest = build_manifest("page-snapshot", fields, artifacts)
    return case.add_evidence(
        manifest.control_number,
        manifest.data,
        [ArtifactData(a.name, a.media_type, a.data) for a in artifacts],
        details={"kind": "page-snapshot"},
    )


def test_an_exhibit_with_problems_is_hashed_as_written(tmp_path: Path) -> None:
    with fast_case(tmp_path / "odd.case") as case:
        sealed_with_a_wrong_count(case)
        summary = export_evidence(case, tmp_path / "out", None)
    assert summary.problems  # the WARC holds 1 response, the manifest says 5
    for line in (tmp_path / "out" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest() == digest


@pytest.fixture(autouse=True)
def _no_stray_threads() -> Iterator[None]:
    """The export reads ahead on a worker thread; it must be gone when the call returns."""
    import threading  # noqa: PLC0415

    yield
    assert not [t for t in threading.enumerate() if t.name.startswith("export-read")]
