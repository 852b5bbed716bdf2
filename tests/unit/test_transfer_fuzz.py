"""Importing case transfers: hostile bundles and files are refused before anything is
written, and the bundle and contents parsers are fuzzed with hypothesis.

Hostile bundles are made here with Python's tarfile (a standard tool) and signed
correctly by a sender in the receiver's address book, so what stops them is the
bundle reader's own rules, not the signature.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.cases import FAST_KDF, PASSPHRASE, fast_case
from tests.unit.test_manifest import CONTEXT, page
from workstation import canonjson
from workstation.casefile import Case, ContactDraft, Counterpart
from workstation.casefile import transfer as fmt
from workstation.casefile.importer import (
    Limits,
    ReceiverKeys,
    SignedBundle,
    Target,
    TransferRejected,
    check_sender,
    import_transfer,
    parse_bundle,
    read_contents,
    verify_contents,
)
from workstation.casefile.transfer import (
    Encryption,
    TransferRecipient,
    TransferScope,
    export_transfer,
)
from workstation.errors import WrongPassphrase
from workstation.evidence.snapshot import seal_page
from workstation.evidence.verify import verify_case
from workstation.keys import addressbook, identity
from workstation.keys.identity import UnlockedIdentity
from workstation.lookup.result import Exchange, LookupResult

TARGET_PASSPHRASE = "target passphrase"


# -- a source case, two workstations and a target ----------------------------------------


def fill_case(case: Case) -> None:
    """Real content of every kind a transfer carries (no timestamps: see the e2e test)."""
    first = seal_page(case, page(), CONTEXT)
    seal_page(case, page(title="Shop, later", dom_html=b"<html>later</html>"), CONTEXT)
    case.add_persona("Night Owl", accounts=[("telegram", "@owl")], email="owl@example.org")
    case.add_persona("Magpie", notes="retired after the sale")
    case.retire_persona("Magpie")
    entry = case.add_contact(
        ContactDraft(
            "Night Owl",
            "telegram",
            (Counterpart("handle", "@seller"), Counterpart("url", "https://shop.test/u/1")),
            "in",
            "Price is 40 a piece.",
            attachments=(("offer.png", "image/png", b"\x89PNG offer"),),
            evidence_ids=(first.item_id,),
            authorisation_ref="AUTH-7",
        )
    )
    case.add_contact(
        ContactDraft(
            "Night Owl",
            "telegram",
            (Counterpart("handle", "@seller"),),
            "in",
            "Price is 45 a piece (corrected).",
            supersedes=entry.id,
        )
    )
    case.add_note("Seller reuses the same handle elsewhere.", subject="@seller")
    case.save_lookup(
        LookupResult(
            kind="dns",
            target="shop.test",
            route="SOCKS5 proxy 127.0.0.1:1080",
            started_utc="2026-11-30T10:00:00.000Z",
            finished_utc="2026-11-30T10:00:01.000Z",
            data={"A": ["192.0.2.7"]},
            exchanges=(
                Exchange(
                    "ns1.test:53",
                    "dns-tcp",
                    b"\x00\x1cquery",
                    b"\x00\x2canswer",
                    "2026-11-30T10:00:01.000Z",
                ),
            ),
            summary=("shop.test has address 192.0.2.7",),
        )
    )


def fill_small_case(case: Case) -> None:
    """One record of each kind: a small bundle keeps 10,000 fuzz examples quick."""
    sealed = seal_page(case, page(), CONTEXT)
    case.add_persona("Night Owl")
    case.add_contact(
        ContactDraft(
            "Night Owl",
            "mail",
            (Counterpart("email", "seller@shop.test"),),
            "out",
            "Interested.",
            attachments=(("a.txt", "text/plain", b"attached"),),
            evidence_ids=(sealed.item_id,),
        )
    )
    case.add_note("A note.")
    exchange = Exchange("whois.test:43", "whois", b"q", b"a", "2026-11-30T10:00:01.000Z")
    case.save_lookup(
        LookupResult(
            "whois", "shop.test", "route", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:01.000Z",
            {"registrar": "R"}, (exchange,),
        )
    )  # fmt: skip


def new_identity(folder: Path) -> UnlockedIdentity:
    return identity.create(
        lambda new: "keys", folder, kdf=FAST_KDF, allow_weak_kdf=True, use_keyring=False
    )


@dataclass
class World:
    root: Path
    sender: UnlockedIdentity
    receiver: UnlockedIdentity
    source: Path
    target: Path
    transfer: Path

    def keys(self, partners: bool = True) -> ReceiverKeys:
        book = tuple(addressbook.load(self.root / "receiver")) if partners else ()
        return ReceiverKeys(self.receiver.public, book, lambda: self.receiver)

    def import_into_target(self, path: Path, **options: Any) -> Any:
        keys = options.pop("keys", None) or self.keys()
        return import_transfer(path, Target(self.target, TARGET_PASSPHRASE, False), keys, **options)

    def encrypt_to_receiver(self, plaintext: bytes, name: str) -> Path:
        path = self.root / name
        path.write_bytes(pyrage.encrypt(plaintext, [recipient(self.receiver)]))
        return path

    def plaintext(self) -> bytes:
        return bytes(pyrage.decrypt(self.transfer.read_bytes(), [self.receiver.age_identity]))


def recipient(unlocked: UnlockedIdentity) -> Any:
    return pyrage.x25519.Recipient.from_str(unlocked.public.age_recipient)


def to(unlocked: UnlockedIdentity, name: str = "receiver") -> TransferRecipient:
    return TransferRecipient(name, unlocked.public.age_recipient, unlocked.public.fingerprint)


def make_world(root: Path, fill: Callable[[Case], None] = fill_case) -> World:
    sender = new_identity(root / "sender")
    receiver = new_identity(root / "receiver")
    addressbook.add("Sender", "Unit A", sender.public.card(), root / "receiver")
    with fast_case(root / "source.case") as case:
        fill(case)
        export_transfer(case, root / "case.age", sender, Encryption((to(receiver),)))
    fast_case(root / "target.case", TARGET_PASSPHRASE).close()
    return World(
        root, sender, receiver, root / "source.case", root / "target.case", root / "case.age"
    )


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def folder_digest(path: Path) -> dict[str, str]:
    """Every file in a folder with its SHA-256: equal before and after means untouched."""
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


# -- hand-made bundles, correctly signed -------------------------------------------------


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes = b""
    kind: bytes = tarfile.REGTYPE
    link: str = ""
    listed: bool = True  # in transfer.json's member list


def real_entries(world: World) -> list[Entry]:
    """The members of the world's genuine transfer, without its manifest and signature."""
    members = fmt_members(world.plaintext())
    return [Entry(name, data) for name, data in members.items() if not name.startswith("transfer.")]


