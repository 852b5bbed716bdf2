"""Tool version and build identity, recorded in every manifest."""

import functools
import subprocess
from pathlib import Path

from workstation import __version__

_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def build_hash() -> str:
    """The source revision this build came from, or "unknown".

    An installed bundle carries workstation/_build.py written by the build; a
    checkout asks git once and notes uncommitted changes with "+dirty".
    """
    try:
        from workstation import _build  # type: ignore[attr-defined]  # noqa: PLC0415

        return str(_build.BUILD_HASH)
    except ImportError:
        pass
    if not (_ROOT / ".git").exists():
        return "unknown"
    try:
        revision = subprocess.run(
            ["git", "-C", str(_ROOT), "rev-parse", "--short=12", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(_ROOT), "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{revision}+dirty" if dirty else revision


def tool_version() -> str:
    return __version__


def version_line() -> str:
    return f"Investigator Workstation {tool_version()} (build {build_hash()})"
