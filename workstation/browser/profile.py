"""Off-the-record browser profiles with hardened settings.

An off-the-record profile keeps cookies, cache and storage in memory only, so
nothing about browsing reaches the disk. Persona profiles (one per undercover
identity) come later; each will be one of these.
"""

import re

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineSettings

_SETTINGS_OFF = [
    QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
    QWebEngineSettings.WebAttribute.PluginsEnabled,
    QWebEngineSettings.WebAttribute.DnsPrefetchEnabled,
    QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
    QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
    QWebEngineSettings.WebAttribute.HyperlinkAuditingEnabled,
    QWebEngineSettings.WebAttribute.ScreenCaptureEnabled,
    QWebEngineSettings.WebAttribute.PdfViewerEnabled,
]

_SETTINGS_ON = [
    QWebEngineSettings.WebAttribute.WebRTCPublicInterfacesOnly,
]


def off_the_record_profile(parent: QObject | None = None) -> QWebEngineProfile:
    profile = QWebEngineProfile(parent)
    if not profile.isOffTheRecord():
        raise RuntimeError("QtWebEngine returned a disk-backed profile")
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(
        QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    )
    profile.setSpellCheckEnabled(False)
    profile.setHttpUserAgent(ordinary_user_agent(profile.httpUserAgent()))
    settings = profile.settings()
    for attribute in _SETTINGS_OFF:
        settings.setAttribute(attribute, False)
    for attribute in _SETTINGS_ON:
        settings.setAttribute(attribute, True)
    return profile


def ordinary_user_agent(default: str) -> str:
    """The engine's user agent without its "QtWebEngine/x" token.

    That token tells every site that an embedded Qt browser is looking, which
    few ordinary visitors use; the rest is the Chrome user agent it is built on.
    """
    return re.sub(r"\s*QtWebEngine/\S+", "", default)
