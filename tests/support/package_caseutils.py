"""case_validate (PyPI case-utils) on a JSON-LD file, offline for certain.

case-utils brings pandas, numpy, rdflib and pySHACL, which the workstation does not need,
so it runs from its own venv, .venv-caseutils, made from requirements-caseutils.lock by
scripts/venv.sh (test.sh does it; on first use here too, so a single test can run).

The CASE ontologies ship inside case_utils (--built-version), and the packages' JSON-LD
has an inline @context, so nothing needs the network. To make sure of that, the
validator runs in a network namespace of its own (`unshare --net`: no interface but a
loopback that is down), where any attempt to fetch would fail the validation.
"""

import os
import subprocess
from pathlib import Path

from tests.support.procs import require_program

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-caseutils"
LOCK = "requirements-caseutils.lock"
CASE_VERSION = "case-1.5.0"
SETUP_TIMEOUT = 900.0


def case_validate_program() -> Path:
    program = VENV / "bin" / "case_validate"
    stamp = VENV / f".installed-{LOCK}"
    current = stamp.is_file() and stamp.read_bytes() == (ROOT / LOCK).read_bytes()
    if not (program.is_file() and current):
        command = [str(ROOT / "scripts" / "venv.sh"), LOCK, VENV.name]
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=SETUP_TIMEOUT, check=False
        )
        assert done.returncode == 0, (
            f"case-utils' venv could not be made with `scripts/venv.sh {LOCK} {VENV.name}` "
            f"(it needs the package index once):\n{done.stderr[-3000:]}"
        )
    assert program.is_file(), f"{program} is missing after installing {LOCK}"
    return program


def case_validate(jsonld: Path) -> subprocess.CompletedProcess[str]:
    """Strict validation (infos and warnings count) against the shipped CASE ontology."""
    unshare = require_program("unshare", "util-linux")
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))
    }
    return subprocess.run(
        [
            unshare,
            "--net",
            str(case_validate_program()),
            "--built-version",
            CASE_VERSION,
            str(jsonld),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=environment,
        check=False,
    )
