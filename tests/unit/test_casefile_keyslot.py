"""The key slot: KDF floor, wrapping, and a parser that only ever says CaseCorrupt."""

from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_casefile_case import FAST_KDF, make_case
from workstation import canonjson
from workstation.casefile import Case, KdfParams, SignedHead, keyslot
from workstation.errors import CaseCorrupt, InputError, SchemaTooNew, WrongPassphrase

# -- the KDF floor -----------------------------------------------------------------------------


def test_defaults_are_the_rfc9106_second_recommended_option() -> None:
    assert KdfParams() == KdfParams(time_cost=3, memory_kib=64 * 1024, parallelism=4)
    assert KdfParams().meets_floor()
    KdfParams().check_floor()
    KdfParams(time_cost=4, memory_kib=2 * 65536, parallelism=8).check_floor()


@pytest.mark.parametrize(
    "weak",
    [KdfParams(time_cost=2), KdfParams(memory_kib=65535), KdfParams(parallelism=1), FAST_KDF],
)
def test_create_refuses_weaker_than_floor_unless_explicitly_allowed(
    tmp_path: Path, weak: KdfParams
) -> None:
    assert not weak.meets_floor()
    with pytest.raises(InputError, match="weaker than the minimum"):
        Case.create(tmp_path / "case", "pw", kdf=weak)
    assert not (tmp_path / "case").exists()
    # The explicit, test-only escape hatch:
    Case.create(tmp_path / "case", "pw", kdf=weak, allow_weak_kdf=True).close()


def test_create_without_kdf_uses_and_records_the_floor(tmp_path: Path) -> None:
    # The one test that pays for real Argon2id parameters (64 MiB).
    Case.create(tmp_path / "case", "pw").close()
    slot = keyslot.read(tmp_path / "case" / "keyslot.json")
    assert slot.kdf == KdfParams()
    Case.open(tmp_path / "case", "pw").close()


@pytest.mark.parametrize(
    "bad",
    [
        KdfParams(time_cost=0),
        KdfParams(parallelism=0),
        KdfParams(memory_kib=7, parallelism=1),
        KdfParams(memory_kib=keyslot.MAX_MEMORY_KIB + 1),
        KdfParams(time_cost=keyslot.MAX_TIME_COST + 1),
    ],
)
def test_unusable_parameters_are_refused_even_when_weak_is_allowed(
    tmp_path: Path, bad: KdfParams
) -> None:
    assert bad.limit_problem() is not None
    with pytest.raises(InputError, match="not valid"):
        Case.create(tmp_path / "case", "pw", kdf=bad, allow_weak_kdf=True)


def test_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="passphrase"):
        make_case(tmp_path / "case", "")
    assert not (tmp_path / "case").exists()


# -- wrapping ----------------------------------------------------------------------------------


def test_slot_round_trips_and_unlocks() -> None:
    slot, key = keyslot.new_keyslot("pw", FAST_KDF)
    parsed = keyslot.parse(keyslot.to_json(slot))
    assert parsed == slot
    assert keyslot.unlock(parsed, "pw") == key
    assert len(key) == 32
    assert len(slot.passphrase.salt) == 16


def test_each_slot_has_fresh_randomness() -> None:
    first, key1 = keyslot.new_keyslot("pw", FAST_KDF)
    second, key2 = keyslot.new_keyslot("pw", FAST_KDF)
    assert key1 != key2
    assert first.passphrase.salt != second.passphrase.salt
    assert first.passphrase.wrapped.nonce != second.passphrase.wrapped.nonce
    assert first.case_id != second.case_id


def test_passphrase_is_unicode_normalised() -> None:
    composed = unicodedata.normalize("NFC", "Politié-ß")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    slot, key = keyslot.new_keyslot(decomposed, FAST_KDF)
    assert keyslot.unlock(slot, composed) == key


def _slot_doc() -> dict[str, Any]:
    slot, _ = keyslot.new_keyslot("pw", FAST_KDF)
    doc = canonjson.loads(keyslot.to_json(slot))
    assert isinstance(doc, dict)
    return doc


def _pp(doc: dict[str, Any]) -> dict[str, Any]:
    """The passphrase slot of a parsed keyslot.json."""
    entry: dict[str, Any] = doc["slots"][0]
    return entry


