"""What the final report gathers from a real case: chosen exhibits only, redaction of the
contact log, withheld personas, the audit head it names, and its own audit event."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cases import fast_case
from workstation.casefile import Case, ContactDraft, Counterpart
from workstation.errors import InputError
from workstation.evidence.snapshot import CapturedPage, SealContext, seal_page
from workstation.evidence.visit import Download, PageVisit, seal_download, seal_visit
from workstation.lookup.result import Exchange, LookupResult
from workstation.report import REPORT_ACTION, build_report
from workstation.report.model import (
    Redactor,
    ReportOptions,
    gather,
    image_media_type,
    utc_sort_key,
)
from workstation.report.verification_text import is_command, procedure

SECRET_CONTENT = "SECRET-meet-at-pier-7-with-4000-EUR"
SECRET_COUNTERPART = "@seller-7731-handle"
ALIAS = "Night Owl"
ALIAS_HANDLE = "@nightowl_tg"
ALIAS_EMAIL = "owl.undercover@example.org"
HOSTILE_TITLE = "<script>alert('title')</script> Shop & <b>bold</b>"
HOSTILE_URL = 'http://shop.example/x"><img src=x onerror=alert(1)>'


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 60, 60)) -> bytes:
    """A real PNG of one colour (what a screenshot artifact holds)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class Built:
    case: Case
    snapshot: int
    visit: int
    download: int
    numbers: dict[int, str]
    screenshot: bytes


def context(persona: str | None) -> SealContext:
    route = "socks5://127.0.0.1:1080" + (f", as persona {persona}" if persona else "")
    return SealContext(
        route=route,
        officer="A. Officer",
        tool={"name": "Investigator Workstation", "version": "test", "build": "test"},
        extra={
            "persona": persona,
            "exit": {"address": "203.0.113.9", "country": "NL", "detail": ""},
        },
    )


def snapshot_page(screenshot: bytes) -> CapturedPage:
    return CapturedPage(
        requested_url="http://shop.example/start",
        final_url=HOSTILE_URL,
        title=HOSTILE_TITLE,
        started_utc="2024-05-01T10:00:00.000000Z",
        finished_utc="2024-05-01T10:00:05.000000Z",
        screenshot_png=screenshot,
        mhtml=None,
        dom_html=b"<html><body>shop</body></html>",
        viewport=(1280, 800),
        page_size=(1280, 2400),
        user_agent="Mozilla/5.0",
        engine={"chromium": "140"},
        page_text=b"shop",
    )


def lookup() -> LookupResult:
    return LookupResult(
        kind="whois",
        target="shop.example",
        route="socks5://127.0.0.1:1080",
        started_utc="2024-05-01T09:30:00.000Z",
        finished_utc="2024-05-01T09:30:01.000Z",
        data={"registrar": "Example Registrar"},
        exchanges=(
            Exchange("whois.example:43", "whois", b"shop.example\r\n", b"Registrar: X", "x"),
        ),
        summary=("Registrar: Example Registrar",),
    )


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    case = fast_case(tmp_path / "report.case", title="OP-0412")
    case.update_metadata(
        requesting_unit="Customs Rotterdam", legal_basis="Art. 126j", commodity="drugs"
    )
    case.add_persona(ALIAS, accounts=[("telegram", ALIAS_HANDLE)], email=ALIAS_EMAIL)
    case.add_persona("Magpie")
    screenshot = png(64, 96)
    first = seal_page(case, snapshot_page(screenshot), context(ALIAS))
    visit = seal_visit(
        case,
        PageVisit(
            "http://shop.example/visited",
            "http://shop.example/visited",
            "Visited page",
            "2024-05-01T09:00:00.000000Z",
            "2024-05-01T09:00:01.000000Z",
            b"visited",
            None,
        ),
        context("Magpie"),
    )
    download = seal_download(
        case,
        Download(
            "http://shop.example/prices.csv",
            "http://shop.example/",
            "prices.csv",
            "text/csv",
            b"item;price\n",
            "2024-05-01T11:00:00.000000Z",
            "2024-05-01T11:00:01.000000Z",
        ),
        context(None),
    )
    case.add_timestamp(first.item_id, "http://tsa.example/", b"reply", "2024-05-01T10:00:07Z")
    case.queue_timestamp(download.item_id, "http://tsa.example/", "unreachable")
    case.save_lookup(lookup())
    case.add_contact(
        ContactDraft(
            persona=ALIAS,
            channel="Telegram",
            counterparts=(Counterpart("handle", SECRET_COUNTERPART),),
            direction="out",
            content=f"{SECRET_CONTENT} (signed {ALIAS})",
            occurred_utc="2024-05-01T12:00:00Z",
        )
    )
    numbers = {e.id: e.control_number for e in case.evidence_items()}
    yield Built(case, first.item_id, visit.item_id, download.item_id, numbers, screenshot)
    case.close()


