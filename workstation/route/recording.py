"""The gate's recording side: TLS interception and HTTP/1.1 exchanges handed to a sink.

When the gate records, a browser's CONNECT to host:port (any port but 80, which Chromium
only tunnels for ws://) is answered, the browser's TLS is terminated with a certificate
from the workstation's interception CA, and the gate opens its own TLS to the origin
through the route, validating the origin's certificate itself. An origin whose
certificate does not validate gets no request: the browser gets an error page saying why.

Between the two TLS ends the gate relays HTTP/1.1 message by message (bodies streamed,
never buffered whole), and every complete request/response pair becomes a
RecordedExchange: bytes as they travelled, the origin's certificate chain, TLS version
and cipher. Pure relaying stays fast: recording copies what passes, up to a limit per
message beyond which the record is marked truncated.
"""

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from workstation.route import http1
from workstation.route.hosts import join_host_port

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
MAX_RECORDED_BODY = 64 * 1024 * 1024
HEAD_TIMEOUT = 300.0  # an idle keep-alive connection is closed after this


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class TlsInfo:
    """How the gate's own connection to the origin was secured."""

    version: str
    cipher: str
    alpn: str | None
    chain_der: tuple[bytes, ...]  # the origin's chain as validated, leaf first


@dataclass(frozen=True)
class RecordedExchange:
    """One request and the response to it, as they crossed the gate."""

    persona: str | None
    url: str
    method: str
    request_head: bytes  # as sent to the origin
    request_body: bytes
    response_head: bytes  # as received from the origin (after any 1xx)
    response_body: bytes  # as received, transfer coding included
    started_utc: str
    finished_utc: str
    tls: TlsInfo | None
    truncated: bool = False
    complete: bool = True  # False: the origin closed before the response ended

    @property
    def status(self) -> int | None:
        return http1.response_status(self.response_head)


ExchangeSink = Callable[[RecordedExchange], None]


@dataclass
class Interception:
    """What the gate needs to record: the CA for the browser side, the trust for the
    origin side, and where exchanges go (called on the gate's loop: must be quick)."""

    server_context: Callable[[str], ssl.SSLContext]
    origin_context: ssl.SSLContext
    sink: ExchangeSink
    max_body: int = MAX_RECORDED_BODY


def origin_context(cafile: str | None = None) -> ssl.SSLContext:
    """TLS to origins: the system's trust (or cafile's), HTTP/1.1 only."""
    context = ssl.create_default_context(cafile=cafile)
    context.set_alpn_protocols(["http/1.1"])
    return context


def peer_chain(ssl_object: ssl.SSLObject | None) -> tuple[bytes, ...]:
    """DER of the validated chain (leaf first); empty when the ssl module cannot tell.

    Python 3.13 has SSLObject.get_verified_chain(); 3.11 has the same on its private
    _sslobj.
    """
    if ssl_object is None:
        return ()
    getter = getattr(ssl_object, "get_verified_chain", None)
    if getter is None:
        getter = getattr(getattr(ssl_object, "_sslobj", None), "get_verified_chain", None)
    if getter is None:
        leaf = ssl_object.getpeercert(binary_form=True)
        return (leaf,) if leaf else ()
    return tuple(_der(cert) for cert in getter())


def _der(certificate: object) -> bytes:
    public = getattr(certificate, "public_bytes", None)
    if public is not None:
        return bytes(public(ssl._ssl.ENCODING_DER))  # type: ignore[attr-defined]
    return ssl.PEM_cert_to_DER_cert(str(certificate))


def tls_info(writer: asyncio.StreamWriter) -> TlsInfo | None:
    ssl_object = writer.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    cipher = ssl_object.cipher()
    return TlsInfo(
        version=ssl_object.version() or "",
        cipher=cipher[0] if cipher else "",
        alpn=ssl_object.selected_alpn_protocol(),
        chain_der=peer_chain(ssl_object),
    )


# ---- message framing -------------------------------------------------------------


@dataclass(frozen=True)
class Framing:
    kind: str  # "none", "length", "chunked", "close"
    length: int = 0


def _headers(head: bytes) -> list[tuple[str, str]]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = []
    for line in lines:
        name, colon, value = line.partition(":")
        if colon:
            pairs.append((name.strip().lower(), value.strip()))
    return pairs


def _framing(headers: list[tuple[str, str]], *, default: str) -> Framing:
    codings = [v.lower() for n, v in headers if n == "transfer-encoding"]
    if codings:
        return Framing("chunked" if codings[-1].split(",")[-1].strip() == "chunked" else "close")
    lengths = {v for n, v in headers if n == "content-length"}
    if len(lengths) == 1:
        value = next(iter(lengths))
        if value.isdigit():
            return Framing("length", int(value))
    if lengths:
        raise http1.bad_request("The message has conflicting Content-Length headers.")
    return Framing(default)


def request_framing(head: bytes) -> Framing:
    return _framing(_headers(head), default="none")


def response_framing(method: str, status: int, head: bytes) -> Framing:
    if method == "HEAD" or status in {204, 304} or 100 <= status < 200:
        return Framing("none")
    return _framing(_headers(head), default="close")


def _wants_close(head: bytes) -> bool:
    for name, value in _headers(head):
        if name == "connection" and "close" in value.lower():
            return True
    return head.startswith(b"HTTP/1.0") and b"keep-alive" not in head.lower()


def _no_guard() -> None:
    return


@dataclass
class _Capture:
    """What is kept of one message body; guard runs before every chunk is passed on
    (the gate's check that the route has not been switched under the connection)."""

    limit: int
    guard: Callable[[], None] = _no_guard
    data: bytearray = field(default_factory=bytearray)
    truncated: bool = False

    def add(self, chunk: bytes) -> None:
        self.guard()
        room = self.limit - len(self.data)
        if room >= len(chunk):
            self.data += chunk
        else:
            self.data += chunk[: max(room, 0)]
            self.truncated = True