def fmt_members(plaintext: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(plaintext), mode="r:") as archive:
        return {
            info.name: archive.extractfile(info).read()  # type: ignore[union-attr]
            for info in archive.getmembers()
        }


def genuine_manifest(world: World) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(fmt_members(world.plaintext())[fmt.MANIFEST_MEMBER])
    return manifest


def craft(
    world: World,
    entries: list[Entry],
    *,
    signer: UnlockedIdentity | None = None,
    manifest: dict[str, Any] | None = None,
    hashes: dict[str, str] | None = None,
) -> bytes:
    """A tar of ``entries`` plus a manifest listing them, signed (by the sender by default)."""
    signer = signer or world.sender
    doc = dict(manifest or genuine_manifest(world))
    doc["members"] = sorted(
        (
            {
                "name": e.name,
                "size": len(e.data),
                "sha256": (hashes or {}).get(e.name, hashlib.sha256(e.data).hexdigest()),
            }
            for e in entries
            if e.listed and e.kind == tarfile.REGTYPE
        ),
        key=lambda m: str(m["name"]),
    )
    manifest_bytes = canonjson.dumps(doc)
    signature = signer.sign(fmt.signed_message(manifest_bytes)).hex().encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.USTAR_FORMAT) as archive:
        for entry in [
            *entries,
            Entry(fmt.MANIFEST_MEMBER, manifest_bytes),
            Entry(fmt.SIGNATURE_MEMBER, signature),
        ]:
            info = tarfile.TarInfo(entry.name)
            info.type, info.linkname, info.size = entry.kind, entry.link, len(entry.data)
            archive.addfile(info, io.BytesIO(entry.data) if entry.kind == tarfile.REGTYPE else None)
    return out.getvalue()


