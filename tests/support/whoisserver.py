"""A real WHOIS server (RFC 3912, TCP) on 127.0.0.1 answering from recorded answers.

Answers live in tests/data/whois/, indexed by index.json as {server name: {query: file}}.
One listener serves one server name; the loopback Internet maps that name's port 43 to it.
A query with no recorded answer is logged in `unknown` and gets no bytes (the client sees
an empty answer), so tests can assert that only recorded questions were asked.
"""

import json
import socket
import socketserver
import threading
from pathlib import Path
from typing import Self

DATA = Path(__file__).resolve().parent.parent / "data" / "whois"
MAX_QUERY = 4096


def recorded_answers(server: str) -> dict[str, bytes]:
    index = json.loads((DATA / "index.json").read_text(encoding="utf-8"))
    return {query: (DATA / name).read_bytes() for query, name in index.get(server, {}).items()}


class WhoisServer:
    """Serves answers {query: bytes}; records every query it was sent."""

    def __init__(self, name: str, answers: dict[str, bytes] | None = None) -> None:
        self.name = name
        self.answers = recorded_answers(name) if answers is None else answers
        self.queries: list[str] = []
        self.unknown: list[str] = []
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        data = b""
        while b"\n" not in data and len(data) < MAX_QUERY:
            chunk = sock.recv(1024)
            if not chunk:
                break
            data += chunk
        query = data.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
        self.queries.append(query)
        answer = self.answers.get(query)
        if answer is None:
            self.unknown.append(query)
            return
        sock.sendall(answer)
