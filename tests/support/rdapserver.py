"""An RDAP server on loopback (HTTP, or HTTPS with a TestCA certificate) serving recorded
RDAP JSON: routes {path: (status, body, extra headers)}; unknown paths get a 404 with an
empty body and are remembered in `unknown`."""

import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Self

from tests.support.http import LoopbackHttpServer, QuietHandler

DATA = Path(__file__).resolve().parent.parent / "data" / "rdap"
Route = tuple[int, bytes, tuple[tuple[str, str], ...]]


def recorded(name: str) -> bytes:
    return (DATA / name).read_bytes()


class RdapServer:
    def __init__(self, routes: Mapping[str, Route], tls: ssl.SSLContext | None = None) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str]] = []  # (path, Accept header)
        self.unknown: list[str] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Accept", "")))
                status, body, headers = server.routes.get(self.path, (404, b"", ()))
                if self.path not in server.routes:
                    server.unknown.append(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/rdap+json")
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._http = LoopbackHttpServer(Handler, tls=tls)
        self.port = self._http.port
        self.scheme = self._http.scheme

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    def start(self) -> Self:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()
