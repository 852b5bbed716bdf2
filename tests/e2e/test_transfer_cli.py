"""Case transfer between two workstations, through the real command line.

Each workstation is its own data directory (WORKSTATION_HOME) on a PC without an
OS keyring, so its keys are protected by a passphrase and the documented order of
standard-input lines is exercised: `keys show` makes the keys, each side adds the
other's key card, A exports a case with real content (sealed pages, an RFC 3161
timestamp from a real `openssl ts` authority, a saved lookup with its raw bytes,
personas, contact entries with an attachment and a correction, a note), and B
imports it into a new case that must hold the same records and pass `verify`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.cli import run_cli
from tests.support.tsa import OpenSslTsa
from tests.unit.test_transfer_fuzz import fill_case, folder_digest
from workstation.casefile import Case
from workstation.casefile.contacts import ContactEntry
from workstation.evidence.timestamp import build_query, parse_reply
from workstation.keys.identity import format_fingerprint

pytestmark = pytest.mark.e2e

NEW_CASE_PASSPHRASE = "imported case passphrase"
TRANSFER_PASSPHRASE = "transfer passphrase"


@dataclass
class Workstation:
    """One workstation: its data directory and the passphrase of its keys."""

    name: str
    home: Path
    keys_passphrase: str

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        environment = dict(os.environ)
        environment["WORKSTATION_HOME"] = str(self.home)
        environment["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # no keyring
        return run_cli(*args, stdin=stdin, env=environment, timeout=120)

    def ok(self, *args: str, stdin: str = "") -> str:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def keys(self) -> dict[str, Any]:
        shown: dict[str, Any] = json.loads(
            self.ok("keys", "show", "--json", stdin=self.keys_passphrase + "\n")
        )
        return shown

    def card(self) -> Path:
        path = self.home.parent / f"{self.name}.card"
        if not path.exists():
            self.ok("keys", "export", "--out", str(path), "--label", f"unit of {self.name}")
        return path


def workstation(root: Path, name: str) -> Workstation:
    station = Workstation(name, root / f"home-{name}", f"keys of {name}")
    made = station.keys()
    assert made["made_now"] and made["protection"] == "passphrase"
    return station


@dataclass
class Pair:
    root: Path
    alice: Workstation
    bob: Workstation
    source: Path


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    alice, bob = workstation(tmp_path, "alice"), workstation(tmp_path, "bob")
    added = bob.ok("keys", "add", "Alice", "--unit", "Police A", "--key", str(alice.card()))
    assert format_fingerprint(alice.keys()["fingerprint"]) in added
    card_text = bob.card().read_text()  # a card may also be pasted as text
    alice.ok("keys", "add", "Bob", "--unit", "Customs B", "--key", card_text)
    listed = json.loads(alice.ok("keys", "list", "--json"))
    assert [(p["name"], p["unit"], p["fingerprint"]) for p in listed] == [
        ("Bob", "Customs B", bob.keys()["fingerprint"])
    ]
    source = tmp_path / "source.case"
    with fast_case(source, title="OP-0412") as case:
        fill_case(case)
        add_timestamp(case, tmp_path / "tsa")
    return Pair(tmp_path, alice, bob, source)


def add_timestamp(case: Case, folder: Path) -> None:
    """A real RFC 3161 reply from `openssl ts` over the first exhibit's manifest."""
    folder.mkdir()
    authority = OpenSslTsa(folder)
    try:
        record = case.evidence_items()[0]
        reply = authority.sign(build_query(record.manifest)[0])
        stamp = parse_reply(reply, record.manifest, nonce=None, tsa_url=authority.url)
        case.add_timestamp(record.id, authority.url, reply, stamp.gen_time_utc)
    finally:
        authority.server.server_close()  # never started: only its signer was used


def export(pair: Pair, out: Path, *options: str, stdin: str | None = None) -> dict[str, Any]:
    lines = stdin if stdin is not None else f"{PASSPHRASE}\n{pair.alice.keys_passphrase}\n"
    result: dict[str, Any] = json.loads(
        pair.alice.ok(
            "transfer",
            "export",
            "--case",
            str(pair.source),
            "--out",
            str(out),
            *options,
            "--json",
            stdin=lines,
        )
    )
    return result


def import_new(station: Workstation, transfer: Path, target: Path, *more: str) -> dict[str, Any]:
    stdin = f"{NEW_CASE_PASSPHRASE}\n{station.keys_passphrase}\n"
    out = station.ok(
        "import", str(transfer), "--into", str(target), "--new", "--json", *more, stdin=stdin
    )
    report: dict[str, Any] = json.loads(out)
    return report


