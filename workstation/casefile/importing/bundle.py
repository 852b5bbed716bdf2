"""Step 3, the bundle: a strict ustar reader, the signed manifest, member hashes.

transfer.py describes the bundle. Only what the workstation writes is read:
regular files only, safe names, no duplicates, sizes within limits and within
the data; then the signed manifest, and every member's size and SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from workstation.casefile import transfer as fmt
from workstation.casefile.importing.fields import Fields, is_canonical, load_json
from workstation.casefile.importing.limits import DEFAULT_LIMITS, Limits, TransferRejected
from workstation.keys.identity import fingerprint

_HEX128 = re.compile(r"\A[0-9a-f]{128}\Z")
# Every name the bundle format uses: lower-case ASCII segments, no dot segments.
_MEMBER_NAME = re.compile(
    r"\A[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*){0,2}\Z"
)
_TYPE_NAMES = {
    b"1": "a hard link",
    b"2": "a symbolic link",
    b"3": "a character device",
    b"4": "a block device",
    b"5": "a directory",
    b"6": "a FIFO",
    b"7": "a contiguous file",
    b"x": "a pax extended header",
    b"g": "a pax global header",
    b"L": "a GNU long name",
    b"K": "a GNU long link name",
}


def read_members(
    data: bytes | memoryview, limits: Limits = DEFAULT_LIMITS
) -> dict[str, memoryview]:
    """The regular files of an uncompressed ustar archive, by name; TransferRejected else.

    Only what the workstation writes is accepted: regular files with safe names,
    each once, sizes within the data; then two zero blocks and nothing but zeros.
    """
    view = memoryview(data)
    if len(view) % fmt.BLOCK:
        raise TransferRejected(_bundle("is cut off (its length is not whole 512-byte blocks)"))
    members: dict[str, memoryview] = {}
    offset = 0
    while True:
        if offset + fmt.BLOCK > len(view):
            raise TransferRejected(_bundle("is cut off (no end-of-archive marker)"))
        block = view[offset : offset + fmt.BLOCK]
        if not any(block):
            _check_end(view, offset)
            return members
        name, size = _parse_header(bytes(block))
        offset += fmt.BLOCK
        if size > len(view) - offset:
            raise TransferRejected(
                _bundle(f"declares {size} bytes for {name}, more than it holds (cut off or forged)")
            )
        if name in members:
            raise TransferRejected(_bundle(f"holds {name} twice"))
        if len(members) >= limits.max_members:
            raise TransferRejected(_bundle(f"holds more than {limits.max_members} files"))
        members[name] = view[offset : offset + size]
        offset += size + (-size % fmt.BLOCK)


def _bundle(problem: str) -> str:
    return f"The transfer's contents are not a valid bundle: the archive {problem}."


def _check_end(view: memoryview, offset: int) -> None:
    rest = view[offset:]
    if len(rest) < 2 * fmt.BLOCK:
        raise TransferRejected(_bundle("is cut off (incomplete end-of-archive marker)"))
    if any(rest):
        raise TransferRejected(_bundle("has data after its end-of-archive marker"))


def _parse_header(block: bytes) -> tuple[str, int]:
    if block[257:263] not in (b"ustar\x00", b"ustar "):
        raise TransferRejected(_bundle("is not an uncompressed POSIX tar archive"))
    if _octal(block[148:156], "checksum") != sum(block[:148]) + 8 * 32 + sum(block[156:]):
        raise TransferRejected(_bundle("has a header whose checksum does not match"))
    name = _field_text(block[0:100])
    prefix = _field_text(block[345:500]) if block[257:263] == b"ustar\x00" else ""
    full = f"{prefix}/{name}" if prefix else name
    typeflag = block[156:157]
    if typeflag not in (b"0", b"\x00"):
        kind = _TYPE_NAMES.get(typeflag, f"an entry of type {typeflag!r}")
        raise TransferRejected(_bundle(f"holds {kind} ({full!r}); only plain files are accepted"))
    check_member_name(full)
    return full, _octal(block[124:136], f"size of {full}")


def _field_text(raw: bytes) -> str:
    text = raw.split(b"\x00", 1)[0]
    try:
        return text.decode("ascii")
    except UnicodeDecodeError:
        raise TransferRejected(_bundle("has a file name that is not plain ASCII")) from None


def _octal(raw: bytes, what: str) -> int:
    text = raw.replace(b"\x00", b" ").strip()
    if not text or any(c not in b"01234567" for c in text):
        raise TransferRejected(_bundle(f"has a malformed {what}"))
    return int(text, 8)


def check_member_name(name: str) -> None:
    """Refuse any name the bundle format would not write: no traversal, no absolute paths."""
    if not _MEMBER_NAME.match(name) or len(name) > 100:
        raise TransferRejected(
            _bundle(f"holds an unsafe or unknown file name {name!r} (absolute, '..', or odd)")
        )


@dataclass(frozen=True)
class SignedBundle:
    """A bundle whose structure and member hashes are checked (the signature not yet)."""

    manifest_bytes: bytes
    signature: bytes
    members: dict[str, memoryview]
    sender_key: bytes
    sender_age: str
    addressed_kind: str
    addressed_recipients: tuple[str, ...]
    case_id: str
    case_public_key: str
    head_seq: int
    head_hash: str
    scope: dict[str, Any]
    created_utc: str

    @property
    def sender_fingerprint(self) -> str:
        return fingerprint(self.sender_key, self.sender_age)

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()


def parse_bundle(data: bytes | memoryview, limits: Limits = DEFAULT_LIMITS) -> SignedBundle:
    """Read the archive and its manifest, and check every member's size and SHA-256."""
    members = read_members(data, limits)
    manifest_view = members.pop(fmt.MANIFEST_MEMBER, None)
    signature_view = members.pop(fmt.SIGNATURE_MEMBER, None)
    if manifest_view is None or signature_view is None:
        raise TransferRejected(_bundle("lacks its signed manifest (transfer.json, transfer.sig)"))
    manifest_bytes = bytes(manifest_view)
    doc = Fields(load_json(manifest_bytes, "manifest", limits), "manifest")
    if not is_canonical(manifest_bytes):
        raise TransferRejected("The transfer's manifest is not in canonical form.")
    if doc.text("format") != fmt.TRANSFER_FORMAT or doc.integer("version") != fmt.VERSION:
        raise TransferRejected("This is not a transfer this version of the workstation reads.")
    _check_listed_members(doc.rows("members"), members)
    return _signed_bundle(doc, manifest_bytes, _signature(signature_view), members)