def _flip_b64(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 0x80
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("section", "field"),
    [("wrap", "ciphertext"), ("wrap", "nonce"), ("kdf", "salt")],
)
def test_altered_crypto_fields_read_as_wrong_passphrase(section: str, field: str) -> None:
    # Well formed but altered: the GCM tag fails exactly as with a wrong passphrase.
    doc = _slot_doc()
    entry = _pp(doc)
    entry[section][field] = _flip_b64(entry[section][field])
    slot = keyslot.parse(canonjson.dumps(doc))
    with pytest.raises(WrongPassphrase, match=r"^The passphrase does not open this case\.$"):
        keyslot.unlock(slot, "pw")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("case_id", "00000000-0000-4000-8000-000000000000"),  # the AAD
        lambda d: _pp(d)["kdf"].__setitem__("time_cost", 2),
        lambda d: _pp(d)["kdf"].__setitem__("memory_kib", 16384),
    ],
    ids=["case-id", "time-cost", "memory"],
)
def test_altered_slot_metadata_reads_as_wrong_passphrase(change: Any) -> None:
    doc = _slot_doc()
    change(doc)
    with pytest.raises(WrongPassphrase):
        keyslot.unlock(keyslot.parse(canonjson.dumps(doc)), "pw")


def test_full_slot_round_trips_and_both_slots_unlock() -> None:
    full, key, token = _full_slot()
    parsed = keyslot.parse(keyslot.to_json(full))
    assert parsed == full
    assert keyslot.unlock(parsed, "pw") == key
    assert keyslot.unlock_with_token(parsed, token) == key
    assert keyslot.unlock_with_token(parsed, bytes(32)) is None  # another token
    assert keyslot.unlock_with_token(dataclasses.replace(parsed, remembered=None), token) is None


def test_keyring_slot_cannot_be_moved_to_another_case() -> None:
    full, _, token = _full_slot()
    other, _ = keyslot.new_keyslot("pw", FAST_KDF)
    moved = dataclasses.replace(other, remembered=full.remembered)
    assert keyslot.unlock_with_token(moved, token) is None


def v1_document(slot: keyslot.KeySlot) -> bytes:
    """keyslot.json as version 1 wrote it: one passphrase slot at the top level, no head."""
    entry = slot.passphrase
    return canonjson.dumps(
        {
            "format": keyslot.FORMAT,
            "version": 1,
            "case_id": slot.case_id,
            "kdf": {
                "name": "argon2id",
                "time_cost": entry.kdf.time_cost,
                "memory_kib": entry.kdf.memory_kib,
                "parallelism": entry.kdf.parallelism,
                "salt": base64.b64encode(entry.salt).decode(),
            },
            "wrap": {
                "alg": "AES-256-GCM",
                "nonce": base64.b64encode(entry.wrapped.nonce).decode(),
                "ciphertext": base64.b64encode(entry.wrapped.ciphertext).decode(),
            },
        }
    )


def test_version_1_files_are_still_read() -> None:
    slot, key = keyslot.new_keyslot("pw", FAST_KDF)
    parsed = keyslot.parse(v1_document(slot))
    assert parsed == slot
    assert parsed.remembered is None and parsed.head is None
    assert keyslot.unlock(parsed, "pw") == key
    assert canonjson.loads(keyslot.to_json(parsed))["version"] == 2  # rewritten as version 2


# -- the parser --------------------------------------------------------------------------------


def _mutated(change: Any) -> bytes:
    doc = _slot_doc()
    change(doc)
    return canonjson.dumps(doc)


def _full_slot() -> tuple[keyslot.KeySlot, bytearray, bytes]:
    """A slot file with both slots and a head, its data key and its keyring token."""
    slot, key = keyslot.new_keyslot("pw", FAST_KDF)
    token = bytes(range(32))
    head = SignedHead(3, "a" * 64, "2024-05-01T12:00:00.000000Z", "every 100 events", "b" * 128)
    full = dataclasses.replace(
        slot, remembered=keyslot.wrap_token(key, token, slot.case_id), head=head
    )
    return full, key, token


BASE_DOC = canonjson.loads(keyslot.to_json(_full_slot()[0]))


