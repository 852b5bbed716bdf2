"""Light and dark themes: the palette reaches the widgets, text reads at WCAG AA (4.5:1),
persona colours stay readable in both, and the theme can change while the window is open."""

import logging
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QWidget

from workstation.browser.identities import persona_colour
from workstation.settings import Settings
from workstation.ui import theme
from workstation.ui.main_window import MainWindow
from workstation.ui.status_colours import show_item_status, show_status
from workstation.ui.theme import (
    NORMAL_TEXT_CONTRAST,
    ThemeColours,
    apply_theme,
    contrast_ratio,
    readable_on,
    readable_text_colour,
)

THEMES = ("light", "dark")
# Pairs (text, background) that must read as normal text in every theme.
TEXT_PAIRS = (
    ("window_text", "window"),
    ("text", "base"),
    ("text", "alternate_base"),
    ("button_text", "button"),
    ("placeholder", "base"),
    ("link", "base"),
    ("link_visited", "base"),
    ("tooltip_text", "tooltip_base"),
    ("highlighted_text", "highlight"),
)
STATUS = ("error", "success", "warning", "added", "removed")
ALIASES = ("Anna K", "Ben", "Carla", "Dmitri", "Eve", "Farid", "Gül", "Hiroshi", "Ines", "Jo")
# Every hue persona_colour() can give (HSL saturation 170, lightness 95), and the research grey.
PERSONA_COLOURS = [QColor.fromHsl(hue, 170, 95) for hue in range(360)] + [
    persona_colour(None),
    *(persona_colour(alias) for alias in ALIASES),
]
ROUTE_BADGES = ("#1b5e20", "#b00020", "#8d6e00")  # the route indicator's ok, down, checking


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The session's application, its style and palette put back after the test."""
    with theme.temporary_theme("light", qapp):
        yield qapp


def window_colour(app: QApplication) -> str:
    return app.palette().color(QPalette.ColorRole.Window).name()


def window_colour_of(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.Window).name()


def ratio(colours: ThemeColours, text: str, background: str) -> float:
    return contrast_ratio(colours.colour(text), colours.colour(background))


@pytest.mark.parametrize("name", THEMES)
def test_each_theme_paints_the_application_with_fusion(app: QApplication, name: str) -> None:
    assert apply_theme(name) == name
    colours = theme.current_colours()
    assert colours.name == name
    assert app.style().name().lower() == "fusion"
    palette = app.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == colours.window
    assert palette.color(QPalette.ColorRole.WindowText).name() == colours.window_text
    assert palette.color(QPalette.ColorRole.Base).name() == colours.base
    assert palette.color(QPalette.ColorRole.Text).name() == colours.text
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert disabled.name() == colours.disabled_text
    field = QLineEdit()  # a widget made now takes the application's palette
    assert field.palette().color(QPalette.ColorRole.Base).name() == colours.base


@pytest.mark.parametrize("name", THEMES)
def test_text_reads_at_wcag_aa_in_each_theme(app: QApplication, name: str) -> None:
    colours = theme.colours_for(name)
    for text, background in TEXT_PAIRS:
        assert ratio(colours, text, background) >= NORMAL_TEXT_CONTRAST, (name, text, background)
    for status in STATUS:
        for background in ("window", "base"):
            assert ratio(colours, status, background) >= NORMAL_TEXT_CONTRAST, (name, status)
    apply_theme(name)
    for status in STATUS:
        assert theme.status_colour(status).name() == getattr(colours, status)
        assert theme.status_style(status) == f"color: {getattr(colours, status)}"
    with pytest.raises(ValueError, match="no status colour"):
        theme.status_colour("purple")


@pytest.mark.parametrize("name", THEMES)
def test_persona_colours_stay_readable_in_each_theme(app: QApplication, name: str) -> None:
    apply_theme(name)
    window = QColor(theme.current_colours().window)
    for colour in PERSONA_COLOURS:
        label = theme.persona_label_colour(colour)
        assert contrast_ratio(label, window) >= NORMAL_TEXT_CONTRAST, (name, colour.name())
        if colour.hslSaturation() > 0:  # still the persona's hue, only lighter or darker
            assert abs(label.hslHue() - colour.hslHue()) <= 2, (colour.name(), label.name())
        edge = theme.persona_edge_colour(colour)
        assert contrast_ratio(edge, window) >= theme.LARGE_TEXT_CONTRAST
        # The band across the window and the tab: the persona colour behind its name.
        text = readable_text_colour(colour)
        assert contrast_ratio(text, colour) >= NORMAL_TEXT_CONTRAST, colour.name()
        assert f"color: {text.name()}" in theme.banner_style(colour)