def test_every_exhibit_goes_in_by_default(built: Built) -> None:
    report = build_report(built.case)
    assert report.exhibit_ids == [built.snapshot, built.visit, built.download]
    for number in built.numbers.values():
        assert number.encode() in report.html
    assert report.problems == []
    assert report.title == "Final report, case OP-0412"


def test_only_the_chosen_exhibits_go_in(built: Built) -> None:
    report = build_report(built.case, item_ids=[built.download, built.snapshot])
    assert report.exhibit_ids == [built.snapshot, built.download]
    assert built.numbers[built.snapshot].encode() in report.html
    assert built.numbers[built.download].encode() in report.html
    assert built.numbers[built.visit].encode() not in report.html
    assert b"http://shop.example/visited" not in report.html, "its timeline entry too"


def test_an_exhibit_the_case_does_not_hold_is_refused(built: Built) -> None:
    with pytest.raises(InputError, match="no exhibit 99"):
        build_report(built.case, item_ids=[built.snapshot, 99])


def test_exhibit_facts_come_from_the_manifest(built: Built) -> None:
    model = gather(built.case, ReportOptions(generated_utc="2024-06-01T00:00:00Z"))
    snapshot, visit, download = model.exhibits
    facts = dict(snapshot.facts)
    assert facts["Control number"] == built.numbers[built.snapshot]
    assert facts["Route"] == f"socks5://127.0.0.1:1080, as persona {ALIAS}"
    assert facts["Exit"] == "203.0.113.9, NL"
    assert facts["Persona"] == ALIAS
    assert snapshot.timestamp.state == "granted"
    assert snapshot.timestamp.granted[0].gen_time_utc == "2024-05-01T10:00:07Z"
    assert download.timestamp.state == "queued"
    assert visit.timestamp.state == "none" and visit.compact and visit.thumbnail is None
    names = [a.name for a in snapshot.artifacts]
    assert names == ["screenshot.png", "dom.html", "page.txt"]
    screenshot_hash = hashlib.sha256(built.screenshot).hexdigest()
    assert snapshot.artifacts[0].sha256 == screenshot_hash
    assert snapshot.thumbnail is not None and snapshot.thumbnail.data == built.screenshot
    assert download.thumbnail is None, "a downloaded file is never shown as a picture"
    lookup_line = model.lookups[0]
    assert lookup_line.servers == ("whois.example:43",)
    assert lookup_line.summary == ("Registrar: Example Registrar",)
    assert len(lookup_line.record_sha256) == 64


def test_the_timeline_is_sorted_and_names_the_case_events(built: Built) -> None:
    built.case.update_metadata(status="closed")
    model = gather(built.case, ReportOptions())
    times = [utc_sort_key(entry.utc) for entry in model.timeline]
    assert times == sorted(times)
    events = [entry.event for entry in model.timeline]
    assert "Case opened (created)" in events and "Case closed" in events
    assert f"Exhibit {built.snapshot} sealed (page snapshot)" in events
    assert f"Timestamp granted for exhibit {built.snapshot}" in events
    assert "Lookup 1 saved (whois)" in events
    assert "Contact 1 (Telegram, outgoing)" in events


def test_redacted_contacts_leave_no_content_anywhere(built: Built) -> None:
    report = build_report(built.case, redact_contacts=True)
    assert SECRET_CONTENT.encode() not in report.html
    assert SECRET_COUNTERPART.encode() not in report.html
    assert b"[withheld]" in report.html
    entry = built.case.contacts()[0]
    from workstation.casefile.contacts import entry_digest  # noqa: PLC0415

    assert entry_digest(entry).encode() in report.html, "the entry's hash stays"
    plain = build_report(built.case)
    assert SECRET_CONTENT.encode() in plain.html, "without redaction the content is shown"


