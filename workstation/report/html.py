"""The report as one self-contained HTML file (Qt-free).

Every value from the case is escaped: markup is only ever made by ``element``, which
escapes text children and attribute values, so a page title like ``<script>`` is
shown, never run. The file loads nothing: images are data: URIs, the stylesheet is
inline, and a Content-Security-Policy allows nothing else (no scripts, no fetches,
only this stylesheet by its hash and data: images). Evidence addresses are text,
not links, so a click cannot take the reader's browser to a suspect's site.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence

from workstation.report.model import (
    AuditHead,
    ContactLine,
    Exhibit,
    LookupLine,
    ReportModel,
)
from workstation.report.verification_text import COMMAND_INDENT, is_command

# The signed head the report names, as <meta name=... content=...> in its <head>.
HEAD_SEQ_META = "audit-head-seq"
HEAD_HASH_META = "audit-head-hash"


class Markup(str):
    """Text that is already HTML (made by element or join); never escaped again."""


def escape(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


def element(tag: str, *children: object, cls: str | None = None, **attrs: str) -> Markup:
    """<tag attrs>children</tag>; text children and attribute values are escaped."""
    attributes = dict(attrs)
    if cls:
        attributes["class"] = cls
    opening = tag + "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
    )
    if tag in _VOID:
        return Markup(f"<{opening}>")
    return Markup(f"<{opening}>{join(children)}</{tag}>")


def join(children: Iterable[object]) -> Markup:
    return Markup("".join(escape(child) for child in children if child is not None))


_VOID = {"img", "meta"}


def hash_text(value: str) -> Markup:
    """A SHA-256 in monospace (the stylesheet lets it wrap in narrow columns)."""
    return element("code", value, cls="hash")


# -- the page -------------------------------------------------------------------------


def render_html(model: ReportModel) -> bytes:
    """The whole report, UTF-8."""
    style = stylesheet(model)
    style_hash = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    policy = (
        "default-src 'none'; img-src data:; "
        f"style-src 'sha256-{style_hash}'; base-uri 'none'; form-action 'none'"
    )
    head = join(
        [
            Markup('<meta charset="utf-8">'),
            element("meta", http_equiv="Content-Security-Policy", content=policy),
            element("meta", name="referrer", content="no-referrer"),
            element(
                "meta",
                name="generator",
                content=f"{model.tool.get('name', '')} {model.tool.get('version', '')} "
                f"(build {model.tool.get('build', '')})",
            ),
            *_head_meta(model.audit),
            element("title", model.title),
            Markup(f"<style>{style}</style>"),
        ]
    )
    body = join(
        [
            _cover(model),
            _problems(model.problems),
            _section("case", "1. The case", _facts(model.case_facts)),
            _section("request", "2. The request", _request(model)),
            _section("timeline", "3. Timeline", _timeline(model)),
            _section("exhibits", "4. Exhibits", _exhibits(model.exhibits)),
            _section("lookups", "5. Lookups", _lookups(model.lookups)),
            _section("contacts", "6. Contact log", _contacts(model)),
            _section("audit", "7. Audit log", _audit(model.audit)),
            _section("tool", "8. The tool", _tool(model)),
            _section("verification", "9. How to verify", _verification(model.verification)),
        ]
    )
    document = f'<!doctype html>\n<html lang="en"><head>{head}</head>\n<body>{body}</body></html>\n'
    return document.encode("utf-8")


def _head_meta(audit: AuditHead) -> list[Markup]:
    """The signed head the report names, machine-readable (a package's verifier checks that
    it is the head the package's audit log ends at)."""
    if audit.signed is None:
        return []
    return [
        element("meta", name=HEAD_SEQ_META, content=str(audit.signed.seq)),
        element("meta", name=HEAD_HASH_META, content=audit.signed.hash),
    ]


def _section(anchor: str, title: str, *content: object) -> Markup:
    return element("section", element("h2", title), *content, id=anchor)


def _facts(rows: Iterable[tuple[str, str]], *, hashes: Sequence[str] = ()) -> Markup:
    """A two-column table of label and value; labels in ``hashes`` show monospace."""
    lines = [
        element(
            "tr",
            element("th", label, scope="row"),
            element("td", hash_text(value) if label in hashes else value),
        )
        for label, value in rows
    ]
    return element("table", element("tbody", *lines), cls="facts")


def _table(headings: Sequence[str], rows: Iterable[Sequence[object]], cls: str) -> Markup:
    head = element("thead", element("tr", *(element("th", h, scope="col") for h in headings)))
    body = element("tbody", *(element("tr", *(element("td", c) for c in row)) for row in rows))
    return element("table", head, body, cls=cls)


def _paragraph(text: str, cls: str | None = None) -> Markup:
    return element("p", text, cls=cls)


# -- cover, case, request, timeline ---------------------------------------------------


def _cover(model: ReportModel) -> Markup:
    generated = (
        f"Generated {model.generated_utc} (UTC) by {model.generated_by or 'unknown'} with "
        f"{model.tool.get('name', '')} {model.tool.get('version', '')} "
        f"(build {model.tool.get('build', '')})."
    )
    notes = [
        _paragraph(generated, "generated"),
        _paragraph(
            "All times are UTC, written as ISO 8601 (the trailing Z means UTC). Addresses "
            "of web pages are given as text; they are evidence, not links to follow."
        ),
    ]
    if model.redact_contacts:
        notes.append(
            _paragraph(
                "The contents and counterparts of the contact log are withheld in this copy; "
                "each entry keeps its SHA-256, which the case's audit log records.",
                "notice",
            )
        )
    if model.withheld_personas:
        notes.append(
            _paragraph(
                f"{model.withheld_personas} persona(s) are withheld in this copy: they are "
                "shown as 'withheld' and their names and identifiers as "
                "'[withheld persona]'.",
                "notice",
            )
        )
    return element("header", element("h1", model.title), *notes, cls="cover")


def _problems(problems: Sequence[str]) -> Markup | None:
    if not problems:
        return None
    return element(
        "div",
        element("h2", "Verification problems found while this report was made"),
        element("ul", *(element("li", problem) for problem in problems)),
        cls="problems",
    )


def _request(model: ReportModel) -> Markup:
    rows = (
        element(
            "tr",
            element("td", label.strip(), cls="sub" if label.startswith(" ") else None),
            element("td", count),
        )
        for label, count in model.counts
    )
    head = element("thead", element("tr", element("th", "What"), element("th", "Number")))
    counts = element("table", head, element("tbody", *rows), cls="counts")
    return join(
        [
            _facts(model.request_facts),
            element("h3", "In numbers"),
            counts,
        ]
    )


def _timeline(model: ReportModel) -> Markup:
    if not model.timeline:
        return _paragraph("Nothing happened in this case yet.")
    rows = ((element("code", e.utc, cls="time"), e.event, e.detail) for e in model.timeline)
    return _table(["Time (UTC)", "What", "Detail"], rows, "timeline")


# -- exhibits -------------------------------------------------------------------------


def _exhibits(exhibits: Sequence[Exhibit]) -> Markup:
    if not exhibits:
        return _paragraph("No exhibits were chosen for this report.")
    full = [e for e in exhibits if not e.compact]
    visits = [e for e in exhibits if e.compact]
    parts: list[Markup] = [
        _paragraph(
            "Each exhibit was sealed when it was captured: its manifest lists every file "
            "with its SHA-256, and the SHA-256 of the manifest is the exhibit's control "
            "number. Section 9 explains how to check them."
        )
    ]
    parts += [_exhibit(exhibit) for exhibit in full]
    if visits:
        parts.append(element("h3", "Page visits (automatic capture)", id="page-visits"))
        parts.append(
            _paragraph(
                "Pages the officer visited, sealed automatically with their recorded traffic "
                "(page.warc.gz) and visible text (page.txt); they have no screenshot."
            )
        )
        parts.append(_visit_table(visits))
    return join(parts)


def _exhibit(exhibit: Exhibit) -> Markup:
    heading = element("h3", f"Exhibit {exhibit.item_id}: {exhibit.kind_label}")
    control = element(
        "p",
        element("span", "Control number ", cls="label"),
        hash_text(exhibit.control_number),
        cls="control",
    )
    facts = [(label, value) for label, value in exhibit.facts if label != "Control number"]
    parts: list[Markup | None] = [
        heading,
        control,
        element("div", _facts(facts), _figure(exhibit), cls="exhibit-body"),
        _artifacts(exhibit),
    ]
    if exhibit.timestamp.granted:
        parts.append(_granted(exhibit))
    if exhibit.warnings:
        parts.append(
            element("p", "Warnings recorded at capture: ", "; ".join(exhibit.warnings), cls="warn")
        )
    if exhibit.problems:
        parts.append(
            element("p", "Verification problems: ", "; ".join(exhibit.problems), cls="bad")
        )
    return element("article", *parts, cls="exhibit", id=f"exhibit-{exhibit.item_id}")


def _figure(exhibit: Exhibit) -> Markup | None:
    if exhibit.thumbnail is None:
        return _paragraph(exhibit.thumbnail_note, "muted") if exhibit.thumbnail_note else None
    return element(
        "figure",
        element(
            "img", src=exhibit.thumbnail.data_uri(), alt=f"Screenshot of exhibit {exhibit.item_id}"
        ),
        element("figcaption", exhibit.thumbnail_note),
        cls="thumb",
    )


def _artifacts(exhibit: Exhibit) -> Markup:
    rows = (
        (element("code", a.name), f"{a.size:,}".replace(",", " "), hash_text(a.sha256))
        for a in exhibit.artifacts
    )
    return _table(["File", "Bytes", "SHA-256"], rows, "artifacts")


def _granted(exhibit: Exhibit) -> Markup:
    rows = (
        (element("code", s.gen_time_utc, cls="time"), s.tsa_url, hash_text(s.reply_sha256))
        for s in exhibit.timestamp.granted
    )
    return _table(["Authority's time (UTC)", "Authority", "Reply SHA-256"], rows, "stamps")


def _visit_table(visits: Sequence[Exhibit]) -> Markup:
    rows = (
        (
            str(v.item_id),
            element("code", v.started_utc or v.sealed_utc, cls="time"),
            join(
                [
                    element("span", v.url, cls="url"),
                    element("div", v.title, cls="muted"),
                    element(
                        "div", f"Persona: {v.persona or 'none'}; route: {v.route}", cls="muted"
                    ),
                ]
            ),
            hash_text(v.control_number),
            v.timestamp.state,
        )
        for v in visits
    )
    return _table(
        ["No.", "Visited (UTC)", "Address, title, persona, route", "Control number", "Timestamp"],
        rows,
        "visits",
    )


# -- lookups --------------------------------------------------------------------------


def _lookups(lookups: Sequence[LookupLine]) -> Markup:
    if not lookups:
        return _paragraph("No lookups were saved in this case.")
    intro = _paragraph(
        "Each lookup was made through the same route as the browsing and saved with every "
        "question and answer byte for byte; the record's SHA-256 is in the audit log."
    )
    return join([intro, *(_lookup(lookup) for lookup in lookups)])


def _lookup(lookup: LookupLine) -> Markup:
    rows: list[tuple[str, str]] = [
        ("Kind", lookup.kind),
        ("Target", lookup.target),
        ("Servers asked", ", ".join(lookup.servers) or "(none: answered offline)"),
        ("Route", lookup.route or "(none)"),
        ("Started (UTC)", lookup.started_utc),
        ("Finished (UTC)", lookup.finished_utc),
        ("Saved (UTC)", lookup.saved_utc),
        ("Officer", lookup.officer),
        ("Record SHA-256", lookup.record_sha256),
    ]
    summary = (
        element("ul", *(element("li", line) for line in lookup.summary), cls="summary")
        if lookup.summary
        else None
    )
    warnings = (
        element("p", "Warnings: ", "; ".join(lookup.warnings), cls="warn")
        if lookup.warnings
        else None
    )
    return element(
        "article",
        element("h3", f"Lookup {lookup.lookup_id}: {lookup.kind} {lookup.target}"),
        _facts(rows, hashes=("Record SHA-256",)),
        summary,
        warnings,
        cls="lookup",
    )


# -- contacts -------------------------------------------------------------------------


def _contacts(model: ReportModel) -> Markup:
    if not model.contacts:
        return _paragraph("No contacts were logged in this case.")
    intro = _paragraph(
        "Every contact made through a persona, as logged (append-only: a correction is a "
        "new entry that names the one it corrects). The entry's SHA-256 is recorded in the "
        "audit log."
    )
    return join([intro, *(_contact(contact) for contact in model.contacts)])


def _contact(contact: ContactLine) -> Markup:
    direction = "incoming" if contact.direction == "in" else "outgoing"
    rows: list[tuple[str, str]] = [
        ("Time (UTC)", contact.occurred_utc),
        ("Persona", contact.persona),
        ("Channel", contact.channel),
        ("Direction", direction),
    ]
    if not contact.redacted:
        rows += [("Counterparts", "; ".join(contact.counterparts))]
        rows += _optional_contact_rows(contact)
    rows.append(("Entry SHA-256", contact.entry_sha256))
    label = "Summary" if contact.is_summary else "Content"
    content = element(
        "div",
        element("div", label, cls="label"),
        element("div", contact.content, cls="content redacted" if contact.redacted else "content"),
        cls="contact-content",
    )
    return element(
        "article",
        element("h3", f"Contact {contact.entry_id}"),
        _facts(rows, hashes=("Entry SHA-256",)),
        content,
        cls="contact",
    )


def _optional_contact_rows(contact: ContactLine) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if contact.attachments:
        rows.append(("Attachments", "; ".join(contact.attachments)))
    if contact.evidence_ids:
        rows.append(("Exhibits", ", ".join(str(i) for i in contact.evidence_ids)))
    if contact.authorisation_ref:
        rows.append(("Authorisation", contact.authorisation_ref))
    if contact.officer:
        rows.append(("Officer", contact.officer))
    if contact.supersedes is not None:
        rows.append(("Corrects entry", str(contact.supersedes)))
    if contact.superseded_by is not None:
        rows.append(("Corrected by entry", str(contact.superseded_by)))
    return rows


# -- audit, tool, verification --------------------------------------------------------


def _audit(audit: AuditHead) -> Markup:
    rows: list[tuple[str, str]] = [
        ("Events in the log", str(audit.events)),
        ("Last event", f"number {audit.last_seq}"),
        ("Last event's hash", audit.last_hash),
    ]
    signed = audit.signed
    if signed is not None:
        rows += [
            ("Latest signed head", f"event {signed.seq}, signed {signed.utc} ({signed.reason})"),
            ("Signed head's hash", signed.hash),
            ("Signature (Ed25519, base64)", audit.signature_base64),
        ]
    rows.append(("Case public key (hex)", audit.public_key_hex))
    hashes = ("Last event's hash", "Signed head's hash", "Signature (Ed25519, base64)")
    parts: list[Markup | None] = [
        _paragraph(
            "The case's audit log is a chain: each event holds the SHA-256 of the one before, "
            "and the case signs the chain's head with its own key. "
            + (
                "This is the log up to the signed head at which the evidence package's audit "
                "log (audit/audit-log.jsonl) ends; what the case recorded after it (the "
                "export itself) is not part of the package."
                if audit.pinned
                else "This is the state of the log when this report was generated (the "
                "report's own generation is recorded right after it)."
            )
        ),
        _facts(rows, hashes=(*hashes, "Case public key (hex)")),
    ]
    if signed is not None:
        parts += [
            element("h3", "Signed statement"),
            _paragraph(
                "The exact bytes that were signed: one line, no line break at the end (it is "
                "wrapped here only to fit the page)."
            ),
            element("pre", audit.signed_statement, cls="block"),
            element("h3", "Case public key (PEM)"),
            element("pre", audit.public_key_pem.strip(), cls="block"),
        ]
    return join(parts)


def _tool(model: ReportModel) -> Markup:
    rows = [
        ("Program", model.tool.get("name", "")),
        ("Version", model.tool.get("version", "")),
        ("Build", model.tool.get("build", "")),
        ("Report generated (UTC)", model.generated_utc),
        ("Generated by", model.generated_by or "unknown"),
    ]
    return _facts(rows)


def _verification(paragraphs: Sequence[str]) -> Markup:
    parts = []
    for paragraph in paragraphs:
        if is_command(paragraph):
            lines = [line[len(COMMAND_INDENT) :] for line in paragraph.split("\n")]
            parts.append(element("pre", "\n".join(lines), cls="cmd"))
        elif paragraph.isupper():
            parts.append(element("h3", paragraph.capitalize()))
        else:
            parts.append(_paragraph(paragraph))
    return join(parts)


# -- style ----------------------------------------------------------------------------


def css_string(text: str) -> str:
    """A CSS string literal for any text: everything but letters, digits and spaces is
    written as a hex escape, so no value can end the string or the stylesheet."""
    escaped = "".join(
        ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"\\{ord(ch):06x} " for ch in text
    )
    return f'"{escaped}"'


def stylesheet(model: ReportModel) -> str:
    running_head = css_string(model.title[:120])
    running_foot = css_string(f"Generated {model.generated_utc} UTC")
    return _STYLE.replace("%HEAD%", running_head).replace("%FOOT%", running_foot)


_STYLE = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
  line-height: 1.35; color: #111; background: #fff; max-width: 190mm; margin: 0 auto;
  padding: 8mm; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 14pt; border-bottom: 1px solid #888; margin: 8mm 0 3mm; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
p { margin: 1.5mm 0; }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; }
code.hash { font-size: 7.5pt; overflow-wrap: anywhere; word-break: break-all; }
code.time { font-size: 8.5pt; white-space: nowrap; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 8pt; margin: 2mm 0; }
pre.cmd { background: #f1f1f1; border-left: 3px solid #666; padding: 2mm 3mm; }
pre.block { background: #fafafa; border: 1px solid #ccc; padding: 2mm 3mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm;
  border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
thead th { border-bottom: 1.5px solid #555; font-size: 9pt; }
table.facts th { width: 40mm; font-weight: 600; color: #333; }
table.counts { width: auto; min-width: 90mm; }
table.counts td:last-child { text-align: right; }
table.timeline td:nth-child(1) { width: 48mm; }
table.artifacts, table.stamps, table.visits { font-size: 8.5pt; }
table.artifacts td:nth-child(2) { text-align: right; white-space: nowrap; }
table.visits td:nth-child(4) { width: 62mm; }
.cover { border-bottom: 2px solid #333; padding-bottom: 3mm; }
.generated { color: #333; }
.notice { border: 1px solid #a60; background: #fff6e5; padding: 1.5mm 2mm; }
.problems { border: 2px solid #a00; background: #fff0f0; padding: 2mm 3mm; margin: 4mm 0; }
.problems h2 { border: none; margin: 0 0 2mm; color: #a00; }
.warn { color: #7a4b00; }
.bad { color: #a00; font-weight: 600; }
.muted { color: #555; font-size: 8.5pt; }
.url { overflow-wrap: anywhere; }
article { border: 1px solid #bbb; border-radius: 2mm; padding: 2mm 4mm 3mm; margin: 4mm 0; }
article h3 { margin-top: 1mm; }
p.control { margin: 0 0 1mm; }
p.control .label { font-weight: 600; color: #333; }
p.control code.hash { font-size: 8.5pt; }
.exhibit-body { display: flex; gap: 4mm; align-items: flex-start; }
.exhibit-body table.facts { flex: 1 1 auto; }
.exhibit-body table.facts th { width: 34mm; }
figure.thumb { flex: 0 0 58mm; margin: 2mm 0; }
figure.thumb img { display: block; max-width: 58mm; max-height: 90mm; border: 1px solid #999; }
td.sub { padding-left: 6mm; color: #333; }
figcaption { font-size: 8.5pt; color: #555; }
.contact-content .label { font-weight: 600; font-size: 9pt; margin-top: 1.5mm; }
.content { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 3px solid #89a;
  padding: 1mm 3mm; margin: 1mm 0; }
.content.redacted { color: #666; font-style: italic; }
@page { size: A4;
  @top-left { content: %HEAD%; font: 8pt "DejaVu Sans", sans-serif; color: #555; }
  @bottom-left { content: %FOOT%; font: 8pt "DejaVu Sans", sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt "DejaVu Sans", sans-serif; color: #555; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  h2 { break-after: avoid-page; }
  h3 { break-after: avoid-page; }
  section { break-before: auto; }
  #exhibits { break-before: page; }
  article.exhibit figure, tr, pre { break-inside: avoid-page; }
  article.contact, article.lookup { break-inside: avoid-page; }
  .cover { margin-top: 0; }
}
"""
