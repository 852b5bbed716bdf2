"""The self-test's route: a tiny SOCKS5 server on 127.0.0.1 that only connects to loopback.

It stands in for Tor or a unit's proxy so the whole browser path (QtWebEngine -> route
gate -> SOCKS5 -> site) runs without any network. It speaks RFC 1928 CONNECT without
login, refuses every target whose host is not in its allow list (reply 2, "not allowed
by ruleset") and never resolves a name. It remembers the local address of every
connection it opened, so the page server can prove that each of its visitors came
through here.
"""

import asyncio
import contextlib
import ipaddress
import logging
import threading
from dataclasses import dataclass, field

from workstation.selftest.loop_thread import LoopThread

log = logging.getLogger(__name__)

LISTEN_HOST = "127.0.0.1"
LOOPBACK_ONLY = frozenset({"127.0.0.1"})
CONNECT_TIMEOUT = 10.0
HANDSHAKE_TIMEOUT = 10.0
CHUNK = 64 * 1024

VERSION = 5
METHOD_NONE = 0x00
METHOD_REFUSED = 0xFF
CMD_CONNECT = 1
ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 1, 3, 4
REPLY_OK = 0
REPLY_FAILURE = 1
REPLY_NOT_ALLOWED = 2
REPLY_REFUSED = 5
REPLY_BAD_COMMAND = 7
REPLY_BAD_ADDRESS = 8


class _Refused(Exception):
    def __init__(self, reply: int, why: str) -> None:
        super().__init__(why)
        self.reply = reply


@dataclass
class SocksTally:
    """What the server did, read from other threads under its lock."""

    accepted: int = 0
    opened: int = 0
    refused: list[str] = field(default_factory=list)
    outgoing: set[tuple[str, int]] = field(default_factory=set)  # our side of each connection


class LoopbackSocksServer:
    """start() -> port; stop() closes everything. Thread-safe counters in tally()."""

    def __init__(self, allowed_hosts: frozenset[str] = LOOPBACK_ONLY) -> None:
        self.allowed_hosts = allowed_hosts
        self.port = 0
        self._loop = LoopThread("selftest-socks")
        self._server: asyncio.Server | None = None
        self._tally = SocksTally()
        self._lock = threading.Lock()

    def start(self) -> int:
        self._loop.start()
        self._server = self._loop.call(asyncio.start_server(self._serve, LISTEN_HOST, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call(_close_server(self._server))
            self._server = None
        self._loop.stop()

    def tally(self) -> SocksTally:
        with self._lock:
            return SocksTally(
                self._tally.accepted,
                self._tally.opened,
                list(self._tally.refused),
                set(self._tally.outgoing),
            )

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self._tally.accepted += 1
        upstream: asyncio.StreamWriter | None = None
        try:
            async with asyncio.timeout(HANDSHAKE_TIMEOUT):
                host, port = await _handshake(reader, writer)
            opened = await self._connect(host, port, writer)
            if opened is not None:
                upstream_reader, upstream = opened
                await _pipe_both_ways(reader, writer, upstream_reader, upstream)
        except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError) as exc:
            log.debug("self-test SOCKS connection ended: %s", exc)
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    async def _connect(
        self, host: str, port: int, client: asyncio.StreamWriter
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """The connection to the target, or None once the client was told why not."""
        try:
            if host not in self.allowed_hosts:
                raise _Refused(REPLY_NOT_ALLOWED, f"{host}:{port} is not an allowed target")
            try:
                async with asyncio.timeout(CONNECT_TIMEOUT):
                    upstream_reader, upstream = await asyncio.open_connection(host, port)
            except (OSError, TimeoutError) as exc:
                raise _Refused(REPLY_REFUSED, f"{host}:{port} did not accept: {exc}") from None
        except _Refused as refused:
            with self._lock:
                self._tally.refused.append(str(refused))
            await _reply(client, refused.reply)
            return None
        local_host, local_port = upstream.get_extra_info("sockname")[:2]
        with self._lock:
            self._tally.opened += 1
            self._tally.outgoing.add((local_host, local_port))
        await _reply(client, REPLY_OK, (local_host, local_port))
        return upstream_reader, upstream


async def _handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int]:
    """Method negotiation (no login) and the CONNECT request; returns the target."""
    version, count = await reader.readexactly(2)
    methods = await reader.readexactly(count)
    if version != VERSION:
        raise EOFError("not a SOCKS5 client")
    if METHOD_NONE not in methods:
        writer.write(bytes([VERSION, METHOD_REFUSED]))
        await writer.drain()
        raise EOFError("the client wants a login; the self-test route has none")
    writer.write(bytes([VERSION, METHOD_NONE]))
    await writer.drain()
    version, command, _reserved, address_type = await reader.readexactly(4)
    host = await _read_address(reader, address_type)
    port = int.from_bytes(await reader.readexactly(2), "big")
    if version != VERSION or command != CMD_CONNECT:
        await _reply(writer, REPLY_BAD_COMMAND)
        raise EOFError("only CONNECT is supported")
    if host is None:
        await _reply(writer, REPLY_BAD_ADDRESS)
        raise EOFError("unknown address type")
    return host, port


async def _read_address(reader: asyncio.StreamReader, address_type: int) -> str | None:
    if address_type == ATYP_IPV4:
        return str(ipaddress.IPv4Address(await reader.readexactly(4)))
    if address_type == ATYP_IPV6:
        return str(ipaddress.IPv6Address(await reader.readexactly(16)))
    if address_type == ATYP_DOMAIN:
        length = (await reader.readexactly(1))[0]
        # Kept as the name it is: compared with the allow list, never resolved.
        return (await reader.readexactly(length)).decode("ascii", "replace")
    return None


async def _reply(
    writer: asyncio.StreamWriter,
    code: int,
    bound: tuple[str, int] = ("0.0.0.0", 0),  # noqa: S104
) -> None:
    address = ipaddress.IPv4Address(bound[0]).packed
    writer.write(bytes([VERSION, code, 0, ATYP_IPV4]) + address + bound[1].to_bytes(2, "big"))
    await writer.drain()


async def _pipe_both_ways(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream_reader: asyncio.StreamReader,
    upstream_writer: asyncio.StreamWriter,
) -> None:
    await asyncio.gather(
        _pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer)
    )


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(CHUNK):
            sink.write(chunk)
            await sink.drain()
        if sink.can_write_eof():
            sink.write_eof()
    except OSError:
        sink.close()


async def _close_server(server: asyncio.Server) -> None:
    server.close()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(2):
            await server.wait_closed()
