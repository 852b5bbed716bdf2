"""Automatic capture and downloads: what the officer saw and received is kept, sealed."""

import hashlib
import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.support.cases import fast_case
from tests.support.site import PRICE_LIST, LoopbackSite
from tests.support.socks import Microsocks
from workstation.evidence.verify import verify_case
from workstation.ui.main_window import MainWindow

LOAD_TIMEOUT_MS = 20000
SEAL_TIMEOUT_MS = 30000


def navigate(qtbot, window: MainWindow, url: str) -> bool:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.current_tab().page.loadFinished, timeout=LOAD_TIMEOUT_MS) as done:
        window.navigate(url)
    return bool(done.args[0])


def test_every_visited_page_is_sealed_with_its_traffic_and_text(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "visits.case")
    window.set_case(case)
    qtbot.waitUntil(window.auto_capture_action.isChecked)  # on by default
    with qtbot.waitSignal(window.visitSealed, timeout=SEAL_TIMEOUT_MS) as sealed:
        assert navigate(qtbot, window, site.url("/"))
    exhibit = sealed.args[0]
    manifest = exhibit.manifest.as_dict()
    assert manifest["kind"] == "page-visit" and manifest["automatic"] is True
    assert manifest["final_url"] == site.url("/")
    artifacts = {a.name: a.data for a in case.artifacts(exhibit.item_id)}
    assert b"Offer: 100 tablets" in artifacts["page.txt"]
    responses = {
        record.rec_headers.get_header("WARC-Target-URI"): record.content_stream().read()
        for record in ArchiveIterator(io.BytesIO(artifacts["page.warc.gz"]))
        if record.rec_type == "response"
    }
    assert b"Loopback test shop" in responses[site.url("/")]
    assert site.url("/style.css") in responses
    assert verify_case(case).ok


def test_automatic_capture_can_be_turned_off_for_a_case(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "quiet.case")
    window.set_case(case)
    qtbot.waitUntil(window.auto_capture_action.isChecked)
    window.auto_capture_action.trigger()  # the officer unticks it
    qtbot.waitUntil(lambda: not case.metadata().auto_capture)
    sealed: list[object] = []
    window.visitSealed.connect(sealed.append)
    assert navigate(qtbot, window, site.url("/"))
    # The visit is still audited, so waiting for that event proves the load was handled.
    qtbot.waitUntil(lambda: "page.visited" in [e.action for e in case.audit_events()])
    assert sealed == [] and case.evidence_items() == []
    actions = [e.action for e in case.audit_events()]
    assert "case.metadata_changed" in actions


def test_a_download_becomes_an_exhibit_with_its_hash_and_source(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "downloads.case")
    window.set_case(case)
    with qtbot.waitSignal(window.exhibitSealed, timeout=SEAL_TIMEOUT_MS) as sealed:
        window.navigate(site.url("/price-list.csv"))
    exhibit = sealed.args[0]
    manifest = exhibit.manifest.as_dict()
    assert manifest["kind"] == "download"
    assert manifest["source_url"] == site.url("/price-list.csv")
    assert manifest["complete"] is True
    (entry,) = manifest["artifacts"]
    assert entry["name"] == "prices.csv"
    assert entry["sha256"] == hashlib.sha256(PRICE_LIST).hexdigest()
    stored = {a.name: a.data for a in case.artifacts(exhibit.item_id)}
    assert stored["prices.csv"] == PRICE_LIST
    assert verify_case(case).ok


def test_without_a_case_downloads_are_refused(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    with qtbot.waitSignal(window.downloads.refused, timeout=LOAD_TIMEOUT_MS) as refused:
        window.navigate(site.url("/price-list.csv"))
    assert "open a case" in refused.args[0]
