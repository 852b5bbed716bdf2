"""Step 4, the sender: the signature, who signed, and whom the sender addressed.

The Ed25519 signature must verify under the key the manifest names, and that key
must be this workstation's own or in the address book (unless the officer trusts
an unknown sender, whose fingerprint is shown); the age layer must match whom the
sender addressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from workstation.casefile import transfer as fmt
from workstation.casefile.importing.bundle import SignedBundle
from workstation.casefile.importing.decrypt import AgeHeader
from workstation.casefile.importing.limits import TransferRejected
from workstation.keys.addressbook import Partner
from workstation.keys.identity import WorkstationIdentity, format_fingerprint


@dataclass(frozen=True)
class Sender:
    """Who signed the transfer, as far as this workstation knows them."""

    fingerprint: str
    signing_key: bytes
    name: str | None
    unit: str | None
    this_workstation: bool

    @property
    def known(self) -> bool:
        return self.this_workstation or self.name is not None

    def describe(self) -> str:
        shown = format_fingerprint(self.fingerprint)
        if self.this_workstation:
            return f"this workstation ({shown})"
        if self.name is not None:
            unit = f", {self.unit}" if self.unit else ""
            return f"{self.name}{unit} ({shown})"
        return f"an unknown workstation ({shown}), trusted on request"


def check_sender(
    bundle: SignedBundle,
    *,
    own: WorkstationIdentity | None,
    partners: Sequence[Partner],
    trust_unknown: bool = False,
) -> Sender:
    """Verify the signature under the named sender's key, and know (or trust) that sender."""
    shown = format_fingerprint(bundle.sender_fingerprint)
    try:
        Ed25519PublicKey.from_public_bytes(bundle.sender_key).verify(
            bundle.signature, fmt.signed_message(bundle.manifest_bytes)
        )
    except (InvalidSignature, ValueError):
        raise TransferRejected(
            "The transfer's signature does not verify with the key of the workstation it names "
            f"as its sender (fingerprint {shown}): it was forged or altered."
        ) from None
    if own is not None and own.fingerprint == bundle.sender_fingerprint:
        return Sender(bundle.sender_fingerprint, bundle.sender_key, None, None, True)
    partner = next((p for p in partners if p.fingerprint == bundle.sender_fingerprint), None)
    if partner is not None:
        return Sender(partner.fingerprint, bundle.sender_key, partner.name, partner.unit, False)
    if not trust_unknown:
        raise TransferRejected(
            "The transfer was signed by a workstation that is not in your address book: "
            f"fingerprint {shown}. Compare it with the sending unit out of band (phone, in "
            "person), then add their key card with `keys add`, or import with --trust-unknown."
        )
    return Sender(bundle.sender_fingerprint, bundle.sender_key, None, None, False)


def check_addressing(
    bundle: SignedBundle, header: AgeHeader, own: WorkstationIdentity | None
) -> None:
    """The encryption must be the one the sender signed for; else someone re-encrypted it."""
    if header.kind != bundle.addressed_kind:
        raise TransferRejected(
            "The transfer was re-encrypted by someone other than its sender: it is signed for "
            f"{bundle.addressed_kind} but encrypted to {header.kind}."
        )
    if header.kind == fmt.BY_RECIPIENTS and (
        own is None or own.age_recipient not in bundle.addressed_recipients
    ):
        raise TransferRejected(
            "The sender addressed this transfer to other workstations; someone re-encrypted it "
            "for this one. Ask the sender for a transfer addressed to you."
        )
