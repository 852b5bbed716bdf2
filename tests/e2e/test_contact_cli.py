"""The persona, contact and case commands, run as an officer's script would run them."""

from __future__ import annotations

import json
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.cli import run_cli
from workstation.casefile import Case, keyslot, store


def cli(*args: str, stdin: str = PASSPHRASE + "\n") -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, timeout=120)


def ok(*args: str, stdin: str = PASSPHRASE + "\n") -> str:
    result = cli(*args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def as_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json"))


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    """A case (made with the fast test KDF, which every later open then uses)."""
    path = tmp_path / "0412.case"
    fast_case(path, title="OP-0412").close()
    out = ok(
        "persona", "add", "--case", str(path), "Night Owl", "--account", "telegram:@owl",
        "--email", "owl@example.org", "--phone", "+31 20 555 0100", "--notes", "reseller",
    )  # fmt: skip
    assert "Added persona Night Owl" in out
    return path


def test_persona_add_and_list(case_path: Path) -> None:
    ok("persona", "add", "--case", str(case_path), "Magpie")
    listed = as_json("persona", "list", "--case", str(case_path))
    assert [p["alias"] for p in listed] == ["Magpie", "Night Owl"]
    owl = listed[1]
    assert owl["accounts"] == [{"platform": "telegram", "handle": "@owl"}]
    assert (owl["email"], owl["phone"], owl["notes"]) == (
        "owl@example.org",
        "+31 20 555 0100",
        "reseller",
    )
    text = ok("persona", "list", "--case", str(case_path))
    assert "Night Owl  owl@example.org  +31 20 555 0100  telegram:@owl" in text


def test_contact_add_takes_the_content_from_the_rest_of_stdin(
    case_path: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "offer.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    content = "Have 100 tablets.\nPrice: 5 EUR each.\n\n-- seller\n"
    out = ok(
        "contact", "add", "--case", str(case_path), "--persona", "night owl",
        "--channel", "Telegram", "--counterpart", "@seller_77",
        "--counterpart", "seller@shop.example", "--counterpart", "url:https://shop.example/x",
        "--direction", "in", "--auth", "RIPA 2024/117", "--attach", str(photo),
        "--at", "2024-05-01T12:30:00Z",
        stdin=PASSPHRASE + "\n" + content,
    )  # fmt: skip
    assert out.strip() == "Logged contact entry 1."
    (entry,) = as_json("contact", "list", "--case", str(case_path))
    assert entry["content"] == content
    assert entry["persona"] == "Night Owl"
    assert entry["occurred_utc"] == "2024-05-01T12:30:00.000000Z"
    assert entry["counterparts"] == [
        {"kind": "handle", "value": "@seller_77"},
        {"kind": "email", "value": "seller@shop.example"},
        {"kind": "url", "value": "https://shop.example/x"},
    ]
    assert entry["attachments"][0]["name"] == "offer.jpg"
    assert entry["attachments"][0]["media_type"] == "image/jpeg"
    assert entry["authorisation_ref"] == "RIPA 2024/117"
    with Case.open(case_path, PASSPHRASE) as case:
        assert case.attachment(entry["attachments"][0]["sha256"]) == photo.read_bytes()


def _add(case_path: Path, content: str, *extra: str) -> None:
    ok(
        "contact", "add", "--case", str(case_path), "--persona", "Night Owl",
        "--channel", "Signal", "--direction", "out", *extra,
        stdin=PASSPHRASE + "\n" + content,
    )  # fmt: skip


def test_list_filters_corrections_and_search(case_path: Path) -> None:
    _add(case_path, "Ivory, 3 pieces", "--counterpart", "+44 7700 900123", "--at", "2024-05-01")
    _add(case_path, "Tablets for sale", "--counterpart", "@vendor", "--at", "2024-05-03T08:00Z")
    _add(case_path, "Ivory, 4 pieces", "--counterpart", "+44 7700 900123", "--supersedes", "1",
         "--summary", "--at", "2024-05-02T00:00:00Z")  # fmt: skip
    listed = as_json("contact", "list", "--case", str(case_path))
    assert [e["id"] for e in listed] == [1, 3, 2]
    assert listed[0]["superseded_by"] == 3 and listed[1]["is_summary"] is True
    by_phone = as_json("contact", "list", "--case", str(case_path), "--counterpart", "7700")
    assert [e["id"] for e in by_phone] == [1, 3]
    since = as_json("contact", "list", "--case", str(case_path), "--since", "2024-05-02")
    assert [e["id"] for e in since] == [3, 2]
    text = ok("contact", "list", "--case", str(case_path), "--until", "2024-05-01")
    assert "#1 2024-05-01T00:00:00.000000Z Night Owl -> +44 7700 900123 (Signal)" in text
    assert "corrected by #3" in text and "    Ivory, 3 pieces" in text
    hits = as_json("contact", "search", "--case", str(case_path), "ivory -4")
    assert [(h["kind"], h["ref_id"]) for h in hits] == [("contact", 1)]
    found = ok("contact", "search", "--case", str(case_path), "tablet*")
    assert found.startswith("contact 2: ") and "«Tablets»" in found
    assert ok("contact", "search", "--case", str(case_path), "rhino").strip() == "No matches."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--persona", "Ghost", "--counterpart", "@x"], "No persona called 'Ghost'"),
        (["--persona", "Night Owl", "--counterpart", "email:nope"], "does not look like"),
        (["--persona", "Night Owl", "--counterpart", "@x", "--at", "2024-05-01 10:00"],
         "has no time zone"),
        (["--persona", "Night Owl", "--counterpart", "@x", "--evidence", "9"],
         "no evidence item 9"),
    ],
)  # fmt: skip
def test_bad_contacts_are_one_line_errors(case_path: Path, args: list[str], message: str) -> None:
    result = cli(
        "contact", "add", "--case", str(case_path), "--channel", "X", "--direction", "in", *args,
        stdin=PASSPHRASE + "\nhello\n",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert as_json("contact", "list", "--case", str(case_path)) == []


def test_empty_content_and_empty_search_are_refused(case_path: Path) -> None:
    result = cli(
        "contact", "add", "--case", str(case_path), "--persona", "Night Owl", "--channel", "X",
        "--counterpart", "@x", "--direction", "in", stdin=PASSPHRASE + "\n  \n",
    )  # fmt: skip
    assert (result.returncode, "The content must not be empty." in result.stderr) == (2, True)
    result = cli("contact", "search", "--case", str(case_path), "--", "-only")
    assert result.returncode == 2 and "Type a word to search for" in result.stderr


def test_passwd_then_info(case_path: Path) -> None:
    out = ok("case", "passwd", str(case_path), stdin=f"{PASSPHRASE}\nbrand new phrase\n")
    assert "Changed the passphrase" in out
    wrong = cli("case", "info", str(case_path))
    assert wrong.returncode == 2 and "passphrase does not open this case" in wrong.stderr
    info = json.loads(ok("case", "info", str(case_path), "--json", stdin="brand new phrase\n"))
    assert info["metadata"]["reference"] == "OP-0412"
    assert info["metadata"]["commodity"] == "other" and info["counts"]["personas"] == 1
    assert len(info["public_key"]) == 64
    refused = cli("case", "passwd", str(case_path), stdin="wrong\nx\n")
    assert refused.returncode == 2
    text = ok("case", "info", str(case_path), stdin="brand new phrase\n")
    assert "reference        OP-0412" in text


def test_verify_covers_the_chain_and_catches_a_cut_tail(case_path: Path) -> None:
    _add(case_path, "hello", "--counterpart", "@x")
    verified = cli("verify", str(case_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    key = keyslot.unlock(keyslot.read(case_path / "keyslot.json"), PASSPHRASE)
    with closing(store.connect(case_path / store.DB_NAME, key)) as conn:
        last = store.scalar_int(conn, "SELECT max(seq) FROM audit_event")
        for statement in (
            "DROP TRIGGER audit_event_no_delete",
            "DROP TRIGGER signed_head_no_delete",
            f"DELETE FROM audit_event WHERE seq > {last - 3}",
            f"DELETE FROM signed_head WHERE seq > {last - 3}",
        ):
            conn.execute(statement)
    result = cli("verify", str(case_path))
    assert result.returncode == 1
    assert "cut off the end" in result.stderr