def test_route_badges_have_readable_text() -> None:
    for background in ROUTE_BADGES:
        style = theme.badge_style(QColor(background))
        text = QColor(style.split("color:")[1].split(";")[0])
        assert contrast_ratio(text, QColor(background)) >= NORMAL_TEXT_CONTRAST, background


def test_contrast_and_readable_colours_follow_wcag() -> None:
    black, white = QColor("#000000"), QColor("#ffffff")
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, black) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), white) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#123456"), QColor("#123456")) == pytest.approx(1.0)
    assert readable_text_colour(QColor("#ffff00")) == black
    assert readable_text_colour(QColor("#1b5e20")) == white
    assert readable_on(QColor("#1b5e20"), white) == QColor("#1b5e20")  # already readable
    darker = readable_on(QColor("#ffd54f"), white)
    assert contrast_ratio(darker, white) >= NORMAL_TEXT_CONTRAST
    assert darker.lightness() < QColor("#ffd54f").lightness()
    lighter = readable_on(QColor("#1a237e"), black)
    assert lighter.lightness() > QColor("#1a237e").lightness()


def test_switching_theme_at_run_time_repaints_the_open_window(  # type: ignore[no-untyped-def]
    app: QApplication, window: MainWindow, qtbot
) -> None:
    label = QLabel("shown", window)
    label.show()
    apply_theme("light")
    assert window.palette().color(QPalette.ColorRole.Window).name() == theme.LIGHT.window
    with qtbot.waitSignal(theme.theme_notifier().changed) as changed:
        apply_theme("dark")
    assert changed.args == ["dark"]
    qtbot.waitUntil(
        lambda: (
            label.palette().color(QPalette.ColorRole.WindowText).name() == theme.DARK.window_text
        )
    )
    assert window.palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window
    assert window.address.palette().color(QPalette.ColorRole.Base).name() == theme.DARK.base
    image = window.grab().toImage()
    corner = image.pixelColor(image.width() - 3, image.height() - 3)
    assert corner.lightness() < 100, "the window is painted dark"
    apply_theme("light")
    qtbot.waitUntil(
        lambda: (
            label.palette().color(QPalette.ColorRole.WindowText).name() == theme.LIGHT.window_text
        )
    )


def test_system_theme_follows_the_os_colour_scheme(app: QApplication) -> None:
    hints = QGuiApplication.styleHints()
    expected = "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"
    assert apply_theme("system") == expected
    assert theme.requested_theme() == "system"
    # The OS switching its scheme while the program runs (Qt reports it with this signal).
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window_colour(app) == theme.DARK.window
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window_colour(app) == theme.LIGHT.window
    apply_theme("dark")  # a chosen theme no longer follows the OS
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window_colour(app) == theme.DARK.window


def test_an_unknown_theme_follows_the_system(
    app: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="workstation.ui.theme"):
        assert apply_theme("solarized") == theme.system_theme()
    assert "unknown theme" in caplog.text
    assert theme.requested_theme() == "system"


def test_the_theme_is_put_back_after_a_temporary_one(app: QApplication) -> None:
    apply_theme("light")
    with theme.temporary_theme("dark") as shown:
        assert shown == "dark"
        assert window_colour(app) == theme.DARK.window
    assert window_colour(app) == theme.LIGHT.window
    assert theme.current_colours() is theme.LIGHT


# -- the theme in the window's own widgets ---------------------------------------------------


def drawn_text_colour(label: QLabel, background: QColor) -> QColor:
    """The label's pixel that stands out most from background: the core of its glyphs."""
    image = label.grab().toImage()
    pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    return max(pixels, key=lambda pixel: contrast_ratio(pixel, background))


def test_a_settings_problem_reads_at_wcag_aa_in_the_dark_theme(  # type: ignore[no-untyped-def]
    app: QApplication, window: MainWindow, qtbot
) -> None:
    apply_theme("dark")
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible)
    dialog.lock_minutes.edit.setText("0")  # not a number of minutes it takes
    for label in (dialog.lock_minutes.error, dialog.summary):
        qtbot.waitUntil(label.isVisible)
        assert "from 1 to 240" in label.text()
        background = dialog.palette().color(QPalette.ColorRole.Window)
        assert background.name() == theme.DARK.window
        text = drawn_text_colour(label, background)
        assert text.name() == theme.DARK.error, "drawn in the dark theme's error colour"
        assert contrast_ratio(text, background) >= NORMAL_TEXT_CONTRAST
        label.ensurePolished()
        assert label.palette().color(QPalette.ColorRole.WindowText).name() == theme.DARK.error
    dialog.reject()


