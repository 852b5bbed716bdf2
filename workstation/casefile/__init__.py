"""The encrypted case file (Qt-free).

A case is a folder with ``keyslot.json`` (the data key wrapped under the
passphrase with Argon2id + AES-256-GCM, optionally also under a keyring token,
and the latest signed audit head) and ``case.db`` (SQLCipher 4, keyed with the
data key). case.py has the Case object; metadata.py, personas.py, contacts.py,
notes.py and fts.py the records and search; audit.py and heads.py the audit
chain and its signatures; keyslot.py, keyfile.py and remember.py the keys;
store.py and migrations.py the database.
"""

from workstation.casefile.audit import AuditEvent, ChainProblem, ChainReport, verify_chain
from workstation.casefile.case import ArtifactData, Case, EvidenceRecord, StoredArtifact
from workstation.casefile.contacts import (
    AttachmentRef,
    ContactDraft,
    ContactEntry,
    Counterpart,
    parse_counterpart,
)
from workstation.casefile.fts import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from workstation.casefile.heads import SignedHead
from workstation.casefile.keyslot import KdfParams
from workstation.casefile.metadata import CaseMetadata, CaseStatus, Commodity
from workstation.casefile.notes import Note
from workstation.casefile.personas import Persona, PersonaAccount

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "ArtifactData",
    "AttachmentRef",
    "AuditEvent",
    "Case",
    "CaseMetadata",
    "CaseStatus",
    "ChainProblem",
    "ChainReport",
    "Commodity",
    "ContactDraft",
    "ContactEntry",
    "Counterpart",
    "EvidenceRecord",
    "KdfParams",
    "Note",
    "Persona",
    "PersonaAccount",
    "SearchHit",
    "SignedHead",
    "StoredArtifact",
    "parse_counterpart",
    "verify_chain",
]
