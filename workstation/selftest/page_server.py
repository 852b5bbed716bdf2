"""The self-test's web site: the built-in page and its image, served on 127.0.0.1.

It records the address of every connection it accepts and every path requested, so
the self-test can check that the browser's requests arrived, and that each one came
from the test route rather than around it.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import socket
from typing import Any

log = logging.getLogger(__name__)

LISTEN_HOST = "127.0.0.1"
PAGE_FILE = "page.html"
IMAGE_FILE = "seal.png"
# The page's visible text carries this, so the sealed DOM can be checked for it.
PAGE_MARKER = "investigator-workstation-self-test-page"
ROUTES = {"/": (PAGE_FILE, "text/html; charset=utf-8"), f"/{IMAGE_FILE}": (IMAGE_FILE, "image/png")}


@dataclass
class PageTally:
    connections: list[tuple[str, int]] = field(default_factory=list)  # each visitor's address
    paths: list[str] = field(default_factory=list)


class PageServer:
    """Serves the files of one folder under fixed paths; start() -> port, stop()."""

    def __init__(self, folder: Path) -> None:
        self.files = {path: (folder / name, kind) for path, (name, kind) in ROUTES.items()}
        missing = [str(file) for file, _kind in self.files.values() if not file.is_file()]
        if missing:
            raise FileNotFoundError(f"the built-in page is incomplete: {', '.join(missing)}")
        self._tally = PageTally()
        self._lock = threading.Lock()
        self._server = _CountingServer((LISTEN_HOST, 0), _handler_for(self), self._visited)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="selftest-page", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{LISTEN_HOST}:{self.port}/"

    def start(self) -> int:
        self._thread.start()
        return self.port

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def tally(self) -> PageTally:
        with self._lock:
            return PageTally(list(self._tally.connections), list(self._tally.paths))

    def _visited(self, address: tuple[str, int]) -> None:
        with self._lock:
            self._tally.connections.append(address)

    def requested(self, path: str) -> None:
        with self._lock:
            self._tally.paths.append(path)


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        on_connection: Callable[[tuple[str, int]], None],
    ) -> None:
        super().__init__(address, handler)
        self._on_connection = on_connection

    def process_request(self, request: Any, client_address: Any) -> None:
        # Counted at accept time, before any byte is read: a visitor that never sends
        # a request still shows up.
        if isinstance(request, socket):
            host, port = client_address[:2]
            self._on_connection((host, port))
        super().process_request(request, client_address)


def _handler_for(site: PageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requested(self.path)
            entry = site.files.get(self.path)
            if entry is None:
                self.send_error(404)
                return
            file, kind = entry
            body = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            log.debug("self-test page server: " + format, *args)

    return Handler
