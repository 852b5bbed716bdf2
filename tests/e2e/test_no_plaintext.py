"""Invariant 3: browsing and sealing leave nothing readable on disk.

A page carrying a distinctive string (in its text, title, a cookie and local
storage) is captured into a case with HOME and TMPDIR pointed at fresh
folders; afterwards no file anywhere under them, nor in the memory-backed
scratch folder, contains the string, and the only files written are the case's.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.site import CANARY, LoopbackSite
from tests.support.socks import Microsocks
from workstation.paths import APP_DIR_NAME

ROOT = Path(__file__).resolve().parents[2]


def files_under(*roots: Path) -> list[Path]:
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def containing(needle: bytes, files: list[Path]) -> list[Path]:
    return [path for path in files if needle in path.read_bytes()]


def test_capture_leaves_no_plaintext_anywhere(
    tmp_path: Path, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    home, scratch = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    scratch.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("XDG_") and key not in ("WORKSTATION_HOME", "TMPDIR")
    }
    env.update(HOME=str(home), TMPDIR=str(scratch), QT_QPA_PLATFORM="offscreen")
    case = home / "cases" / "canary.case"

    def run(*args: str) -> None:
        subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *args],
            input="canary passphrase\n",
            text=True,
            capture_output=True,
            env=env,
            cwd=ROOT,
            timeout=180,
            check=True,
        )

    run("case", "create", str(case))
    run("capture", "--case", str(case), "--route", socks_proxy.url, site.url("/canary"))
    assert "/canary" in site.requests, "the page really was loaded"

    volatile = [Path(d) / f"{APP_DIR_NAME}-{os.getuid()}" for d in ("/dev/shm",)]
    written = files_under(home, scratch, *volatile)
    assert containing(CANARY.encode(), written) == []
    assert containing(CANARY.encode("utf-16-le"), written) == []
    case_files = {p for p in written if case in p.parents}
    assert case_files, "the case was written"
    others = sorted(
        str(p.relative_to(home)) for p in written if p not in case_files and home in p.parents
    )
    # Only the settings-free data directory may exist besides the case; no browser profile.
    assert others == [], f"unexpected files under HOME: {others}"
