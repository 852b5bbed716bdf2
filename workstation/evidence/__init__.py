"""Qt-free evidence core: manifests, control numbers, sealing and verification."""

from workstation.evidence.manifest import (
    ArtifactBytes,
    Manifest,
    build_manifest,
    control_number_of,
    sha256_hex,
)

__all__ = ["ArtifactBytes", "Manifest", "build_manifest", "control_number_of", "sha256_hex"]
