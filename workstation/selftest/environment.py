"""Where the self-test runs: a private throw-away workspace, and facts about this process."""

import contextlib
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation import paths

MAX_LISTED = 20


@dataclass(frozen=True)
class Workspace:
    root: Path
    on_tmpfs: bool

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def case_path(self) -> Path:
        return self.root / "self-test.case"


def create_workspace() -> Workspace:
    """A new 0700 folder, in memory-backed storage when there is one."""
    try:
        parent: Path | None = paths.volatile_dir()
    except OSError:
        parent = None  # no tmpfs: the system's temporary folder, still private
    root = Path(tempfile.mkdtemp(prefix="self-test-", dir=parent))
    return Workspace(root, parent is not None)


def remove_workspace(workspace: Workspace) -> None:
    shutil.rmtree(workspace.root, ignore_errors=False)


def isolated_environment(workspace: Workspace) -> dict[str, str]:
    """Variables that point every per-user folder the app or Qt might touch into the workspace.

    The officer's real data directory, settings and Qt caches are never read or written.
    """
    return {
        "WORKSTATION_HOME": str(workspace.home),
        "XDG_DATA_HOME": str(workspace.root / "data"),
        "XDG_CONFIG_HOME": str(workspace.root / "config"),
        "XDG_CACHE_HOME": str(workspace.root / "cache"),
    }


@contextlib.contextmanager
def environment_overrides(values: dict[str, str]) -> Iterator[None]:
    """Set variables for the duration and put the previous values back afterwards."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def runtime_facts() -> dict[str, Any]:
    """What this process runs on: which Python, from where, frozen or not."""
    root = paths.program_root()
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "frozen": paths.is_frozen(),
        "program_root": str(root),
        "platform": platform.platform(),
        "cwd": os.getcwd(),
        "python_libraries": python_libraries(),
        # Only telling in a bundle: from a checkout the stdlib and venv are outside by design.
        "modules_outside_program": modules_outside(root) if paths.is_frozen() else None,
    }


def python_libraries() -> list[str]:
    """The libpython files mapped into this process (Linux only; empty elsewhere)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            mapped = {line.split(None, 5)[-1].strip() for line in maps if "libpython" in line}
    except OSError:
        return []
    return sorted(mapped)


def modules_outside(root: Path) -> list[str]:
    """Files of loaded modules that are not under root: in a bundle, there should be none.

    Relative names (PyInstaller's bootstrap, shiboken's embedded helpers) are code held
    inside the program itself, not files on disk.
    """
    outside = set()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not os.path.isabs(file):
            continue
        if not Path(file).resolve().is_relative_to(root.resolve()):
            outside.add(file)
    return sorted(outside)[:MAX_LISTED]