def assert_refused(world: World, path: Path, message: str, **options: Any) -> None:
    before = folder_digest(world.target)
    with pytest.raises(TransferRejected, match=message):
        world.import_into_target(path, **options)
    assert folder_digest(world.target) == before


# -- the genuine transfer, and what the receiver learns -----------------------------------


def test_the_genuine_transfer_imports_and_a_second_import_adds_nothing(world: World) -> None:
    report = world.import_into_target(world.transfer)
    assert report.added == {
        "exhibits": 2,
        "timestamps": 0,
        "lookups": 1,
        "personas": 2,
        "contacts": 2,
        "notes": 1,
    }
    assert report.sender.name == "Sender" and report.sender.known
    again = world.import_into_target(world.transfer)
    assert set(again.added.values()) == {0}
    assert again.already_present["exhibits"] == 2 and again.already_present["contacts"] == 2


def test_chosen_parts_then_the_whole_case_merge_into_an_existing_case(world: World) -> None:
    partial = world.root / "partial.age"
    with Case.open(world.source, PASSPHRASE) as case:
        scope = TransferScope.chosen(exhibits=[2], include=["contacts"])
        export_transfer(case, partial, world.sender, Encryption((to(world.receiver),)), scope)
    first = world.import_into_target(partial)
    assert first.added["exhibits"] == 1 and first.added["contacts"] == 2
    assert first.added["personas"] == 1  # the contacts' persona, not the retired one
    assert first.added["lookups"] == 0 and first.added["notes"] == 0
    assert any("link to exhibit 1 was dropped" in warning for warning in first.warnings)
    whole = world.import_into_target(world.transfer)
    assert (whole.added["exhibits"], whole.already_present["exhibits"]) == (1, 1)
    assert (whole.added["contacts"], whole.already_present["contacts"]) == (0, 2)
    assert whole.added["lookups"] == 1 and whole.added["notes"] == 1
    with Case.open(world.target, TARGET_PASSPHRASE) as target:
        report = verify_case(target)
        assert report.ok, report.problems()
        imports = [e for e in target.audit_events() if e.action == "import.completed"]
        assert [e.details["scope"]["whole_case"] for e in imports] == [False, True]


def test_a_case_open_in_the_window_is_added_to_without_its_passphrase(world: World) -> None:
    with Case.open(world.target, TARGET_PASSPHRASE) as opened:
        # A wrong passphrase in the target proves the open connection is what is used.
        target = Target(world.target, "not asked", False, case=opened)
        report = import_transfer(world.transfer, target, world.keys())
        assert report.added["exhibits"] == 2 and not report.new_case
        assert len(opened.evidence_items()) == 2  # visible at once through the open case
        assert [e.action for e in opened.audit_events()][-1] == "import.completed"
        assert verify_case(opened).ok


def test_a_crafted_copy_of_the_genuine_bundle_is_accepted(world: World) -> None:
    """The control: the crafting below makes bundles the importer accepts, unless broken."""
    path = world.encrypt_to_receiver(craft(world, real_entries(world)), "control.age")
    assert world.import_into_target(path).added["exhibits"] == 2


