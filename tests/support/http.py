"""A small threaded HTTP server on 127.0.0.1 for test peers (site, echo, TSA)."""

import ssl
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that keeps the test output clean and writes whole answers."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LoopbackHttpServer:
    """Serves handler_class on an ephemeral loopback port in a daemon thread."""

    def __init__(
        self,
        handler_class: type[BaseHTTPRequestHandler],
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        if tls is not None:
            # The handshake happens on first read, in the request's own thread, so a
            # client that never speaks TLS cannot stall the accepting thread.
            self.server.socket = tls.wrap_socket(
                self.server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


Files = Mapping[str, tuple[str, bytes]]


def static_site(files: Files) -> type[BaseHTTPRequestHandler]:
    """A keep-alive handler serving files {path: (content type, body)}; 404 otherwise."""

    class StaticSite(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            kind, body = files.get(self.path, ("text/plain", b"not here"))
            self.answer(200 if self.path in files else 404, kind, body)

    return StaticSite
