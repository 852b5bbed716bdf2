"""Running the workstation's command line as a subprocess, as an officer's script would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 180.0


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = CLI_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` from the checkout, offscreen, with stdin fed in."""
    environment = dict(os.environ if env is None else env)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=ROOT,
        check=False,
    )
