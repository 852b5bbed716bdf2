"""Sealed evidence in the case database: items, their artifacts, their audit event.

Evidence is append-only (triggers refuse UPDATE and DELETE). Sealing stores the
item, its artifacts, its search document and its ``evidence.sealed`` audit
event in the caller's single transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from workstation.canonjson import JsonValue
from workstation.casefile import audit, fts
from workstation.casefile.store import Connection
from workstation.errors import CaseError


@dataclass(frozen=True)
class ArtifactData:
    """An artifact to seal: a name unique within its item, a media type and the bytes."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class EvidenceRecord:
    """A sealed evidence item as stored."""

    id: int
    control_number: str
    manifest: bytes
    created_utc: str


@dataclass(frozen=True)
class StoredArtifact:
    """A sealed artifact as stored; sha256 was computed when it was sealed."""

    name: str
    media_type: str
    sha256: str
    data: bytes


def insert(
    conn: Connection,
    actor: str,
    *,
    control_number: str,
    manifest: bytes,
    hashed: list[tuple[ArtifactData, str]],
    extra: dict[str, JsonValue],
) -> int:
    cursor = conn.execute(
        "INSERT INTO evidence_item (control_number, manifest, created_utc) VALUES (?, ?, ?)",
        (control_number, bytes(manifest), audit.utc_now()),
    )
    item_id = cursor.lastrowid
    if item_id is None:
        raise CaseError("The evidence item could not be stored.")
    for artifact, digest in hashed:
        conn.execute(
            "INSERT INTO artifact (item_id, name, media_type, sha256, data) VALUES (?, ?, ?, ?, ?)",
            (item_id, artifact.name, artifact.media_type, digest, bytes(artifact.data)),
        )
    page = next((a for a, _ in hashed if a.name == fts.PAGE_TEXT_ARTIFACT), None)
    fts.index_evidence(
        conn, item_id, control_number, bytes(manifest), bytes(page.data) if page else None
    )
    event: dict[str, JsonValue] = {
        "control_number": control_number,
        "item_id": item_id,
        "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
        "artifacts": [
            {"name": a.name, "media_type": a.media_type, "sha256": d, "size": len(a.data)}
            for a, d in hashed
        ],
    }
    if extra:
        event["context"] = extra
    audit.append(conn, "evidence.sealed", actor, event)
    return item_id


def refused(conn: Connection, control_number: str, exc: Exception) -> CaseError:
    row = conn.execute(
        "SELECT 1 FROM evidence_item WHERE control_number = ?", (control_number,)
    ).fetchone()
    if row is not None:
        return CaseError(
            f"Evidence with control number {control_number} is already in this case; "
            "nothing was added."
        )
    return CaseError(f"The evidence item could not be stored, nothing was added: {exc}.")


def check(control_number: str, manifest: bytes, artifacts: Sequence[ArtifactData]) -> None:
    """Refuse malformed input before the transaction (these are caller bugs)."""
    if not isinstance(control_number, str) or not control_number:
        raise ValueError("control_number must be a non-empty string")
    if not isinstance(manifest, bytes | bytearray | memoryview):
        raise TypeError("manifest must be bytes")
    names: set[str] = set()
    for artifact in artifacts:
        if not isinstance(artifact, ArtifactData):
            raise TypeError("artifacts must be ArtifactData")
        if not artifact.name or not artifact.media_type:
            raise ValueError("every artifact needs a name and a media type")
        if artifact.name in names:
            raise ValueError(f"artifact name {artifact.name!r} is used twice")
        if not isinstance(artifact.data, bytes | bytearray | memoryview):
            raise TypeError(f"artifact {artifact.name!r} data must be bytes")
        names.add(artifact.name)
