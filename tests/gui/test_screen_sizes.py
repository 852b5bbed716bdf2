"""Screen sizes: the window fits a 1366×768 laptop, and draws sharply at pixel ratio 2 (4K).

The offscreen platform fixes its screen and pixel ratio when the QApplication starts,
so the 4K checks run in child processes started with QT_SCALE_FACTOR=2.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QDockWidget, QScrollArea, QToolButton, QWidget

from tests.gui.test_accessibility import open_surfaces
from tests.support.cases import fast_case
from workstation.ui.i18n import install_translations, remove_translations
from workstation.ui.main_window import MainWindow
from workstation.ui.screen_fit import PATH_FORM_WIDTH
from workstation.ui.transfer_dialogs import TransferExportDialog, transfer_choices

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshots.py"
ICONS = ROOT / "resources" / "icons"
LAPTOP = (1366, 768)
# What a maximised window gets on such a screen: a desktop panel and the title bar take ~70 px.
LAPTOP_WORK_AREA = (1366, 768 - 70)
MIN_ADDRESS_WIDTH = 300  # enough to read a typical address
CHILD_TIMEOUT_S = 120

# Run in a child process with QT_SCALE_FACTOR=2: the icons the window draws, measured.
ICON_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
app = QApplication([])
from workstation.ui.theme import application_icon, swatch_icon
def device_size(icon, size):
    pixmap = icon.pixmap(QSize(size, size))
    return [pixmap.width(), pixmap.height(), pixmap.devicePixelRatio()]
print(json.dumps({
    "ratio": app.devicePixelRatio(),
    "application_icon": device_size(application_icon(), 32),
    "swatch_icon": device_size(swatch_icon(QColor("#1f5fa8")), 12),
}))
"""


def child_environment() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}


