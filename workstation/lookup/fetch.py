"""HTTP(S) requests for lookups (RDAP, headers), through the route, keeping the raw bytes.

The answer is read whole (the request says Connection: close) up to a size limit and kept
exactly as it arrived; only then is it parsed, so the stored evidence is what the server
sent, not what a client library made of it.
"""

import http.client
import io
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from workstation.errors import LookupFailed, LookupInputError
from workstation.lookup.context import LookupContext
from workstation.lookup.result import Exchange, utc_now
from workstation.route.hosts import join_host_port

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]  # in the order sent, names as sent
    body: bytes  # de-chunked
    exchange: Exchange
    peer_certificate: bytes | None  # DER of the origin's leaf certificate (HTTPS only)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path?query) of an http(s) URL; LookupInputError otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise LookupInputError(f"{url!r} is not a valid web address.") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise LookupInputError(f"{url!r} is not an http:// or https:// address.")
    default = 443 if parts.scheme == "https" else 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port or default, path


def fetch(
    url: str,
    context: LookupContext,
    *,
    method: str = "GET",
    headers: tuple[tuple[str, str], ...] = (),
    verify_tls: bool = True,
) -> Fetched:
    """One request through the route; LookupFailed if no HTTP answer could be had."""
    scheme, host, port, path = split_url(url)
    request = _request_bytes(method, host, port, scheme, path, headers)
    sock = context.connect(host, port)
    peer: bytes | None = None
    try:
        if scheme == "https":
            sock = _wrap_tls(sock, host, context, verify_tls)
            peer = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
        sock.sendall(request)
        raw = _read_all(sock, url, context.timeout)
    finally:
        sock.close()
    exchange = Exchange(
        server=f"{scheme}://{join_host_port(host, port)}",
        protocol=scheme,
        request=request,
        response=raw,
        utc=utc_now(),
    )
    status, reason, parsed_headers, body = parse_response(raw, url)
    return Fetched(url, status, reason, parsed_headers, body, exchange, peer)


def _request_bytes(  # noqa: PLR0917  (private; called once)
    method: str,
    host: str,
    port: int,
    scheme: str,
    path: str,
    headers: tuple[tuple[str, str], ...],
) -> bytes:
    default_port = 443 if scheme == "https" else 80
    authority = host if port == default_port else join_host_port(host, port)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {authority}"]
    given = {name.lower() for name, _ in headers}
    defaults = (("User-Agent", USER_AGENT), ("Accept", "*/*"))
    lines += [f"{name}: {value}" for name, value in defaults if name.lower() not in given]
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append("Connection: close")
    try:
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    except UnicodeEncodeError:
        raise LookupInputError("Web addresses must be given in ASCII (punycode).") from None


def _wrap_tls(
    sock: socket.socket, host: str, context: LookupContext, verify_tls: bool
) -> ssl.SSLSocket:
    tls = context.ssl_context()
    if not verify_tls:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    try:
        return tls.wrap_socket(sock, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise LookupFailed(
            f"{host} presented a certificate that cannot be trusted ({exc.verify_message})."
        ) from None
    except (ssl.SSLError, OSError) as exc:
        sock.close()
        raise LookupFailed(f"The secure connection to {host} failed ({exc}).") from None


def _read_all(sock: socket.socket, url: str, timeout: float) -> bytes:
    sock.settimeout(timeout)
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise LookupFailed(f"The answer from {url} is larger than the lookup limit.")
    except TimeoutError:
        if not chunks:
            raise LookupFailed(f"{url} did not answer within {timeout:g} seconds.") from None
    except ssl.SSLError:
        pass  # an unclean TLS close after the answer: keep what came
    except OSError as exc:
        if not chunks:
            raise LookupFailed(f"The connection to {url} broke ({exc}).") from None
    return b"".join(chunks)


class _BytesSocket:
    """Just enough of a socket for http.client to parse bytes already received."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self._data)


def parse_response(raw: bytes, url: str) -> tuple[int, str, tuple[tuple[str, str], ...], bytes]:
    """Status, reason, headers and de-chunked body of a complete HTTP/1.x answer."""
    response = http.client.HTTPResponse(_BytesSocket(raw))  # type: ignore[arg-type]
    try:
        response.begin()
        body = response.read()
    except (http.client.HTTPException, ValueError) as exc:
        raise LookupFailed(
            f"The answer from {url} is not valid HTTP ({type(exc).__name__})."
        ) from None
    except OSError:
        raise LookupFailed(f"The answer from {url} was cut off.") from None
    headers = tuple((name, value) for name, value in response.getheaders())
    return response.status, response.reason, headers, body
