"""An "address echo" on loopback: answers every GET with the caller's address as plain text.

Stands in for the unit's "what is my address" service, so exit identities through
proxies are learned without any public service.
"""

import threading

from tests.support.http import LoopbackHttpServer, QuietHandler


class AddressEcho(LoopbackHttpServer):
    def __init__(self) -> None:
        self.requests: list[str] = []
        self._lock = threading.Lock()
        echo = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                with echo._lock:
                    echo.requests.append(self.client_address[0])
                self.answer(200, "text/plain", f"{self.client_address[0]}\n".encode())

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ip"

    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)
