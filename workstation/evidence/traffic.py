"""The recent traffic the route gate recorded, kept in memory for snapshots to take.

The gate hands every exchange here as it completes. A snapshot takes the exchanges of
its persona between the page's load start and the seal, and writes them to the
exhibit's WARC. Nothing here touches the disk; the journal forgets the oldest
exchanges beyond a size limit, so a long browsing day cannot exhaust memory.
"""

import threading
from collections import deque

from workstation.route.recording import RecordedExchange

DEFAULT_LIMIT_BYTES = 512 * 1024 * 1024


def _size(exchange: RecordedExchange) -> int:
    return (
        len(exchange.request_head)
        + len(exchange.request_body)
        + len(exchange.response_head)
        + len(exchange.response_body)
    )


class TrafficJournal:
    """Thread-safe, bounded record of recent exchanges (the gate calls add())."""

    def __init__(self, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> None:
        self._limit = limit_bytes
        self._exchanges: deque[RecordedExchange] = deque()
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, exchange: RecordedExchange) -> None:
        self.add(exchange)

    def add(self, exchange: RecordedExchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)
            self._bytes += _size(exchange)
            while self._bytes > self._limit and len(self._exchanges) > 1:
                self._bytes -= _size(self._exchanges.popleft())

    def between(
        self, persona: str | None, since_utc: str, until_utc: str | None = None
    ) -> list[RecordedExchange]:
        """The persona's exchanges that started at or after since_utc (and, if given,
        finished by until_utc), oldest first. UTC strings compare in time order."""
        with self._lock:
            return [
                e
                for e in self._exchanges
                if e.persona == persona
                and e.started_utc >= since_utc
                and (until_utc is None or e.finished_utc <= until_utc)
            ]
