"""What every lookup returns: the parsed view plus the raw exchanges it came from."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workstation import canonjson


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Exchange:
    """One question put to one server and its answer, byte for byte as it travelled."""

    server: str  # "ns1.example.net:53", "whois.verisign-grs.com:43", "https://rdap.org/..."
    protocol: str  # "dns-tcp", "whois", "https", "tls", ...
    request: bytes
    response: bytes
    utc: str  # when the answer was complete

    def response_sha256(self) -> str:
        return hashlib.sha256(self.response).hexdigest()

    def describe(self) -> dict[str, Any]:
        """The exchange as canonical-JSON-ready metadata (the bytes are stored apart)."""
        return {
            "server": self.server,
            "protocol": self.protocol,
            "utc": self.utc,
            "request_sha256": hashlib.sha256(self.request).hexdigest(),
            "request_bytes": len(self.request),
            "response_sha256": self.response_sha256(),
            "response_bytes": len(self.response),
        }


@dataclass(frozen=True)
class Pivot:
    """A follow-up lookup an officer may want with one click (nameserver -> its IP)."""

    kind: str
    target: str
    label: str  # why: "nameserver", "mail server", "registrar WHOIS", ...


@dataclass(frozen=True)
class LookupResult:
    """The answer to one lookup of one target.

    data is the parsed view, JSON-serialisable and stable enough to compare with a later
    run of the same lookup; exchanges are the raw bytes it was parsed from. warnings tell
    the officer what could not be had (a server that timed out, a referral not followed)
    without failing the whole lookup.
    """

    kind: str
    target: str
    route: str
    started_utc: str
    finished_utc: str
    data: Mapping[str, Any]
    exchanges: tuple[Exchange, ...] = ()
    pivots: tuple[Pivot, ...] = ()
    warnings: tuple[str, ...] = ()
    summary: tuple[str, ...] = field(default=())  # a few lines for the officer

    def servers(self) -> list[str]:
        return sorted({exchange.server for exchange in self.exchanges})

    def record(self) -> dict[str, Any]:
        """Everything but the raw bytes, as canonical-JSON-ready data (stored and hashed)."""
        return {
            "kind": self.kind,
            "target": self.target,
            "route": self.route,
            "started_utc": self.started_utc,
            "finished_utc": self.finished_utc,
            "data": self.data,
            "exchanges": [exchange.describe() for exchange in self.exchanges],
            "pivots": [{"kind": p.kind, "target": p.target, "label": p.label} for p in self.pivots],
            "warnings": list(self.warnings),
            "summary": list(self.summary),
        }

    def record_sha256(self) -> str:
        return hashlib.sha256(canonjson.dumps(self.record())).hexdigest()