# -- hostile archives --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../x", "../../etc/cron.d/x", "/etc/passwd", "evidence/../../x", "./case.json"]
)
def test_path_traversal_and_absolute_names_are_refused(world: World, name: str) -> None:
    entries = [*real_entries(world), Entry(name, b"payload")]
    path = world.encrypt_to_receiver(craft(world, entries), "traversal.age")
    assert_refused(world, path, "unsafe or unknown file name")


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        (tarfile.SYMTYPE, "a symbolic link"),
        (tarfile.LNKTYPE, "a hard link"),
        (tarfile.DIRTYPE, "a directory"),
        (tarfile.FIFOTYPE, "a FIFO"),
    ],
)
def test_links_directories_and_devices_are_refused(world: World, kind: bytes, what: str) -> None:
    entries = [*real_entries(world), Entry("evidence/link", kind=kind, link="/etc/passwd")]
    path = world.encrypt_to_receiver(craft(world, entries), "link.age")
    assert_refused(world, path, what)


def test_a_member_declaring_a_huge_size_is_refused(world: World) -> None:
    genuine = craft(world, real_entries(world))
    bomb = fmt.tar_header("evidence/bomb", fmt.MAX_MEMBER_BYTES) + b"x" * 1024
    end = len(genuine.rstrip(b"\x00"))  # tarfile pads to whole records; cut at the last member
    plaintext = genuine[: end + (-end % fmt.BLOCK)] + bomb + fmt.TAR_END
    path = world.encrypt_to_receiver(plaintext, "huge.age")
    assert_refused(world, path, "declares 8589934591 bytes for evidence/bomb")


def test_a_compressed_bomb_is_never_expanded(world: World) -> None:
    zeros = io.BytesIO()
    with tarfile.open(fileobj=zeros, mode="w:") as archive:
        info = tarfile.TarInfo("case.json")
        info.size = 64 * 1024 * 1024
        archive.addfile(info, io.BytesIO(bytes(info.size)))
    bomb = gzip.compress(zeros.getvalue(), compresslevel=9)
    assert len(bomb) < 200_000
    path = world.encrypt_to_receiver(bomb, "bomb.age")
    started = time.monotonic()
    assert_refused(world, path, "not a valid bundle")
    assert time.monotonic() - started < 5


def test_size_and_count_limits_hold_while_reading(world: World) -> None:
    assert_refused(
        world,
        world.transfer,
        "larger .* than an import accepts",
        limits=Limits(max_file_bytes=1024),
    )
    many = [*real_entries(world), *(Entry(f"evidence/x{n}", b"") for n in range(50))]
    path = world.encrypt_to_receiver(craft(world, many), "many.age")
    assert_refused(world, path, "holds more than 40 files", limits=Limits(max_members=40))


