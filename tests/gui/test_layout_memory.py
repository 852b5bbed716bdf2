"""The window's layout is remembered per user and can be reset."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QToolBar

from tests.support.cases import fast_case
from workstation.browser.identities import persona_colour
from workstation.evidence.recorder import Recorder
from workstation.paths import settings_file
from workstation.route import RouteGate
from workstation.settings import Settings
from workstation.ui.layout_memory import decode_layout, unnamed_parts
from workstation.ui.main_window import MainWindow

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea


@pytest.fixture
def open_window(qtbot, gate: RouteGate, session_recorder: Recorder) -> Callable[[], MainWindow]:  # type: ignore[no-untyped-def]
    """A window as the application opens one: with the settings saved last time."""

    def opened() -> MainWindow:
        window = MainWindow(gate, Settings.load(), recorder=session_recorder)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return opened


def test_every_dock_and_toolbar_has_a_name_to_be_remembered_by(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    assert unnamed_parts(window) == []
    names = [part.objectName() for part in window.findChildren(QDockWidget)]
    names += [part.objectName() for part in window.findChildren(QToolBar)]
    assert len(names) == len(set(names)) >= 5


def test_a_hidden_and_a_moved_dock_come_back_so_in_the_next_window(  # type: ignore[no-untyped-def]
    qtbot, open_window: Callable[[], MainWindow]
) -> None:
    first = open_window()
    first.docks["lookups"].close()
    first.addDockWidget(LEFT, first.docks["personas"])
    first.resize(700, 500)  # within the offscreen screen (800×600)
    first.close()
    saved = Settings.load().window_state
    assert decode_layout(saved) is not None

    second = open_window()
    assert second.docks["lookups"].isHidden()
    assert not second.docks["explorer"].isHidden()
    assert second.dockWidgetArea(second.docks["personas"]) == LEFT
    assert (second.width(), second.height()) == (700, 500)

    second.reset_layout_action.trigger()
    assert not second.docks["lookups"].isHidden()
    assert second.dockWidgetArea(second.docks["personas"]) == RIGHT


def test_the_view_menu_hides_and_shows_each_dock(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    toggles = {dock.toggleViewAction() for dock in window.docks.values()}
    menus = [menu for menu in window.menuBar().findChildren(QMenu) if menu.title() == "&View"]
    [view] = menus
    assert toggles <= set(view.actions())
    assert window.reset_layout_action in view.actions()
    window.docks["contacts"].toggleViewAction().trigger()
    assert window.docks["contacts"].isHidden()


@pytest.mark.parametrize(
    "damaged",
    ["", "1:", "1:AAAA", "2:AAAA:AAAA", "1:not base64!:AAAA", "1:AAAA:AAAA", "🙂"],
)
def test_a_damaged_layout_leaves_the_built_in_one(  # type: ignore[no-untyped-def]
    qtbot, open_window: Callable[[], MainWindow], damaged: str
) -> None:
    Settings(window_state=damaged).save()
    window = open_window()
    assert not window.docks["explorer"].isHidden()
    assert window.dockWidgetArea(window.docks["contacts"]) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_settings_load_tolerates_wrong_types_in_the_new_fields(workstation_home: Path) -> None:
    settings_file().write_text(
        json.dumps(
            {
                "officer": "Insp. K",
                "unit": ["not", "text"],
                "cases_dir": 7,
                "first_run_done": "yes",
                "window_state": None,
                "language": 3,
            }
        )
    )
    loaded = Settings.load()
    assert loaded == Settings(officer="Insp. K")
    assert (loaded.language, loaded.first_run_done, loaded.window_state) == ("en", False, "")
    Settings(unit="Zoll IT", cases_dir="/srv/cases", first_run_done=True, language="en").save()
    again = Settings.load()
    assert (again.unit, again.cases_dir, again.first_run_done) == ("Zoll IT", "/srv/cases", True)


# -- the window shows whose identity the current tab browses as ---------------------


def test_the_window_shows_the_current_tabs_persona_in_its_colour(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    case = fast_case(tmp_path / "colours.case")
    case.add_persona("Anna K")
    with qtbot.waitSignal(window.persona_pane.reloaded, timeout=10000):
        window.set_case(case)
    strip = window.persona_strip
    assert strip.isVisible() and strip.text() == "Browsing as No persona"
    assert painted_colour(strip) == persona_colour(None).name()

    window.new_tab("Anna K")
    assert strip.persona == "Anna K" and strip.text() == "Browsing as Anna K"
    assert painted_colour(strip) == persona_colour("Anna K").name() != persona_colour(None).name()
    assert strip.accessibleDescription() == "Browsing as Anna K"

    window.tabs.setCurrentIndex(0)
    assert strip.persona is None
    assert painted_colour(strip) == persona_colour(None).name()


def painted_colour(widget: QLabel) -> str:
    """The colour at the strip's left edge, as it is drawn on screen (#rrggbb)."""
    image = widget.grab().toImage()
    return image.pixelColor(1, image.height() // 2).name()


def test_closing_a_window_writes_only_its_layout_to_the_settings(  # type: ignore[no-untyped-def]
    qtbot, gate: RouteGate, session_recorder: Recorder
) -> None:
    Settings(officer="Insp. K", route="socks5://127.0.0.1:1080", first_run_done=True).save()
    window = MainWindow(gate, Settings(), recorder=session_recorder)  # defaults, not loaded
    qtbot.addWidget(window)
    window.show()
    window.close()
    saved = Settings.load()
    assert (saved.officer, saved.route, saved.first_run_done) == (
        "Insp. K", "socks5://127.0.0.1:1080", True
    )  # fmt: skip
    assert decode_layout(saved.window_state) is not None
