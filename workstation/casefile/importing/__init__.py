"""Importing a case transfer: decrypt, check everything, then add it to a new or existing case.

Order, and why: nothing is written until every check has passed.

1. The target (target.py): a new case's folder must be new or empty; an existing
   case's passphrase is checked against its key slot (no write).
2. age (decrypt.py): the header says whether the file is for workstations (X25519)
   or a passphrase (scrypt, work factor bounded); the file's size bounds the
   plaintext (age cannot expand), and the file is hashed as it is decrypted.
3. The bundle (bundle.py; transfer.py describes it): a strict ustar reader
   (regular files only, safe names, no duplicates, sizes within limits and within
   the data), the signed manifest, every member's size and SHA-256.
4. The sender (sender.py): the Ed25519 signature must verify under the key the
   manifest names, and that key must be this workstation's own or in the address
   book (unless the officer trusts an unknown sender, whose fingerprint is shown);
   the age layer must match whom the sender addressed.
5. The contents (contents.py reads them, verify.py checks them): the audit chain
   from the case's creation, its signed heads under the case's announced key,
   ending at the head the sender signed; every exhibit's control number,
   artifacts, sealing event and timestamps; every lookup's record and raw
   exchanges against its audit event; every contact entry, persona and note
   against the log.
6. Then, in ONE transaction (Case.run_import; merge.py, inserts.py), the records
   the target lacks are added with their original times and officers, each with
   its audit event, and an ``import.completed`` event records the provenance:
   source case, its signed head, sender fingerprint, transfer SHA-256, and each
   exhibit added. Exhibits are matched by control number, lookups by record hash,
   timestamps by reply hash, contact entries and notes by their content, personas
   by alias. A new case is removed again if this step fails; an existing one
   rolls back.

Progress: steps while decrypting (bytes of the file), verifying and adding (exhibits).
A cancel is a failure like any other: before step 6 nothing was touched; during it the
transaction rolls back (a new case is removed; an existing one only shows, as after any
opening, that it was opened).

api.py runs the steps in this order (import_transfer); limits.py holds the refusal
(TransferRejected) and the bounds (Limits); fields.py the typed reading of JSON.
"""

from workstation.casefile.importing.api import ImportReport, ReceiverKeys, import_transfer
from workstation.casefile.importing.bundle import (
    SignedBundle,
    check_member_name,
    parse_bundle,
    read_members,
)
from workstation.casefile.importing.contents import (
    BundleItem,
    BundlePersona,
    BundleTimestamp,
    Contents,
    read_contents,
)
from workstation.casefile.importing.decrypt import (
    AGE_MAGIC,
    MAX_AGE_HEADER,
    AgeHeader,
    Decrypted,
    decrypt_file,
    read_age_header,
)
from workstation.casefile.importing.limits import Limits, TransferRejected
from workstation.casefile.importing.merge import IMPORTED_ACTION
from workstation.casefile.importing.sender import Sender, check_addressing, check_sender
from workstation.casefile.importing.target import Target
from workstation.casefile.importing.verify import MAX_PROBLEMS_SHOWN, verify_contents

__all__ = [
    "AGE_MAGIC",
    "IMPORTED_ACTION",
    "MAX_AGE_HEADER",
    "MAX_PROBLEMS_SHOWN",
    "AgeHeader",
    "BundleItem",
    "BundlePersona",
    "BundleTimestamp",
    "Contents",
    "Decrypted",
    "ImportReport",
    "Limits",
    "ReceiverKeys",
    "Sender",
    "SignedBundle",
    "Target",
    "TransferRejected",
    "check_addressing",
    "check_member_name",
    "check_sender",
    "decrypt_file",
    "import_transfer",
    "parse_bundle",
    "read_age_header",
    "read_contents",
    "read_members",
    "verify_contents",
]
