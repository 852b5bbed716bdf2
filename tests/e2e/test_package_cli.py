"""`export` (evidence package and redacted disclosure copy) and `verify PACKAGE`, through the
real CLI: two HTTPS pages captured through microsocks and timestamped by a real `openssl ts`
authority, personas, contact entries and a saved phone lookup in the case. The packages
are then checked the way a court's expert or a partner unit would: sha256sum, openssl ts
and pkeyutl, warcio, the shipped verifier under an isolated Python with no site-packages,
case_validate on the CASE/UCO file, and the workstation's own `verify`."""

import ast
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support.cases import PASSPHRASE
from tests.support.cli import run_cli
from tests.support.http import LoopbackHttpServer, static_site
from tests.support.package_caseutils import case_validate
from tests.support.procs import require_program
from tests.support.socks import Microsocks
from tests.support.testca import TestCA
from tests.support.tsa import OpenSslTsa

SECRET_ALIAS = "Marlene-Undercover-7"
OPEN_ALIAS = "Harbour-Buyer"
SECRET_CONTENT = "meet behind the old customs depot at nine, bring the samples"
OPEN_CONTENT = "asked for a price list of forty cartons"
PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Secure shop</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Secure shop</h1><p id="offer">40 cartons, no tax stamps</p></body></html>"""
HIDDEN = b"""<!doctype html><html><head><meta charset="utf-8"><title>Back room</title></head>
<body><h1>Back room</h1><p>wholesale only</p></body></html>"""
STYLE = b"h1 { color: #036; }"


SHOP_FILES = {
    "/": ("text/html; charset=utf-8", PAGE),
    "/back-room-offer": ("text/html; charset=utf-8", HIDDEN),
    "/style.css": ("text/css", STYLE),
}
Shop = static_site(SHOP_FILES)


@dataclass
class Packages:
    root: Path
    environment: dict[str, str]
    case_path: Path
    tsa: OpenSslTsa
    page_url: str
    hidden_url: str
    captured: list[dict[str, Any]] = field(default_factory=list)
    full: dict[str, Any] = field(default_factory=dict)
    redacted: dict[str, Any] = field(default_factory=dict)

    def cli(self, *args: str, stdin: str = PASSPHRASE + "\n") -> subprocess.CompletedProcess[str]:
        return run_cli(*args, stdin=stdin, env=self.environment)

    @property
    def full_dir(self) -> Path:
        return self.root / "full"

    @property
    def redacted_dir(self) -> Path:
        return self.root / "redacted"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Packages]:
    root = tmp_path_factory.mktemp("package-cli")
    (root / "home").mkdir()
    (root / "tsa").mkdir()
    environment = dict(os.environ, WORKSTATION_HOME=str(root / "home"))
    test_ca = TestCA()
    shop = LoopbackHttpServer(Shop, tls=test_ca.server_context("127.0.0.1")).start()
    proxy = Microsocks(root).start()
    tsa = OpenSslTsa(root / "tsa").start()
    try:
        made = Packages(
            root, environment, root / "package.case", tsa,
            f"https://127.0.0.1:{shop.port}/", f"https://127.0.0.1:{shop.port}/back-room-offer",
        )  # fmt: skip
        _fill_case(made, test_ca, proxy)
        _export_both(made)
        yield made
    finally:
        tsa.stop()
        proxy.stop()
        shop.stop()


def _ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _fill_case(made: Packages, test_ca: TestCA, proxy: Microsocks) -> None:
    case = str(made.case_path)
    _ok(made.cli("case", "create", case, "--title", "CX-2026-17", "--officer", "Insp. Weber"))
    _ok(made.cli("persona", "add", "--case", case, SECRET_ALIAS, "--email",
                 "marlene.cover@mail.example"))  # fmt: skip
    _ok(made.cli("persona", "add", "--case", case, OPEN_ALIAS))
    captured = _ok(made.cli(
        "capture", "--case", case, "--route", proxy.url,
        "--ca-file", str(test_ca.write_pem(made.root / "site-roots.pem")),
        "--tsa", made.tsa.url, "--tsa-cert", str(made.tsa.ca_pem), "--json",
        made.page_url, made.hidden_url,
    ))  # fmt: skip
    made.captured = json.loads(captured.stdout)
    assert [c["timestamp"]["status"] for c in made.captured] == ["granted", "granted"]
    for alias, content in ((SECRET_ALIAS, SECRET_CONTENT), (OPEN_ALIAS, OPEN_CONTENT)):
        _ok(made.cli(
            "contact", "add", "--case", case, "--persona", alias, "--channel", "Telegram",
            "--counterpart", "handle:@depot_seller", "--direction", "out",
            stdin=f"{PASSPHRASE}\n{content}",
        ))  # fmt: skip
    _ok(made.cli("lookup", "phone", "+4930123456", "--case", case))


def _export_both(made: Packages) -> None:
    case = str(made.case_path)
    full = _ok(made.cli("export", "--case", case, "--out", str(made.full_dir), "--archive",
                        "--json"))  # fmt: skip
    made.full = json.loads(full.stdout)
    hidden_item = str(made.captured[1]["item_id"])
    redacted = _ok(made.cli(
        "export", "--case", case, "--out", str(made.redacted_dir), "--json",
        "--withhold-persona", SECRET_ALIAS, "--redact-contacts", "--withhold-exhibit", hidden_item,
    ))  # fmt: skip
    made.redacted = json.loads(redacted.stdout)


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def standalone(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The shipped verifier, isolated: no site-packages, no environment, no user paths."""
    return run(sys.executable, "-I", "-S", str(folder / "verify_package.py"), str(folder), *extra)


