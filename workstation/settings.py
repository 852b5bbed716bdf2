"""Per-user settings (no case data): the route out, the officer, the window's layout."""

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from workstation.paths import settings_file

log = logging.getLogger(__name__)


DEFAULT_AUTO_LOCK_MINUTES = 10
DEFAULT_LANGUAGE = "en"


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
        )

    def save(self, path: Path | None = None) -> None:
        path = path or settings_file()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(temporary, path)


def default_officer() -> str:
    """The account name, until the officer sets their own in settings."""
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "officer")


def _text(value: object) -> str:
    """A string setting; anything else (a number, a list, null) reads as unset."""
    return value if isinstance(value, str) else ""


def _minutes(value: object) -> int:
    """A sane idle time; anything unreadable falls back to the default."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60:
        return value
    return DEFAULT_AUTO_LOCK_MINUTES