def test_a_deeply_nested_manifest_is_refused(world: World) -> None:
    bomb = b"[" * 200_000 + b"]" * 200_000
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in ((fmt.MANIFEST_MEMBER, bomb), (fmt.SIGNATURE_MEMBER, b"00" * 64)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path = world.encrypt_to_receiver(out.getvalue(), "nested.age")
    assert_refused(world, path, "manifest is not valid JSON")


def test_duplicate_members_are_refused(world: World) -> None:
    entries = real_entries(world)
    twice = [*entries, Entry(entries[0].name, entries[0].data, listed=False)]
    path = world.encrypt_to_receiver(craft(world, twice), "twice.age")
    assert_refused(world, path, f"holds {entries[0].name} twice")


def test_a_member_whose_hash_does_not_match_is_refused(world: World) -> None:
    entries = real_entries(world)
    victim = next(e for e in entries if e.name.endswith("artifact-0000"))
    hashes = {victim.name: hashlib.sha256(b"something else").hexdigest()}
    path = world.encrypt_to_receiver(craft(world, entries, hashes=hashes), "hash.age")
    assert_refused(world, path, f"{victim.name} in the transfer does not match the SHA-256")


def test_members_the_manifest_does_not_list_or_lacks_are_refused(world: World) -> None:
    entries = real_entries(world)
    extra = world.encrypt_to_receiver(
        craft(world, [*entries, Entry("notes2.json", b"[]", listed=False)]), "extra.age"
    )
    assert_refused(world, extra, "holds notes2.json, which its manifest does not list")
    stray = world.encrypt_to_receiver(
        craft(world, [*entries, Entry("notes2.json", b"[]")]), "s.age"
    )
    assert_refused(world, stray, "holds notes2.json, which belongs to no record")
    missing = world.encrypt_to_receiver(
        craft(world, [e for e in entries if e.name != "notes.json"]), "missing.age"
    )
    assert_refused(world, missing, "lacks notes.json")


def test_altered_contents_under_a_valid_signature_are_refused(world: World) -> None:
    """A sender's signature covers the bytes; the records must still agree with the log."""
    entries = real_entries(world)
    altered = []
    for entry in entries:
        if entry.name.endswith("artifact-0000"):
            flipped = entry.data[:-1] + bytes([entry.data[-1] ^ 1])  # same size, other bytes
            altered.append(Entry(entry.name, flipped))
        else:
            altered.append(entry)
    path = world.encrypt_to_receiver(craft(world, altered), "altered.age")
    assert_refused(world, path, "contents do not verify: exhibit .* artifact screenshot.png")


def test_a_rejected_import_into_a_new_case_leaves_no_folder(world: World) -> None:
    plaintext = craft(world, [*real_entries(world), Entry("../escape", b"x")])
    path = world.encrypt_to_receiver(plaintext, "new.age")
    target = world.root / "new.case"
    with pytest.raises(TransferRejected):
        import_transfer(path, Target(target, "new passphrase", True), world.keys())
    assert not target.exists()
    assert not (world.root / "escape").exists()


# -- hostile files and senders -----------------------------------------------------------


def test_every_flipped_byte_of_the_file_is_refused(world: World) -> None:
    data = world.transfer.read_bytes()
    header_end = data.index(b"\n---") + 60
    positions = [*range(0, header_end, 3), *range(header_end, len(data), len(data) // 48)]
    positions.append(len(data) - 1)
    before = folder_digest(world.target)
    for position in positions:
        changed = bytearray(data)
        changed[position] ^= 0x01
        path = world.root / "flipped.age"
        path.write_bytes(bytes(changed))
        with pytest.raises(TransferRejected):
            world.import_into_target(path)
    assert folder_digest(world.target) == before


def test_a_truncated_file_is_refused(world: World) -> None:
    data = world.transfer.read_bytes()
    for length in (0, 10, len(data) // 2, len(data) - 1):
        path = world.root / "short.age"
        path.write_bytes(data[:length])
        assert_refused(world, path, "not an age-encrypted file|damaged|incomplete|cut off")


def test_a_transfer_for_another_workstation_is_refused(world: World) -> None:
    other = new_identity(world.root / "other")
    with Case.open(world.source, PASSPHRASE) as case:
        export_transfer(case, world.root / "other.age", world.sender, Encryption((to(other),)))
    assert_refused(world, world.root / "other.age", "not addressed to this workstation")


def test_a_transfer_re_encrypted_by_its_first_receiver_is_refused(world: World) -> None:
    forwarded = world.encrypt_to_receiver(
        craft(
            world,
            real_entries(world),
            manifest={
                **genuine_manifest(world),
                "addressed_to": {
                    "kind": "recipients",
                    "recipients": [
                        {
                            "name": "x",
                            "age_recipient": str(pyrage.x25519.Identity.generate().to_public()),
                            "fingerprint": "0" * 40,
                        }
                    ],
                },
            },
        ),
        "forwarded.age",
    )
    assert_refused(world, forwarded, "addressed this transfer to other workstations")


def test_an_unknown_sender_is_refused_unless_trusted(world: World) -> None:
    stranger = new_identity(world.root / "stranger")
    manifest = genuine_manifest(world)
    manifest["sender"] = {
        "ed25519_public_key": stranger.public.signing_public_key.hex(),
        "age_recipient": stranger.public.age_recipient,
        "fingerprint": stranger.public.fingerprint,
    }
    plaintext = craft(world, real_entries(world), signer=stranger, manifest=manifest)
    path = world.encrypt_to_receiver(plaintext, "stranger.age")
    shown = identity.format_fingerprint(stranger.public.fingerprint)
    assert_refused(world, path, f"not in your address book: fingerprint {shown}")
    report = world.import_into_target(path, trust_unknown=True)
    assert not report.sender.known and report.sender.fingerprint == stranger.public.fingerprint
    assert "unknown workstation" in report.verified[0]


def test_a_signature_by_another_key_than_the_named_sender_is_refused(world: World) -> None:
    impostor = new_identity(world.root / "impostor")
    plaintext = craft(world, real_entries(world), signer=impostor)  # names the real sender
    path = world.encrypt_to_receiver(plaintext, "impostor.age")
    assert_refused(world, path, "signature does not verify with the key of the workstation")
    assert_refused(world, path, "signature does not verify", trust_unknown=True)


def test_passphrase_transfers_need_the_right_passphrase(world: World) -> None:
    with Case.open(world.source, PASSPHRASE) as case:
        export_transfer(case, world.root / "pw.age", world.sender, Encryption(passphrase="s3cret"))
    assert_refused(
        world, world.root / "pw.age", "passphrase is wrong", transfer_passphrase=lambda: "no"
    )
    report = world.import_into_target(world.root / "pw.age", transfer_passphrase=lambda: "s3cret")
    assert report.encryption == "passphrase" and report.added["exhibits"] == 2


def test_an_absurd_scrypt_work_factor_is_refused_at_once(world: World) -> None:
    path = world.root / "slow.age"
    path.write_bytes(
        b"age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 40\nAAAA\n--- AAAA\n"
    )
    started = time.monotonic()
    assert_refused(world, path, "unreasonable amount of work", transfer_passphrase=lambda: "x")
    assert time.monotonic() - started < 2


def test_a_wrong_target_passphrase_is_refused_before_decrypting(world: World) -> None:
    before = folder_digest(world.target)
    with pytest.raises(WrongPassphrase):
        import_transfer(world.transfer, Target(world.target, "wrong", False), world.keys())
    assert folder_digest(world.target) == before


# -- fuzzing the parsers -----------------------------------------------------------------
#
# Each example is one byte string read as a small mutation program: a single
# st.binary draw keeps hypothesis's own cost low enough for 10,000 examples.

JSON_MEMBERS = [
    fmt.CASE_MEMBER,
    fmt.AUDIT_MEMBER,
    fmt.EVIDENCE_MEMBER,
    fmt.LOOKUPS_MEMBER,
    fmt.PERSONAS_MEMBER,
    fmt.CONTACTS_MEMBER,
    fmt.NOTES_MEMBER,
]


@dataclass(frozen=True)
class Genuine:
    plaintext: bytes
    bundle: SignedBundle
    headers: tuple[int, ...]  # offsets of the ustar headers
    documents: dict[str, Any]  # each JSON member, parsed


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> Genuine:
    fuzz_world = make_world(tmp_path_factory.mktemp("fuzz"), fill_small_case)
    plaintext = fuzz_world.plaintext()
    bundle = parse_bundle(plaintext)
    headers, offset = [], 0
    while any(plaintext[offset : offset + fmt.BLOCK]):
        headers.append(offset)
        size = int(plaintext[offset + 124 : offset + 135], 8)
        offset += fmt.BLOCK + size + (-size % fmt.BLOCK)
    documents = {name: json.loads(bytes(bundle.members[name])) for name in JSON_MEMBERS}
    return Genuine(plaintext, bundle, tuple(headers), documents)


def mutate(genuine: Genuine, script: bytes) -> bytes:
    """The genuine bundle changed as ``script`` says (or the script itself as the data)."""
    data = genuine.plaintext
    if not script:
        return data
    op, rest = script[0] % 5, script[1:]
    if op == 0:
        return rest  # arbitrary bytes
    if op == 1:
        return rest.ljust(fmt.BLOCK, b"\x00") + data  # arbitrary header, then the real bundle
    changed = bytearray(data)
    for index in range(0, len(rest) - 2, 3):
        where = int.from_bytes(rest[index : index + 2], "big")
        if op == 2:  # somewhere in a header: names, sizes, types, checksums
            position = genuine.headers[where % len(genuine.headers)] + rest[index + 2] % 256
        else:
            position = where * len(changed) // 65536
        changed[position] = rest[index + 2]
    if op == 3:
        return bytes(changed[: int.from_bytes(rest[:2] or b"\x00", "big") * len(data) // 65536])
    if op == 4 and len(rest) >= 2:
        at = rest[0] * len(data) // 256 // fmt.BLOCK * fmt.BLOCK
        changed[at:at] = rest[1:].ljust(fmt.BLOCK, b"\x00")[: fmt.BLOCK]  # a block spliced in
    return bytes(changed)


@settings(max_examples=10_000, deadline=None)
@given(script=st.binary(max_size=40))
def test_the_bundle_parser_refuses_or_accepts_but_never_breaks(
    genuine: Genuine, script: bytes
) -> None:
    try:
        bundle = parse_bundle(mutate(genuine, script))
    except TransferRejected as exc:
        assert str(exc)
        return
    if bundle.manifest_bytes == genuine.bundle.manifest_bytes:
        assert bundle.members.keys() == genuine.bundle.members.keys()
        return  # a harmless change (padding, a header's unused bytes)
    with pytest.raises(TransferRejected, match="signature does not verify"):
        check_sender(bundle, own=None, partners=(), trust_unknown=True)


def json_value(script: bytes, original: Any) -> Any:
    """A JSON value from bytes: often a near miss of ``original``, sometimes anything."""
    if not script:
        return None
    kind, rest = script[0] % 10, script[1:]
    simple: list[Any] = [None, True, False, -1, 2**64]
    if kind < len(simple):
        return simple[kind]
    if kind == 5:
        return int.from_bytes(rest[:4], "big", signed=True)
    if kind == 6:
        return rest[:12].decode("utf-8", errors="replace")
    if kind == 7:
        return [json_value(rest, None)]
    if kind == 8:
        return {rest[:2].decode("latin-1"): json_value(rest[2:], None)}
    return near_miss(original, rest)


def near_miss(original: Any, script: bytes) -> Any:
    """The same kind of value, slightly wrong: what gets past the type checks."""
    if isinstance(original, bool):
        return not original
    if isinstance(original, int):
        return original + 1 + (script[0] if script else 0)
    if isinstance(original, str):
        return original[:-1] + chr(0x41 + (script[0] % 26 if script else 0))
    if isinstance(original, list):
        return original[:-1] if original else [None]
    if isinstance(original, dict) and original:
        return {k: v for k, v in original.items() if k != sorted(original)[0]}
    return ""


def replace_at(document: Any, path: bytes, script: bytes) -> Any:
    """The document with the node reached by ``path`` (child indices) made from ``script``."""
    if not path or not isinstance(document, dict | list) or not document:
        return json_value(script, document)
    keys = sorted(document) if isinstance(document, dict) else list(range(len(document)))
    key = keys[path[0] % len(keys)]
    copy: Any = dict(document) if isinstance(document, dict) else list(document)
    copy[key] = replace_at(document[key], path[1:], script)
    return copy


@settings(max_examples=10_000, deadline=None)
@given(script=st.binary(min_size=2, max_size=24))
def test_the_contents_reader_refuses_or_accepts_but_never_breaks(
    genuine: Genuine, script: bytes
) -> None:
    member = JSON_MEMBERS[script[0] % len(JSON_MEMBERS)]
    depth = script[1] % 7
    path, value = script[2 : 2 + depth], script[2 + depth :]
    document = replace_at(genuine.documents[member], path, value)
    members = {**genuine.bundle.members, member: memoryview(canonjson.dumps(document))}
    changed = dataclasses.replace(genuine.bundle, members=members)
    try:
        verify_contents(changed, read_contents(changed))
    except TransferRejected as exc:
        assert str(exc)
