#!/usr/bin/env python3
"""verify_package.py: check an evidence package with nothing but Python's standard library.

Usage:  python3 verify_package.py [FOLDER] [--tsa-cert ROOT.pem]

FOLDER defaults to the folder this script is in. Checked, in this order:

  1. SHA256SUMS: every file is listed, none is missing, none was changed.
  2. Exhibits: each manifest.json hashes (SHA-256) to its control number; each file the
     manifest lists is there with the SHA-256 and size it lists; each timestamp reply is
     byte for byte the one the audit log recorded, and names this manifest's hash.
  3. The audit log: every event's hash is recomputed (SHA-256 of the canonical JSON of
     seq, utc, action, actor, details and prev_hash) and linked to the one before; the log
     starts with the case's creation and ends at the signed head; withheld events (in a
     redacted copy) are bound by the link of the event after them.
  4. Signed heads: each head names an event of the log with its hash; the Ed25519
     signature itself is checked with `openssl pkeyutl` when openssl is installed
     (Python's standard library has no Ed25519).
  5. The Merkle tree: the root is recomputed from every leaf (full package) or from
     each disclosed item's inclusion proof (redacted copy); each leaf matches the item in
     the package; the signed head names the root.
  6. Contact log, saved lookups, personas: each record hashes to its leaf and to the
     hash the audit log recorded; raw lookup answers hash to their record.
  7. The WACZ: every file inside matches the SHA-256 in its datapackage.json.
  8. The report: report.html names (in its <meta> tags) the signed head the package's
     audit log ends at.

Each file is read once: SHA256SUMS is checked first (several files at a time), and the
later checks reuse those digests.

Prints VERIFIED or NOT VERIFIED with the problems found; exit code 0 or 1 (2 when the
folder is not a package at all). This file is part of the package and listed in
SHA256SUMS; the workstation's `verify PACKAGE` runs the same checks and also checks the
signatures and timestamp tokens with its own cryptography.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

PACKAGE_FORMAT = "investigator-workstation-package"
MERKLE_FORMAT = "investigator-workstation-merkle"
HEAD_FORMAT = "investigator-workstation-signed-head"
PACKAGE_VERSION = 1
INDEX_NAME = "package.json"
SUMS_NAME = "SHA256SUMS"
MERKLE_NAME = "merkle.json"
ROOT_REASON = "package export, Merkle root {root} over {size} items"
LEAF_KINDS = ("exhibit", "contact", "lookup", "persona")
GENESIS_HASH = "0" * 64
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
EVENT_KEYS = frozenset({"seq", "utc", "action", "actor", "details", "prev_hash", "hash"})
WITHHELD_KEYS = EVENT_KEYS | {"details_sha256", "withheld"}
MAX_JSON_BYTES = 512 * 1024 * 1024
MAX_WACZ_MEMBER = 8 * 1024 * 1024 * 1024
CHUNK = 1 << 20
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))  # hashlib and reads release the GIL
REPORT_HEAD_SEQ_META = "audit-head-seq"  # <meta name=... content=...> in report.html
REPORT_HEAD_HASH_META = "audit-head-hash"
MAX_REPORT_HEAD = 4 * 1024 * 1024  # the report's <head> is read, no further
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_UTC = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")
_SUMS_LINE = re.compile(r"\A([0-9a-fA-F]{64}) [ *](.+)\Z")


# -- findings -------------------------------------------------------------------------


@dataclass
class Findings:
    """What the checks found: problems (each naming a file first), notes, counts."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    signatures_checked: bool = False

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def count(self, what: str, number: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + number

    @property
    def ok(self) -> bool:
        return not self.problems


class NotAPackage(Exception):
    """The folder holds no package index; nothing else can be checked."""


class Steps(Protocol):
    """Who follows the checks (the workstation passes its Progress); step may raise to stop."""

    def step(self, text: str, done: int = 0, total: int = 0) -> None: ...


class _Quiet:
    def step(self, text: str, done: int = 0, total: int = 0) -> None:
        return None


# -- canonical JSON, hashing, paths -----------------------------------------------------


def canonical_bytes(value: Any) -> bytes:
    """The workstation's canonical JSON: sorted keys, no spaces, UTF-8 unescaped, no floats."""
    _refuse_floats(value)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _refuse_floats(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            raise ValueError("floats are not allowed in canonical JSON")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_json(data: bytes) -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no floats, no NaN/Infinity."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in items:
            if key in result:
                raise ValueError(f"duplicate key {key!r}")
            result[key] = item
        return result

    def no_float(text: str) -> Any:
        raise ValueError(f"the number {text} is not a whole number")

    def no_constant(text: str) -> Any:
        raise ValueError(f"{text} is not allowed")

    return json.loads(
        data.decode("utf-8"),
        object_pairs_hook=pairs,
        parse_float=no_float,
        parse_constant=no_constant,
    )


def is_canonical(data: bytes) -> bool:
    try:
        return canonical_bytes(parse_json(data)) == data
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def safe_relative(name: str) -> bool:
    """A relative path of plain parts that cannot leave the folder."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    return all(part not in {"", ".", ".."} for part in name.split("/"))


def event_hash(event: dict[str, Any]) -> str:
    body = {key: event[key] for key in ("seq", "utc", "action", "actor", "details", "prev_hash")}
    return sha256_hex(canonical_bytes(body))


def root_reason(root_hex: str, size: int) -> str:
    """The reason of the package's signed head: it names the tree's root and size."""
    return ROOT_REASON.format(root=root_hex, size=size)


def leaf_record(kind: str, item_id: int, sha256: str) -> bytes:
    """The bytes a leaf hashes: canonical JSON of the item's kind, id and record hash."""
    return canonical_bytes({"id": item_id, "kind": kind, "sha256": sha256})


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 tree hash, computed with a stack of perfect subtrees."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    stack: list[tuple[int, bytes]] = []  # (height, hash) of perfect subtrees, left to right
    for leaf in leaves:
        height, current = 0, leaf
        while stack and stack[-1][0] == height:
            current = node_hash(stack.pop()[1], current)
            height += 1
        stack.append((height, current))
    current = stack.pop()[1]
    while stack:
        current = node_hash(stack.pop()[1], current)
    return current


def root_from_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to, or None if malformed."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    current = leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            current = node_hash(sibling, current)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            current = node_hash(current, sibling)
        fn >>= 1
        sn >>= 1
    return current if sn == 0 else None


# -- reading the package ----------------------------------------------------------------


class Package:
    """The package folder and its index, read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        index_path = root / INDEX_NAME
        if not index_path.is_file():
            raise NotAPackage(f"{root} holds no {INDEX_NAME}: it is not an evidence package.")
        try:
            index = parse_json(index_path.read_bytes())
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise NotAPackage(f"{INDEX_NAME} cannot be read ({exc}).") from None
        if not isinstance(index, dict) or index.get("format") != PACKAGE_FORMAT:
            raise NotAPackage(f"{INDEX_NAME} is not the index of an evidence package.")
        self.index: dict[str, Any] = index
        self.digests: dict[str, tuple[str, int]] = {}  # relative path -> (SHA-256, size)

    def digest(self, relative: str, target: Path) -> tuple[str, int]:
        """A file's (SHA-256, size), hashed once: SHA256SUMS' check already did most."""
        if relative not in self.digests:
            self.digests[relative] = file_sha256(target)
        return self.digests[relative]

    def path(self, relative: str) -> Path | None:
        if not isinstance(relative, str) or not safe_relative(relative):
            return None
        return self.root.joinpath(*relative.split("/"))

    def read(self, relative: Any, findings: Findings, limit: int = MAX_JSON_BYTES) -> bytes | None:
        where = relative if isinstance(relative, str) else repr(relative)
        target = self.path(relative)
        if target is None:
            findings.problem(INDEX_NAME, f"names an unsafe path {where!r}")
            return None
        if target.is_symlink() or not target.is_file():
            findings.problem(where, "is missing")
            return None
        if target.stat().st_size > limit:
            findings.problem(where, "is too large to be what the package says it is")
            return None
        return target.read_bytes()

    def read_json(self, relative: Any, findings: Findings) -> Any:
        data = self.read(relative, findings)
        if data is None:
            return None
        try:
            return parse_json(data)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            findings.problem(str(relative), f"is not valid JSON ({exc})")
            return None

    def section(self, name: str) -> Any:
        return self.index.get(name)


# -- 1. SHA256SUMS ------------------------------------------------------------------------


def check_sums(package: Package, findings: Findings, steps: Steps | None = None) -> None:
    data = package.read(SUMS_NAME, findings)
    if data is None:
        return
    listed: dict[str, str] = {}
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        match = _SUMS_LINE.match(line)
        if not match or not safe_relative(match.group(2)):
            findings.problem(SUMS_NAME, f"line {number} is not a checksum line of a safe path")
            continue
        listed[match.group(2)] = match.group(1).lower()
    on_disk = set(_files(package.root, findings))
    for name in sorted(set(listed) - on_disk):
        findings.problem(name, f"is listed in {SUMS_NAME} but missing")
    for name in sorted(on_disk - set(listed) - {SUMS_NAME}):
        findings.problem(name, f"is not listed in {SUMS_NAME}")
    names = sorted(set(listed) & on_disk)
    for name, (digest, size) in hash_files(package.root, names, steps or _Quiet()):
        package.digests[name] = digest, size
        if digest != listed[name]:
            findings.problem(
                name, f"has changed: its SHA-256 is {digest}, {SUMS_NAME} says {listed[name]}"
            )
    findings.count("files", len(listed))


def hash_files(
    root: Path, names: Sequence[str], steps: Steps
) -> Iterator[tuple[str, tuple[str, int]]]:
    """Each file's (SHA-256, size), in order, hashed HASH_THREADS at a time; a step per file
    counts the bytes done."""
    paths = [root.joinpath(*name.split("/")) for name in names]
    total = sum(path.stat().st_size for path in paths)
    done = 0
    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
        futures = [pool.submit(file_sha256, path) for path in paths]
        try:
            for name, future in zip(names, futures, strict=True):
                result = future.result()
                done += result[1]
                steps.step(f"Checking {name}", done, total)
                yield name, result
        finally:
            for future in futures:
                future.cancel()


def _files(root: Path, findings: Findings) -> Iterator[str]:
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in dirs:
            if (here / name).is_symlink():
                findings.problem((here / name).relative_to(root).as_posix(), "is a symbolic link")
        for name in names:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                findings.problem(relative, "is a symbolic link")
            elif name != "__pycache__":
                yield relative


# -- 3. the audit log -----------------------------------------------------------------------


@dataclass
class AuditLog:
    events: list[dict[str, Any]] = field(default_factory=list)
    withheld: int = 0
    where: str = ""

    def disclosed(self, action: str) -> Iterator[dict[str, Any]]:
        for event in self.events:
            if event["action"] == action and isinstance(event.get("details"), dict):
                yield event

    def count(self, action: str) -> int:
        return sum(1 for event in self.events if event["action"] == action)


def check_audit(package: Package, findings: Findings) -> AuditLog:
    section = package.section("audit") or {}
    where = section.get("log") if isinstance(section, dict) else None
    log = AuditLog(where=str(where))
    data = package.read(where, findings)
    if data is None:
        return log
    previous = GENESIS_HASH
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line:
            continue
        event = _audit_event(line, number, previous, f"{where} line {number}", findings)
        if event is None:
            return AuditLog(where=str(where))  # the chain is broken: nothing after it counts
        log.events.append(event)
        log.withheld += 1 if event.get("withheld") else 0
        previous = event["hash"]
    _check_log_ends(log, section, findings)
    findings.count("audit events", len(log.events))
    findings.count("withheld audit events", log.withheld)
    return log


def _audit_event(
    line: bytes, number: int, previous: str, where: str, findings: Findings
) -> dict[str, Any] | None:
    try:
        event = parse_json(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        findings.problem(where, f"is not valid JSON ({exc})")
        return None
    withheld = isinstance(event, dict) and event.get("withheld") is True
    expected = WITHHELD_KEYS if withheld else EVENT_KEYS
    if not isinstance(event, dict) or set(event) != expected:
        findings.problem(where, "is not an audit event")
        return None
    problem = _event_problem(event, number, previous, withheld)
    if problem:
        findings.problem(where, f"audit event {event.get('seq')}: {problem}")
        return None
    return event


def _event_problem(  # noqa: PLR0911  (one check per line, in the order they matter)
    event: dict[str, Any], number: int, previous: str, withheld: bool
) -> str:
    if event["seq"] != number or type(event["seq"]) is not int:
        return f"is out of place (event {number} was expected): events were removed or moved"
    if not (isinstance(event["utc"], str) and _UTC.match(event["utc"])):
        return "has a malformed time"
    if not all(isinstance(event[k], str) for k in ("action", "actor", "hash", "prev_hash")):
        return "has a malformed field"
    if not _HEX64.match(event["hash"]):
        return "has a malformed hash"
    if event["prev_hash"] != previous:
        return "does not link to the event before it"
    if withheld:
        digest = event["details_sha256"]
        if event["details"] is not None or not (isinstance(digest, str) and _HEX64.match(digest)):
            return "is marked withheld but is not in the withheld form"
        return ""
    if not isinstance(event["details"], dict):
        return "has details that are not a JSON object"
    try:
        recomputed = event_hash(event)
    except ValueError as exc:
        return f"cannot be hashed ({exc})"
    if recomputed != event["hash"]:
        return "was changed after it was written (its hash does not match)"
    return ""


def _check_log_ends(log: AuditLog, section: dict[str, Any], findings: Findings) -> None:
    where = log.where
    if not log.events:
        findings.problem(where, "holds no audit events")
        return
    first = log.events[0]
    if first["action"] != "case.created" or first.get("withheld"):
        findings.problem(where, "does not begin with the case's creation")
    head = section.get("head") if isinstance(section, dict) else None
    last = log.events[-1]
    if not isinstance(head, dict) or (head.get("seq"), head.get("hash")) != (
        last["seq"],
        last["hash"],
    ):
        findings.problem(where, f"does not end at the package's audit head ({INDEX_NAME})")
    if last.get("withheld"):
        findings.problem(where, "ends with a withheld event, which nothing after it binds")


# -- 4. signed heads ----------------------------------------------------------------------


@dataclass
class Heads:
    case_id: str = ""
    public_key: bytes = b""
    package_head: dict[str, Any] | None = None


def check_heads(package: Package, log: AuditLog, findings: Findings, openssl: str | None) -> Heads:
    section = package.section("audit") or {}
    where = section.get("heads") if isinstance(section, dict) else None
    document = package.read_json(where, findings)
    heads = Heads()
    if not isinstance(document, dict) or not isinstance(document.get("heads"), list):
        if document is not None:
            findings.problem(str(where), "is not a list of signed heads")
        return heads
    heads.case_id = str(document.get("case_id", ""))
    heads.public_key = _public_key(package, document, log, findings, str(where))
    by_seq = {event["seq"]: event for event in log.events}
    checked = 0
    for entry in document["heads"]:
        if _check_head(
            package, entry=entry, by_seq=by_seq, heads=heads, findings=findings, where=str(where)
        ):
            checked += 1
            if openssl and heads.public_key:
                _openssl_head(package, entry, findings, openssl, section.get("public_key"))
    last = log.events[-1] if log.events else None
    heads.package_head = _head_at(document["heads"], last["seq"] if last else None)
    if last is not None and heads.package_head is None:
        findings.problem(str(where), "has no signature over the last event of the audit log")
    findings.signatures_checked = bool(openssl and heads.public_key)
    findings.count("signed heads", checked)
    return heads


def _head_at(entries: list[Any], seq: int | None) -> dict[str, Any] | None:
    for entry in entries:
        if isinstance(entry, dict) and seq is not None and entry.get("seq") == seq:
            return entry
    return None


def _public_key(
    package: Package, document: dict[str, Any], log: AuditLog, findings: Findings, where: str
) -> bytes:
    key_hex = document.get("public_key_hex")
    if not (isinstance(key_hex, str) and re.fullmatch(r"[0-9a-f]{64}", key_hex)):
        findings.problem(where, "names no Ed25519 public key")
        return b""
    announced = [event["details"].get("public_key") for event in log.disclosed("audit.key_created")]
    if announced != [key_hex]:
        findings.problem(where, "the public key is not the one the audit log announced")
    pem_name = (package.section("audit") or {}).get("public_key")
    pem = package.read(pem_name, findings)
    if pem is not None and _pem_key(pem) != bytes.fromhex(key_hex):
        findings.problem(str(pem_name), "is not the public key the signed heads name")
    return bytes.fromhex(key_hex)


def _pem_key(pem: bytes) -> bytes | None:
    import base64  # noqa: PLC0415

    lines = pem.decode("ascii", "replace").strip().splitlines()
    if len(lines) < 3 or lines[0] != "-----BEGIN PUBLIC KEY-----":
        return None
    try:
        der = base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError:
        return None
    if len(der) != 44 or not der.startswith(ED25519_SPKI_PREFIX):
        return None
    return der[len(ED25519_SPKI_PREFIX) :]


def head_message(case_id: str, head: dict[str, Any]) -> bytes:
    """The exact bytes a head's Ed25519 signature covers."""
    return canonical_bytes(
        {
            "format": HEAD_FORMAT,
            "case_id": case_id,
            "seq": head["seq"],
            "hash": head["hash"],
            "utc": head["utc"],
            "reason": head["reason"],
        }
    )


def _check_head(
    package: Package,
    *,
    entry: Any,
    by_seq: dict[int, dict[str, Any]],
    heads: Heads,
    findings: Findings,
    where: str,
) -> bool:
    fields = ("seq", "hash", "utc", "reason", "signature_hex", "message_file", "signature_file")
    if not isinstance(entry, dict) or not all(name in entry for name in fields):
        findings.problem(where, "holds a malformed signed head")
        return False
    event = by_seq.get(entry["seq"])
    if event is None or event["hash"] != entry["hash"]:
        findings.problem(where, f"the head over event {entry['seq']} does not match the log")
        return False
    message = package.read(entry["message_file"], findings)
    if message is not None and message != head_message(heads.case_id, entry):
        findings.problem(str(entry["message_file"]), "is not the message the head signs")
    signature = package.read(entry["signature_file"], findings)
    try:
        expected = bytes.fromhex(str(entry["signature_hex"]))
    except ValueError:
        expected = b""
    if signature is not None and (signature != expected or len(signature) != 64):
        findings.problem(str(entry["signature_file"]), "is not the head's 64-byte signature")
    return True


def openssl_verify_command(public_key_pem: str, message: str, signature: str) -> list[str]:
    """The command that checks one head's Ed25519 signature (OpenSSL 3)."""
    return [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        public_key_pem,
        "-rawin",
        "-in",
        message,
        "-sigfile",
        signature,
    ]


def _openssl_head(
    package: Package, entry: dict[str, Any], findings: Findings, openssl: str, pem: Any
) -> None:
    paths = [package.path(name) for name in (pem, entry["message_file"], entry["signature_file"])]
    if any(path is None or not path.is_file() for path in paths):
        return  # already reported as missing
    command = openssl_verify_command(*(str(path) for path in paths))
    command[0] = openssl
    done = subprocess.run(command, capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        findings.problem(
            str(entry["signature_file"]), "the Ed25519 signature does not verify (openssl pkeyutl)"
        )


# -- 2. exhibits ------------------------------------------------------------------------------


def audit_sealed(log: AuditLog) -> set[str]:
    return {
        str(event["details"].get("control_number")) for event in log.disclosed("evidence.sealed")
    }


def audit_stamped(log: AuditLog) -> set[tuple[str, str]]:
    return {
        (str(event["details"].get("control_number")), str(event["details"].get("reply_sha256")))
        for event in log.disclosed("evidence.timestamped")
    }


def check_exhibits(
    package: Package, log: AuditLog, findings: Findings, tsa: TsaCheck | None
) -> dict[int, str]:
    """Check every exhibit; their control numbers by item id."""
    exhibits = package.section("exhibits") or []
    sealed, stamped = audit_sealed(log), audit_stamped(log)
    found: dict[int, str] = {}
    for exhibit in exhibits if isinstance(exhibits, list) else []:
        if not _exhibit_shape(exhibit):
            findings.problem(INDEX_NAME, "lists a malformed exhibit")
            continue
        number = exhibit["control_number"]
        found[exhibit["item_id"]] = number
        manifest = _check_manifest(package, exhibit, findings)
        if manifest is not None:
            _check_artifacts(package, exhibit, manifest, findings)
        _check_timestamps(package, exhibit, stamped, findings, tsa)
        if number not in sealed:
            findings.problem(exhibit["manifest"], "the audit log has no record of its sealing")
        findings.count("exhibits")
    return found


def _exhibit_shape(exhibit: Any) -> bool:
    return (
        isinstance(exhibit, dict)
        and type(exhibit.get("item_id")) is int
        and isinstance(exhibit.get("control_number"), str)
        and isinstance(exhibit.get("manifest"), str)
        and isinstance(exhibit.get("artifacts"), dict)
        and isinstance(exhibit.get("timestamps"), list)
    )


def _check_manifest(
    package: Package, exhibit: dict[str, Any], findings: Findings
) -> dict[str, Any] | None:
    where = exhibit["manifest"]
    data = package.read(where, findings)
    if data is None:
        return None
    actual = sha256_hex(data)
    if actual != exhibit["control_number"]:
        findings.problem(
            where, f"hashes to {actual}, not to the control number {exhibit['control_number']}"
        )
    folder = where.rsplit("/", 2)[-2] if where.count("/") >= 1 else ""
    if not folder.startswith(f"{exhibit['item_id']}-{exhibit['control_number'][:12]}"):
        findings.problem(where, "is not in the folder its control number names")
    try:
        manifest = parse_json(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        findings.problem(where, f"is not valid JSON ({exc})")
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("artifacts"), list):
        findings.problem(where, "is not an exhibit manifest")
        return None
    return manifest


def _check_artifacts(
    package: Package, exhibit: dict[str, Any], manifest: dict[str, Any], findings: Findings
) -> None:
    files: dict[str, Any] = exhibit["artifacts"]
    listed = set()
    for entry in manifest["artifacts"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            findings.problem(exhibit["manifest"], "lists a malformed artifact")
            continue
        listed.add(entry["name"])
        relative = files.get(entry["name"])
        target = package.path(relative) if isinstance(relative, str) else None
        if target is None or target.is_symlink() or not target.is_file():
            findings.problem(
                str(relative or exhibit["manifest"]), f"artifact {entry['name']!r} is missing"
            )
            continue
        digest, size = package.digest(str(relative), target)
        if digest != entry.get("sha256") or size != entry.get("size"):
            findings.problem(
                str(relative),
                f"has SHA-256 {digest} ({size} bytes); its manifest says "
                f"{entry.get('sha256')} ({entry.get('size')} bytes)",
            )
        findings.count("artifacts")
    for name in sorted(set(files) - listed):
        findings.problem(str(files[name]), "is not listed in its exhibit's manifest")


@dataclass(frozen=True)
class TsaCheck:
    openssl: str
    ca_file: Path


def _check_timestamps(
    package: Package,
    exhibit: dict[str, Any],
    stamped: set[tuple[str, str]],
    findings: Findings,
    tsa: TsaCheck | None,
) -> None:
    manifest_path = package.path(exhibit["manifest"])
    manifest = manifest_path.read_bytes() if manifest_path and manifest_path.is_file() else b""
    for relative in exhibit["timestamps"]:
        reply = package.read(relative, findings)
        if reply is None:
            continue
        if (exhibit["control_number"], sha256_hex(reply)) not in stamped:
            findings.problem(relative, "is not the timestamp reply the audit log recorded")
        if hashlib.sha256(manifest).digest() not in reply:
            findings.problem(relative, "does not name this manifest's SHA-256")
        if tsa is not None:
            _openssl_timestamp(package, relative, exhibit["manifest"], findings, tsa)
        findings.count("timestamps")


def _openssl_timestamp(
    package: Package, reply: str, manifest: str, findings: Findings, tsa: TsaCheck
) -> None:
    reply_path, manifest_path = package.path(reply), package.path(manifest)
    if reply_path is None or manifest_path is None:
        return
    command = [
        tsa.openssl,
        "ts",
        "-verify",
        "-in",
        str(reply_path),
        "-data",
        str(manifest_path),
        "-CAfile",
        str(tsa.ca_file),
    ]
    certs = reply_path.with_name(reply_path.name.replace(".tsr", "-certs.pem"))
    if certs.is_file():
        command += ["-untrusted", str(certs)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 or "Verification: OK" not in done.stdout:
        findings.problem(reply, "openssl ts -verify does not accept it with the given root")


# -- 6. records: contacts, lookups, personas -----------------------------------------------


def _jsonl_records(
    package: Package, relative: Any, findings: Findings
) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    data = package.read(relative, findings)
    if data is None:
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line:
            continue
        where = f"{relative} line {number}"
        try:
            record = parse_json(line)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            findings.problem(where, f"is not valid JSON ({exc})")
            continue
        if not isinstance(record, dict) or type(record.get("id")) is not int:
            findings.problem(where, "is not a record with an id")
            continue
        yield where, line, record


def check_contacts(package: Package, log: AuditLog, findings: Findings) -> dict[int, str]:
    """Contact entries by id -> the SHA-256 of their canonical record."""
    section = package.section("contacts")
    if not isinstance(section, dict):
        return {}
    logged = audit_contact_hashes(log)
    found: dict[int, str] = {}
    redacted = section.get("redacted") is True
    for where, line, record in _jsonl_records(package, section.get("file"), findings):
        if redacted:
            digest = record.get("entry_sha256")
            if not (isinstance(digest, str) and _HEX64.match(digest)) or "content" in record:
                findings.problem(where, "is not a redacted contact entry")
                continue
        else:
            digest = sha256_hex(line)
            if not is_canonical(line):
                findings.problem(where, "is not in canonical form")
            _check_attachments(package, section, record, where, findings)
        if record["id"] in logged and logged[record["id"]] != digest:
            findings.problem(where, "differs from the entry the audit log recorded")
        found[record["id"]] = digest
        findings.count("contact entries")
    return found


def audit_contact_hashes(log: AuditLog) -> dict[int, str]:
    found: dict[int, str] = {}
    for event in log.disclosed("contact.logged"):
        entries = event["details"].get("entries")
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and type(entry.get("contact_id")) is int:
                found[entry["contact_id"]] = str(entry.get("entry_sha256"))
    return found


def _check_attachments(
    package: Package,
    section: dict[str, Any],
    record: dict[str, Any],
    where: str,
    findings: Findings,
) -> None:
    folder = section.get("attachments")
    for attachment in record.get("attachments") or []:
        if not (isinstance(attachment, list) and len(attachment) == 4):
            findings.problem(where, "lists a malformed attachment")
            continue
        digest = str(attachment[2])
        if not _HEX64.match(digest):
            findings.problem(where, "lists an attachment without a SHA-256")
            continue
        target = package.path(f"{folder}/{digest}")
        if target is None or not target.is_file():
            findings.problem(f"{folder}/{digest}", "attachment is missing")
            continue
        if file_sha256(target) != (digest, attachment[3]):
            findings.problem(f"{folder}/{digest}", "is not the attachment the entry lists")


def check_lookups(package: Package, log: AuditLog, findings: Findings) -> dict[int, str]:
    """Saved lookups by id -> the SHA-256 of their record."""
    audited = {
        event["details"].get("lookup_id"): event["details"].get("record_sha256")
        for event in log.disclosed("lookup.saved")
    }
    found: dict[int, str] = {}
    lookups = package.section("lookups") or []
    for lookup in lookups if isinstance(lookups, list) else []:
        if not (isinstance(lookup, dict) and type(lookup.get("lookup_id")) is int):
            findings.problem(INDEX_NAME, "lists a malformed saved lookup")
            continue
        where = str(lookup.get("record"))
        data = package.read(lookup.get("record"), findings)
        if data is None:
            continue
        digest = sha256_hex(data)
        found[lookup["lookup_id"]] = digest
        if audited.get(lookup["lookup_id"]) != digest:
            findings.problem(where, "is not the lookup record the audit log recorded")
        _check_exchanges(package, lookup, data, where, findings)
        findings.count("saved lookups")
    return found


def _check_exchanges(
    package: Package, lookup: dict[str, Any], data: bytes, where: str, findings: Findings
) -> None:
    try:
        listed = parse_json(data).get("exchanges")
    except (ValueError, UnicodeDecodeError, RecursionError, AttributeError):
        findings.problem(where, "is not a lookup record")
        return
    files = lookup.get("exchanges")
    if not isinstance(listed, list) or not isinstance(files, list) or len(listed) != len(files):
        findings.problem(where, "does not list the raw answers the package holds")
        return
    for entry, pair in zip(listed, files, strict=True):
        for part in ("request", "response"):
            name = pair.get(part) if isinstance(pair, dict) else None
            target = package.path(name) if isinstance(name, str) else None
            if target is None or not target.is_file():
                findings.problem(str(name), f"the raw {part} is missing")
                continue
            digest, size = package.digest(str(name), target)
            if not isinstance(entry, dict) or (digest, size) != (
                entry.get(f"{part}_sha256"),
                entry.get(f"{part}_bytes"),
            ):
                findings.problem(str(name), f"is not the raw {part} the lookup record lists")


def check_personas(package: Package, findings: Findings) -> dict[int, str]:
    found: dict[int, str] = {}
    for where, line, _record in _jsonl_records(package, package.section("personas"), findings):
        if not is_canonical(line):
            findings.problem(where, "is not in canonical form")
        found[_record["id"]] = sha256_hex(line)
        findings.count("personas")
    return found


# -- 5. the Merkle tree -------------------------------------------------------------------------


def check_merkle(
    package: Package,
    items: dict[str, dict[int, str]],
    log: AuditLog,
    heads: Heads,
    findings: Findings,
) -> None:
    tree = package.read_json(MERKLE_NAME, findings)
    if tree is None:
        return
    shape = _tree_shape(tree)
    if shape:
        findings.problem(MERKLE_NAME, shape)
        return
    root = bytes.fromhex(tree["root"])
    listed = _check_leaves(tree, root, findings)
    if tree["complete"]:
        _check_root(tree, root, findings)
    _match_items(items, listed, findings)
    _check_counts(tree, log, findings)
    head = heads.package_head
    if head is None or head.get("reason") != root_reason(tree["root"], tree["size"]):
        findings.problem(MERKLE_NAME, "the root is not the one the signed audit head names")
    findings.count("merkle leaves", tree["size"])
    findings.count("disclosed leaves", len(listed))


def _check_root(tree: dict[str, Any], root: bytes, findings: Findings) -> None:
    """A complete tree's root is the tree hash of all its leaves (a malformed leaf hash,
    already named, leaves nothing to recompute it from)."""
    hashes = [leaf.get("leaf_hash") if isinstance(leaf, dict) else None for leaf in tree["leaves"]]
    wellformed = [h for h in hashes if isinstance(h, str) and _HEX64.match(h)]
    if len(wellformed) != len(hashes):
        findings.problem(MERKLE_NAME, "the root cannot be recomputed: a leaf hash is malformed")
        return
    leaves = [bytes.fromhex(h) for h in wellformed]
    if len(leaves) != tree["size"] or merkle_root(leaves) != root:
        findings.problem(MERKLE_NAME, "the root is not the tree hash of its leaves")


def _tree_shape(tree: Any) -> str:  # noqa: PLR0911  (one check per line)
    if not isinstance(tree, dict) or tree.get("format") != MERKLE_FORMAT:
        return "is not the package's Merkle tree"
    if not (isinstance(tree.get("root"), str) and _HEX64.match(tree["root"])):
        return "has no root"
    if type(tree.get("size")) is not int or not isinstance(tree.get("leaves"), list):
        return "has no leaves"
    counts = tree.get("counts")
    if not isinstance(counts, dict) or [k for k in LEAF_KINDS if type(counts.get(k)) is not int]:
        return "has no counts per kind"
    if sum(counts[k] for k in LEAF_KINDS) != tree["size"]:
        return "its counts do not add up to its size"
    if not isinstance(tree.get("complete"), bool):
        return "does not say whether it is complete"
    return ""


def _check_leaves(
    tree: dict[str, Any], root: bytes, findings: Findings
) -> dict[tuple[str, int], str]:
    listed: dict[tuple[str, int], str] = {}
    bounds = _kind_bounds(tree["counts"])
    for position, leaf in enumerate(tree["leaves"]):
        problem = _leaf_problem(leaf, position, tree, bounds, root)
        if problem:
            findings.problem(MERKLE_NAME, f"leaf {position}: {problem}")
            continue
        listed[(leaf["kind"], leaf["id"])] = leaf["sha256"]
    return listed


def _kind_bounds(counts: dict[str, int]) -> dict[str, tuple[int, int]]:
    bounds, start = {}, 0
    for kind in LEAF_KINDS:
        bounds[kind] = (start, start + counts[kind])
        start += counts[kind]
    return bounds


def _leaf_problem(  # noqa: PLR0911  (one check per line, in the order they matter)
    leaf: Any,
    position: int,
    tree: dict[str, Any],
    bounds: dict[str, tuple[int, int]],
    root: bytes,
) -> str:
    if not isinstance(leaf, dict) or leaf.get("kind") not in LEAF_KINDS:
        return "is malformed"
    if type(leaf.get("id")) is not int or type(leaf.get("index")) is not int:
        return "is malformed"
    if not all(
        isinstance(leaf.get(k), str) and _HEX64.match(leaf[k]) for k in ("sha256", "leaf_hash")
    ):
        return "is malformed"
    low, high = bounds[leaf["kind"]]
    if not low <= leaf["index"] < high or (tree["complete"] and leaf["index"] != position):
        return "is out of place"
    computed = leaf_hash(leaf_record(leaf["kind"], leaf["id"], leaf["sha256"]))
    if computed.hex() != leaf["leaf_hash"]:
        return "its hash is not the hash of its record"
    if tree["complete"]:
        return ""
    proof = leaf.get("proof")
    if not isinstance(proof, list) or not all(
        isinstance(p, str) and _HEX64.match(p) for p in proof
    ):
        return "has no inclusion proof"
    reached = root_from_proof(
        leaf["index"], tree["size"], computed, [bytes.fromhex(p) for p in proof]
    )
    return "" if reached == root else "its inclusion proof does not lead to the root"


def _match_items(
    items: dict[str, dict[int, str]], listed: dict[tuple[str, int], str], findings: Findings
) -> None:
    for kind, held in items.items():
        for item_id, digest in held.items():
            if listed.get((kind, item_id)) != digest:
                findings.problem(
                    MERKLE_NAME, f"has no leaf for {kind} {item_id} as the package holds it"
                )
    for kind, item_id in listed:
        if item_id not in items.get(kind, {}):
            findings.problem(MERKLE_NAME, f"discloses {kind} {item_id}, which the package lacks")


def _check_counts(tree: dict[str, Any], log: AuditLog, findings: Findings) -> None:
    counts = tree["counts"]
    expected = {
        "exhibit": log.count("evidence.sealed"),
        "lookup": log.count("lookup.saved"),
        "persona": log.count("persona.added"),
    }
    for kind, number in expected.items():
        if counts[kind] != number:
            findings.problem(
                MERKLE_NAME, f"counts {counts[kind]} {kind} leaves, the audit log records {number}"
            )
    logged = [e for e in log.events if e["action"] == "contact.logged"]
    if all(isinstance(e.get("details"), dict) for e in logged):
        entries = sum(len(e["details"].get("entries") or []) for e in logged)
        if counts["contact"] != entries:
            findings.problem(
                MERKLE_NAME,
                f"counts {counts['contact']} contact leaves, the audit log records {entries}",
            )


# -- 7. the WACZ ------------------------------------------------------------------------------


def check_wacz(package: Package, findings: Findings) -> None:
    relative = package.section("wacz")
    if relative is None:
        return
    target = package.path(relative) if isinstance(relative, str) else None
    if target is None or not target.is_file():
        findings.problem(str(relative), "is missing")
        return
    try:
        with zipfile.ZipFile(target) as archive:
            _check_wacz_archive(archive, str(relative), findings)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        findings.problem(str(relative), f"is not a readable ZIP file ({exc})")


def _check_wacz_archive(archive: zipfile.ZipFile, where: str, findings: Findings) -> None:
    members = {info.filename: info for info in archive.infolist()}
    if any(not safe_relative(name) for name in members):
        findings.problem(where, "holds a file with an unsafe name")
        return
    package_info = members.get("datapackage.json")
    digest_info = members.get("datapackage-digest.json")
    if package_info is None or digest_info is None:
        findings.problem(where, "has no datapackage.json and datapackage-digest.json")
        return
    data = _member(archive, package_info, MAX_JSON_BYTES)
    digest = _member(archive, digest_info, MAX_JSON_BYTES)
    try:
        stated = parse_json(digest or b"").get("hash")
        resources = parse_json(data or b"").get("resources")
    except (ValueError, UnicodeDecodeError, RecursionError, AttributeError):
        findings.problem(where, "its datapackage.json cannot be read")
        return
    if data is None or stated != "sha256:" + sha256_hex(data):
        findings.problem(where, "datapackage.json does not match datapackage-digest.json")
    for resource in resources if isinstance(resources, list) else []:
        _check_resource(archive, members, resource, where, findings)


def _check_resource(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    resource: Any,
    where: str,
    findings: Findings,
) -> None:
    name = resource.get("path") if isinstance(resource, dict) else None
    info = members.get(name) if isinstance(name, str) else None
    if info is None or not isinstance(resource.get("bytes"), int):
        findings.problem(where, f"datapackage.json lists {name!r}, which it does not hold")
        return
    digest, size = _member_digest(archive, info, resource["bytes"])
    if f"sha256:{digest}" != resource.get("hash") or size != resource["bytes"]:
        findings.problem(where, f"{name} inside it does not match its datapackage.json entry")
    findings.count("files in the WACZ")


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    if info.file_size > limit:
        return None
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def _member_digest(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, declared: int
) -> tuple[str, int]:
    # Read no more than the declared size (+1 to notice more): a bomb stops early.
    limit = min(max(declared, 0), MAX_WACZ_MEMBER) + 1
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as handle:
        while size < limit and (chunk := handle.read(min(CHUNK, limit - size))):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# -- 8. the report ----------------------------------------------------------------------------


class _MetaTags(HTMLParser):
    """The name -> content of every <meta name=... content=...> tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            name, content = values.get("name"), values.get("content")
            if name is not None and content is not None:
                self.found.setdefault(name, content)


def report_head_meta(path: Path) -> dict[str, str]:
    """The <meta> tags of an HTML file's <head> (read no further than MAX_REPORT_HEAD)."""
    data = b""
    with path.open("rb") as handle:
        while len(data) < MAX_REPORT_HEAD and b"</head>" not in data.lower():
            chunk = handle.read(64 * 1024)
            if not chunk:
                break
            data += chunk
    end = data.lower().find(b"</head>")
    parser = _MetaTags()
    parser.feed(data[: end if end >= 0 else MAX_REPORT_HEAD].decode("utf-8", "replace"))
    return parser.found


def check_report(package: Package, findings: Findings) -> None:
    """report.html must name the signed head at which the package's audit log ends."""
    section = package.section("report")
    if section is None:
        return  # no report in this package (or one made before reports named their head)
    relative = section.get("html") if isinstance(section, dict) else None
    target = package.path(relative) if isinstance(relative, str) else None
    if target is None or target.is_symlink() or not target.is_file():
        findings.problem(str(relative or INDEX_NAME), "the report is missing")
        return
    audit = package.section("audit")
    head = audit.get("head") if isinstance(audit, dict) else None
    if not isinstance(head, dict):
        return  # reported by the audit log's check
    meta = report_head_meta(target)
    named = (meta.get(REPORT_HEAD_SEQ_META), meta.get(REPORT_HEAD_HASH_META))
    if named != (str(head.get("seq")), head.get("hash")):
        shown = f"event {named[0]} ({named[1]})" if named[0] else "no audit head"
        findings.problem(
            str(relative),
            f"names {shown}, not the signed head the package's audit log ends at "
            f"(event {head.get('seq')}, {head.get('hash')})",
        )
    findings.count("report's audit head checked")


# -- the whole check ------------------------------------------------------------------------------

CHECKS = (
    "Checking the audit log",
    "Checking the signed heads",
    "Checking the exhibits",
    "Checking the contact log, lookups and personas",
    "Checking the Merkle tree",
    "Checking the WACZ",
    "Checking the report",
)


def verify_folder(
    root: Path,
    *,
    openssl: str | None = None,
    tsa_cert: Path | None = None,
    progress: Steps | None = None,
) -> Findings:
    """Run every check on an unpacked package folder (NotAPackage when it is none).

    progress gets a step per file hashed (bytes), then one per check after SHA256SUMS
    (its step may raise to stop the checks).
    """
    steps = progress or _Quiet()
    findings = Findings()
    package = Package(root)
    if package.index.get("version") != PACKAGE_VERSION:
        findings.problem(
            INDEX_NAME,
            f"is version {package.index.get('version')}, this "
            f"verifier reads version {PACKAGE_VERSION}",
        )
    check_sums(package, findings, steps)
    numbered = iter(enumerate(CHECKS))

    def step() -> None:
        number, text = next(numbered)
        steps.step(text, number, len(CHECKS))

    step()
    log = check_audit(package, findings)
    step()
    heads = check_heads(package, log, findings, openssl)
    tsa = TsaCheck(openssl, tsa_cert) if openssl and tsa_cert else None
    step()
    exhibits = check_exhibits(package, log, findings, tsa)
    step()
    items = {
        "exhibit": exhibits,
        "contact": check_contacts(package, log, findings),
        "lookup": check_lookups(package, log, findings),
        "persona": check_personas(package, findings),
    }
    step()
    check_merkle(package, items, log, heads, findings)
    step()
    check_wacz(package, findings)
    step()
    check_report(package, findings)
    return findings


def _report(findings: Findings, root: Path, out: Callable[[str], None]) -> None:
    out(f"Evidence package: {root}")
    for what, number in findings.counts.items():
        out(f"  {what}: {number}")
    if findings.signatures_checked:
        out("  signed heads: Ed25519 signatures checked with openssl")
    else:
        out(
            "  signed heads: signature not checked (needs openssl); Python's standard library"
            " has no Ed25519"
        )
    for note in findings.notes:
        out(f"  note: {note}")
    if findings.ok:
        out(
            "VERIFIED: every file, control number, hash, the audit chain and the Merkle tree match."
        )
        return
    out(f"NOT VERIFIED: {len(findings.problems)} problem(s):")
    for problem in findings.problems[:50]:
        out(f"  - {problem}")
    if len(findings.problems) > 50:
        out(f"  ... and {len(findings.problems) - 50} more")


def _print_line(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check an evidence package (standard library only)."
    )
    parser.add_argument("folder", nargs="?", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument(
        "--tsa-cert", type=Path, help="timestamp authority root (PEM) for openssl ts"
    )
    parser.add_argument("--no-openssl", action="store_true", help="do not call openssl")
    args = parser.parse_args(argv)
    openssl = None if args.no_openssl else shutil.which("openssl")
    out = _print_line
    try:
        findings = verify_folder(args.folder, openssl=openssl, tsa_cert=args.tsa_cert)
    except NotAPackage as exc:
        out(f"NOT VERIFIED: {exc}")
        return 2
    except Exception as exc:  # noqa: BLE001  (a verdict, never a traceback, for a third party)
        out(
            f"NOT VERIFIED: the check stopped at something it could not read "
            f"({type(exc).__name__}: {exc}); the package cannot be relied on as it is"
        )
        return 1
    if args.tsa_cert and not openssl:
        findings.notes.append("timestamp signatures not checked (needs openssl)")
    _report(findings, args.folder, out)
    return 0 if findings.ok else 1


if __name__ == "__main__":
    sys.exit(main())
