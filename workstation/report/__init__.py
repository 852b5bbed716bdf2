"""The final report of a case: HTML (and, through browser/pdf_render.py, PDF).

``build_report`` signs the audit head (or names the head it is given: the evidence
package's), gathers what goes in (model.py), renders it (html.py) and records
``report.generated`` with the report's SHA-256 in the case's audit log. Qt-free; the PDF
is made by the Qt layer from these bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from workstation.canonjson import JsonValue
from workstation.casefile import Case, SignedHead
from workstation.casefile.audit import AuditEvent, utc_now
from workstation.report.html import render_html
from workstation.report.model import (
    CheckedExhibit,
    ReportModel,
    ReportOptions,
    check_exhibit,
    gather,
)

__all__ = [
    "REPORT_ACTION",
    "CheckedExhibit",
    "Report",
    "build_report",
    "check_exhibit",
    "record_report",
]

REPORT_ACTION = "report.generated"
HEAD_REASON = "report generated"


@dataclass(frozen=True)
class Report:
    """A generated report: the HTML bytes (UTF-8) and what it covers."""

    html: bytes
    exhibit_ids: list[int]
    title: str
    generated_utc: str = ""
    control_numbers: list[str] = field(default_factory=list)
    redact_contacts: bool = False
    withheld_personas: int = 0
    problems: list[str] = field(default_factory=list)  # exhibits that failed verification

    @property
    def sha256(self) -> str:
        """SHA-256 of the HTML."""
        return hashlib.sha256(self.html).hexdigest()


def build_report(
    case: Case,
    *,
    item_ids: list[int] | None = None,
    redact_contacts: bool = False,
    withheld_personas: frozenset[str] = frozenset(),
    thumbnails: Callable[[bytes], bytes] | None = None,
    generated_by: str = "",
    record_in_audit: bool = True,
    head: SignedHead | None = None,
    checked: Mapping[int, CheckedExhibit] | None = None,
) -> Report:
    """Make the report of ``case``: all exhibits, or those numbered in ``item_ids``.

    redact_contacts keeps only each contact entry's time, persona, channel, direction
    and hash; withheld_personas (aliases) are shown as "withheld" and their identifiers
    removed from every text. thumbnails scales a screenshot PNG (the Qt layer passes
    one); without it screenshots go in whole. The audit head is signed first, so the
    report names a head the case vouches for; a caller that has signed one already (the
    evidence package, whose audit log ends there) passes it as ``head``, and the report
    names that one and shows the log up to it. ``checked`` holds exhibits the caller has
    just read and verified (check_exhibit), so they are not read again. With
    record_in_audit (the default) the HTML's SHA-256 is recorded as ``report.generated``;
    a caller that delivers another form (a PDF) passes False and calls record_report
    with that file's hash.
    """
    if head is None:
        case.sign_head(HEAD_REASON)
    options = ReportOptions(
        item_ids=item_ids,
        redact_contacts=redact_contacts,
        withheld_personas=frozenset(withheld_personas),
        thumbnails=thumbnails,
        generated_by=generated_by.strip() or _default_author(case),
        generated_utc=utc_now(),
        head=head,
        checked=dict(checked or {}),
    )
    model = gather(case, options)
    report = _report(model, render_html(model))
    if record_in_audit:
        record_report(case, report, file_sha256=report.sha256, file_format="html")
    return report


def _report(model: ReportModel, html: bytes) -> Report:
    return Report(
        html=html,
        exhibit_ids=model.exhibit_ids,
        title=model.title,
        generated_utc=model.generated_utc,
        control_numbers=[exhibit.control_number for exhibit in model.exhibits],
        redact_contacts=model.redact_contacts,
        withheld_personas=model.withheld_personas,
        problems=list(model.problems),
    )


def _default_author(case: Case) -> str:
    from workstation.settings import Settings, default_officer  # noqa: PLC0415

    return Settings.load().officer or case.metadata().officer or default_officer()


def record_report(case: Case, report: Report, *, file_sha256: str, file_format: str) -> AuditEvent:
    """Record in the audit log that this report was generated, with the delivered file's
    SHA-256 (and the HTML's, which the file was made from)."""
    details: dict[str, JsonValue] = {
        "format": file_format,
        "sha256": file_sha256,
        "html_sha256": report.sha256,
        "title": report.title,
        "generated_utc": report.generated_utc,
        "exhibits": [
            {"item_id": item_id, "control_number": number}
            for item_id, number in zip(report.exhibit_ids, report.control_numbers, strict=True)
        ],
        "redact_contacts": report.redact_contacts,
        "withheld_personas": report.withheld_personas,
    }
    return case.append_audit(REPORT_ACTION, details)