def run_child(command: list[str]) -> str:
    done = subprocess.run(
        command,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def open_case_with_every_dock(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = fast_case(tmp_path / "sizes.case")
    case.add_persona("Anna K", email="anna.k@mail.example")
    with qtbot.waitSignal(window.persona_pane.reloaded, timeout=10000):
        window.set_case(case)
    window.new_tab("Anna K")
    for dock in window.docks.values():
        dock.show()


def shown_widgets(window: MainWindow) -> list[QWidget]:
    return [widget for widget in window.findChildren(QWidget) if widget.isVisible()]


def inside(window: MainWindow, widget: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def assert_every_shown_widget_has_a_size(window: MainWindow) -> None:
    squashed = [
        f"{type(widget).__name__} {widget.objectName()!r} {widget.width()}x{widget.height()}"
        for widget in shown_widgets(window)
        if widget.width() <= 0 or widget.height() <= 0
    ]
    assert not squashed, squashed


def test_the_window_fits_a_1366_by_768_screen(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    open_case_with_every_dock(qtbot, window, tmp_path)
    hint = window.minimumSizeHint()
    assert hint.width() <= LAPTOP_WORK_AREA[0] and hint.height() <= LAPTOP_WORK_AREA[1], hint
    window.resize(*LAPTOP_WORK_AREA)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == LAPTOP_WORK_AREA)
    address, tab_bar = window.address, window.tabs.tabBar()
    assert address.isVisible() and inside(window, address)
    assert address.width() >= MIN_ADDRESS_WIDTH, address.width()
    assert tab_bar.isVisible() and inside(window, tab_bar) and tab_bar.height() > 0
    assert window.route_indicator.isVisible() and inside(window, window.route_indicator)
    assert window.persona_bar.isVisible() and inside(window, window.persona_bar)
    overflow = [
        button for button in window.findChildren(QToolButton, "qt_toolbar_ext_button")
        if button.isVisible()
    ]  # fmt: skip
    assert not overflow, "the navigation tool bar overflows into a » menu"
    docks: list[QDockWidget] = list(window.docks.values())
    assert all(dock.toggleViewAction().isChecked() for dock in docks)
    for dock in docks:  # tabbed docks show one at a time: bring each to the front
        dock.raise_()
        qtbot.waitUntil(dock.isVisible)
        pane = dock.widget()
        assert inside(window, dock), dock.objectName()
        assert pane.width() > 100 and pane.height() > 100, (dock.objectName(), pane.size())
        assert_every_shown_widget_has_a_size(window)
    page = window.current_tab()
    assert page.width() >= LAPTOP_WORK_AREA[0] // 2 and page.height() >= 250, page.size()


def test_at_scale_factor_2_the_window_draws_at_twice_the_pixels(tmp_path: Path) -> None:
    out = tmp_path / "4k"
    printed = run_child([sys.executable, str(SCRIPT), str(out), "--only", "4k"])
    assert str(out / "4k-main-window.png") in printed
    image = QImage(str(out / "4k-main-window.png"))
    logical = load_script().WINDOW_SIZE_4K
    assert (image.width(), image.height()) == (2 * logical[0], 2 * logical[1]) == (3840, 2160)
    # Drawn at pixel ratio 2, not a 1x picture blown up: in the menu and tool bar text,
    # many 2x2 pixel blocks are not of one colour.
    blocks = [
        {image.pixel(x + dx, y + dy) for dx in (0, 1) for dy in (0, 1)}
        for x in range(0, 1600, 2)
        for y in range(0, 90, 2)
    ]
    mixed = sum(1 for block in blocks if len(block) > 1)
    assert mixed > len(blocks) // 50, (mixed, len(blocks))


def test_icons_are_sharp_at_scale_factor_2() -> None:
    pictures = [path for path in ICONS.iterdir() if path.suffix in (".png", ".svg")]
    assert pictures
    for path in pictures:
        if path.suffix == ".png" and not path.stem.endswith("@2x"):
            double = path.with_name(f"{path.stem}@2x.png")
            sharp = path.with_suffix(".svg").exists() or double.exists()
            assert sharp, f"{path.name} has no SVG or @2x version"
    measured = json.loads(run_child([sys.executable, "-c", ICON_PROBE, str(ROOT)]))
    assert measured["ratio"] == 2.0
    assert measured["application_icon"] == [64, 64, 2.0], "drawn from the SVG at 2x"
    assert measured["swatch_icon"] == [24, 24, 2.0], "a pixmap of its own for 2x"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots_for_sizes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A dialog has a title bar of its own on top of what it draws.
DIALOG_ROOM = (LAPTOP_WORK_AREA[0], LAPTOP_WORK_AREA[1] - 30)


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_dialog_fits_a_1366_by_768_screen_without_squeezing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, language: str
) -> None:
    install_translations(language)
    try:
        surfaces = open_surfaces(qtbot, window, tmp_path)
    finally:
        remove_translations()
    free = window.screen().availableGeometry()
    checked = []
    for dialog in surfaces.dialogs:
        name = type(dialog).__name__
        least = dialog.minimumSizeHint()
        assert least.width() <= DIALOG_ROOM[0] and least.height() <= DIALOG_ROOM[1], (name, least)
        # Opened within the screen, and never below its minimum: a layout squeezed below
        # its minimum draws its rows over each other.
        if isinstance(dialog, QDialog) and dialog.layout() is not None:
            assert dialog.width() <= free.width() and dialog.height() <= free.height(), name
            assert dialog.width() >= least.width() and dialog.height() >= least.height(), name
            checked.append(name)
        dialog.close()
    assert {"TransferExportDialog", "PackageDialog", "ReportDialog", "CompareDialog"} <= set(
        checked
    )


def test_a_long_form_scrolls_on_a_small_screen_and_reads_a_path(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    case = fast_case(tmp_path / "long.case")
    dialog = TransferExportDialog(transfer_choices(case), out=tmp_path / "t.age", parent=window)
    qtbot.addWidget(dialog)
    area = dialog.findChild(QScrollArea)
    assert area is not None
    content = area.widget()
    assert content is not None
    body = content.sizeHint()
    assert body.height() > DIALOG_ROOM[1] // 2, "the form is long enough to matter"
    assert dialog.minimumSizeHint().height() < body.height() // 2, "the body scrolls"
    assert dialog.width() >= min(
        PATH_FORM_WIDTH, int(window.screen().availableSize().width() * 0.9)
    )
