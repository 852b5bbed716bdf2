"""The redacted disclosure copy: what is withheld, and the audit log without it.

The officer names personas and exhibits to withhold and may redact the contact log's
contents. From that this module works out everything that must stay out:

- a withheld persona's record, its contact entries and every audit event about it;
- a withheld exhibit's files, its leaf's record and every audit event naming it;
- with --redact-contacts, each contact entry's content, counterparts' messages and
  attachments (the entry is listed with its time, persona, channel, direction and hash);
- anything else that would name what is withheld: an exhibit or saved lookup whose bytes
  contain a withheld persona's alias, e-mail, phone or handle (or a withheld contact's
  content) is withheld too, and the officer is told why.

An audit event that is withheld keeps seq, time, action, actor, prev_hash and hash; its
details are replaced by their SHA-256. The chain still verifies: the event after it
recomputes its own hash over this prev_hash, and the signed head covers the end.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workstation import canonjson
from workstation.casefile.audit import AuditEvent
from workstation.errors import InputError

MIN_SCAN_CHARS = 5  # shorter strings would match by chance inside binary files
NEVER_WITHHELD = frozenset({"case.created", "audit.key_created", "audit.head_signed"})
PERSONA_ACTIONS_PREFIX = "persona."
_SCAN_CHUNK = 1 << 20
_MAX_INFLATED = 2 * 1024 * 1024 * 1024  # a WARC inflating beyond this is not scanned further


@dataclass(frozen=True)
class WithholdRequest:
    """What the officer asked to withhold."""

    personas: tuple[str, ...] = ()
    exhibits: tuple[int, ...] = ()
    redact_contacts: bool = False

    @property
    def active(self) -> bool:
        return bool(self.personas or self.exhibits or self.redact_contacts)


@dataclass
class Withholding:
    """Everything withheld from one package, and why."""

    persona_ids: set[int] = field(default_factory=set)
    persona_aliases: set[str] = field(default_factory=set)
    exhibits: set[int] = field(default_factory=set)
    control_numbers: set[str] = field(default_factory=set)
    contacts_left_out: set[int] = field(default_factory=set)
    contacts_redacted: bool = False
    lookups: set[int] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)  # must appear in no file of the package
    exhibit_urls: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)  # what was withheld beyond the request
    unscannable: list[str] = field(default_factory=list)  # too short to search for

    @property
    def active(self) -> bool:
        return bool(
            self.persona_ids
            or self.exhibits
            or self.contacts_left_out
            or self.contacts_redacted
            or self.lookups
        )

    def needles(self) -> list[bytes]:
        """The secrets as lower-case UTF-8, for scanning bytes."""
        return sorted({secret.lower().encode("utf-8") for secret in self.secrets})


# -- planning ----------------------------------------------------------------------------


def plan(request: WithholdRequest, items: Any) -> Withholding:
    """Work out the withholding for the case's items (a CaseItems from build.py)."""
    plan = Withholding(contacts_redacted=request.redact_contacts)
    _withhold_personas(plan, request.personas, items)
    _withhold_exhibits(plan, request.exhibits, items)
    for entry in items.contacts:
        if entry.persona.casefold() in plan.persona_aliases:
            plan.contacts_left_out.add(entry.id)
        if entry.id in plan.contacts_left_out or plan.contacts_redacted:
            _add_secret(plan, entry.content, f"the content of contact entry {entry.id}")
    for record in items.exhibits:
        if record.id in plan.exhibits:
            plan.exhibit_urls |= exhibit_urls(record.manifest)
    if plan.persona_ids or plan.contacts_redacted or plan.contacts_left_out:
        _extend(plan, items)
    return plan


def _withhold_personas(plan: Withholding, aliases: Iterable[str], items: Any) -> None:
    by_alias = {persona.alias.casefold(): persona for persona in items.personas}
    for alias in aliases:
        persona = by_alias.get(alias.strip().casefold())
        if persona is None:
            raise InputError(f"There is no persona called {alias.strip()!r} in this case.")
        plan.persona_ids.add(persona.id)
        plan.persona_aliases.add(persona.alias.casefold())
        for value in persona_strings(persona):
            _add_secret(plan, value, f"persona {persona.id}'s details")


def persona_strings(persona: Any) -> list[str]:
    """What names a persona: alias, e-mail, phone, every account handle."""
    values = [persona.alias, persona.email, persona.phone]
    values += [account.handle for account in persona.accounts]
    return [value for value in values if value]


def _withhold_exhibits(plan: Withholding, numbers: Iterable[int], items: Any) -> None:
    known = {record.id: record for record in items.exhibits}
    for number in numbers:
        if number not in known:
            raise InputError(f"This case has no exhibit {number} to withhold.")
        plan.exhibits.add(number)
        plan.control_numbers.add(known[number].control_number)


def _add_secret(plan: Withholding, value: str, what: str) -> None:
    text = value.strip()
    if len(text) >= MIN_SCAN_CHARS:
        plan.secrets.add(text)
    elif text:
        plan.unscannable.append(what)


def exhibit_urls(manifest: bytes) -> set[str]:
    try:
        value = canonjson.loads(bytes(manifest))
    except (ValueError, UnicodeDecodeError):
        return set()
    if not isinstance(value, dict):
        return set()
    names = ("requested_url", "final_url", "source_url", "page_url")
    return {value[name] for name in names if isinstance(value.get(name), str) and value[name]}


