"""Browsing identities in the GUI: one off-the-record profile per persona.

Every tab browses as exactly one identity: a persona of the open case, or the
workstation's own research identity when no persona is chosen. Each identity
has its own profile (cookies, cache and storage never shared) and its own
credentials at the route gate, which the page gives when the gate challenges
it (407); the gate turns them into an isolation key, so on Tor two identities
never share a circuit. Chromium cannot carry a persona any other way: its
proxy is one per process.

A persona's cookies survive between sessions only inside the encrypted case
(Case.save_persona_state); nothing about a profile is written to disk.
"""

import hashlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QObject, QUrl, Signal
from PySide6.QtGui import QColor
from PySide6.QtNetwork import QAuthenticator, QNetworkCookie
from PySide6.QtWebEngineCore import QWebEngineProfile

from workstation.browser.page import WorkstationPage
from workstation.browser.profile import off_the_record_profile
from workstation.route import RouteGate
from workstation.route.personas import PersonaAccess

log = logging.getLogger(__name__)

# The research identity: browsing without a persona. "~" keeps it apart from
# any alias an officer can give a persona at the gate.
RESEARCH = "~workstation"
RESEARCH_LABEL = "No persona"
STATE_FORMAT = b"investigator-workstation-cookies 1\n"


def persona_colour(alias: str | None) -> QColor:
    """A stable colour per persona, so tab and window say at a glance who is browsing."""
    if alias is None:
        return QColor("#5f6b7a")
    hue = int.from_bytes(hashlib.sha256(alias.encode()).digest()[:2], "big") % 360
    return QColor.fromHsl(hue, 170, 95)


class CookieJar(QObject):
    """Follows a profile's cookie store so its cookies can be saved into the case."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self._cookies: dict[tuple[bytes, str, str], QNetworkCookie] = {}
        store = profile.cookieStore()
        store.cookieAdded.connect(self._added)
        store.cookieRemoved.connect(self._removed)
        self._store = store

    @staticmethod
    def _key(cookie: QNetworkCookie) -> tuple[bytes, str, str]:
        return (bytes(cookie.name().data()), cookie.domain(), cookie.path())

    def _added(self, cookie: QNetworkCookie) -> None:
        self._cookies[self._key(cookie)] = QNetworkCookie(cookie)

    def _removed(self, cookie: QNetworkCookie) -> None:
        self._cookies.pop(self._key(cookie), None)

    def export(self) -> bytes:
        lines = [
            bytes(c.toRawForm(QNetworkCookie.RawForm.Full).data()) for c in self._cookies.values()
        ]
        return STATE_FORMAT + b"\n".join(lines)

    def clear(self) -> None:
        """Delete every cookie of the profile (and forget them here at once)."""
        self._store.deleteAllCookies()
        self._cookies.clear()

    def restore(self, state: bytes) -> int:
        """Put saved cookies back; returns how many. Unreadable state restores nothing."""
        if not state.startswith(STATE_FORMAT):
            log.warning("persona state in an unknown format; not restored")
            return 0
        restored = 0
        for line in state[len(STATE_FORMAT) :].splitlines():
            for cookie in QNetworkCookie.parseCookies(QByteArray(line)):
                self._store.setCookie(cookie, QUrl())
                restored += 1
        return restored


class BrowsingIdentities(QObject):
    """Profiles and gate credentials per identity; created on first use."""

    profileCreated = Signal(object)  # QWebEngineProfile

    def __init__(self, gate: RouteGate, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gate = gate
        self._profiles: dict[str, QWebEngineProfile] = {}
        self._jars: dict[str, CookieJar] = {}
        self._access: dict[str, PersonaAccess] = {}

    @staticmethod
    def key(persona: str | None) -> str:
        return persona if persona else RESEARCH

    def profile(self, persona: str | None) -> QWebEngineProfile:
        key = self.key(persona)
        if key not in self._profiles:
            self._access[key] = self._gate.add_persona(key)
            profile = off_the_record_profile(self)
            self._profiles[key] = profile
            self._jars[key] = CookieJar(profile)
            self.profileCreated.emit(profile)
        return self._profiles[key]

    def clear_session(self, persona: str | None, then: Callable[[], None]) -> None:
        """Forget an identity's session state: cookies, HTTP cache, visited links; call
        then() once the cache is really empty (a load racing the clearing can stall).

        The profile is off the record, so this is everything a site could recognise it
        by again; the persona's saved cookies in the case are replaced when it closes.
        """
        key = self.key(persona)
        profile = self._profiles.get(key)
        if profile is None:
            then()
            return

        def cleared() -> None:
            profile.clearHttpCacheCompleted.disconnect(cleared)
            then()

        self._jars[key].clear()
        profile.clearAllVisitedLinks()
        profile.clearHttpCacheCompleted.connect(cleared)
        profile.clearHttpCache()

    def persona_of(self, profile: QWebEngineProfile) -> str | None:
        """The persona a profile belongs to (None: the research identity)."""
        for key, known in self._profiles.items():
            if known is profile:
                return None if key == RESEARCH else key
        return None

    def attach(self, page: WorkstationPage, persona: str | None) -> None:
        """Let the page answer the gate's challenge with this identity's credentials."""
        access = self._access[self.key(persona)]

        def answer(_url: QUrl, authenticator: QAuthenticator, _proxy: str) -> None:
            authenticator.setUser(access.username)
            authenticator.setPassword(access.password)

        page.proxyAuthenticationRequired.connect(answer)

    def credentials(self, persona: str | None) -> tuple[str, str]:
        """The gate login of an identity (registered first if needed)."""
        self.profile(persona)
        access = self._access[self.key(persona)]
        return access.username, access.password

    def personas(self) -> list[str]:
        """The personas (not the research identity) that have a profile."""
        return [key for key in self._profiles if key != RESEARCH]

    def export_state(self, persona: str) -> bytes:
        return self._jars[persona].export()

    def restore_state(self, persona: str, state: bytes) -> int:
        return self._jars[persona].restore(state)

    def forget(self, persona: str) -> None:
        """Drop a persona's profile and its gate access. Its pages must be gone already."""
        profile = self._profiles.pop(persona, None)
        self._jars.pop(persona, None)
        self._access.pop(persona, None)
        self._gate.remove_persona(persona)
        if profile is not None:
            profile.deleteLater()
