"""Timestamp a sealed exhibit, or queue it when the authority cannot be reached."""

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography import x509

from workstation.canonjson import JsonValue
from workstation.evidence.timestamp import (
    TimestampError,
    TimestampUnavailable,
    parse_reply,
    request_timestamp,
    verify_stored_timestamp,
    verify_timestamp,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TsaConfig:
    """The timestamp authority to ask, and the roots its replies must chain to (optional)."""

    url: str
    roots: Sequence[x509.Certificate] = field(default_factory=tuple)


class StampableCase(Protocol):
    def add_timestamp(
        self, item_id: int, tsa_url: str, reply: bytes, gen_time_utc: str
    ) -> object: ...
    def queue_timestamp(self, item_id: int, tsa_url: str, error: str) -> None: ...


def stamp_exhibit(
    case: StampableCase,
    item_id: int,
    manifest: bytes,
    tsa: TsaConfig,
    *,
    gate_port: int,
    credentials: tuple[str, str] | None = None,
) -> dict[str, JsonValue]:
    """Ask for a timestamp through the route; keep it, or queue the exhibit. Never raises
    for the authority's sake: the exhibit is sealed either way, and says which."""
    try:
        stamp = request_timestamp(manifest, tsa.url, gate_port=gate_port, credentials=credentials)
    except TimestampUnavailable as exc:
        case.queue_timestamp(item_id, tsa.url, str(exc))
        return {"status": "queued", "tsa_url": tsa.url, "reason": str(exc)}
    except TimestampError as exc:
        case.queue_timestamp(item_id, tsa.url, str(exc))
        return {"status": "failed", "tsa_url": tsa.url, "reason": str(exc)}
    if tsa.roots:
        problems = verify_timestamp(stamp.reply, manifest, tsa.roots)
        if problems:
            reason = "; ".join(problems)
            case.queue_timestamp(item_id, tsa.url, reason)
            return {"status": "failed", "tsa_url": tsa.url, "reason": reason}
    case.add_timestamp(item_id, tsa.url, stamp.reply, stamp.gen_time_utc)
    return {"status": "granted", "tsa_url": tsa.url, "gen_time_utc": stamp.gen_time_utc}


def check_stored(
    reply: bytes, recorded_sha256: str, manifest: bytes, roots: Sequence[x509.Certificate]
) -> list[str]:
    """Problems with a stored timestamp; without roots only what needs no trust anchor."""
    if roots:
        return verify_stored_timestamp(reply, recorded_sha256, manifest, roots)
    try:
        parse_reply(reply, manifest, nonce=None, tsa_url="")
    except TimestampError as exc:
        return [str(exc)]
    if hashlib.sha256(reply).hexdigest() != recorded_sha256:
        return ["the stored timestamp differs from the one received"]
    return []


class RetryableCase(StampableCase, Protocol):
    def pending_timestamps(self) -> Sequence[Any]: ...


def retry_pending(
    case: RetryableCase,
    roots: Sequence[x509.Certificate],
    *,
    gate_port: int,
    credentials: tuple[str, str] | None = None,
) -> list[dict[str, JsonValue]]:
    """Ask again for every queued timestamp; what each attempt gave, in queue order."""
    results = []
    for waiting in case.pending_timestamps():
        tsa = TsaConfig(waiting.tsa_url, tuple(roots))
        result = stamp_exhibit(
            case, waiting.item_id, waiting.manifest, tsa, gate_port=gate_port,
            credentials=credentials,
        )  # fmt: skip
        results.append({"control_number": waiting.control_number, **result})
    return results