# -- what "identical" means across two cases --------------------------------------------


def exhibits(case: Case) -> dict[str, Any]:
    return {
        r.control_number: (
            r.manifest,
            r.created_utc,
            [(a.name, a.media_type, a.data) for a in case.artifacts(r.id)],
            [(t.tsa_url, t.reply, t.gen_time_utc, t.received_utc) for t in case.timestamps(r.id)],
        )
        for r in case.evidence_items()
    }


def contact_form(case: Case, entry: ContactEntry) -> tuple[Any, ...]:
    """An entry without the ids that differ between cases; links by control number."""
    numbers = {r.id: r.control_number for r in case.evidence_items()}
    corrected = case.contact(entry.supersedes) if entry.supersedes else None
    return (
        entry.occurred_utc,
        entry.recorded_utc,
        entry.persona,
        entry.channel,
        entry.counterparts,
        entry.direction,
        entry.content,
        entry.is_summary,
        entry.attachments,
        entry.authorisation_ref,
        entry.officer,
        sorted(numbers[i] for i in entry.evidence_ids),
        corrected.content if corrected else None,
        [case.attachment(a.sha256) for a in entry.attachments],
    )


def everything(case: Case) -> dict[str, Any]:
    return {
        "reference": case.metadata().reference,
        "exhibits": exhibits(case),
        "contacts": [contact_form(case, e) for e in case.contacts()],
        "lookups": [
            (
                s.record_json,
                s.record_sha256,
                s.saved_utc,
                s.officer,
                [(e.server, e.protocol, e.utc, e.request, e.response) for e in s.exchanges],
            )
            for s in (case.lookup(listed.id) for listed in case.lookups())
        ],
        "personas": [
            (p.alias, p.accounts, p.email, p.phone, p.notes, p.created_utc, p.retired)
            for p in case.personas(include_retired=True)
        ],
        "notes": [(n.created_utc, n.officer, n.subject, n.text) for n in case.notes()],
    }


def last_event(case: Case, action: str) -> dict[str, Any]:
    return [e for e in case.audit_events() if e.action == action][-1].details


# -- the round trip ---------------------------------------------------------------------


def test_a_case_travels_from_alice_to_bob_and_arrives_identical_and_verified(pair: Pair) -> None:
    transfer = pair.root / "op-0412.age"
    sent = export(pair, transfer, "--to", "Bob")
    assert sent["addressed_to"]["recipients"][0]["name"] == "Bob"
    assert sent["counts"] == {
        "exhibits": 2,
        "lookups": 1,
        "contacts": 2,
        "attachments": 1,
        "personas": 2,
        "notes": 1,
    }
    file_sha256 = hashlib.sha256(transfer.read_bytes()).hexdigest()
    assert sent["sha256"] == file_sha256
    assert b"Price is 40" not in transfer.read_bytes()  # encrypted, not just packed

    target = pair.root / "imported.case"
    report = import_new(pair.bob, transfer, target)
    alice_fingerprint = pair.alice.keys()["fingerprint"]
    assert report["sender"] == {
        "fingerprint": alice_fingerprint,
        "name": "Alice",
        "unit": "Police A",
        "known": True,
        "this_workstation": False,
    }
    assert report["added"] == {
        "exhibits": 2,
        "timestamps": 1,
        "lookups": 1,
        "personas": 2,
        "contacts": 2,
        "notes": 1,
    }
    assert report["transfer"]["sha256"] == file_sha256

    with (
        Case.open(pair.source, PASSPHRASE) as source,
        Case.open(target, NEW_CASE_PASSPHRASE) as copy,
    ):
        assert everything(copy) == everything(source)
        exported = last_event(source, "transfer.exported")
        assert (
            exported["sha256"] == file_sha256
            and exported["sender_fingerprint"] == alice_fingerprint
        )
        completed = last_event(copy, "import.completed")
        assert completed["transfer_sha256"] == file_sha256
        assert completed["sender_fingerprint"] == alice_fingerprint
        assert completed["source_case_id"] == source.case_id
        assert completed["source_case"]["head"]["seq"] == sent["head_seq"]
        assert {e["control_number"] for e in completed["exhibits"]} == set(exhibits(source))
        assert all(e["transfer_sha256"] == file_sha256 for e in completed["exhibits"])

    verified = pair.bob.run("verify", str(target), stdin=NEW_CASE_PASSPHRASE + "\n")
    assert verified.returncode == 0, verified.stderr
    assert "Verified: everything matches." in verified.stdout
    assert verified.stdout.count("OK      ") == 2

    # Merging the same transfer again into the existing case adds nothing.
    again = pair.bob.ok(
        "import",
        str(transfer),
        "--into",
        str(target),
        stdin=f"{NEW_CASE_PASSPHRASE}\n{pair.bob.keys_passphrase}\n",
    )
    assert "Verified, before anything was written" in again
    assert "exhibits     0 (2 already there)" in again
    assert "sent by Alice, Police A" in again


