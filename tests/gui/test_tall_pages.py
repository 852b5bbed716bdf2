"""Pages taller than one grab can hold are captured whole, stitched from tiles."""

import json
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from tests.support.cases import fast_case
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.casefile import Case
from workstation.evidence.snapshot import SNAPSHOT_KIND
from workstation.ui.main_window import MainWindow

SECTION = 800  # px per coloured section of /tall (tests/support/site.py long_page)
SECTIONS = 50


def section_colour(index: int) -> QColor:
    # hsl((i * 37) % 360, 60%, 70%) as the page's CSS says.
    return QColor.fromHslF(((index * 37) % 360) / 360, 0.6, 0.7)


def rgb(colour: QColor) -> tuple[int, int, int]:
    return colour.red(), colour.green(), colour.blue()


def close(a: QColor, b: QColor) -> bool:
    return all(abs(x - y) <= 6 for x, y in zip(rgb(a), rgb(b), strict=True))


def colour_runs(image: QImage, x: int) -> list[tuple[QColor, int]]:
    """The coloured (non-white) stretches of column x, top to bottom, with their heights."""
    runs: list[tuple[QColor, int]] = []
    previous: QColor | None = None
    for y in range(image.height()):
        colour = image.pixelColor(x, y)
        if rgb(colour) == (255, 255, 255):
            previous = None
            continue
        if previous is not None and close(colour, previous):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((colour, 1))
        previous = colour
    return [(colour, height) for colour, height in runs if height > 50]


def test_a_40000_px_page_is_captured_to_its_end(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "tall.case")
    window.set_case(case)
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=30000):
        window.navigate(site.url("/tall"))
    with qtbot.waitSignal(window.exhibitSealed, timeout=120000) as sealed:
        window.snapshot_action.trigger()
    exhibit = sealed.args[0]
    assert exhibit.warnings == (), exhibit.warnings  # whole, not clipped
    artifacts = {a.name: a.data for a in case.artifacts(exhibit.item_id)}
    image = QImage.fromData(artifacts["screenshot.png"])
    assert image.height() >= SECTIONS * SECTION
    # Down the middle of the screenshot: every section's colour, once each, in page order,
    # each as tall as the page makes it; so nothing is missing or doubled at a tile seam.
    runs = colour_runs(image, image.width() // 2)
    assert len(runs) == SECTIONS, [(rgb(c), h) for c, h in runs]
    for index, (colour, height) in enumerate(runs):
        assert close(colour, section_colour(index)), index
        assert abs(height - SECTION) <= 2, (index, height)
    assert b"End of listing" in artifacts["page.txt"]


def open_tall_page(
    qtbot: Any, window: MainWindow, site: LoopbackSite, proxy: Microsocks, case_path: Path
) -> Case:
    window.apply_route(proxy.url)
    case = fast_case(case_path)
    window.set_case(case)
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=30000):
        window.navigate(site.url("/tall"))
    return case


def test_a_long_snapshot_shows_its_stages_and_tiles(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    open_tall_page(qtbot, window, site, socks_proxy, tmp_path / "tall.case")
    reports: list[tuple[str, int, int]] = []
    sealed = qtbot.waitSignal(window.exhibitSealed, timeout=120000)  # listens from here on
    window.snapshot_action.trigger()
    job = window._snapshot
    assert job is not None and window.snapshot_progress is not None
    job.progressed.connect(lambda stage, done, total: reports.append((stage, done, total)))
    qtbot.waitUntil(lambda: window.snapshot_progress.shown, timeout=60000)
    strip = window.snapshot_progress.strip
    assert strip.cancel_button.isVisible() and strip.text.text()
    sealed.wait()
    tiles = [r for r in reports if r[0] == "screenshot"]
    # 50 sections of 800 px in 8,000 px tiles: five tiles, each a step of its own.
    assert len(tiles) >= 4, reports
    assert [done for _stage, done, _total in reports] == sorted(d for _s, d, _t in reports)
    assert reports[-1][0] == "finishing" and reports[-1][2] >= 7 + 4
    assert not window.snapshot_progress.shown


def test_a_snapshot_can_be_cancelled_and_seals_nothing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    case = open_tall_page(qtbot, window, site, socks_proxy, tmp_path / "tall.case")
    view = window.current_tab().view
    size = view.size()
    window.snapshot_action.trigger()
    progress = window.snapshot_progress
    assert progress is not None
    qtbot.waitUntil(lambda: progress.shown, timeout=60000)
    with qtbot.waitSignal(window.snapshotFailed, timeout=30000):
        progress.strip.cancel_button.click()
    assert progress.cancelled and not progress.shown
    assert "cancelled" in window.statusBar().currentMessage()
    kinds = [json.loads(record.manifest)["kind"] for record in case.evidence_items()]
    assert SNAPSHOT_KIND not in kinds  # (the automatic page-visit capture may be there)
    # The view is back as the officer left it (once the status bar lost the strip again).
    qtbot.waitUntil(lambda: view.size() == size)
    assert window.snapshot_action.isEnabled()
