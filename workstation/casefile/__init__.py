"""The encrypted case file (Qt-free).

A case is a folder with ``keyslot.json`` (the data key wrapped under the
passphrase with Argon2id + AES-256-GCM) and ``case.db`` (SQLCipher 4, keyed
with the data key). See case.py for the Case object, keyslot.py, store.py,
migrations.py and audit.py for the parts.
"""

from workstation.casefile.audit import AuditEvent, ChainProblem, ChainReport, verify_chain
from workstation.casefile.case import ArtifactData, Case, EvidenceRecord, StoredArtifact
from workstation.casefile.keyslot import KdfParams

__all__ = [
    "ArtifactData",
    "AuditEvent",
    "Case",
    "ChainProblem",
    "ChainReport",
    "EvidenceRecord",
    "KdfParams",
    "StoredArtifact",
    "verify_chain",
]
