"""Pages taller than one grab can hold are captured whole, stitched from tiles."""

from pathlib import Path

from PySide6.QtGui import QColor, QImage

from tests.support.cases import fast_case
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
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
