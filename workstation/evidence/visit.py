"""Exhibits made without the snapshot button: page visits and downloads.

Automatic capture seals every page the officer visits (its recorded traffic as WARC and
its visible text), so nothing seen is lost when the button was forgotten. A download,
or an image saved from a page, is sealed as it arrived, with where it came from.
Both are ordinary exhibits: a manifest, a control number, an audit event.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workstation.casefile import ArtifactData
from workstation.evidence.manifest import ArtifactBytes, Manifest, build_manifest
from workstation.evidence.snapshot import CLOCK_SOURCE, EvidenceSink, SealContext, SealedExhibit
from workstation.evidence.warc import WARC_MEDIA_TYPE, WARC_NAME

VISIT_KIND = "page-visit"
DOWNLOAD_KIND = "download"
MAX_NAME = 120
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class PageVisit:
    """A page as loaded in a tab: its address, text and recorded traffic."""

    requested_url: str
    final_url: str
    title: str
    started_utc: str
    finished_utc: str
    page_text: bytes
    warc: bytes | None
    recorded_exchanges: int = 0
    navigation_chain: tuple[str, ...] = ()
    site_error_status: int | None = None

    def artifacts(self) -> list[ArtifactBytes]:
        items = [ArtifactBytes("page.txt", "text/plain; charset=utf-8", self.page_text)]
        if self.warc is not None:
            items.append(ArtifactBytes(WARC_NAME, WARC_MEDIA_TYPE, self.warc))
        return items


@dataclass(frozen=True)
class Download:
    """A file the page handed to the browser (a download, a saved image)."""

    source_url: str
    page_url: str
    suggested_name: str
    media_type: str
    data: bytes
    started_utc: str
    finished_utc: str
    complete: bool = True
    warnings: tuple[str, ...] = field(default=())

    def artifact(self) -> ArtifactBytes:
        return ArtifactBytes(safe_file_name(self.suggested_name), self.media_type, self.data)


def safe_file_name(name: str) -> str:
    """A name that is safe inside a case and in any export folder (no paths, no
    control characters, not empty), keeping the extension the site gave."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    if not cleaned:
        cleaned = "download"
    if cleaned in {"manifest.json", "page.txt", WARC_NAME}:
        cleaned = "download-" + cleaned
    return cleaned[-MAX_NAME:]


def _common(context: SealContext) -> dict[str, Any]:
    return {
        "clock_source": CLOCK_SOURCE,
        "route": context.route,
        "officer": context.officer,
        "note": context.note,
        "tool": dict(context.tool),
        **dict(context.extra),
    }


def visit_manifest(visit: PageVisit, context: SealContext) -> Manifest:
    fields = {
        "requested_url": visit.requested_url,
        "final_url": visit.final_url,
        "navigation_chain": list(visit.navigation_chain),
        "title": visit.title,
        "started_utc": visit.started_utc,
        "finished_utc": visit.finished_utc,
        "recorded_exchanges": visit.recorded_exchanges if visit.warc is not None else None,
        "site_error_status": visit.site_error_status,
        "automatic": True,
        **_common(context),
    }
    return build_manifest(VISIT_KIND, fields, visit.artifacts())


def download_manifest(download: Download, context: SealContext) -> Manifest:
    fields = {
        "source_url": download.source_url,
        "page_url": download.page_url,
        "suggested_name": download.suggested_name,
        "started_utc": download.started_utc,
        "finished_utc": download.finished_utc,
        "complete": download.complete,
        "partial": not download.complete,
        "warnings": list(download.warnings),
        **_common(context),
    }
    return build_manifest(DOWNLOAD_KIND, fields, [download.artifact()])


def _seal(
    sink: EvidenceSink,
    manifest: Manifest,
    artifacts: list[ArtifactBytes],
    details: Mapping[str, Any],
    warnings: tuple[str, ...] = (),
) -> SealedExhibit:
    item_id = sink.add_evidence(
        manifest.control_number,
        manifest.data,
        [ArtifactData(a.name, a.media_type, a.data) for a in artifacts],
        details=dict(details),
    )
    return SealedExhibit(item_id, manifest.control_number, manifest, warnings)


def seal_visit(sink: EvidenceSink, visit: PageVisit, context: SealContext) -> SealedExhibit:
    manifest = visit_manifest(visit, context)
    details = {"kind": VISIT_KIND, "url": visit.final_url, "route": context.route}
    return _seal(sink, manifest, visit.artifacts(), details)


def seal_download(sink: EvidenceSink, download: Download, context: SealContext) -> SealedExhibit:
    manifest = download_manifest(download, context)
    details = {"kind": DOWNLOAD_KIND, "url": download.source_url, "route": context.route}
    return _seal(sink, manifest, [download.artifact()], details, download.warnings)