def _extend(plan: Withholding, items: Any) -> None:
    """Withhold what would name a withheld persona or a withheld contact's content."""
    needles = plan.needles()
    if not needles:
        return
    for record in items.exhibits:
        if record.id in plan.exhibits:
            continue
        blobs = [bytes(record.manifest), *(bytes(a.data) for a in items.artifacts(record.id))]
        if any(contains_any(chunks_of(blob), needles) for blob in blobs):
            plan.exhibits.add(record.id)
            plan.control_numbers.add(record.control_number)
            plan.exhibit_urls |= exhibit_urls(record.manifest)
            plan.reasons.append(
                f"exhibit {record.id} is withheld too: it names a withheld persona or "
                "holds withheld contact content"
            )
    for saved in items.lookups:
        parts = [saved.record_json] + [e.request for e in saved.exchanges]
        parts += [e.response for e in saved.exchanges]
        if any(contains_any(chunks_of(part), needles) for part in parts):
            plan.lookups.add(saved.id)
            plan.reasons.append(
                f"saved lookup {saved.id} is withheld too: it names a withheld persona or "
                "holds withheld contact content"
            )
    for entry in items.contacts:
        if entry.id in plan.contacts_left_out or plan.contacts_redacted:
            continue
        if contains_any(chunks_of(entry_text(entry)), needles):
            plan.contacts_left_out.add(entry.id)
            plan.reasons.append(
                f"contact entry {entry.id} is withheld too: it names a withheld persona"
            )


def entry_text(entry: Any) -> bytes:
    fields = [entry.channel, entry.content, entry.authorisation_ref]
    fields += [c.value for c in entry.counterparts] + [a.name for a in entry.attachments]
    return "\n".join(fields).encode("utf-8")


# -- scanning bytes --------------------------------------------------------------------------


def chunks_of(data: bytes) -> Iterator[bytes]:
    """The bytes, and if they are gzip (a WARC), what they inflate to."""
    yield data
    if data[:2] == b"\x1f\x8b":
        yield from _inflate(data)


def _inflate(data: bytes) -> Iterator[bytes]:
    # One gzip member per WARC record: inflate member after member, in bounded pieces.
    rest, produced = data, 0
    while rest[:2] == b"\x1f\x8b" and produced < _MAX_INFLATED:
        inflater = zlib.decompressobj(wbits=31)
        try:
            piece = inflater.decompress(rest, _SCAN_CHUNK)
            while piece:
                produced += len(piece)
                yield piece
                piece = inflater.decompress(inflater.unconsumed_tail, _SCAN_CHUNK)
        except zlib.error:
            return
        rest = inflater.unused_data


def contains_any(chunks: Iterable[bytes], needles: Sequence[bytes]) -> bool:
    """True when any needle (lower-case) occurs in the stream, case-insensitively (ASCII).

    Each chunk is searched with the end of the one before it, so a needle split
    between two chunks is found.
    """
    if not needles:
        return False
    overlap = max(len(needle) for needle in needles) - 1
    tail = b""
    for chunk in chunks:
        window = (tail + chunk).lower()
        if any(needle in window for needle in needles):
            return True
        tail = window[-overlap:] if overlap else b""
    return False


def file_chunks(path: Any) -> Iterator[bytes]:
    """A file's bytes in pieces; gzip files and ZIP members are inflated as well."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        while chunk := handle.read(_SCAN_CHUNK):
            yield chunk
    if head[:2] == b"\x1f\x8b":
        with open(path, "rb") as handle:
            yield from _inflate(handle.read())
    elif head == b"PK\x03\x04":
        yield from _zip_members(path)


def _zip_members(path: Any) -> Iterator[bytes]:
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    data = member.read(_MAX_INFLATED)
                yield data
                yield from _inflate(data) if data[:2] == b"\x1f\x8b" else iter(())
    except (zipfile.BadZipFile, OSError, EOFError):
        return


# -- the audit log ---------------------------------------------------------------------------


def audit_lines(events: Sequence[AuditEvent], plan: Withholding | None) -> Iterator[bytes]:
    """Each event as one canonical JSON line: whole, or withheld (details -> their hash)."""
    needles = plan.needles() + _exhibit_needles(plan) if plan is not None else []
    for event in events:
        details = event.details
        if plan is not None and must_withhold(event, details, plan, needles):
            yield canonjson.dumps(withheld_form(event))
        else:
            yield canonjson.dumps(
                {
                    "seq": event.seq,
                    "utc": event.utc,
                    "action": event.action,
                    "actor": event.actor,
                    "details": details,
                    "prev_hash": event.prev_hash,
                    "hash": event.hash,
                }
            )


def withheld_form(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "utc": event.utc,
        "action": event.action,
        "actor": event.actor,
        "details": None,
        "details_sha256": hashlib.sha256(event.details_json).hexdigest(),
        "withheld": True,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _exhibit_needles(plan: Withholding) -> list[bytes]:
    values = plan.exhibit_urls | plan.control_numbers
    return sorted({value.lower().encode("utf-8") for value in values if value})


def must_withhold(
    event: AuditEvent, details: Mapping[str, Any], plan: Withholding, needles: Sequence[bytes]
) -> bool:
    if event.action in NEVER_WITHHELD:
        return False
    if _names_withheld_item(event.action, details, plan):
        return True
    return contains_any([event.details_json], needles)


def _names_withheld_item(action: str, details: Mapping[str, Any], plan: Withholding) -> bool:
    if action.startswith(PERSONA_ACTIONS_PREFIX) and details.get("persona_id") in plan.persona_ids:
        return True
    if details.get("item_id") in plan.exhibits:
        return True
    if details.get("lookup_id") in plan.lookups and action.startswith("lookup."):
        return True
    entries = details.get("entries")
    if action == "contact.logged" and isinstance(entries, list):
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            if entry.get("persona_id") in plan.persona_ids:
                return True
            if entry.get("contact_id") in plan.contacts_left_out:
                return True
    return False
