"""Per-user settings (no case data): the route out, the officer, the window's layout.

A proxy password in the route never reaches settings.json: the file holds the route
without it (socks5://USER@HOST:PORT) and the OS keyring holds the route with it
(workstation/secretstore.py). Without a usable keyring the password is kept in this
process only and asked for again at the next start (Settings.proxy_password_kept).
"""

import enum
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from workstation import secretstore
from workstation.paths import settings_file

log = logging.getLogger(__name__)


DEFAULT_AUTO_LOCK_MINUTES = 10
DEFAULT_LANGUAGE = "en"
THEMES = ("system", "light", "dark")  # "system" follows the OS colour scheme
DEFAULT_THEME = "system"
# The longest page a snapshot photographs, in pixels: the canvas is held in memory
# (about 16 MB per 1,000 px at 4,096 px wide), so the unit's limit has bounds too.
DEFAULT_CAPTURE_HEIGHT = 60000
CAPTURE_HEIGHTS = (1000, 100000)
PROXY_ROUTE_ENTRY = "proxy-route"  # keyring entry name: the route with its proxy password


class ProxyPassword(enum.Enum):
    """Where the route's proxy password is kept (set by Settings.load and Settings.save)."""

    NONE = "none"  # the route has no login
    IN_KEYRING = "keyring"  # in the OS keyring: there again at the next start
    THIS_RUN_ONLY = "this-run"  # no usable keyring: in memory, asked again at the next start
    MISSING = "missing"  # the route names a user whose password is not known: ask for it


# Proxy passwords this process could not put in the keyring: on-disk route -> full route.
_THIS_RUN: dict[str, str] = {}


@dataclass
class Settings:
    route: str = ""
    officer: str = ""
    auto_lock_minutes: int = DEFAULT_AUTO_LOCK_MINUTES  # 0: never lock
    exit_echo_url: str = ""  # a unit's "what is my address" URL, for exit identities via proxies
    tor_binary: str = ""  # the tor program for the managed Tor route ("": found on the system)
    tor_config: str = ""  # a file of extra torrc lines (bridges) for the managed Tor route
    tsa_url: str = ""  # RFC 3161 timestamp authority asked for every snapshot ("": none)
    tsa_cert: str = ""  # PEM file of the certificate(s) its replies must chain to
    # PEM file of extra roots the gate trusts for sites (a unit's own PKI), beside the system's
    origin_ca_file: str = ""
    # Let the browser reach local network addresses through the route (intranet targets).
    allow_local_destinations: bool = False
    unit: str = ""  # the officer's unit, as the first-run set-up asked it
    cases_dir: str = ""  # where new cases are proposed ("": paths.cases_dir())
    first_run_done: bool = False  # the first-run set-up was finished
    # Dock positions and window geometry (ui/layout_memory.py); layout only, no case data.
    window_state: str = ""
    language: str = DEFAULT_LANGUAGE
    theme: str = DEFAULT_THEME  # one of THEMES
    # Capture defaults: snapshots photograph the whole page (False: only what is on
    # screen, nothing scrolled) up to capture_max_height px; new cases start with
    # every page visited captured when capture_new_cases is set.
    capture_whole_page: bool = True
    capture_max_height: int = DEFAULT_CAPTURE_HEIGHT
    capture_new_cases: bool = False
    # Where the proxy password is kept; never written to the file (see ProxyPassword).
    proxy_password_kept: ProxyPassword = field(
        default=ProxyPassword.NONE, compare=False, repr=False
    )

    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        path = path or settings_file()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings at %s are unreadable (%s); using defaults", path, exc)
            return cls()
        if not isinstance(raw, dict):
            return cls()
        return cls(
            route=str(raw.get("route", "")),
            officer=str(raw.get("officer", "")),
            auto_lock_minutes=_minutes(raw.get("auto_lock_minutes")),
            exit_echo_url=str(raw.get("exit_echo_url", "")),
            tor_binary=str(raw.get("tor_binary", "")),
            tor_config=str(raw.get("tor_config", "")),
            tsa_url=str(raw.get("tsa_url", "")),
            tsa_cert=str(raw.get("tsa_cert", "")),
            origin_ca_file=str(raw.get("origin_ca_file", "")),
            allow_local_destinations=raw.get("allow_local_destinations") is True,
            unit=_text(raw.get("unit")),
            cases_dir=_text(raw.get("cases_dir")),
            first_run_done=raw.get("first_run_done") is True,
            window_state=_text(raw.get("window_state")),
            language=_text(raw.get("language")) or DEFAULT_LANGUAGE,
            theme=_theme(raw.get("theme")),
            capture_whole_page=raw.get("capture_whole_page") is not False,
            capture_max_height=_capture_height(raw.get("capture_max_height")),
            capture_new_cases=raw.get("capture_new_cases") is True,
        )._with_password_restored(path)

    def save(self, path: Path | None = None) -> ProxyPassword:
        """Write the file without any proxy password, which goes to the keyring.

        Returns where the password is now kept: THIS_RUN_ONLY means the PC has no usable
        keyring, so the officer is asked for it again at the next start.
        """
        path = path or settings_file()
        on_disk, password = split_proxy_password(self.route)
        if password is None:
            login = _names_a_user(on_disk)
            self.proxy_password_kept = ProxyPassword.MISSING if login else ProxyPassword.NONE
            _forget_stale_password(path, on_disk)
        else:
            self.proxy_password_kept = _keep_password(on_disk, self.route)
        values = asdict(self)
        del values["proxy_password_kept"]
        values["route"] = on_disk
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(values, indent=2), encoding="utf-8")
        os.replace(temporary, path)
        return self.proxy_password_kept

    def set_proxy_password(self, password: str) -> None:
        """Put the password the officer typed (after a MISSING load) into the route."""
        on_disk, _ = split_proxy_password(self.route)
        scheme, _, rest = on_disk.partition("://")
        user, at, host_port = rest.rpartition("@")
        if not at:
            raise ValueError("the route names no user to give a password for")
        self.route = f"{scheme}://{user}:{quote(password, safe='')}@{host_port}"

    def _with_password_restored(self, path: Path) -> "Settings":
        """The route with its password from the keyring or this run; an old file that
        still holds the password in plain text is rewritten without it."""
        on_disk, password = split_proxy_password(self.route)
        if password is not None:
            log.info("moving the proxy password out of %s", path)
            try:
                self.save(path)
            except OSError as exc:
                log.warning("could not rewrite %s without the proxy password: %s", path, exc)
            return self
        if not _names_a_user(on_disk):
            return self
        self.route, self.proxy_password_kept = _stored_route(on_disk)
        return self