def test_withheld_personas_are_absent_everywhere(built: Built) -> None:
    report = build_report(built.case, withheld_personas=frozenset({"night OWL"}))
    lowered = report.html.lower()
    for identifier in (ALIAS, ALIAS_HANDLE, ALIAS_EMAIL):
        assert identifier.lower().encode() not in lowered, identifier
    assert b"[withheld persona]" in report.html
    assert b"Magpie" in report.html, "only the chosen persona is withheld"
    model = gather(built.case, ReportOptions(withheld_personas=frozenset({ALIAS})))
    assert model.contacts[0].persona == "withheld"
    assert dict(model.exhibits[0].facts)["Persona"] == "withheld"
    # A withheld persona's own entries are shown redacted even without --redact-contacts.
    assert model.contacts[0].redacted and SECRET_CONTENT not in model.contacts[0].content
    assert SECRET_CONTENT.encode() not in report.html


def test_withholding_an_unknown_persona_is_refused(built: Built) -> None:
    with pytest.raises(InputError, match="no persona called Nobody"):
        build_report(built.case, withheld_personas=frozenset({"Nobody"}))


def test_short_identifiers_are_not_scrubbed_from_ordinary_words() -> None:
    from workstation.casefile import Persona  # noqa: PLC0415

    persona = Persona(1, "Al", (), "", "", "", "2024-01-01T00:00:00Z", False)
    redactor = Redactor([persona], {"al"})
    assert redactor.persona("AL") == "withheld"
    assert redactor.text("Totally normal") == "Totally normal"


def test_the_report_is_recorded_in_the_audit_log_after_a_signed_head(built: Built) -> None:
    report = build_report(built.case, item_ids=[built.snapshot])
    events = built.case.audit_events()
    head_event, report_event = events[-2], events[-1]
    assert head_event.action == "audit.head_signed"
    assert head_event.details["reason"] == "report generated"
    assert report_event.action == REPORT_ACTION
    details = report_event.details
    assert details["sha256"] == report.sha256 == hashlib.sha256(report.html).hexdigest()
    assert details["format"] == "html"
    assert details["exhibits"] == [
        {"item_id": built.snapshot, "control_number": built.numbers[built.snapshot]}
    ]
    assert built.case.verify_audit().ok
    latest = built.case.signed_heads()[-1]
    assert latest.seq == head_event.seq
    assert latest.hash.encode() in report.html


def test_withheld_aliases_do_not_reach_the_audit_event(built: Built) -> None:
    build_report(built.case, withheld_personas=frozenset({ALIAS}))
    details = built.case.audit_events()[-1].details
    assert details["withheld_personas"] == 1
    assert ALIAS not in str(details)


def test_a_thumbnailer_replaces_the_screenshot_and_a_non_image_is_not_embedded(
    built: Built,
) -> None:
    small = png(4, 4, (10, 200, 10))
    model = gather(built.case, ReportOptions(thumbnails=lambda _png: small))
    assert model.exhibits[0].thumbnail is not None
    assert model.exhibits[0].thumbnail.data == small
    hostile = gather(built.case, ReportOptions(thumbnails=lambda _png: b"<svg onload=x>"))
    assert hostile.exhibits[0].thumbnail is None

    def broken(_png: bytes) -> bytes:
        raise ValueError("not an image")

    fallback = gather(built.case, ReportOptions(thumbnails=broken))
    assert fallback.exhibits[0].thumbnail is not None
    assert fallback.exhibits[0].thumbnail.data == built.screenshot


def test_image_media_types_are_sniffed_not_trusted() -> None:
    assert image_media_type(png(1, 1)) == "image/png"
    assert image_media_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert image_media_type(b"<html>") is None
    assert image_media_type(b"") is None


def test_the_verification_procedure_names_the_standard_tools() -> None:
    for package in (True, False):
        text = "\n".join(procedure(package))
        for tool in ("sha256sum -c SHA256SUMS", "openssl ts -verify", "warcio", "ReplayWeb.page"):
            assert tool in text
        assert any(is_command(p) for p in procedure(package))
    assert procedure(True) != procedure(False)
    assert "Ask the issuing unit" in "\n".join(procedure(False))