async def _copy_exact(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, size: int, capture: _Capture
) -> None:
    while size > 0:
        chunk = await reader.read(min(CHUNK, size))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", size)
        size -= len(chunk)
        capture.add(chunk)
        writer.write(chunk)
        await writer.drain()


async def _copy_line(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, capture: _Capture
) -> bytes:
    line = await reader.readuntil(b"\r\n")
    capture.add(line)
    writer.write(line)
    return line


async def _copy_chunked(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, capture: _Capture
) -> None:
    while True:
        line = await _copy_line(reader, writer, capture)
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise http1.bad_request("A chunked body has a malformed chunk size.") from None
        if size == 0:
            while await _copy_line(reader, writer, capture) != b"\r\n":
                pass  # trailers
            await writer.drain()
            return
        await _copy_exact(reader, writer, size + 2, capture)


async def _copy_until_close(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, capture: _Capture
) -> None:
    while chunk := await reader.read(CHUNK):
        capture.add(chunk)
        writer.write(chunk)
        await writer.drain()


async def copy_body(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, framing: Framing, capture: _Capture
) -> None:
    if framing.kind == "length":
        await _copy_exact(reader, writer, framing.length, capture)
    elif framing.kind == "chunked":
        await _copy_chunked(reader, writer, capture)
    elif framing.kind == "close":
        await _copy_until_close(reader, writer, capture)


# ---- the relay -------------------------------------------------------------------


@dataclass
class ExchangeRelay:
    """Relays HTTP/1.1 between a client and an origin, recording each exchange."""

    client: tuple[asyncio.StreamReader, asyncio.StreamWriter]
    origin: tuple[asyncio.StreamReader, asyncio.StreamWriter]
    base_url: str  # "https://host[:port]"
    persona: str | None
    sink: ExchangeSink
    max_body: int
    tls: TlsInfo | None
    first_head: bytes | None = None  # a request already read (plain-HTTP proxying)
    guard: Callable[[], None] = _no_guard

    async def run(self) -> None:
        """Relay until either side closes, or a message says Connection: close.

        A side that goes away mid-message (the officer closed the tab) simply ends
        the relay; the unfinished exchange is not recorded.
        """
        try:
            while True:
                head = self.first_head or await self._next_request_head()
                self.first_head = None
                if head is None or not await self._exchange(head):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError) as exc:
            log.debug("recording: a side left mid-exchange (%s)", type(exc).__name__)

    async def _next_request_head(self) -> bytes | None:
        try:
            async with asyncio.timeout(HEAD_TIMEOUT):
                return await self.client[0].readuntil(http1.HEAD_END)
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            return None

    async def _exchange(self, head: bytes) -> bool:
        """One request and its response; False when the connection must end."""
        started = utc_now()
        method, _, rest = head.partition(b" ")
        target = rest.split(b" ", 1)[0].decode("latin-1")
        url = target if target.startswith(("http://", "https://")) else self.base_url + target
        request_body = _Capture(self.max_body, self.guard)
        origin_reader, origin_writer = self.origin
        self.guard()
        origin_writer.write(head)
        await copy_body(self.client[0], origin_writer, request_framing(head), request_body)
        await origin_writer.drain()
        response_head, status = await self._response_head()
        if response_head is None:
            self._record(method, url, head, request_body, b"", _Capture(0), started, False)
            return False
        if status == 101:  # a protocol switch (WebSocket): record the handshake, then pipe
            self._record(method, url, head, request_body, response_head, _Capture(0), started)
            await self._pipe_both()
            return False
        body = _Capture(self.max_body, self.guard)
        framing = response_framing(method.decode("latin-1"), status, response_head)
        complete = True
        try:
            await copy_body(origin_reader, self.client[1], framing, body)
        except asyncio.IncompleteReadError:
            complete = False
        self._record(method, url, head, request_body, response_head, body, started, complete)
        keep = complete and framing.kind != "close"
        return keep and not _wants_close(head) and not _wants_close(response_head)

    async def _response_head(self) -> tuple[bytes | None, int]:
        """The final response head (1xx heads are passed on, not recorded)."""
        while True:
            try:
                head = await self.origin[0].readuntil(http1.HEAD_END)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return None, 0
            status = http1.response_status(head) or 0
            self.guard()
            self.client[1].write(head)
            await self.client[1].drain()
            if not (100 <= status < 200) or status == 101:
                return head, status

    async def _pipe_both(self) -> None:
        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while chunk := await source.read(CHUNK):
                self.guard()
                sink.write(chunk)
                await sink.drain()

        tasks = [
            asyncio.create_task(pipe(self.client[0], self.origin[1])),
            asyncio.create_task(pipe(self.origin[0], self.client[1])),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _record(  # noqa: PLR0917  (private, one caller shape)
        self,
        method: bytes,
        url: str,
        request_head: bytes,
        request_body: _Capture,
        response_head: bytes,
        response_body: _Capture,
        started: str,
        complete: bool = True,
    ) -> None:
        exchange = RecordedExchange(
            persona=self.persona,
            url=url,
            method=method.decode("latin-1"),
            request_head=request_head,
            request_body=bytes(request_body.data),
            response_head=response_head,
            response_body=bytes(response_body.data),
            started_utc=started,
            finished_utc=utc_now(),
            tls=self.tls,
            truncated=request_body.truncated or response_body.truncated,
            complete=complete and bool(response_head),
        )
        try:
            self.sink(exchange)
        except Exception:
            log.exception("recording: the exchange sink failed")


def base_url(scheme: str, host: str, port: int) -> str:
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host if port == default else join_host_port(host, port)}"
