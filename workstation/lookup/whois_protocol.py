"""One WHOIS question (RFC 3912) over TCP port 43, through the route, kept byte for byte.

The query goes out followed by CRLF; the answer is read until the server closes the
connection, up to a size limit and a time limit. Query syntax differs per server (ARIN
wants "n + <address>", Verisign "domain <name>", DENIC "-T dn,ace <name>"); that
knowledge lives in query_for().
"""

import socket
import time

from workstation.errors import LookupFailed
from workstation.lookup.context import LookupContext
from workstation.lookup.result import Exchange, utc_now
from workstation.lookup.whois_targets import Target
from workstation.route.hosts import join_host_port

MAX_ANSWER_BYTES = 1024 * 1024  # the longest real answers (RIPE with -B) stay far below
ANSWER_TIME_FACTOR = 3  # a whole answer may take this many per-read timeouts


def query_for(server: str, target: Target) -> str:
    """The query text a server understands for the target (without CRLF)."""
    server = server.lower()
    if server == "whois.arin.net":
        if target.kind == "ip":
            return f"n + {target.query}"
        if target.kind == "asn":
            return f"a + {target.asn}"
    if server in {"whois.verisign-grs.com", "whois.crsnic.net"} and target.kind == "domain":
        return f"domain {target.query}"  # the domain record only, not name servers alike
    if server == "whois.denic.de" and target.kind == "domain":
        return f"-T dn,ace {target.query}"
    if server == "whois.nic.ad.jp":
        return f"{target.query}/e"  # English rather than ISO-2022-JP Japanese
    return target.query


def ask(context: LookupContext, host: str, port: int, query: str) -> Exchange:
    """Send query to host:port through the route and return the whole exchange."""
    request = query.encode("utf-8") + b"\r\n"
    sock = context.connect(host, port)
    try:
        sock.sendall(request)
        response = _read_answer(sock, host, context.timeout)
    except OSError as exc:
        raise LookupFailed(f"The WHOIS server {host} broke the connection ({exc}).") from None
    finally:
        sock.close()
    return Exchange(
        server=join_host_port(host, port),
        protocol="whois",
        request=request,
        response=response,
        utc=utc_now(),
    )


def _read_answer(sock: socket.socket, host: str, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout * ANSWER_TIME_FACTOR
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LookupFailed(f"The WHOIS server {host} did not finish its answer in time.")
        sock.settimeout(min(timeout, remaining))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            raise LookupFailed(
                f"The WHOIS server {host} did not answer within {timeout:g} seconds."
            ) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise LookupFailed(
                f"The WHOIS server {host} sent more than {MAX_ANSWER_BYTES // 1024} KiB; "
                "that is not a registration record, so the answer was not kept."
            )
