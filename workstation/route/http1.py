"""The HTTP/1.x a forward proxy needs: read a request head, rewrite it, answer errors.

Pure functions over bytes and strings, so the gate's parsing can be tested (and fuzzed)
without sockets. Anything the gate must refuse raises HttpRequestError carrying the
status to answer with.
"""

import html
import re
from dataclasses import dataclass

from workstation.route.hosts import join_host_port, split_host_port

MAX_HEAD_BYTES = 64 * 1024
HEAD_END = b"\r\n\r\n"

# Hop-by-hop headers (RFC 9110 section 7.6.1) plus the non-standard Proxy-Connection.
# Transfer-Encoding is hop-by-hop too, but the body is relayed as it came, so its
# framing header must travel with it.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "proxy-connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "upgrade",
    }
)
_FRAMING = frozenset({"content-length", "transfer-encoding"})

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TARGET = re.compile(r"[\x21-\x7e]+")
_VERSION = re.compile(r"HTTP/1\.[01]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,15}")
_FORBIDDEN_IN_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

GATE_ITSELF = (
    "This is the workstation's route gate. It only forwards the workstation browser's "
    "requests; nothing was sent."
)


class HttpRequestError(Exception):
    """A request the gate refuses; status, reason and headers are what it answers."""

    def __init__(
        self, status: int, reason: str, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.headers = headers


def bad_request(message: str) -> HttpRequestError:
    return HttpRequestError(400, "Bad Request", message)


def head_too_large() -> HttpRequestError:
    return HttpRequestError(
        431, "Request Header Fields Too Large", "The request headers are larger than 64 KiB."
    )


@dataclass(frozen=True)
class RequestHead:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class HttpTarget:
    """An absolute-form http:// target split into what the origin server needs."""

    host: str
    port: int
    path: str  # origin-form: "/path?query"
    url: str

    @property
    def host_header(self) -> str:
        return join_host_port(self.host, self.port) if self.port != 80 else _bracketed(self.host)


def parse_request_head(data: bytes) -> RequestHead:
    """Parse a request line and header fields, strictly; data may end with the blank line."""
    if len(data) > MAX_HEAD_BYTES:
        raise head_too_large()
    text = data.removesuffix(HEAD_END).decode("latin-1")  # latin-1 keeps every byte as-is
    request_line, *header_lines = text.split("\r\n")
    method, target, version = _parse_request_line(request_line)
    headers = tuple(_parse_header(line) for line in header_lines)
    return RequestHead(method, target, version, headers)


def _parse_request_line(line: str) -> tuple[str, str, str]:
    parts = line.split(" ")
    if len(parts) != 3:
        raise bad_request("The request line is malformed.")
    method, target, version = parts
    if not _TOKEN.fullmatch(method) or not _TARGET.fullmatch(target):
        raise bad_request("The request line is malformed.")
    if not _VERSION.fullmatch(version):
        raise bad_request("Only HTTP/1.0 and HTTP/1.1 requests are forwarded.")
    return method, target, version


def _parse_header(line: str) -> tuple[str, str]:
    name, colon, value = line.partition(":")
    # No space before the colon and no obsolete line folding (RFC 9112 sections 5.1, 5.2).
    if not colon or not _TOKEN.fullmatch(name):
        raise bad_request("A request header is malformed.")
    value = value.strip(" \t")
    if _FORBIDDEN_IN_VALUE.search(value):
        raise bad_request("A request header contains control characters.")
    return name, value


def parse_connect_target(target: str) -> tuple[str, int]:
    """host and port of "CONNECT host:port"."""
    try:
        return split_host_port(target)
    except ValueError as exc:
        raise bad_request(f"The CONNECT target is not valid: {exc}.") from None


def parse_http_target(target: str) -> HttpTarget:
    """Split an absolute-form http:// target; origin-form or other schemes are refused."""
    scheme, sep, rest = target.partition("://")
    if not sep:
        if target.startswith("/") or target == "*":
            raise bad_request(GATE_ITSELF)
        raise bad_request("The request target is not a URL.")
    if not _SCHEME.fullmatch(scheme):
        raise bad_request("The request target is not a URL.")
    if scheme.lower() != "http":
        raise bad_request(
            f"The route gate forwards http:// requests and CONNECT tunnels only, not {scheme}://."
        )
    rest = rest.partition("#")[0]  # fragments never go on the wire
    end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, path = rest[:end], rest[end:]
    if "@" in authority:
        raise bad_request("URLs with a user name in them are not forwarded.")
    try:
        host, port = split_host_port(authority, default_port=80)
    except ValueError as exc:
        raise bad_request(f"The URL's host is not valid: {exc}.") from None
    if not path.startswith("/"):
        path = "/" + path
    return HttpTarget(host, port, path, f"http://{authority}{path}")


def origin_form_request(head: RequestHead, target: HttpTarget) -> bytes:
    """The head to send to the origin: origin-form, its own Host, no hop-by-hop headers."""
    listed = {
        token.strip().lower()
        for name, value in head.headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    drop = HOP_BY_HOP | (listed - _FRAMING) | {"host"}
    lines = [f"{head.method} {target.path} {head.version}", f"Host: {target.host_header}"]
    lines += [f"{name}: {value}" for name, value in head.headers if name.lower() not in drop]
    lines.append("Connection: close")  # one request per upstream connection
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


CONNECTION_ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"
_STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-9][0-9]{2})[ \r]")
_RESPONSE_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection"})


def response_status(head: bytes) -> int | None:
    """The status code of an HTTP/1.x response head, or None if it is not one."""
    match = _STATUS_LINE.match(head)
    return int(match[1]) if match else None


def close_response_head(head: bytes) -> bytes:
    """The origin's response head, telling the client the connection ends with it.

    The gate relays one request per client connection; without this a client could
    reuse the connection and its next request (maybe for another site, with that
    site's cookies) would flow to this origin.
    """
    status_line, *lines = head.removesuffix(HEAD_END).decode("latin-1").split("\r\n")
    kept = [
        line for line in lines if line.partition(":")[0].strip().lower() not in _RESPONSE_HOP_BY_HOP
    ]
    return ("\r\n".join([status_line, *kept, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


# Marks answers the gate wrote itself, so the browser side can tell a refused
# route from a site that answered with the same status.
GATE_MARKER_HEADER = "X-Route-Gate"
# On a 502: "route" (the route is down or refused) or "unreachable" (the route works but
# could not reach that destination).
GATE_REASON_HEADER = "X-Route-Gate-Reason"
# Sent on CONNECT by the workstation's own clients (lookups, timestamps): the tunnel is
# relayed as it is, never intercepted, so they see and validate the origin themselves.
# Pages cannot set headers on the browser's CONNECT requests.
RAW_TUNNEL_HEADER = "X-Workstation-Tunnel"
RAW_TUNNEL_VALUE = "raw"


def error_response(
    status: int, reason: str, message: str, headers: tuple[tuple[str, str], ...] = ()
) -> bytes:
    """A complete, self-closing answer with a small HTML page explaining it."""
    body = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{status} {html.escape(reason, quote=False)}</title></head>"
        f"<body><h1>Route gate: {status} {html.escape(reason, quote=False)}</h1>"
        f"<p>{html.escape(message, quote=False)}</p></body></html>\n"
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        f"{GATE_MARKER_HEADER}: refused\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in headers)
        + "Connection: close\r\n\r\n"
    ).encode("latin-1")
    return head + body


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host
