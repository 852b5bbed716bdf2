"""What goes into the final report, gathered from an open case (Qt-free).

The model holds text and bytes only; html.py renders it. Everything a reader could
be shown passes through a Redactor first: with withheld personas, their alias and
their identifiers (account handles, e-mail, phone) are replaced in every text field;
with redacted contacts, an entry keeps only its time, persona, channel, direction
and hash. Hashes are never rewritten: they are what the reader checks against.
"""

from __future__ import annotations

import base64
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from workstation import canonjson
from workstation.casefile import Case, ContactEntry, EvidenceRecord, Persona, SignedHead
from workstation.casefile.contacts import entry_digest
from workstation.casefile.heads import signed_bytes
from workstation.casefile.lookups import SavedLookup
from workstation.casefile.personas import alias_key
from workstation.errors import InputError
from workstation.evidence.snapshot import SNAPSHOT_KIND
from workstation.evidence.verify import verify_item
from workstation.evidence.visit import DOWNLOAD_KIND, VISIT_KIND
from workstation.report.verification_text import procedure

log = logging.getLogger(__name__)

WITHHELD = "withheld"
WITHHELD_TEXT = "[withheld]"
WITHHELD_PERSONA_TEXT = "[withheld persona]"
SCREENSHOT_NAME = "screenshot.png"
MIN_SCRUBBED_LENGTH = 3  # shorter identifiers would blot out ordinary words
KIND_LABELS = {
    SNAPSHOT_KIND: "Page snapshot",
    VISIT_KIND: "Page visit (automatic capture)",
    DOWNLOAD_KIND: "Download",
}
Thumbnailer = Callable[[bytes], bytes]
TimestampState = Literal["granted", "queued", "none"]


# -- the model --------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbeddedImage:
    """An image carried inside the report (a data: URI; the report fetches nothing)."""

    media_type: str
    data: bytes

    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class ArtifactLine:
    name: str
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class GrantedTimestamp:
    gen_time_utc: str  # the time the authority states
    tsa_url: str
    reply_sha256: str


@dataclass(frozen=True)
class TimestampStatus:
    """granted (with the authority's time), queued (waiting for the authority) or none."""

    state: TimestampState
    summary: str
    granted: tuple[GrantedTimestamp, ...] = ()


@dataclass(frozen=True)
class Exhibit:
    item_id: int
    control_number: str
    kind: str
    kind_label: str
    title: str
    url: str
    facts: tuple[tuple[str, str], ...]  # (label, value) in reading order
    started_utc: str
    sealed_utc: str
    route: str
    exit_text: str
    persona: str
    artifacts: tuple[ArtifactLine, ...]
    timestamp: TimestampStatus
    thumbnail: EmbeddedImage | None
    thumbnail_note: str
    warnings: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def compact(self) -> bool:
        """Page visits from automatic capture are listed in a table, without pictures."""
        return self.kind == VISIT_KIND


@dataclass(frozen=True)
class LookupLine:
    lookup_id: int
    kind: str
    target: str
    servers: tuple[str, ...]
    route: str
    started_utc: str
    finished_utc: str
    saved_utc: str
    officer: str
    summary: tuple[str, ...]
    warnings: tuple[str, ...]
    record_sha256: str


@dataclass(frozen=True)
class ContactLine:
    entry_id: int
    occurred_utc: str
    persona: str
    channel: str
    direction: str
    entry_sha256: str
    redacted: bool
    counterparts: tuple[str, ...] = ()
    content: str = WITHHELD_TEXT
    is_summary: bool = False
    attachments: tuple[str, ...] = ()
    evidence_ids: tuple[int, ...] = ()
    authorisation_ref: str = ""
    officer: str = ""
    supersedes: int | None = None
    superseded_by: int | None = None


@dataclass(frozen=True)
class TimelineEntry:
    utc: str
    event: str
    detail: str


@dataclass(frozen=True)
class AuditHead:
    events: int
    last_seq: int
    last_hash: str
    signed: SignedHead | None
    signed_statement: str  # the exact bytes the signature covers (canonical JSON)
    signature_base64: str
    public_key_hex: str
    public_key_pem: str
    pinned: bool = False  # the head was given (a package's), not signed for this report


