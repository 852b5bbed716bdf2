"""Manifests and control numbers.

A manifest lists every artifact of an exhibit with its SHA-256 and says where,
when and how it was captured. It is serialised as canonical JSON; the SHA-256
of those exact bytes is the exhibit's control number. Anyone can check it with
`sha256sum manifest.json` and by hashing each artifact.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workstation import canonjson

MANIFEST_FORMAT = "investigator-workstation-manifest"
MANIFEST_VERSION = 1


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def control_number_of(manifest_bytes: bytes) -> str:
    """The control number of a serialised manifest: its SHA-256 in hex."""
    return sha256_hex(manifest_bytes)


@dataclass(frozen=True)
class ArtifactBytes:
    """One artifact of an exhibit, held in memory until it is sealed."""

    name: str
    media_type: str
    data: bytes

    def entry(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "media_type": self.media_type,
            "sha256": sha256_hex(self.data),
            "size": len(self.data),
        }


@dataclass(frozen=True)
class Manifest:
    """A sealed manifest: the canonical bytes and the control number over them."""

    data: bytes
    control_number: str

    def as_dict(self) -> dict[str, Any]:
        parsed: dict[str, Any] = canonjson.loads(self.data)
        return parsed


def build_manifest(
    kind: str, fields: Mapping[str, Any], artifacts: Sequence[ArtifactBytes]
) -> Manifest:
    """Seal fields and artifact hashes into canonical bytes and a control number."""
    names = [artifact.name for artifact in artifacts]
    if len(set(names)) != len(names):
        raise ValueError(f"artifact names must be unique: {names}")
    reserved = {"format", "version", "kind", "artifacts"} & set(fields)
    if reserved:
        raise ValueError(f"fields may not set {sorted(reserved)}")
    document = {
        **fields,
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "kind": kind,
        "artifacts": [artifact.entry() for artifact in artifacts],
    }
    data = canonjson.dumps(document)
    return Manifest(data=data, control_number=control_number_of(data))
