"""Everything about running the app's own tor that is not the process itself:
finding the program, reading extra torrc lines, and writing the torrc.
"""

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from workstation.errors import InputError, RouteUnavailable
from workstation.paths import bundled_tor, volatile_dir
from workstation.route.spec import TorOptions

CONTROL_SOCKET_NAME = "control.sock"
TORRC_NAME = "torrc"
DEFAULTS_NAME = "torrc-defaults"  # deliberately empty: /etc/tor/torrc-defaults is never read
# Debian installs tor in /usr/sbin, which is not on every user's PATH.
_SYSTEM_TOR = ("/usr/sbin/tor", "/usr/bin/tor", "/usr/local/bin/tor")
_SYSTEM_GEOIP = Path("/usr/share/tor")
_MAX_CONFIG_BYTES = 1 << 20


def find_tor_binary(configured: str | None) -> str:
    """The tor program to run; RouteUnavailable with what to do when there is none."""
    if configured is not None:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise RouteUnavailable(f"The tor program '{configured}' does not exist or cannot be run.")
    found = bundled_tor()  # the installer's own tor when frozen, else tor on PATH
    if found is not None:
        return str(found)
    for candidate in _SYSTEM_TOR:
        if os.access(candidate, os.X_OK):
            return candidate
    raise RouteUnavailable(
        "Tor is not installed. Install it (apt-get install tor) or give the tor "
        "program's path with --tor-binary."
    )


def read_tor_config(path: Path) -> tuple[str, ...]:
    """Extra torrc lines from a file (bridges, a test network); InputError if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"Cannot read the Tor configuration file {path}: {exc.strerror}."
        ) from None
    if len(data) > _MAX_CONFIG_BYTES:
        raise InputError(f"The Tor configuration file {path} is larger than 1 MiB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"The Tor configuration file {path} is not UTF-8 text.") from None
    if "\x00" in text:
        raise InputError(f"The Tor configuration file {path} is not text.")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def make_runtime_dir(parent: Path | None) -> Path:
    """A fresh private (0700) directory for one tor run, in memory-backed storage if possible.

    Tor's state (guards, consensus, descriptors) is not case data, but it is a trace of
    the investigation's use of Tor, so it goes to a tmpfs and is removed when tor stops.
    """
    if parent is None:
        try:
            parent = volatile_dir()
        except OSError:
            parent = Path(tempfile.gettempdir())
    path = Path(tempfile.mkdtemp(prefix="tor-", dir=parent))  # mkdtemp makes it 0700
    _check_plain_path(path)
    return path


def write_torrc(datadir: Path, *, owner_pid: int, binary: str, extra: Sequence[str]) -> Path:
    """Write the torrc (and the empty defaults file) into datadir; return the torrc's path."""
    (datadir / DEFAULTS_NAME).write_text("", encoding="utf-8")
    torrc = datadir / TORRC_NAME
    torrc.write_text("\n".join(torrc_lines(datadir, owner_pid, binary, extra)) + "\n", "utf-8")
    return torrc


def torrc_lines(datadir: Path, owner_pid: int, binary: str, extra: Sequence[str]) -> list[str]:
    lines = [
        "# Written by the investigator workstation for its own tor; removed when tor stops.",
        f"DataDirectory {datadir}",
        # A socket in the 0700 data directory: no TCP control port for anyone to find.
        f"ControlSocket {datadir / CONTROL_SOCKET_NAME}",
        "CookieAuthentication 1",
        # Each SOCKS login gets its own circuits: that is how personas are kept apart.
        "SocksPort 127.0.0.1:auto IsolateSOCKSAuth",
        # Tor exits when this process does, even if it is killed.
        f"__OwningControllerProcess {owner_pid}",
        "ClientOnly 1",
        "AvoidDiskWrites 1",
        "Log notice stdout",
    ]
    lines += _geoip_lines(binary)
    return lines + list(extra)  # last: a unit's lines override ours where tor allows it


def control_socket(datadir: Path) -> Path:
    return datadir / CONTROL_SOCKET_NAME


def _geoip_lines(binary: str) -> list[str]:
    """GeoIP files beside a bundled tor, else the system's: they give exit countries."""
    here = Path(binary).resolve().parent
    for folder in (here, here.parent / "share" / "tor", _SYSTEM_GEOIP):
        ipv4, ipv6 = folder / "geoip", folder / "geoip6"
        if ipv4.is_file() and ipv6.is_file() and _is_plain(ipv4) and _is_plain(ipv6):
            return [f"GeoIPFile {ipv4}", f"GeoIPv6File {ipv6}"]
    return []


def _check_plain_path(path: Path) -> None:
    if not _is_plain(path):
        raise RouteUnavailable(
            f"Tor cannot use the directory {path}: its path contains spaces or quotes."
        )


def _is_plain(path: Path) -> bool:
    # torrc values are whitespace-separated; rather than quote, refuse odd paths.
    return not any(char.isspace() or char in "\"'\\" for char in str(path))


def tor_options(binary: str | None, config: Path | None) -> TorOptions:
    """TorOptions from a tor program path and a file of extra torrc lines (both optional)."""
    return TorOptions(binary or None, read_tor_config(config) if config is not None else ())
