"""Seal a captured page into an exhibit: artifacts, manifest, control number.

The Qt layer captures a page into a CapturedPage (bytes in memory only); this
module turns it into a manifest and stores everything in the case in one
transaction, so an exhibit is either sealed completely or not at all.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from workstation.casefile import ArtifactData
from workstation.evidence.manifest import ArtifactBytes, Manifest, build_manifest
from workstation.evidence.warc import WARC_MEDIA_TYPE, WARC_NAME

SNAPSHOT_KIND = "page-snapshot"
CLOCK_SOURCE = "system clock of the workstation, UTC"


@dataclass(frozen=True)
class CapturedPage:
    """Everything taken from one page, before sealing."""

    requested_url: str
    final_url: str
    title: str
    started_utc: str
    finished_utc: str
    screenshot_png: bytes
    mhtml: bytes | None
    dom_html: bytes
    viewport: tuple[int, int]
    page_size: tuple[int, int]
    user_agent: str
    engine: Mapping[str, str]
    page_text: bytes = b""
    pdf: bytes | None = None
    navigation_chain: tuple[str, ...] = ()  # requested URL, then each redirect
    response_headers: Mapping[str, list[str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    site_error_status: int | None = None  # the site answered 4xx/5xx (its page is still shown)
    load_started_utc: str = ""  # when the page's navigation began (its traffic is after)
    warc: bytes | None = None  # the recorded exchanges that made up the page
    recorded_exchanges: int = 0

    def artifacts(self) -> list[ArtifactBytes]:
        items = [
            ArtifactBytes("screenshot.png", "image/png", self.screenshot_png),
            ArtifactBytes("dom.html", "text/html; charset=utf-8", self.dom_html),
            ArtifactBytes("page.txt", "text/plain; charset=utf-8", self.page_text),
        ]
        if self.pdf is not None:
            items.append(ArtifactBytes("page.pdf", "application/pdf", self.pdf))
        if self.mhtml is not None:
            items.append(ArtifactBytes("page.mhtml", "multipart/related", self.mhtml))
        if self.warc is not None:
            items.append(ArtifactBytes(WARC_NAME, WARC_MEDIA_TYPE, self.warc))
        return items


@dataclass(frozen=True)
class SealContext:
    """Who sealed it, through which route, with which tool."""

    route: str
    officer: str
    tool: Mapping[str, str]
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_extra(self, **fields: Any) -> "SealContext":
        return dataclasses.replace(self, extra={**self.extra, **fields})


class EvidenceSink(Protocol):
    def add_evidence(
        self,
        control_number: str,
        manifest: bytes,
        artifacts: Any,
        *,
        details: Any = None,
    ) -> int: ...


@dataclass(frozen=True)
class SealedExhibit:
    item_id: int
    control_number: str
    manifest: Manifest
    warnings: tuple[str, ...]


def snapshot_manifest(page: CapturedPage, context: SealContext) -> Manifest:
    fields: dict[str, Any] = {
        "requested_url": page.requested_url,
        "final_url": page.final_url,
        "navigation_chain": list(page.navigation_chain),
        "response_headers": {name: list(values) for name, values in page.response_headers.items()},
        "title": page.title,
        "load_started_utc": page.load_started_utc or page.started_utc,
        "started_utc": page.started_utc,
        "recorded_exchanges": page.recorded_exchanges if page.warc is not None else None,
        "finished_utc": page.finished_utc,
        "clock_source": CLOCK_SOURCE,
        "route": context.route,
        "officer": context.officer,
        "note": context.note,
        "tool": dict(context.tool),
        "engine": dict(page.engine),
        "user_agent": page.user_agent,
        "viewport": {"width": page.viewport[0], "height": page.viewport[1]},
        "page_size": {"width": page.page_size[0], "height": page.page_size[1]},
        "site_error_status": page.site_error_status,
        "partial": bool(page.warnings),
        "warnings": list(page.warnings),
        **dict(context.extra),
    }
    return build_manifest(SNAPSHOT_KIND, fields, page.artifacts())


def seal_page(sink: EvidenceSink, page: CapturedPage, context: SealContext) -> SealedExhibit:
    """Build the manifest and store the exhibit in the case (one transaction)."""
    manifest = snapshot_manifest(page, context)
    item_id = sink.add_evidence(
        manifest.control_number,
        manifest.data,
        [ArtifactData(a.name, a.media_type, a.data) for a in page.artifacts()],
        details={"kind": SNAPSHOT_KIND, "url": page.final_url, "route": context.route},
    )
    return SealedExhibit(item_id, manifest.control_number, manifest, page.warnings)
