"""One place for the workstation's directories.

WORKSTATION_HOME overrides the per-user data directory (tests use it to keep
every run apart). Directories are created 0700: the data directory holds case
files and must not be readable by other accounts on the PC.
"""

import os
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

APP_DIR_NAME = "investigator-workstation"
# The source checkout: workstation/paths.py -> the project root.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent
TOR_DIR_NAME = "tor"  # inside the bundle: tor, geoip, geoip6


def ensure_private_dir(path: Path) -> Path:
    """Create path (and parents) if needed and make sure only the owner can use it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != 0o700:
        path.chmod(0o700)
    return path


def data_dir() -> Path:
    """The per-user data directory, created 0700."""
    override = os.environ.get("WORKSTATION_HOME")
    if override:
        return ensure_private_dir(Path(override))
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return ensure_private_dir(Path(base) / APP_DIR_NAME)


def cases_dir() -> Path:
    """Where the GUI proposes to keep cases."""
    return ensure_private_dir(data_dir() / "cases")


def settings_file() -> Path:
    """The settings file (holds no case data)."""
    return data_dir() / "settings.json"


def volatile_dir() -> Path:
    """A private directory in memory-backed storage for short-lived files.

    Some Qt APIs only write to a file path (MHTML). Such files go here, are read
    back at once and deleted, and never reach persistent storage: the directory
    must be on a tmpfs. Raises OSError when no such directory exists.
    """
    candidates = [os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"]  # noqa: S108  (checked: tmpfs, 0700 subdir)
    for candidate in candidates:
        if candidate and _is_tmpfs(Path(candidate)):
            return ensure_private_dir(Path(candidate) / f"{APP_DIR_NAME}-{os.getuid()}")
    raise OSError("no memory-backed directory (tmpfs) is available for transient files")


def _is_tmpfs(path: Path) -> bool:
    if not path.is_dir():
        return False
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            entries = [line.split()[1:3] for line in mounts if len(line.split()) > 2]
    except OSError:
        return False
    resolved = str(path.resolve())
    best = ""
    best_type = ""
    for mount_point, fs_type in entries:
        if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, best_type = mount_point, fs_type
    return best_type in {"tmpfs", "ramfs"}


# -- files shipped with the program (checkout or PyInstaller bundle) -------------------


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle rather than a Python checkout."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The bundle's data folder (PyInstaller's sys._MEIPASS) when frozen, else None."""
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if is_frozen() and meipass else None


def program_root() -> Path:
    """Where the shipped files live: the bundle's data folder, or the source checkout."""
    return bundle_dir() or _SOURCE_ROOT


def resource_path(*parts: str) -> Path:
    """A file under resources/, resolved at run time, never against the working directory."""
    return program_root().joinpath("resources", *parts)


@dataclass(frozen=True)
class TorGeoip:
    """The GeoIP tables tor needs for exit-country look-ups (GeoIPFile, GeoIPv6File)."""

    ipv4: Path
    ipv6: Path


def bundled_tor() -> Path | None:
    """The tor binary to launch: the bundle's own copy when frozen, else tor on PATH.

    Returns None when there is none. Launch it with the inherited environment: in a
    bundle the start-up code puts the bundle's library folder on the loader path, where
    tor's libraries (libevent, OpenSSL, ...) are.
    """
    folder = bundle_dir()
    if folder is not None:
        binary = folder / TOR_DIR_NAME / ("tor.exe" if os.name == "nt" else "tor")
        return binary if binary.is_file() else None
    found = shutil.which("tor")
    return Path(found) if found else None


def bundled_tor_geoip() -> TorGeoip | None:
    """The bundle's GeoIP tables for tor's GeoIPFile/GeoIPv6File options.

    None outside a bundle (a system tor knows where its own tables are) or when the
    bundle carries none.
    """
    folder = bundle_dir()
    if folder is None:
        return None
    geoip = TorGeoip(folder / TOR_DIR_NAME / "geoip", folder / TOR_DIR_NAME / "geoip6")
    return geoip if geoip.ipv4.is_file() and geoip.ipv6.is_file() else None
