"""Reading QtWebEngine's load results: was it the route or the site that failed?"""

from PySide6.QtWebEngineCore import QWebEngineLoadingInfo

from workstation.route.http1 import GATE_MARKER_HEADER

Status = QWebEngineLoadingInfo.LoadStatus
Domain = QWebEngineLoadingInfo.ErrorDomain


def refused_by_gate(info: QWebEngineLoadingInfo) -> bool:
    """True when the answer was written by the route gate, not by the site."""
    marker = GATE_MARKER_HEADER.lower().encode()
    return any(bytes(name.data()).lower() == marker for name in info.responseHeaders())


def site_http_status(info: QWebEngineLoadingInfo) -> int | None:
    """The site's HTTP error status (4xx/5xx), when the site itself answered with one."""
    if info.errorDomain() == Domain.HttpStatusCodeDomain and not refused_by_gate(info):
        return info.errorCode()
    return None


def failure_message(info: QWebEngineLoadingInfo) -> str:
    """Why a load failed, in words that point the officer at the route or the site."""
    text = info.errorString() or "unknown error"
    if refused_by_gate(info):
        return "the route refused or could not carry the request (answer from the route gate)"
    status = site_http_status(info)
    if status is not None:
        return f"the site answered with HTTP status {status}"
    if any(word in text.upper() for word in ("PROXY", "TUNNEL")):
        return f"the route could not reach the site ({text})"
    return f"the page could not be loaded ({text})"