def test_the_theme_chosen_in_the_settings_applies_at_once_and_is_saved(  # type: ignore[no-untyped-def]
    app: QApplication, window: MainWindow, qtbot
) -> None:
    apply_theme("light")
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible)
    box = dialog.theme
    assert box.accessibleName() == "Theme"
    assert [box.itemData(i) for i in range(box.count())] == ["system", "light", "dark"]
    assert [box.itemText(i) for i in range(box.count())] == ["Follow the system", "Light", "Dark"]
    box.setCurrentIndex(box.findData("dark"))
    assert dialog.chosen().theme == "dark"
    with qtbot.waitSignal(theme.theme_notifier().changed) as changed:
        dialog.ok_button.click()
    assert changed.args == ["dark"]
    assert window_colour(app) == theme.DARK.window
    assert theme.requested_theme() == "dark"
    assert window.settings.theme == "dark"
    assert Settings.load().theme == "dark"
    assert "Settings saved." in window.statusBar().currentMessage()


def test_the_persona_bar_follows_the_theme(  # type: ignore[no-untyped-def]
    app: QApplication, window: MainWindow, qtbot
) -> None:
    bar = window.persona_bar
    for name in THEMES:
        apply_theme(name)  # the bar redoes its colours on the notifier's signal
        background = QColor(theme.current_colours().window)
        bar.label.ensurePolished()
        label = bar.label.palette().color(QPalette.ColorRole.WindowText)
        assert contrast_ratio(label, background) >= NORMAL_TEXT_CONTRAST, name
        assert label.name() == theme.persona_label_colour(persona_colour(None)).name(), name
    icon = bar.box.itemIcon(0)
    sizes = {(size.width(), size.height()) for size in icon.availableSizes()}
    assert {(12, 12), (24, 24)} <= sizes, "a pixmap per pixel ratio: sharp on high-DPI screens"


def test_the_persona_strip_text_reads_on_every_persona_colour(window: MainWindow) -> None:
    strip = window.persona_strip
    for alias in (None, *ALIASES):
        strip.show_persona(alias)
        colour = persona_colour(alias)
        strip.ensurePolished()
        text = strip.palette().color(QPalette.ColorRole.WindowText)
        assert contrast_ratio(text, colour) >= NORMAL_TEXT_CONTRAST, (alias, colour.name())


def test_a_problem_shown_before_a_theme_change_takes_the_new_theme(  # type: ignore[no-untyped-def]
    app: QApplication, window: MainWindow, qtbot
) -> None:
    apply_theme("light")
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible)
    dialog.lock_minutes.edit.setText("0")
    label = dialog.lock_minutes.error
    qtbot.waitUntil(label.isVisible)
    light_background = dialog.palette().color(QPalette.ColorRole.Window)
    assert drawn_text_colour(label, light_background).name() == theme.LIGHT.error
    apply_theme("dark")  # the dialog stays open
    qtbot.waitUntil(lambda: window_colour_of(dialog) == theme.DARK.window)
    dark_background = dialog.palette().color(QPalette.ColorRole.Window)
    text = drawn_text_colour(label, dark_background)
    assert text.name() == theme.DARK.error
    assert contrast_ratio(text, dark_background) >= NORMAL_TEXT_CONTRAST
    dialog.reject()


def test_status_cells_already_shown_take_the_new_theme(app: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    apply_theme("light")
    tree = QTreeWidget()
    tree.setColumnCount(2)
    qtbot.addWidget(tree)
    top = QTreeWidgetItem(tree, ["lookup", "Failed"])
    child = QTreeWidgetItem(top, ["⚠ a warning", ""])
    show_item_status(top, 1, "error")
    show_item_status(child, 0, "warning")
    plain = QTreeWidgetItem(tree, ["lookup", "Done"])
    assert top.foreground(1).color().name() == theme.LIGHT.error
    apply_theme("dark")
    assert top.foreground(1).color().name() == theme.DARK.error
    assert child.foreground(0).color().name() == theme.DARK.warning
    assert plain.foreground(1).style() == Qt.BrushStyle.NoBrush, "plain cells keep the palette"
    show_item_status(top, 1, None)
    apply_theme("light")
    assert top.foreground(1).style() == Qt.BrushStyle.NoBrush


def test_a_theme_change_after_status_widgets_are_deleted(app: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    apply_theme("light")
    kept, gone = QLabel("kept"), QLabel("gone")
    qtbot.addWidget(kept)
    tree = QTreeWidget()
    show_item_status(QTreeWidgetItem(tree, ["lookup"]), 0, "error")
    for label in (kept, gone):
        show_status(label, "error")
    gone.deleteLater()
    tree.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(gone) and not shiboken6.isValid(tree))
    apply_theme("dark")  # visits only what is still there
    assert theme.DARK.error in kept.styleSheet()
