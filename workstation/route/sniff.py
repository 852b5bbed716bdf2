"""What a browser sends first through a CONNECT tunnel, looked at without taking it.

Chromium tunnels TLS (https, wss) and plain WebSockets (ws://, on any port) alike
through CONNECT, so the port does not say what flows: the first bytes do. A TLS
handshake record starts with 0x16; plain HTTP with a method and a space. The bytes are
peeked at on a duplicate of the socket while the transport's reading is paused, so they
stay in the kernel for whoever reads next (the TLS layer, the recording relay or the
plain relay).
"""

import asyncio
import re
import socket
from enum import Enum

PEEK_SIZE = 8  # "OPTIONS " is the longest method that matters, with its space
TLS_HANDSHAKE = 0x16
# A method and a space, or the start of one when the first segment was short.
_HTTP_METHOD = re.compile(rb"[A-Z]{1,7}(?: |\Z)")


class TunnelContent(Enum):
    TLS = "tls"
    HTTP = "http"
    OTHER = "other"  # some other protocol: piped, not recorded
    SILENT = "silent"  # nothing within the wait (a server-speaks-first protocol): piped


def classify(first: bytes) -> TunnelContent:
    if not first:
        return TunnelContent.SILENT
    if first[0] == TLS_HANDSHAKE:
        return TunnelContent.TLS
    if _HTTP_METHOD.match(first):
        return TunnelContent.HTTP
    return TunnelContent.OTHER


async def peek(transport: asyncio.BaseTransport, timeout: float) -> bytes:
    """Up to PEEK_SIZE bytes the client sent, left unread; b"" after timeout or a close.

    The caller paused the transport's reading before the client could send anything
    (before answering the CONNECT), so nothing was taken into the stream's buffer yet.
    """
    raw = transport.get_extra_info("socket")
    if raw is None:
        return b""
    loop = asyncio.get_running_loop()
    with raw.dup() as peeker:
        peeker.setblocking(False)
        readable = loop.create_future()
        loop.add_reader(peeker.fileno(), _settle, readable)
        try:
            async with asyncio.timeout(timeout):
                await readable
            return _peek_now(peeker)
        except TimeoutError:
            return b""
        finally:
            loop.remove_reader(peeker.fileno())


def _settle(readable: "asyncio.Future[None]") -> None:
    if not readable.done():
        readable.set_result(None)


def _peek_now(peeker: socket.socket) -> bytes:
    try:
        return peeker.recv(PEEK_SIZE, socket.MSG_PEEK)
    except (BlockingIOError, ConnectionError):
        return b""
