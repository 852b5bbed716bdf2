"""The exit identity: the address (and country) a site sees, learned through the route itself.

On Tor it comes from the circuit that carried the identity's traffic (its exit relay in
the consensus, the country from tor's GeoIP data). Through a proxy it can only be asked
of a site: an "address echo" URL, configured by the unit (settings key exit_echo_url or
--echo-url), answering with the caller's address as plain text ("203.0.113.7") or as
JSON ({"ip": "203.0.113.7", "country": "DE"}). No public service is built in: which
service may learn that this route is in use is the unit's decision.
"""

import asyncio
import ipaddress
import json
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from workstation.errors import DestinationUnreachable, InputError
from workstation.route import http1
from workstation.route.hosts import check_host, join_host_port
from workstation.route.proxyconn import Streams

MAX_ECHO_BYTES = 64 * 1024
_ADDRESS_KEYS = ("ip", "address", "ip_addr", "origin")
_COUNTRY_KEYS = ("country", "country_iso", "country_code")

Opener = Callable[[str, int], Awaitable[Streams]]


@dataclass(frozen=True)
class ExitIdentity:
    """Where the route comes out. address and country are None when they cannot be known."""

    address: str | None
    country: str | None
    via: str  # e.g. "Tor exit relay exit0 (107E6CAA…)" or "SOCKS5 proxy 127.0.0.1:1080"
    detail: str
    circuit: str | None = None  # Tor only: the circuit that carries the identity
    exit_fingerprint: str | None = None  # Tor only
    seen_address: str | None = None  # what the echo URL reported, when one was asked

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class EchoUrl:
    host: str
    port: int
    path: str
    tls: bool

    @property
    def host_header(self) -> str:
        default = 443 if self.tls else 80
        return join_host_port(self.host, self.port) if self.port != default else self.host


@dataclass(frozen=True)
class EchoAnswer:
    address: str
    country: str | None


def parse_echo_url(url: str) -> EchoUrl:
    """http(s)://host[:port]/path; InputError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InputError(f"The address echo URL '{url[:80]}' is not valid.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise InputError(
            f"The address echo URL '{url[:80]}' must be http://HOST/PATH or https://HOST/PATH."
        )
    try:
        host = check_host(parts.hostname)
    except ValueError:
        raise InputError(
            f"The address echo URL's host '{parts.hostname[:80]}' is not valid."
        ) from None
    tls = parts.scheme == "https"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return EchoUrl(host, port or (443 if tls else 80), path, tls)


async def ask_echo(open_stream: Opener, url: str, timeout: float) -> EchoAnswer:
    """GET the echo URL through the route (open_stream) and read the address it reports."""
    echo = parse_echo_url(url)
    async with asyncio.timeout(timeout):
        reader, writer = await open_stream(echo.host, echo.port)
        try:
            if echo.tls:
                # Validated like any site: a forged echo answer would be false evidence.
                await writer.start_tls(ssl.create_default_context(), server_hostname=echo.host)
            writer.write(_echo_request(echo))
            await writer.drain()
            response = b""
            while len(response) <= MAX_ECHO_BYTES and (chunk := await reader.read(65536)):
                response += chunk
        finally:
            writer.transport.abort()
    return parse_echo_response(response, url)


def parse_echo_response(response: bytes, url: str) -> EchoAnswer:
    head, sep, body = response.partition(http1.HEAD_END)
    status = http1.response_status(head + sep)
    if status != 200 or len(response) > MAX_ECHO_BYTES:
        raise DestinationUnreachable(
            f"The address echo URL {url[:80]} did not answer with an address "
            f"(HTTP status {status if status is not None else 'missing'})."
        )
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunk(body)
    answer = parse_echo_body(body)
    if answer is None:
        raise DestinationUnreachable(f"The address echo URL {url[:80]} did not answer an address.")
    return answer


def parse_echo_body(body: bytes) -> EchoAnswer | None:
    """An address from plain text or a JSON object; None if there is none."""
    text = body.decode("utf-8", "replace").strip()
    country: str | None = None
    candidate = text.split()[0] if text.split() else ""
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        candidate = next((str(data[k]) for k in _ADDRESS_KEYS if k in data), "")
        country = next((str(data[k]) for k in _COUNTRY_KEYS if k in data), None)
    try:
        address = str(ipaddress.ip_address(candidate.split(",")[0].strip()))
    except ValueError:
        return None
    return EchoAnswer(address, _country_code(country))


def _country_code(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def _echo_request(echo: EchoUrl) -> bytes:
    # HTTP/1.0: no chunked answers, the server closes when done. No User-Agent: the
    # workstation's own name must never reach an outside service.
    return (f"GET {echo.path} HTTP/1.0\r\nHost: {echo.host_header}\r\nAccept: */*\r\n\r\n").encode(
        "ascii"
    )


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            return out
        if size == 0:
            break
        out, body = out + rest[:size], rest[size + 2 :]
    return out
