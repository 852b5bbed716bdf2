"""Tool version and build identity, recorded in every manifest."""

import functools
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from workstation import APP_NAME, __version__

_ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "unknown"


@dataclass(frozen=True)
class SourceRevision:
    """The git revision a build comes from, and whether the tree had uncommitted changes."""

    revision: str
    dirty: bool

    @property
    def build_hash(self) -> str:
        return f"{self.revision}+dirty" if self.dirty else self.revision


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
    source = source_revision(_ROOT)
    return source.build_hash if source is not None else UNKNOWN


@functools.cache
def built_utc() -> str | None:
    """When the bundle was built (ISO 8601, UTC); None when running from a checkout."""
    try:
        from workstation import _build  # type: ignore[attr-defined]  # noqa: PLC0415
    except ImportError:
        return None
    return str(_build.BUILT_UTC)


def source_revision(root: Path) -> SourceRevision | None:
    """Ask git for HEAD's short revision and whether tracked files differ from it."""
    if not (root / ".git").exists():
        return None
    try:
        revision = _git(root, "rev-parse", "--short=12", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return SourceRevision(revision, bool(dirty))


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args],  # noqa: S607  (git from PATH, fixed arguments)
        capture_output=True,
        text=True,
        check=True,
        timeout=5,
    ).stdout.strip()


def build_module_source(source: SourceRevision | None, source_date_epoch: int) -> str:
    """The text of workstation/_build.py that the installer build puts into the bundle.

    The build time is SOURCE_DATE_EPOCH (the commit's time), not the wall clock, so
    that two builds of one commit are byte-for-byte the same.
    """
    build = source.build_hash if source is not None else UNKNOWN
    when = datetime.fromtimestamp(source_date_epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '"""Written by the installer build (pyinstaller.spec); not in version control."""\n\n'
        f"BUILD_HASH = {build!r}\n"
        f"BUILT_UTC = {when!r}\n"
    )


def tool_version() -> str:
    return __version__


def version_line() -> str:
    # Short enough that argparse's --version does not wrap it; the build time is in
    # the self-test's report.
    return f"Investigator Workstation {tool_version()} (build {build_hash()})"


def tool_identity() -> dict[str, str]:
    """What every manifest records about the tool that sealed it."""
    return {"name": APP_NAME, "version": tool_version(), "build": build_hash()}