MALFORMED: dict[str, bytes] = {
    "empty": b"",
    "not-json": b"{nope",
    "not-utf8": b'{"format": "\xff"}',
    "null": b"null",
    "array": b"[]",
    "duplicate-key": b'{"format": 1, "format": 2}',
    "nan": b'{"x": NaN}',
    "deep": b"[" * 100_000,
    "huge": b" " * (keyslot.MAX_SLOT_BYTES + 1),
    "other-format": _mutated(lambda d: d.__setitem__("format", "something-else")),
    "version-0": _mutated(lambda d: d.__setitem__("version", 0)),
    "version-text": _mutated(lambda d: d.__setitem__("version", "1")),
    "version-bool": _mutated(lambda d: d.__setitem__("version", True)),
    "missing-wrap": _mutated(lambda d: _pp(d).pop("wrap")),
    "extra-field": _mutated(lambda d: d.__setitem__("extra", 1)),
    "case-id-not-uuid": _mutated(lambda d: d.__setitem__("case_id", "case-1")),
    "case-id-uppercase": _mutated(lambda d: d.__setitem__("case_id", d["case_id"].upper())),
    "unknown-kdf": _mutated(lambda d: _pp(d)["kdf"].__setitem__("name", "pbkdf2")),
    "unknown-alg": _mutated(lambda d: _pp(d)["wrap"].__setitem__("alg", "ChaCha20")),
    "memory-absurd": _mutated(lambda d: _pp(d)["kdf"].__setitem__("memory_kib", 2**40)),
    "time-zero": _mutated(lambda d: _pp(d)["kdf"].__setitem__("time_cost", 0)),
    "parallelism-float": _mutated(lambda d: _pp(d)["kdf"].__setitem__("parallelism", "4")),
    "salt-short": _mutated(lambda d: _pp(d)["kdf"].__setitem__("salt", "AAAA")),
    "salt-not-base64": _mutated(lambda d: _pp(d)["kdf"].__setitem__("salt", "***")),
    "salt-non-ascii": _mutated(lambda d: _pp(d)["kdf"].__setitem__("salt", "ü" * 24)),
    "nonce-length": _mutated(lambda d: _pp(d)["wrap"].__setitem__("nonce", "AAAAAAAA")),
    "ciphertext-cut": _mutated(
        lambda d: _pp(d)["wrap"].__setitem__("ciphertext", _pp(d)["wrap"]["ciphertext"][:-8])
    ),
    "kdf-not-object": _mutated(lambda d: _pp(d).__setitem__("kdf", [1, 2])),
    "slots-empty": _mutated(lambda d: d.__setitem__("slots", [])),
    "slots-not-list": _mutated(lambda d: d.__setitem__("slots", {"type": "passphrase"})),
    "two-passphrase-slots": _mutated(lambda d: d["slots"].append(_pp(d))),
    "only-keyring-slot": _mutated(lambda d: _pp(d).__setitem__("type", "keyring")),
    "unknown-slot-type": _mutated(lambda d: _pp(d).__setitem__("type", "fingerprint")),
    "head-not-object": _mutated(lambda d: d.__setitem__("head", "latest")),
    "head-bad-hash": _mutated(lambda d: d.__setitem__("head", {**BASE_DOC["head"], "hash": "x"})),
    "head-seq-zero": _mutated(lambda d: d.__setitem__("head", {**BASE_DOC["head"], "seq": 0})),
    "head-short-signature": _mutated(
        lambda d: d.__setitem__("head", {**BASE_DOC["head"], "signature": "ab"})
    ),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_slots_are_corrupt(data: bytes) -> None:
    with pytest.raises(CaseCorrupt, match="is damaged or is not a case file"):
        keyslot.parse(data, "/cases/x/keyslot.json")


def test_newer_slot_version_is_schema_too_new() -> None:
    with pytest.raises(SchemaTooNew, match="newer version"):
        keyslot.parse(_mutated(lambda d: d.__setitem__("version", keyslot.VERSION + 1)))


def _parse_only_refuses_cleanly(data: bytes) -> None:
    # SchemaTooNew only for a well-formed slot whose version is above 1.
    with contextlib.suppress(CaseCorrupt, SchemaTooNew):
        keyslot.parse(data)


@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_case_corrupt(data: bytes) -> None:
    with pytest.raises(CaseCorrupt):
        keyslot.parse(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


@given(json_values)
def test_arbitrary_json_only_raises_case_corrupt(value: Any) -> None:
    with pytest.raises(CaseCorrupt):
        keyslot.parse(json.dumps(value).encode())


SLOT_PATHS: list[tuple[str | int, ...]] = [
    ("format",),
    ("version",),
    ("case_id",),
    ("slots",),
    ("head",),
    ("slots", 0),
    ("slots", 0, "type"),
    ("slots", 0, "kdf"),
    ("slots", 0, "kdf", "name"),
    ("slots", 0, "kdf", "time_cost"),
    ("slots", 0, "kdf", "memory_kib"),
    ("slots", 0, "kdf", "parallelism"),
    ("slots", 0, "kdf", "salt"),
    ("slots", 0, "wrap"),
    ("slots", 0, "wrap", "alg"),
    ("slots", 0, "wrap", "nonce"),
    ("slots", 0, "wrap", "ciphertext"),
    ("slots", 1, "type"),
    ("slots", 1, "wrap", "nonce"),
    ("head", "seq"),
    ("head", "hash"),
    ("head", "utc"),
    ("head", "signature"),
    ("head", "reason"),
]


@given(st.sampled_from(SLOT_PATHS), json_values)
def test_any_field_replaced_by_any_json_never_escapes(
    path: tuple[str | int, ...], value: Any
) -> None:
    doc = copy.deepcopy(BASE_DOC)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _parse_only_refuses_cleanly(json.dumps(doc).encode())


def test_open_with_any_parser_failure_is_case_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "case"
    make_case(path).close()
    for data in (MALFORMED["deep"], MALFORMED["huge"], MALFORMED["not-utf8"]):
        (path / "keyslot.json").write_bytes(data)
        with pytest.raises(CaseCorrupt):
            Case.open(path, "correct horse battery staple")