def every_byte(folder: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


# -- the full package ---------------------------------------------------------------------


def test_the_package_holds_everything_and_sha256sum_accepts_it(packages: Packages) -> None:
    full = packages.full_dir
    assert packages.full["ok"] and not packages.full["redacted"]
    for name in ("README.txt", "package.json", "merkle.json", "case.jsonld", "case.json",
                 "verify_package.py", "report.html", "report.pdf", "evidence/evidence.wacz",
                 "audit/audit-log.jsonl", "audit/signed-heads.json", "audit/public-key.pem",
                 "contacts/contact-log.jsonl", "personas/personas.jsonl"):  # fmt: skip
        assert (full / name).is_file(), name
    assert (full / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert len(list(full.glob("lookups/*-phone/record.json"))) == 1
    assert {e["control_number"] for e in packages.full["exhibits"]} == {
        c["control_number"] for c in packages.captured
    }
    sha256sum = require_program("sha256sum", "coreutils")
    for folder in (full, packages.redacted_dir):
        checked = run(sha256sum, "--strict", "-c", "SHA256SUMS", cwd=folder)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert all(line.endswith(": OK") for line in checked.stdout.splitlines())
    assert (packages.root / "full.zip").is_file() and packages.full["archive"]


def test_openssl_checks_a_timestamp_token_and_the_signed_head(packages: Packages) -> None:
    openssl = require_program("openssl", "openssl")
    exhibit = packages.full["exhibits"][0]
    folder = packages.full_dir / exhibit["folder"]
    verified = run(openssl, "ts", "-verify", "-in", "timestamp-1.tsr", "-data", "manifest.json",
                   "-CAfile", str(packages.tsa.ca_pem), cwd=folder)  # fmt: skip
    assert "Verification: OK" in verified.stdout, verified.stdout + verified.stderr
    head = packages.full["audit_head"]["seq"]
    stem = f"audit/heads/head-{head:06d}"
    signed = run(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", "audit/public-key.pem",
                 "-rawin", "-in", f"{stem}.msg", "-sigfile", f"{stem}.sig",
                 cwd=packages.full_dir)  # fmt: skip
    assert "Signature Verified Successfully" in signed.stdout, signed.stdout + signed.stderr
    message = json.loads((packages.full_dir / f"{stem}.msg").read_bytes())
    assert message["reason"].startswith(
        f"package export, Merkle root {packages.full['merkle_root']}"
    )


def test_warcio_reads_the_warcs_in_the_wacz(packages: Packages) -> None:
    with zipfile.ZipFile(packages.full_dir / "evidence" / "evidence.wacz") as wacz:
        warcs = [wacz.read(n) for n in wacz.namelist() if n.startswith("archive/")]
    bodies = {}
    for warc in warcs:
        for record in ArchiveIterator(io.BytesIO(warc), check_digests=True):
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                bodies[url] = record.content_stream().read()
            assert record.digest_checker.passed is not False
    assert bodies[packages.page_url] == PAGE and bodies[packages.hidden_url] == HIDDEN


def test_the_standalone_verifier_needs_only_the_standard_library(packages: Packages) -> None:
    source = (packages.full_dir / "verify_package.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
    for folder in (packages.full_dir, packages.redacted_dir):
        done = standalone(folder)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "VERIFIED" in done.stdout and "NOT VERIFIED" not in done.stdout
        assert "Ed25519 signatures checked with openssl" in done.stdout
        assert "report's audit head checked: 1" in done.stdout
    with_root = standalone(packages.full_dir, "--tsa-cert", str(packages.tsa.ca_pem))
    assert with_root.returncode == 0 and "timestamps: 2" in with_root.stdout, with_root.stdout
    without_openssl = standalone(packages.full_dir, "--no-openssl")
    assert without_openssl.returncode == 0
    assert "signature not checked (needs openssl)" in without_openssl.stdout


def test_the_report_names_the_head_the_package_s_audit_log_ends_at(packages: Packages) -> None:
    pdftotext = require_program("pdftotext", "poppler-utils")
    for folder, made in (
        (packages.full_dir, packages.full),
        (packages.redacted_dir, packages.redacted),
    ):
        head = made["audit_head"]
        last = json.loads((folder / "audit" / "audit-log.jsonl").read_bytes().splitlines()[-1])
        assert (last["seq"], last["hash"]) == (head["seq"], head["hash"])
        html = (folder / "report.html").read_text()
        assert f'<meta name="audit-head-seq" content="{head["seq"]}">' in html
        assert f'<meta name="audit-head-hash" content="{head["hash"]}">' in html
        # Without white space: a hash wraps across lines in the PDF.
        text = "".join(run(pdftotext, str(folder / "report.pdf"), "-").stdout.split())
        assert f"event{head['seq']},signed" in text and head["hash"] in text


def test_verify_accepts_the_package_folder_and_archive(packages: Packages) -> None:
    for target in (packages.full_dir, packages.root / "full.zip", packages.redacted_dir):
        done = packages.cli("verify", str(target), "--tsa-cert", str(packages.tsa.ca_pem),
                            "--json", stdin="")  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert report["ok"] and report["kind"] == "package" and report["problems"] == []
        assert report["signatures_checked"] >= 1 and report["timestamps_checked"] >= 1
    # The case itself still verifies, its exports recorded in the audit log.
    case = packages.cli("verify", str(packages.case_path), "--json")
    assert case.returncode == 0, case.stdout + case.stderr


def test_case_validate_accepts_the_case_uco_description(packages: Packages) -> None:
    for folder in (packages.full_dir, packages.redacted_dir):
        done = case_validate(folder / "case.jsonld")
        assert done.returncode == 0 and "Conforms: True" in done.stdout, done.stdout + done.stderr
    graph = json.loads((packages.full_dir / "case.jsonld").read_bytes())["@graph"]
    actions = [n for n in graph if n["@type"] == "case-investigation:InvestigativeAction"]
    numbers = {n.get("case-investigation:exhibitNumber") for n in graph}
    assert {c["control_number"] for c in packages.captured} <= numbers
    names = {action["uco-core:name"] for action in actions}
    assert names >= {"capture (page-snapshot)", "export", "lookup (phone)", "RFC 3161 timestamp"}


# -- the redacted copy ----------------------------------------------------------------------


def test_the_redacted_copy_has_the_same_root_and_head(packages: Packages) -> None:
    full, redacted = packages.full, packages.redacted
    assert redacted["redacted"] and redacted["merkle_root"] == full["merkle_root"]
    assert redacted["audit_head"] == full["audit_head"]
    assert redacted["leaves"] == full["leaves"] > redacted["disclosed_leaves"]
    assert redacted["withheld"]["personas"] == 1 and redacted["withheld"]["exhibits"] == 1
    tree = json.loads((packages.redacted_dir / "merkle.json").read_bytes())
    assert not tree["complete"] and all(leaf["proof"] for leaf in tree["leaves"])
    log = (packages.redacted_dir / "audit/audit-log.jsonl").read_bytes().splitlines()
    full_log = (packages.full_dir / "audit/audit-log.jsonl").read_bytes().splitlines()
    assert [json.loads(x)["hash"] for x in log] == [json.loads(x)["hash"] for x in full_log]
    assert any(json.loads(line).get("withheld") for line in log)


def test_the_redacted_copy_contains_no_withheld_string(packages: Packages) -> None:
    withheld = [SECRET_ALIAS, SECRET_CONTENT, OPEN_CONTENT, packages.hidden_url,
                packages.captured[1]["control_number"], "marlene.cover@mail.example"]  # fmt: skip
    for path, data in every_byte(packages.redacted_dir):
        for text in withheld:
            assert text.encode() not in data, f"{text!r} in {path}"
    # ... while the full package does hold them (the search would find them).
    found = {text for _, data in every_byte(packages.full_dir) for text in withheld
             if text.encode() in data}  # fmt: skip
    assert found == set(withheld)


# -- tampering ------------------------------------------------------------------------------


def _tampered(packages: Packages, tmp_path: Path, relative: str, resum: bool) -> Path:
    copy = tmp_path / ("resummed" if resum else "copy")
    shutil.copytree(packages.full_dir, copy)
    target = copy / relative
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    if resum:  # a forger who also rewrites SHA256SUMS
        lines = []
        for line in (copy / "SHA256SUMS").read_text().splitlines():
            name = line.split("  ", 1)[1]
            lines.append(f"{hashlib.sha256((copy / name).read_bytes()).hexdigest()}  {name}\n")
        (copy / "SHA256SUMS").write_text("".join(lines))
    return copy


def _tamper_targets(packages: Packages) -> dict[str, str]:
    exhibit = packages.full["exhibits"][0]["folder"]
    return {
        "artifact": f"{exhibit}/screenshot.png",
        "manifest": f"{exhibit}/manifest.json",
        "audit line": "audit/audit-log.jsonl",
        "merkle": "merkle.json",
        "timestamp": f"{exhibit}/timestamp-1.tsr",
    }


@pytest.mark.parametrize("what", ["artifact", "manifest", "audit line", "merkle", "timestamp"])
@pytest.mark.parametrize("resum", [False, True], ids=["plain", "sums-rewritten"])
def test_one_flipped_byte_is_named(
    packages: Packages, tmp_path: Path, what: str, resum: bool
) -> None:
    relative = _tamper_targets(packages)[what]
    copy = _tampered(packages, tmp_path, relative, resum)
    done = standalone(copy)
    assert done.returncode == 1, done.stdout
    assert "NOT VERIFIED" in done.stdout and relative in done.stdout, done.stdout
    if not resum:
        verified = packages.cli("verify", str(copy), "--json", stdin="")
        assert verified.returncode == 1
        assert any(relative in problem for problem in json.loads(verified.stdout)["problems"])


def test_a_leaf_hash_that_is_not_hex_is_named_not_a_crash(
    packages: Packages, tmp_path: Path
) -> None:
    # A flipped bit can turn a hex digit into a letter that is not one ("a" -> "`",
    # "f" -> "g"): that once stopped both verifiers with a traceback.
    copy = tmp_path / "nothex"
    shutil.copytree(packages.full_dir, copy)
    tree = json.loads((copy / "merkle.json").read_text())
    tree["leaves"][0]["leaf_hash"] = "g" + tree["leaves"][0]["leaf_hash"][1:]
    (copy / "merkle.json").write_text(json.dumps(tree, indent=2))
    done = standalone(copy)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "NOT VERIFIED" in done.stdout and "leaf hash is malformed" in done.stdout
    verified = packages.cli("verify", str(copy), "--json", stdin="")
    assert verified.returncode == 1, verified.stderr
    assert any("merkle.json" in problem for problem in json.loads(verified.stdout)["problems"])


def test_every_sampled_byte_of_the_tree_changed_is_refused_in_process(
    packages: Packages, tmp_path: Path
) -> None:
    from workstation.package.standalone_verifier import verify_folder  # noqa: PLC0415

    copy = tmp_path / "sampled"
    shutil.copytree(packages.full_dir, copy)
    original = (copy / "merkle.json").read_bytes()
    positions = range(0, len(original), max(1, len(original) // 48))
    for position in positions:
        for replacement in (original[position] ^ 0x01, ord("g"), ord("}")):
            changed = bytearray(original)
            changed[position] = replacement
            if bytes(changed) == original:
                continue
            (copy / "merkle.json").write_bytes(bytes(changed))
            findings = verify_folder(copy, openssl=None)
            assert not findings.ok, (position, chr(replacement))
    (copy / "merkle.json").write_bytes(original)
    assert verify_folder(copy, openssl=None).ok


def test_unsafe_archives_are_refused_by_verify(packages: Packages, tmp_path: Path) -> None:
    traversal = tmp_path / "traversal.zip"
    with zipfile.ZipFile(traversal, "w") as archive:
        archive.writestr("full/package.json", "{}")
        archive.writestr("full/../../escaped.txt", "x")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("full/zeros.bin", bytes(32 * 1024 * 1024))
    for path, words in ((traversal, "path traversal"), (bomb, "ZIP bomb")):
        done = packages.cli("verify", str(path), stdin="")
        assert done.returncode == 2 and words in done.stderr, done.stderr
    assert not (tmp_path.parent / "escaped.txt").exists()