def default_officer() -> str:
    """The account name, until the officer sets their own in settings."""
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "officer")


def _text(value: object) -> str:
    """A string setting; anything else (a number, a list, null) reads as unset."""
    return value if isinstance(value, str) else ""


def _theme(value: object) -> str:
    """One of THEMES; anything else (an old or mistyped name) follows the system's."""
    if value is None:
        return DEFAULT_THEME
    if isinstance(value, str) and value in THEMES:
        return value
    log.warning("unknown theme %.40r in the settings; following the system's", value)
    return DEFAULT_THEME


def split_proxy_password(route: str) -> tuple[str, str | None]:
    """The route without its password, and the password as written (or None).

    Reads the text as parse_route does (scheme://[USER:PASSWORD@]HOST:PORT), without
    checking it: a route the officer still has to correct is kept as it is.
    """
    text = route.strip()
    scheme, sep, rest = text.partition("://")
    userinfo, at, host_port = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not (sep and at and colon):
        return route, None
    return f"{scheme}://{user}@{host_port}", password


def _names_a_user(route: str) -> bool:
    _, sep, rest = route.strip().partition("://")
    return bool(sep) and "@" in rest


def _keep_password(on_disk: str, full_route: str) -> ProxyPassword:
    """The full route into the keyring, else into this process's memory."""
    if secretstore.store_text(PROXY_ROUTE_ENTRY, full_route):
        _THIS_RUN.pop(on_disk, None)
        return ProxyPassword.IN_KEYRING
    log.warning("no usable keyring: the proxy password is kept for this run only")
    _THIS_RUN[on_disk] = full_route
    return ProxyPassword.THIS_RUN_ONLY


def _stored_route(on_disk: str) -> tuple[str, ProxyPassword]:
    """The route with its password from the keyring or this run's memory, or MISSING."""
    stored = secretstore.load_text(PROXY_ROUTE_ENTRY)
    if stored is not None and split_proxy_password(stored)[0] == on_disk:
        return stored, ProxyPassword.IN_KEYRING
    if on_disk in _THIS_RUN:
        return _THIS_RUN[on_disk], ProxyPassword.THIS_RUN_ONLY
    log.warning("the proxy password for the route is not stored on this PC; it must be asked")
    return on_disk, ProxyPassword.MISSING


def _forget_stale_password(path: Path, route_now: str) -> None:
    """Remove the keyring entry when the route saved before had a login and the route now
    is another one without a password (the same route, password not known, keeps it)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    before = raw.get("route") if isinstance(raw, dict) else None
    if not isinstance(before, str) or not _names_a_user(before):
        return
    if split_proxy_password(before)[0].strip() != route_now.strip():
        secretstore.delete_secret(PROXY_ROUTE_ENTRY)


def _capture_height(value: object) -> int:
    """A page height within CAPTURE_HEIGHTS; anything else falls back to the default."""
    low, high = CAPTURE_HEIGHTS
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return DEFAULT_CAPTURE_HEIGHT


def _minutes(value: object) -> int:
    """A sane idle time; anything unreadable falls back to the default."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60:
        return value
    return DEFAULT_AUTO_LOCK_MINUTES
