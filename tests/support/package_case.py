"""A case holding every kind of package item, made in-process (no browser, no network):
two exhibits (one with a real WARC from warcio), personas, contact entries with an
attachment, and a saved lookup with one recorded exchange."""

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.cases import fast_case
from workstation.casefile import Case, ContactDraft
from workstation.casefile.contacts import Counterpart
from workstation.casefile.evidence_store import ArtifactData
from workstation.evidence.manifest import ArtifactBytes, build_manifest
from workstation.lookup.result import Exchange, LookupResult

SECRET_ALIAS = "Marlene-Undercover-7"
SECRET_CONTENT = "meet behind the old customs depot at nine, bring the samples"
OPEN_ALIAS = "Harbour-Buyer"
OPEN_CONTENT = "asked for a price list of forty cartons"
HIDDEN_URL = "https://hidden-shop.example/secret-offer"
SHOWN_URL = "https://open-shop.example/prices"
PAGE = b"<!doctype html><title>Prices</title><p>40 cartons, 19 EUR each</p>"


def warc_of(url: str, body: bytes) -> bytes:
    """A gzip WARC with one response record, as the recorder writes them."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders(
        "200 OK",
        [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)
    return out.getvalue()


def seal_page(case: Case, url: str, body: bytes, title: str, officer: str) -> int:
    artifacts = [
        ArtifactBytes("page.txt", "text/plain", body.decode("utf-8", "replace").encode()),
        ArtifactBytes("dom.html", "text/html", body),
        ArtifactBytes("page.warc.gz", "application/warc", warc_of(url, body)),
    ]
    manifest = build_manifest(
        "page-snapshot",
        {
            "requested_url": url,
            "final_url": url,
            "title": title,
            "started_utc": "2026-01-02T03:04:05.000001Z",
            "finished_utc": "2026-01-02T03:04:09.000001Z",
            "officer": officer,
            "route": "socks5://127.0.0.1:1080",
            "tool": {"name": "Investigator Workstation", "version": "test"},
        },
        artifacts,
    )
    return case.add_evidence(
        manifest.control_number,
        manifest.data,
        [ArtifactData(a.name, a.media_type, a.data) for a in artifacts],
        details={"kind": "page-snapshot", "url": url},
    )


def saved_lookup_result() -> LookupResult:
    exchange = Exchange(
        server="whois.example:43",
        protocol="whois",
        request=b"open-shop.example\r\n",
        response=b"Domain Name: OPEN-SHOP.EXAMPLE\r\nRegistrar: Example Registrar\r\n",
        utc="2026-01-02T03:05:00.000Z",
    )
    return LookupResult(
        kind="whois",
        target="open-shop.example",
        route="socks5://127.0.0.1:1080",
        started_utc="2026-01-02T03:04:59.000Z",
        finished_utc="2026-01-02T03:05:00.000Z",
        data={"registrar": "Example Registrar"},
        exchanges=(exchange,),
        summary=("Registrar: Example Registrar",),
    )


@dataclass
class PackageCase:
    path: Path
    shown_item: int
    hidden_item: int


def make_package_case(path: Path) -> PackageCase:
    """The case, closed again (so its head is signed on close, as after any session)."""
    with fast_case(path, title="CX-2026-17") as case:
        case.add_persona(SECRET_ALIAS, email="marlene.cover@mail.example", phone="+491701234567")
        case.add_persona(OPEN_ALIAS)
        shown = seal_page(case, SHOWN_URL, PAGE, "Prices", "test officer")
        hidden = seal_page(case, HIDDEN_URL, b"<p>secret offer</p>", "Offer", "test officer")
        case.add_contact(
            ContactDraft(
                persona=SECRET_ALIAS,
                channel="Telegram",
                counterparts=(Counterpart("handle", "@depot_seller"),),
                direction="out",
                content=SECRET_CONTENT,
                attachments=(("note.txt", "text/plain", b"samples list"),),
            )
        )
        case.add_contact(
            ContactDraft(
                persona=OPEN_ALIAS,
                channel="E-mail",
                counterparts=(Counterpart("email", "sales@open-shop.example"),),
                direction="out",
                content=OPEN_CONTENT,
                evidence_ids=(shown,),
            )
        )
        case.save_lookup(saved_lookup_result())
    return PackageCase(path, shown, hidden)