@dataclass(frozen=True)
class ReportModel:
    title: str
    case_id: str
    reference: str
    generated_utc: str
    generated_by: str
    tool: Mapping[str, str]
    case_facts: tuple[tuple[str, str], ...]
    request_facts: tuple[tuple[str, str], ...]
    counts: tuple[tuple[str, int], ...]
    timeline: tuple[TimelineEntry, ...]
    exhibits: tuple[Exhibit, ...]
    lookups: tuple[LookupLine, ...]
    contacts: tuple[ContactLine, ...]
    audit: AuditHead
    redact_contacts: bool
    withheld_personas: int
    verification: tuple[str, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def exhibit_ids(self) -> list[int]:
        return [exhibit.item_id for exhibit in self.exhibits]


@dataclass(frozen=True)
class CheckedExhibit:
    """An exhibit its caller has just read and verified (the package export does): the
    report takes its problems and picture instead of reading its artifacts again."""

    problems: tuple[str, ...]
    thumbnail: EmbeddedImage | None
    thumbnail_note: str


@dataclass(frozen=True)
class ReportOptions:
    item_ids: list[int] | None = None
    redact_contacts: bool = False
    withheld_personas: frozenset[str] = frozenset()
    thumbnails: Thumbnailer | None = None
    generated_by: str = ""
    generated_utc: str = ""
    head: SignedHead | None = None  # name this head (the log is shown up to it)
    checked: Mapping[int, CheckedExhibit] = field(default_factory=dict)


# -- redaction ------------------------------------------------------------------------


class Redactor:
    """Hides withheld personas: their alias in persona fields, their identifiers in text."""

    def __init__(self, personas: Sequence[Persona], withheld: Iterable[str]) -> None:
        known = {alias_key(p.alias): p for p in personas}
        wanted = {alias_key(alias): alias for alias in withheld}
        unknown = sorted(alias for key, alias in wanted.items() if key not in known)
        if unknown:
            raise InputError(
                f"This case has no persona called {', '.join(unknown)}; "
                "only a persona of the case can be withheld."
            )
        self._keys = frozenset(wanted)
        identifiers = {
            _nfc(value)
            for key in wanted
            for value in _identifiers(known[key])
            if len(value.strip()) >= MIN_SCRUBBED_LENGTH
        }
        # Longest first, so "Night Owl" goes before "Owl".
        ordered = sorted(identifiers, key=lambda value: (-len(value), value))
        self._pattern = (
            re.compile("|".join(re.escape(value) for value in ordered), re.IGNORECASE)
            if ordered
            else None
        )

    @property
    def count(self) -> int:
        return len(self._keys)

    def is_withheld(self, alias: str | None) -> bool:
        return alias is not None and alias_key(alias) in self._keys

    def persona(self, alias: str | None) -> str:
        if not alias:
            return ""
        return WITHHELD if self.is_withheld(alias) else self.text(alias)

    def text(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if self._pattern is None:
            return text
        return self._pattern.sub(WITHHELD_PERSONA_TEXT, _nfc(text))


def _identifiers(persona: Persona) -> list[str]:
    values = [persona.alias, persona.email, persona.phone]
    values += [account.handle for account in persona.accounts]
    return [value for value in values if value]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# -- gathering ------------------------------------------------------------------------


def gather(case: Case, options: ReportOptions) -> ReportModel:
    """Read everything the report shows. The caller signs the audit head first, or names
    the head in options.head (the log is then shown up to it)."""
    meta = case.metadata()
    info = case.info()
    redactor = Redactor(case.personas(include_retired=True), options.withheld_personas)
    records = chosen_exhibits(case.evidence_items(), options.item_ids)
    queued = {pending.item_id: pending for pending in case.pending_timestamps()}
    exhibits = tuple(
        gather_exhibit(
            case,
            record,
            redactor,
            queued.get(record.id),
            options.thumbnails,
            checked=options.checked.get(record.id),
        )
        for record in records
    )
    lookups = tuple(lookup_line(saved, redactor) for saved in case.lookups())
    contacts = tuple(
        contact_line(entry, redactor, options.redact_contacts) for entry in case.contacts()
    )
    events = events_up_to(case.audit_events(), options.head)
    reference = redactor.text(meta.reference)
    title = f"Final report, case {reference}" if reference else "Final report"
    counts = dict(case.counts())
    if options.head is not None:
        counts["audit_events"] = len(events)
        counts["signed_heads"] = sum(1 for h in case.signed_heads() if h.seq <= options.head.seq)
    return ReportModel(
        title=title,
        case_id=case.case_id,
        reference=reference,
        generated_utc=options.generated_utc,
        generated_by=redactor.text(options.generated_by),
        tool=_tool(),
        case_facts=_case_facts(case.case_id, meta, info, redactor),
        request_facts=(
            ("Requesting unit", redactor.text(meta.requesting_unit) or "(not recorded)"),
            ("Legal basis", redactor.text(meta.legal_basis) or "(not recorded)"),
        ),
        counts=_counts(exhibits, counts, len(lookups), len(contacts), redactor.count),
        timeline=tuple(timeline(exhibits, lookups, contacts, events, redactor)),
        exhibits=exhibits,
        lookups=lookups,
        contacts=contacts,
        audit=audit_head(case, events, options.head),
        redact_contacts=options.redact_contacts,
        withheld_personas=redactor.count,
        verification=tuple(procedure(package=False)),
        problems=tuple(
            f"Exhibit {exhibit.item_id} ({exhibit.control_number}): {problem}"
            for exhibit in exhibits
            for problem in exhibit.problems
        ),
    )


def _tool() -> dict[str, str]:
    from workstation.version import tool_identity  # noqa: PLC0415  (asks git once, lazily)

    return tool_identity()


def chosen_exhibits(records: Sequence[EvidenceRecord], item_ids: list[int] | None) -> list[Any]:
    """The exhibits the officer chose (all when None), in the case's order.

    An exhibit number the case does not hold is refused, naming it.
    """
    if item_ids is None:
        return list(records)
    known = {record.id for record in records}
    missing = sorted({int(item) for item in item_ids} - known)
    if missing:
        listed = ", ".join(str(item) for item in missing)
        raise InputError(
            f"This case has no exhibit {listed}. "
            + (
                f"Its exhibits are numbered {min(known)} to {max(known)}."
                if known
                else "It holds no exhibits yet."
            )
        )
    wanted = {int(item) for item in item_ids}
    return [record for record in records if record.id in wanted]


def _case_facts(
    case_id: str, meta: Any, info: Mapping[str, str], redactor: Redactor
) -> tuple[tuple[str, str], ...]:
    return (
        ("Case reference", redactor.text(meta.reference) or "(none)"),
        ("Case id", case_id),
        ("Officer", redactor.text(meta.officer) or "(not recorded)"),
        ("Commodity area", str(meta.commodity)),
        ("Status", str(meta.status)),
        ("Opened (UTC)", meta.opened_utc or "(unknown)"),
        ("Closed (UTC)", meta.closed_utc or "not closed"),
        ("Clock", redactor.text(info.get("clock_source", "")) or "(not recorded)"),
    )


def _counts(
    exhibits: Sequence[Exhibit],
    counts: Mapping[str, int],
    lookups: int,
    contacts: int,
    withheld: int,
) -> tuple[tuple[str, int], ...]:
    by_kind = {kind: sum(1 for e in exhibits if e.kind == kind) for kind in KIND_LABELS}
    rows = [
        ("Exhibits in this report", len(exhibits)),
        ("  page snapshots", by_kind[SNAPSHOT_KIND]),
        ("  downloads", by_kind[DOWNLOAD_KIND]),
        ("  page visits (automatic capture)", by_kind[VISIT_KIND]),
        ("Exhibits in the case", counts.get("evidence_items", 0)),
        ("Saved lookups", lookups),
        ("Contact log entries", contacts),
        ("Personas", counts.get("personas", 0)),
    ]
    if withheld:
        rows.append(("  withheld in this report", withheld))
    rows += [
        ("Audit log events", counts.get("audit_events", 0)),
        ("Signed audit heads", counts.get("signed_heads", 0)),
    ]
    return tuple(rows)


# -- exhibits -------------------------------------------------------------------------


def check_exhibit(
    record: EvidenceRecord,
    stored: Sequence[Any],
    thumbnails: Thumbnailer | None,
    problems: Sequence[str] | None = None,
) -> CheckedExhibit:
    """What the report needs of an exhibit's artifacts: the problems verification finds
    (given when the caller has just verified them) and the screenshot's thumbnail."""
    if problems is None:
        problems = verify_item(record.control_number, record.manifest, stored).problems
    kind = str(_manifest(record.manifest).get("kind") or "unknown")
    screenshot = next((a.data for a in stored if a.name == SCREENSHOT_NAME), None)
    picture, note = (
        _thumbnail(bytes(screenshot) if screenshot is not None else None, thumbnails)
        if kind == SNAPSHOT_KIND
        else (None, "")
    )
    return CheckedExhibit(tuple(problems), picture, note)


def gather_exhibit(
    case: Case,
    record: EvidenceRecord,
    redactor: Redactor,
    queued: Any | None,
    thumbnails: Thumbnailer | None,
    *,
    checked: CheckedExhibit | None = None,
) -> Exhibit:
    manifest = _manifest(record.manifest)
    kind = str(manifest.get("kind") or "unknown")
    if checked is None:
        checked = check_exhibit(record, case.artifacts(record.id), thumbnails)
    problems, picture, note = checked.problems, checked.thumbnail, checked.thumbnail_note
    persona = redactor.persona(_text(manifest.get("persona")))
    route = redactor.text(manifest.get("route"))
    exit_text = _exit_text(manifest.get("exit"), redactor)
    stamp = _timestamp_status(case, record.id, queued, redactor)
    url = redactor.text(_main_url(manifest))
    started = _text(manifest.get("started_utc"))
    facts = _exhibit_facts(
        manifest,
        redactor,
        record=record,
        route=route,
        exit_text=exit_text,
        persona=persona,
        stamp=stamp,
    )
    return Exhibit(
        item_id=record.id,
        control_number=record.control_number,
        kind=kind,
        kind_label=KIND_LABELS.get(kind, kind),
        title=redactor.text(manifest.get("title") or manifest.get("suggested_name") or ""),
        url=url,
        facts=facts,
        started_utc=started,
        sealed_utc=record.created_utc,
        route=route,
        exit_text=exit_text,
        persona=persona,
        artifacts=tuple(_artifact_lines(manifest, redactor)),
        timestamp=stamp,
        thumbnail=picture,
        thumbnail_note=note,
        warnings=tuple(redactor.text(w) for w in manifest.get("warnings") or []),
        problems=tuple(problems),
    )


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        value = canonjson.loads(bytes(data))
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _main_url(manifest: Mapping[str, Any]) -> str:
    return _text(
        manifest.get("final_url") or manifest.get("source_url") or manifest.get("requested_url")
    )


def _exhibit_facts(
    manifest: Mapping[str, Any],
    redactor: Redactor,
    *,
    record: EvidenceRecord,
    route: str,
    exit_text: str,
    persona: str,
    stamp: TimestampStatus,
) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = [("Control number", record.control_number)]

    def add(label: str, value: Any) -> None:
        text = redactor.text(value) if value not in (None, "") else ""
        if text:
            rows.append((label, text))

    add("Title", manifest.get("title"))
    add("Address", _main_url(manifest))
    if manifest.get("requested_url") and manifest.get("requested_url") != _main_url(manifest):
        add("Requested address", manifest.get("requested_url"))
    chain = manifest.get("navigation_chain") or []
    if isinstance(chain, list) and len(chain) > 1:
        add("Redirects", " -> ".join(str(step) for step in chain))
    add("Found on page", manifest.get("page_url"))
    add("File name given by the site", manifest.get("suggested_name"))
    add("Loading began (UTC)", manifest.get("load_started_utc"))
    add("Captured from (UTC)", manifest.get("started_utc"))
    add("Captured until (UTC)", manifest.get("finished_utc"))
    add("Sealed (UTC)", record.created_utc)
    add("Route", route)
    add("Exit", exit_text)
    rows.append(("Persona", persona or "none (the workstation's own identity)"))
    add("Officer", manifest.get("officer"))
    add("Note", manifest.get("note"))
    if manifest.get("site_error_status") is not None:
        add("Site answered", f"HTTP {manifest.get('site_error_status')} (an error page)")
    if manifest.get("recorded_exchanges") is not None:
        add("Recorded exchanges", manifest.get("recorded_exchanges"))
    rows.append(("Timestamp", stamp.summary))
    return tuple(rows)


def _exit_text(value: Any, redactor: Redactor) -> str:
    """Where the traffic left the route: address and country, or why that is unknown."""
    if not isinstance(value, dict):
        return "not recorded"
    address, country = value.get("address"), value.get("country")
    parts = [str(address) if address else "address unknown"]
    if country:
        parts.append(str(country))
    via = value.get("via")
    text = ", ".join(parts) + (f" (via {via})" if via else "")
    detail = value.get("detail")
    if not address and detail:
        text += f": {detail}"
    return redactor.text(text)


def _artifact_lines(manifest: Mapping[str, Any], redactor: Redactor) -> list[ArtifactLine]:
    lines = []
    for entry in manifest.get("artifacts") or []:
        if isinstance(entry, dict):
            size = entry.get("size")
            lines.append(
                ArtifactLine(
                    name=redactor.text(entry.get("name")),
                    media_type=_text(entry.get("media_type")),
                    sha256=_text(entry.get("sha256")),
                    size=size if isinstance(size, int) else 0,
                )
            )
    return lines


def _timestamp_status(
    case: Case, item_id: int, queued: Any | None, redactor: Redactor
) -> TimestampStatus:
    granted = tuple(
        GrantedTimestamp(stamp.gen_time_utc, redactor.text(stamp.tsa_url), stamp.reply_sha256)
        for stamp in case.timestamps(item_id)
    )
    if granted:
        first = granted[0]
        more = f", and {len(granted) - 1} more" if len(granted) > 1 else ""
        return TimestampStatus(
            "granted", f"granted: {first.gen_time_utc} by {first.tsa_url} (RFC 3161){more}", granted
        )
    if queued is not None:
        return TimestampStatus(
            "queued",
            f"queued: waiting for {redactor.text(queued.tsa_url)} "
            f"({queued.attempts} attempt(s) so far)",
        )
    return TimestampStatus("none", "none (no timestamp authority was used)")


_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def image_media_type(data: bytes) -> str | None:
    """image/png or image/jpeg by the file's first bytes; None for anything else.

    Only these two go into a data: URI, so nothing in a screenshot's place can be a
    document, a script or an SVG with links.
    """
    if data.startswith(_PNG_MAGIC):
        return "image/png"
    if data.startswith(_JPEG_MAGIC):
        return "image/jpeg"
    return None


def _thumbnail(
    screenshot: bytes | None, thumbnails: Thumbnailer | None
) -> tuple[EmbeddedImage | None, str]:
    if screenshot is None:
        return None, "This snapshot has no screenshot."
    picture = screenshot
    note = "The screenshot (screenshot.png), reduced."
    if thumbnails is not None:
        try:
            picture = thumbnails(screenshot)
            note = "The top of the screenshot, reduced; the full page is screenshot.png."
        except Exception:  # noqa: BLE001  (a picture that cannot be scaled goes in whole)
            log.warning("a screenshot could not be scaled; it is embedded as it is")
    media_type = image_media_type(picture)
    if media_type is None:
        return None, "The screenshot could not be shown here; see screenshot.png."
    return EmbeddedImage(media_type, picture), note


# -- lookups and contacts -------------------------------------------------------------


def lookup_line(saved: SavedLookup, redactor: Redactor) -> LookupLine:
    try:
        record = saved.record
    except ValueError:
        record = {}
    exchanges = record.get("exchanges") or []
    servers = sorted(
        {str(e.get("server")) for e in exchanges if isinstance(e, dict) and e.get("server")}
    )
    return LookupLine(
        lookup_id=saved.id,
        kind=saved.kind,
        target=redactor.text(saved.target),
        servers=tuple(redactor.text(server) for server in servers),
        route=redactor.text(saved.route),
        started_utc=saved.started_utc,
        finished_utc=saved.finished_utc,
        saved_utc=saved.saved_utc,
        officer=redactor.text(saved.officer),
        summary=tuple(redactor.text(line) for line in saved.summary) if record else (),
        warnings=tuple(redactor.text(w) for w in record.get("warnings") or []),
        record_sha256=saved.record_sha256,
    )


def contact_line(entry: ContactEntry, redactor: Redactor, redact: bool) -> ContactLine:
    digest = entry_digest(entry)
    persona = redactor.persona(entry.persona)
    # A withheld persona's own entries are never shown in full, whatever else is asked.
    if redact or redactor.is_withheld(entry.persona):
        return ContactLine(
            entry_id=entry.id,
            occurred_utc=entry.occurred_utc,
            persona=persona,
            channel=redactor.text(entry.channel),
            direction=entry.direction,
            entry_sha256=digest,
            redacted=True,
        )
    return ContactLine(
        entry_id=entry.id,
        occurred_utc=entry.occurred_utc,
        persona=persona,
        channel=redactor.text(entry.channel),
        direction=entry.direction,
        entry_sha256=digest,
        redacted=False,
        counterparts=tuple(f"{c.kind}: {redactor.text(c.value)}" for c in entry.counterparts),
        content=redactor.text(entry.content),
        is_summary=entry.is_summary,
        attachments=tuple(
            f"{redactor.text(a.name)} ({a.size} bytes, SHA-256 {a.sha256})"
            for a in entry.attachments
        ),
        evidence_ids=entry.evidence_ids,
        authorisation_ref=redactor.text(entry.authorisation_ref),
        officer=redactor.text(entry.officer),
        supersedes=entry.supersedes,
        superseded_by=entry.superseded_by,
    )


# -- timeline -------------------------------------------------------------------------


def timeline(
    exhibits: Sequence[Exhibit],
    lookups: Sequence[LookupLine],
    contacts: Sequence[ContactLine],
    events: Sequence[Any],
    redactor: Redactor,
) -> list[TimelineEntry]:
    """Everything with a time, oldest first: case events, exhibits, lookups, contacts."""
    entries = list(_case_events(events, redactor))
    for exhibit in exhibits:
        entries.append(
            TimelineEntry(
                exhibit.sealed_utc,
                f"Exhibit {exhibit.item_id} sealed ({exhibit.kind_label.lower()})",
                exhibit.url,
            )
        )
        for stamp in exhibit.timestamp.granted:
            entries.append(
                TimelineEntry(
                    stamp.gen_time_utc,
                    f"Timestamp granted for exhibit {exhibit.item_id}",
                    stamp.tsa_url,
                )
            )
    for lookup in lookups:
        entries.append(
            TimelineEntry(
                lookup.saved_utc, f"Lookup {lookup.lookup_id} saved ({lookup.kind})", lookup.target
            )
        )
    for contact in contacts:
        direction = "incoming" if contact.direction == "in" else "outgoing"
        who = f"persona {contact.persona}" if contact.persona else "no persona"
        detail = who if contact.redacted else f"{who}; {', '.join(contact.counterparts)}"
        entries.append(
            TimelineEntry(
                contact.occurred_utc,
                f"Contact {contact.entry_id} ({contact.channel}, {direction})",
                detail,
            )
        )
    return sorted(entries, key=lambda entry: (utc_sort_key(entry.utc), entry.event))


def _case_events(events: Sequence[Any], redactor: Redactor) -> Iterable[TimelineEntry]:
    for event in events:
        try:
            details = event.details
        except ValueError:
            continue
        described = _describe_event(event.action, details)
        if described is not None:
            yield TimelineEntry(event.utc, described, redactor.text(event.actor))


def _describe_event(action: str, details: Mapping[str, Any]) -> str | None:
    if action == "case.created":
        return "Case opened (created)"
    if action == "case.metadata_changed":
        status = (details.get("changes") or {}).get("status")
        if isinstance(status, dict):
            return "Case closed" if status.get("new") == "closed" else "Case reopened"
        return None
    if action == "evidence.exported":
        exported = details.get("exhibits")
        count = len(exported) if isinstance(exported, list) else 0
        return f"Evidence exported ({count} exhibit(s))"
    if action == "report.generated":
        return f"Report generated ({details.get('format', 'html')})"
    return None


def utc_sort_key(value: str) -> datetime:
    """A UTC time for ordering; unreadable times sort first rather than failing."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


# -- the audit head -------------------------------------------------------------------


def events_up_to(events: Sequence[Any], head: SignedHead | None) -> Sequence[Any]:
    """The log up to and including the given head's event (all of it without a head)."""
    if head is None:
        return events
    if not 0 < head.seq <= len(events) or events[head.seq - 1].hash != head.hash:
        raise ValueError(f"the head over event {head.seq} is not one of this case's log")
    return events[: head.seq]


def audit_head(case: Case, events: Sequence[Any], head: SignedHead | None = None) -> AuditHead:
    """The log's last event and the head the report names: the given one, else the newest."""
    heads = case.signed_heads()
    signed = head if head is not None else (heads[-1] if heads else None)
    key_hex = case.public_key_hex()
    statement = (
        signed_bytes(case.case_id, signed.seq, signed.hash, signed.utc, signed.reason).decode(
            "utf-8"
        )
        if signed is not None
        else ""
    )
    signature = (
        base64.b64encode(bytes.fromhex(signed.signature_hex)).decode("ascii")
        if signed is not None
        else ""
    )
    last = events[-1] if events else None
    return AuditHead(
        events=len(events),
        last_seq=last.seq if last is not None else 0,
        last_hash=last.hash if last is not None else "",
        signed=signed,
        signed_statement=statement,
        signature_base64=signature,
        public_key_hex=key_hex,
        public_key_pem=public_key_pem(key_hex),
        pinned=head is not None,
    )


def public_key_pem(key_hex: str) -> str:
    """The case's Ed25519 public key as PEM (what `openssl pkeyutl -verify` reads)."""
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
