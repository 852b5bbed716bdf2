"""Personas at the gate: which identity a browser connection belongs to.

The browser cannot send SOCKS credentials, so the gate must learn the persona and turn
it into an isolation key ("persona:<alias>") for the upstream. Two ways, same key:

- A port of its own (RouteGate.add_persona(alias).port): every connection to it is the
  persona's. For processes that browse as one persona (headless capture, tests, lookups):
  Chromium's proxy is set once per process, so that process simply points at the port.
- Proxy-Authorization: Basic alias:token on the gate's main port, for the GUI, where one
  Chromium process hosts several personas' profiles. QtWebEngine has no per-profile proxy,
  but each persona's page answers the gate's 407 challenge (proxyAuthenticationRequired)
  with that persona's credentials, and Chromium keeps them per profile. Once any persona
  exists the main port refuses (407) requests that name none or a wrong one: a profile
  that fails to answer gets nothing rather than someone else's identity. Page scripts
  cannot set Proxy-Authorization (a forbidden header), so a page cannot switch persona.
"""

import base64
import binascii
import hmac
import secrets
import threading
from dataclasses import dataclass, field

from workstation.errors import InputError
from workstation.route.http1 import HttpRequestError

REALM = "workstation persona"
MAX_ALIAS_LENGTH = 64
KEY_PREFIX = "persona:"


@dataclass(frozen=True)
class PersonaAccess:
    """How a client browses as a persona: its own gate port, or these proxy credentials."""

    alias: str
    isolation_key: str
    port: int
    username: str
    password: str = field(repr=False)


def persona_key(alias: str | None) -> str | None:
    """The isolation key the upstream sees for a persona (None: the workstation itself)."""
    return None if alias is None else KEY_PREFIX + alias


def check_alias(alias: str) -> str:
    """alias itself if usable as a persona name; InputError otherwise."""
    if not isinstance(alias, str) or not alias.strip():
        raise InputError("A persona needs a name.")
    if len(alias) > MAX_ALIAS_LENGTH or not alias.isprintable() or ":" in alias:
        raise InputError(
            f"The persona name must be at most {MAX_ALIAS_LENGTH} printable characters without ':'."
        )
    return alias


def new_access(alias: str, port: int) -> PersonaAccess:
    return PersonaAccess(alias, KEY_PREFIX + alias, port, alias, secrets.token_urlsafe(24))


class PersonaRegistry:
    """The gate's personas; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_alias: dict[str, PersonaAccess] = {}

    def get(self, alias: str) -> PersonaAccess | None:
        with self._lock:
            return self._by_alias.get(alias)

    def put(self, access: PersonaAccess) -> None:
        with self._lock:
            self._by_alias[access.alias] = access

    def remove(self, alias: str) -> PersonaAccess | None:
        with self._lock:
            return self._by_alias.pop(alias, None)

    def clear(self) -> None:
        with self._lock:
            self._by_alias.clear()

    def aliases(self) -> list[str]:
        with self._lock:
            return sorted(self._by_alias)

    def persona_for(self, headers: tuple[tuple[str, str], ...]) -> str | None:
        """The persona a main-port request names in Proxy-Authorization.

        While no persona exists every request is the workstation's own (None), whatever it
        sends; afterwards a missing or wrong credential raises HttpRequestError 407.
        """
        with self._lock:
            if not self._by_alias:
                return None
        values = [value for name, value in headers if name.lower() == "proxy-authorization"]
        if len(values) != 1:
            raise authentication_required("Choose a persona: this request named none.")
        username, password = _basic_credentials(values[0])
        access = self.get(username)
        if access is None or not hmac.compare_digest(
            access.password.encode("utf-8"), password.encode("utf-8", "surrogatepass")
        ):
            raise authentication_required("The persona credentials are not valid.")
        return access.alias


def authentication_required(message: str) -> HttpRequestError:
    return HttpRequestError(
        407,
        "Proxy Authentication Required",
        message,
        headers=(("Proxy-Authenticate", f'Basic realm="{REALM}"'),),
    )


def _basic_credentials(value: str) -> tuple[str, str]:
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "basic":
        raise authentication_required("Only Basic proxy credentials name a persona.")
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise authentication_required("The persona credentials are malformed.") from None
    username, colon, password = decoded.partition(":")
    if not colon:
        raise authentication_required("The persona credentials are malformed.")
    return username, password
