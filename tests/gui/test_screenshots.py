"""`make screenshots` (scripts/screenshots.py) writes a PNG of the window, each pane and dialog."""

import importlib.util
import os
from pathlib import Path
from types import ModuleType

from PySide6.QtGui import QImage

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
EXPECTED = [
    "main-window",
    "pane-explorer",
    "pane-personas",
    "pane-contacts",
    "pane-lookups",
    "first-run-1",
    "first-run-2",
    "first-run-3",
    "first-run-4",
    "settings-1",
    "settings-2",
    "settings-3",
    "shortcuts",
    "new-case",
]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_of_the_window_panes_and_dialogs(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, workstation_home: Path
) -> None:
    out = tmp_path / "shots"
    assert load_script().main([str(out)]) == 0
    assert sorted(path.stem for path in out.iterdir()) == sorted(EXPECTED)
    for name in EXPECTED:
        path = out / f"{name}.png"
        assert path.stat().st_size > 1000, name
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 200 and image.height() > 100, name
    window = QImage(str(out / "main-window.png"))
    assert (window.width(), window.height()) == (1366, 768)
    colours = {window.pixel(x, y) for x in range(0, 1366, 17) for y in range(0, 768, 17)}
    assert len(colours) > 20, "the window was drawn, not left blank"
    assert os.environ["WORKSTATION_HOME"] == str(workstation_home), "the demo home is gone"
    assert not any(workstation_home.iterdir()), "nothing was written to the officer's data"