def _signature(view: memoryview) -> bytes:
    text = bytes(view)
    if not _HEX128.match(text.decode("ascii", errors="replace")):
        raise TransferRejected("The transfer's signature (transfer.sig) is malformed.")
    return bytes.fromhex(text.decode("ascii"))


def _check_listed_members(listed: list[Fields], members: dict[str, memoryview]) -> None:
    names = [entry.text("name") for entry in listed]
    if len(set(names)) != len(names):
        raise TransferRejected("The transfer's manifest lists a file twice.")
    missing = sorted(set(names) - members.keys())
    extra = sorted(members.keys() - set(names))
    if missing:
        raise TransferRejected(f"The transfer lacks {missing[0]}, which its manifest lists.")
    if extra:
        raise TransferRejected(f"The transfer holds {extra[0]}, which its manifest does not list.")
    for entry, name in zip(listed, names, strict=True):
        data = members[name]
        if entry.integer("size") != len(data):
            raise TransferRejected(f"{name} in the transfer is not the size its manifest says.")
        if hashlib.sha256(data).hexdigest() != entry.sha256("sha256"):
            raise TransferRejected(
                f"{name} in the transfer does not match the SHA-256 its manifest gives: "
                "it was altered."
            )


def _signed_bundle(
    doc: Fields, manifest: bytes, signature: bytes, members: dict[str, memoryview]
) -> SignedBundle:
    sender = doc.row("sender")
    addressed = doc.row("addressed_to")
    kind = addressed.text("kind")
    if kind not in (fmt.BY_RECIPIENTS, fmt.BY_PASSPHRASE):
        raise TransferRejected("The transfer's manifest names an unknown kind of encryption.")
    recipients = (
        tuple(r.text("age_recipient") for r in addressed.rows("recipients"))
        if kind == fmt.BY_RECIPIENTS
        else ()
    )
    case = doc.row("case")
    head = case.row("head")
    return SignedBundle(
        manifest_bytes=manifest,
        signature=signature,
        members=members,
        sender_key=bytes.fromhex(sender.hex64("ed25519_public_key")),
        sender_age=sender.text("age_recipient"),
        addressed_kind=kind,
        addressed_recipients=recipients,
        case_id=case.text("case_id"),
        case_public_key=case.hex64("public_key"),
        head_seq=head.integer("seq"),
        head_hash=head.sha256("hash"),
        scope=dict(doc.row("scope").value),
        created_utc=doc.utc("created_utc"),
    )
