"""`make screenshots` (scripts/screenshots.py) writes a PNG of the window, each pane and dialog:
in the light theme at 1366×768, in the dark theme, in German, and as on a 4K screen at pixel
ratio 2."""

import importlib.util
import os
from pathlib import Path
from types import ModuleType

from PySide6.QtGui import QColor, QImage

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
EXPECTED = [
    "main-window",
    "pane-explorer",
    "pane-personas",
    "pane-contacts",
    "pane-lookups",
    "pane-route",
    "first-run-1",
    "first-run-2",
    "first-run-3",
    "first-run-4",
    "settings-1",
    "settings-2",
    "settings-3",
    "shortcuts",
    "problem",
    "messages",
    "new-case",
    "report",
    "package",
    "disclosure",
    "transfer",
    "import",
    "keys",
]
# prefix: window pixels
SETS = {"": (1366, 768), "dark-": (1366, 768), "de-": (1366, 768), "4k-": (3840, 2160)}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mean_lightness(image: QImage, rows: range) -> float:
    """How light a band of the image is on average (0 black .. 255 white)."""
    values = [
        QColor(image.pixel(x, y)).lightness() for x in range(0, image.width(), 7) for y in rows
    ]
    return sum(values) / len(values)


def test_screenshots_of_the_window_panes_and_dialogs(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, workstation_home: Path
) -> None:
    out = tmp_path / "shots"
    assert load_script().main([str(out)]) == 0
    expected = [prefix + name for prefix in SETS for name in EXPECTED]
    assert sorted(path.stem for path in out.iterdir()) == sorted(expected)
    for name in expected:
        path = out / f"{name}.png"
        assert path.stat().st_size > 1000, name
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 200 and image.height() > 100, name
    for prefix, (width, height) in SETS.items():
        window = QImage(str(out / f"{prefix}main-window.png"))
        assert (window.width(), window.height()) == (width, height), prefix
        step = width // 80
        colours = {
            window.pixel(x, y) for x in range(0, width, step) for y in range(0, height, step)
        }
        assert len(colours) > 20, f"the {prefix or 'light '}window was drawn, not left blank"
    # The menu bar and tool bar (the top rows) are dark in the dark set, light in the others.
    top = range(2, 45, 3)
    light, dark = (QImage(str(out / f"{prefix}main-window.png")) for prefix in ("", "dark-"))
    assert mean_lightness(light, top) > 180 and mean_lightness(dark, top) < 90
    # The German set is the same window in other words: its menu bar reads differently.
    english, german = (QImage(str(out / f"{prefix}main-window.png")) for prefix in ("", "de-"))
    assert english.copy(0, 0, 400, 20) != german.copy(0, 0, 400, 20)
    # The 4K set draws at twice the pixels: a dialog is twice as wide and tall.
    for dialog in ("first-run-1", "new-case"):
        small, large = (QImage(str(out / f"{prefix}{dialog}.png")) for prefix in ("", "4k-"))
        assert (large.width(), large.height()) == (2 * small.width(), 2 * small.height()), dialog
    assert os.environ["WORKSTATION_HOME"] == str(workstation_home), "the demo home is gone"
    assert not any(workstation_home.iterdir()), "nothing was written to the officer's data"
