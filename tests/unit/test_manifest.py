import hashlib

import pytest

from workstation import canonjson
from workstation.casefile import StoredArtifact
from workstation.evidence.manifest import ArtifactBytes, build_manifest
from workstation.evidence.snapshot import CapturedPage, SealContext, snapshot_manifest
from workstation.evidence.verify import verify_item


def page(**changes: object) -> CapturedPage:
    fields: dict[str, object] = {
        "requested_url": "http://shop.test/",
        "final_url": "http://shop.test/offer",
        "title": "Shop",
        "started_utc": "2026-11-30T10:00:00.000000Z",
        "finished_utc": "2026-11-30T10:00:01.000000Z",
        "screenshot_png": b"\x89PNG fake",
        "mhtml": b"MIME-Version: 1.0",
        "dom_html": b"<html></html>",
        "viewport": (1280, 900),
        "page_size": (1280, 4000),
        "user_agent": "UA",
        "engine": {"qtwebengine": "6.12.0", "chromium": "130"},
    }
    fields.update(changes)
    return CapturedPage(**fields)  # type: ignore[arg-type]


CONTEXT = SealContext(
    route="SOCKS5 proxy 127.0.0.1:1080",
    officer="O. Fficer",
    tool={"name": "IW", "version": "0.1.0", "build": "abc"},
)


def stored(p: CapturedPage) -> list[StoredArtifact]:
    return [
        StoredArtifact(a.name, a.media_type, hashlib.sha256(a.data).hexdigest(), a.data)
        for a in p.artifacts()
    ]


def test_control_number_is_the_sha256_of_the_canonical_manifest() -> None:
    manifest = snapshot_manifest(page(), CONTEXT)
    assert manifest.control_number == hashlib.sha256(manifest.data).hexdigest()
    assert canonjson.is_canonical(manifest.data)
    doc = manifest.as_dict()
    assert doc["kind"] == "page-snapshot"
    assert doc["route"] == CONTEXT.route
    assert {a["name"]: a["sha256"] for a in doc["artifacts"]}["screenshot.png"] == hashlib.sha256(
        b"\x89PNG fake"
    ).hexdigest()


def test_same_capture_gives_same_control_number_and_any_change_another() -> None:
    first = snapshot_manifest(page(), CONTEXT).control_number
    assert snapshot_manifest(page(), CONTEXT).control_number == first
    assert snapshot_manifest(page(dom_html=b"<html> </html>"), CONTEXT).control_number != first
    assert snapshot_manifest(page(title="Shop!"), CONTEXT).control_number != first


def test_partial_capture_is_labelled() -> None:
    doc = snapshot_manifest(page(mhtml=None, warnings=("MHTML not saved",)), CONTEXT).as_dict()
    assert doc["partial"] is True
    assert [a["name"] for a in doc["artifacts"]] == ["screenshot.png", "dom.html", "page.txt"]


def test_duplicate_artifact_names_and_reserved_fields_are_refused() -> None:
    twice = [ArtifactBytes("a", "text/plain", b"1"), ArtifactBytes("a", "text/plain", b"2")]
    with pytest.raises(ValueError, match="unique"):
        build_manifest("k", {}, twice)
    with pytest.raises(ValueError, match="may not set"):
        build_manifest("k", {"artifacts": []}, [])


def test_verify_item_accepts_the_untouched_exhibit() -> None:
    p = page()
    manifest = snapshot_manifest(p, CONTEXT)
    assert verify_item(manifest.control_number, manifest.data, stored(p)).ok


def test_verify_item_names_each_kind_of_tampering() -> None:
    p = page()
    manifest = snapshot_manifest(p, CONTEXT)
    good = stored(p)

    altered = [*good[:1], StoredArtifact(good[1].name, good[1].media_type, good[1].sha256, b"x")]
    report = verify_item(manifest.control_number, manifest.data, altered)
    assert any("dom.html has SHA-256" in problem for problem in report.problems)

    report = verify_item(manifest.control_number, manifest.data, good[:-1])
    assert any("missing" in problem for problem in report.problems)

    extra = [*good, StoredArtifact("extra.bin", "application/octet-stream", "0" * 64, b"")]
    assert any(
        "not listed" in p
        for p in verify_item(manifest.control_number, manifest.data, extra).problems
    )

    edited = manifest.data.replace(b"Shop", b"Shap")
    report = verify_item(manifest.control_number, edited, good)
    assert "the manifest does not hash to its control number" in report.problems

    report = verify_item(manifest.control_number, b"not json", good)
    assert not report.ok
