"""A writer killed with SIGKILL at random moments loses nothing it reported committed."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

from tests.unit.test_casefile_case import PASSPHRASE, PERSONA, make_case
from workstation.casefile import Case

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 6


def run_and_kill(case_path: Path, rng: random.Random) -> list[int]:
    """Start the writer, read a random number of committed ids, SIGKILL it mid-write."""
    wanted = rng.randint(20, 200)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.contact_writer", str(case_path), PERSONA],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(PASSPHRASE + "\n")
    child.stdin.close()
    reported: list[int] = []
    try:
        while len(reported) < wanted:
            line = child.stdout.readline()
            assert line, f"the writer stopped early: {child.stderr.read() if child.stderr else ''}"
            reported.append(int(line))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return reported


def test_sigkill_during_inserts_loses_no_committed_entry(tmp_path: Path) -> None:
    path = tmp_path / "case"
    with make_case(path) as case:
        case.add_persona(PERSONA)
    rng = random.Random(4242)
    committed: set[int] = set()
    for _ in range(ROUNDS):
        committed.update(run_and_kill(path, rng))
        with Case.open(path, PASSPHRASE) as case:  # always opens
            present = {entry.id for entry in case.contacts()}
            missing = committed - present
            assert not missing, f"committed entries lost: {sorted(missing)[:10]}"
            report = case.verify_audit()
            assert report.ok, report.message
            assert case.check_integrity() == []
    assert len(committed) >= ROUNDS * 20