def test_tampered_and_truncated_transfers_leave_the_target_untouched(pair: Pair) -> None:
    transfer = pair.root / "op.age"
    export(pair, transfer, "--to", "Bob")
    target = pair.root / "bob.case"
    fast_case(target, NEW_CASE_PASSPHRASE).close()
    before = folder_digest(target)
    data = transfer.read_bytes()
    stdin = f"{NEW_CASE_PASSPHRASE}\n{pair.bob.keys_passphrase}\n"
    for name, changed in (
        ("flipped-header.age", data[:40] + bytes([data[40] ^ 1]) + data[41:]),
        ("flipped-body.age", data[:-500] + bytes([data[-500] ^ 0x80]) + data[-499:]),
        ("truncated.age", data[: len(data) * 2 // 3]),
    ):
        (pair.root / name).write_bytes(changed)
        result = pair.bob.run("import", str(pair.root / name), "--into", str(target), stdin=stdin)
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert "REJECTED:" in result.stderr and "not changed" in result.stdout
        assert folder_digest(target) == before
    refused = pair.bob.run(
        "import",
        str(pair.root / "truncated.age"),
        "--into",
        str(pair.root / "fresh.case"),
        "--new",
        "--json",
        stdin=stdin,
    )
    assert refused.returncode == 1 and json.loads(refused.stdout)["ok"] is False
    assert not (pair.root / "fresh.case").exists()


def test_a_transfer_for_bob_is_not_for_carol_and_strangers_need_trust(pair: Pair) -> None:
    carol = workstation(pair.root, "carol")
    transfer = pair.root / "for-bob.age"
    export(pair, transfer, "--to", "Bob")
    stdin = f"{NEW_CASE_PASSPHRASE}\n{carol.keys_passphrase}\n"
    wrong = carol.run(
        "import", str(transfer), "--into", str(pair.root / "c1.case"), "--new", stdin=stdin
    )
    assert wrong.returncode == 1
    assert "not addressed to this workstation" in wrong.stderr

    # Alice knows Carol's card, Carol does not know Alice's: refused, with Alice's fingerprint.
    export_to_carol = pair.root / "for-carol.age"
    export(pair, export_to_carol, "--encrypt-to", str(carol.card()), "--exhibit", "1")
    unknown = carol.run(
        "import", str(export_to_carol), "--into", str(pair.root / "c2.case"), "--new", stdin=stdin
    )
    alice_shown = format_fingerprint(pair.alice.keys()["fingerprint"])
    assert unknown.returncode == 1
    assert f"not in your address book: fingerprint {alice_shown}" in unknown.stderr
    assert not (pair.root / "c2.case").exists()
    trusted = import_new(carol, export_to_carol, pair.root / "c3.case", "--trust-unknown")
    assert trusted["sender"]["known"] is False
    assert trusted["sender"]["fingerprint"] == pair.alice.keys()["fingerprint"]
    assert trusted["added"]["exhibits"] == 1 and trusted["added"]["contacts"] == 0


def test_a_passphrase_transfer_reads_its_passphrase_after_the_case_s(pair: Pair) -> None:
    transfer = pair.root / "by-passphrase.age"
    sent = export(
        pair,
        transfer,
        "--passphrase",
        stdin=f"{PASSPHRASE}\n{TRANSFER_PASSPHRASE}\n{pair.alice.keys_passphrase}\n",
    )
    assert sent["addressed_to"] == {"kind": "passphrase"}
    target = pair.root / "from-passphrase.case"
    out = pair.bob.ok(
        "import",
        str(transfer),
        "--into",
        str(target),
        "--new",
        stdin=f"{NEW_CASE_PASSPHRASE}\n{TRANSFER_PASSPHRASE}\n",
    )
    assert "(passphrase transfer)" in out and "exhibits     2" in out
    with Case.open(target, NEW_CASE_PASSPHRASE) as copy:
        assert len(copy.evidence_items()) == 2


def test_exporting_needs_exactly_one_kind_of_recipient(pair: Pair) -> None:
    out = pair.root / "never.age"
    both = pair.alice.run(
        "transfer",
        "export",
        "--case",
        str(pair.source),
        "--out",
        str(out),
        "--to",
        "Bob",
        "--passphrase",
        stdin=f"{PASSPHRASE}\n",
    )
    none = pair.alice.run(
        "transfer", "export", "--case", str(pair.source), "--out", str(out), stdin=f"{PASSPHRASE}\n"
    )
    stranger = pair.alice.run(
        "transfer",
        "export",
        "--case",
        str(pair.source),
        "--out",
        str(out),
        "--to",
        "Dave",
        stdin=f"{PASSPHRASE}\n",
    )
    for result in (both, none):
        assert result.returncode == 2 and "one of the two" in result.stderr
    assert stranger.returncode == 2 and "No partner called 'Dave'" in stranger.stderr
    assert not out.exists()


# -- `export --encrypt-to` (the issue's form) runs the same transfer export ---------------


def test_export_with_encrypt_to_writes_the_transfer_bob_imports(pair: Pair) -> None:
    by_card = pair.root / "by-card.age"
    sent = json.loads(
        pair.alice.ok(
            "export", "--case", str(pair.source), "--encrypt-to", str(pair.bob.card()),
            "--out", str(by_card), "--json",
            stdin=f"{PASSPHRASE}\n{pair.alice.keys_passphrase}\n",
        )
    )  # fmt: skip
    bob = pair.bob.keys()["fingerprint"]
    assert [(r["name"], r["fingerprint"]) for r in sent["addressed_to"]["recipients"]] == [
        ("Bob", bob)  # the card is Bob's: named as in Alice's address book
    ]
    assert sent["sha256"] == hashlib.sha256(by_card.read_bytes()).hexdigest()
    report = import_new(pair.bob, by_card, pair.root / "from-card.case")
    assert report["added"]["exhibits"] == 2 and report["sender"]["name"] == "Alice"

    by_name = pair.root / "by-name.age"
    sent = json.loads(
        pair.alice.ok(
            "export", "--case", str(pair.source), "--encrypt-to", "Bob", "--exhibit", "1",
            "--out", str(by_name), "--json",
            stdin=f"{PASSPHRASE}\n{pair.alice.keys_passphrase}\n",
        )
    )  # fmt: skip
    assert sent["scope"]["exhibits"] == [1] and sent["counts"]["exhibits"] == 1
    assert sent["addressed_to"]["recipients"][0]["fingerprint"] == bob
    with Case.open(pair.source, PASSPHRASE) as source:
        assert last_event(source, "transfer.exported")["sha256"] == sent["sha256"]


def test_export_with_a_passphrase_writes_a_passphrase_transfer(pair: Pair) -> None:
    transfer = pair.root / "export-passphrase.age"
    sent = json.loads(
        pair.alice.ok(
            "export", "--case", str(pair.source), "--passphrase", "--out", str(transfer),
            "--json",
            stdin=f"{PASSPHRASE}\n{TRANSFER_PASSPHRASE}\n{pair.alice.keys_passphrase}\n",
        )
    )  # fmt: skip
    assert sent["addressed_to"] == {"kind": "passphrase"}
    assert transfer.read_bytes().startswith(b"age-encryption.org/v1\n")


def test_export_refuses_the_options_of_the_other_kind_of_export(pair: Pair) -> None:
    out = pair.root / "never.age"
    folder = pair.root / "never-folder"
    case = str(pair.source)
    mixed = pair.alice.run(
        "export", "--case", case, "--encrypt-to", "Bob", "--archive", "--no-pdf",
        "--out", str(out), stdin=f"{PASSPHRASE}\n",
    )  # fmt: skip
    assert mixed.returncode == 2
    assert "--archive, --no-pdf are for the evidence package only" in mixed.stderr
    package_only = pair.alice.run(
        "export", "--case", case, "--lookup", "1", "--out", str(folder), stdin=f"{PASSPHRASE}\n"
    )
    assert package_only.returncode == 2
    assert "--lookup is for an encrypted transfer only" in package_only.stderr
    stranger = pair.alice.run(
        "export", "--case", case, "--encrypt-to", "Dave", "--out", str(out),
        stdin=f"{PASSPHRASE}\n",
    )  # fmt: skip
    assert stranger.returncode == 2 and "No partner called 'Dave'" in stranger.stderr
    assert not out.exists() and not folder.exists()
