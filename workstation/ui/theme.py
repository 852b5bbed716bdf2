"""Light and dark themes, and colours that stay readable in both.

Officers work long hours, some in dark rooms. The theme is a setting
(Settings.theme): "light", "dark", or "system", which follows the OS colour
scheme (QStyleHints.colorScheme) and changes with it while the program runs.
Every theme is the Fusion style with a palette of our own, so the window looks
the same on every desktop and the contrast is known: normal text is at least
4.5:1 against its background (WCAG 2.x, level AA).

Colours that are not in the palette (persona colours, status text, the route
badge) go through readable_text_colour() or readable_on(), which pick or
adjust a colour by its WCAG contrast ratio against what it is drawn on.
Widgets that build style sheets from these colours redo them when
theme_notifier().changed fires; status text goes through status_colours.py,
which does that for every label and tree cell it coloured.

Only the widgets' look changes: the web pages are rendered as their sites made
them (the browser is not told about the theme), so evidence looks the same
whichever theme the officer uses.
"""

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyleFactory, QToolTip

from workstation.paths import resource_path
from workstation.settings import DEFAULT_THEME, THEMES

log = logging.getLogger(__name__)

STYLE = "Fusion"
NORMAL_TEXT_CONTRAST = 4.5  # WCAG 2.x AA for normal text
LARGE_TEXT_CONTRAST = 3.0  # WCAG 2.x AA for large text and for lines and borders
BLACK = QColor("#000000")
WHITE = QColor("#ffffff")
ICON_SCALES = (1, 2, 3)  # device pixel ratios that get a pixmap of their own


@dataclass(frozen=True)
class ThemeColours:
    """What one theme paints with: the palette's roles and the UI's own status colours."""

    name: str  # "light" or "dark"
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    placeholder: str
    disabled_text: str
    highlight: str
    highlighted_text: str
    link: str
    link_visited: str
    tooltip_base: str
    tooltip_text: str
    light: str
    midlight: str
    mid: str
    dark: str
    shadow: str
    # Status text drawn on window or base: errors, successes, warnings, a diff's lines.
    error: str
    success: str
    warning: str
    added: str
    removed: str

    def colour(self, role: str) -> QColor:
        """One of the fields above as a QColor, e.g. colours.colour("error")."""
        value = getattr(self, role)
        if not isinstance(value, str) or role == "name":
            raise AttributeError(f"{role} is not a colour of the theme")
        return QColor(value)


LIGHT = ThemeColours(
    name="light",
    window="#efefef",
    window_text="#1a1a1a",
    base="#ffffff",
    alternate_base="#f5f5f5",
    text="#1a1a1a",
    button="#e6e6e6",
    button_text="#1a1a1a",
    placeholder="#6b6b6b",
    disabled_text="#8c8c8c",
    highlight="#1f5fa8",
    highlighted_text="#ffffff",
    link="#0b57d0",
    link_visited="#6a1b9a",
    tooltip_base="#ffffdc",
    tooltip_text="#1a1a1a",
    light="#ffffff",
    midlight="#e3e3e3",
    mid="#a0a0a0",
    dark="#7a7a7a",
    shadow="#3c3c3c",
    error="#b00020",
    success="#1b5e20",
    warning="#7a5f00",
    added="#1b6b34",
    removed="#b3261e",
)

DARK = ThemeColours(
    name="dark",
    window="#2b2d30",
    window_text="#e8e8e8",
    base="#1e1f22",
    alternate_base="#26282b",
    text="#e8e8e8",
    button="#3a3c40",
    button_text="#e8e8e8",
    placeholder="#a0a0a0",
    disabled_text="#7d7d7d",
    highlight="#3a74bd",
    highlighted_text="#ffffff",
    link="#8ab4f8",
    link_visited="#d7aefb",
    tooltip_base="#3a3c40",
    tooltip_text="#e8e8e8",
    light="#4a4d52",
    midlight="#3f4246",
    mid="#232427",
    dark="#191a1c",
    shadow="#0d0d0e",
    error="#ff8a80",
    success="#81c995",
    warning="#fdd663",
    added="#81c995",
    removed="#ff8a80",
)

_THEMES = {"light": LIGHT, "dark": DARK}


class ThemeNotifier(QObject):
    """changed(name) fires after a theme ("light" or "dark") has been applied."""

    changed = Signal(str)


@dataclass
class _State:
    requested: str = DEFAULT_THEME
    colours: ThemeColours = LIGHT
    notifier: ThemeNotifier | None = None
    following_system: bool = False


_state = _State()


# -- contrast (WCAG 2.x) -------------------------------------------------------------------


def relative_luminance(colour: QColor) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""

    def linear(channel: float) -> float:
        if channel <= 0.04045:
            return channel / 12.92
        return float(((channel + 0.055) / 1.055) ** 2.4)

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio, from 1 (same luminance) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: QColor) -> QColor:
    """Black or white, whichever reads better on background (always at least 4.58:1)."""
    on_white = contrast_ratio(WHITE, background)
    on_black = contrast_ratio(BLACK, background)
    return QColor(WHITE if on_white >= on_black else BLACK)


def readable_on(
    colour: QColor, background: QColor, minimum: float = NORMAL_TEXT_CONTRAST
) -> QColor:
    """colour itself if it reads on background, else the nearest shade of it that does:
    darker on a light background, lighter on a dark one (hue and saturation kept)."""
    if contrast_ratio(colour, background) >= minimum:
        return QColor(colour)
    hue, saturation = max(colour.hslHueF(), 0.0), colour.hslSaturationF()
    lightness = colour.lightnessF()
    target = 0.0 if _is_light(background) else 1.0
    steps = 100
    for step in range(1, steps + 1):
        shade = QColor.fromHslF(hue, saturation, lightness + (target - lightness) * step / steps)
        if contrast_ratio(shade, background) >= minimum:
            return shade
    return readable_text_colour(background)


def _is_light(background: QColor) -> bool:
    return contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background)


# -- the themes ----------------------------------------------------------------------------


def theme_names() -> tuple[str, ...]:
    """What Settings.theme may be: "system", "light", "dark"."""
    return THEMES


def colours_for(name: str) -> ThemeColours:
    """The colours of "light" or "dark"."""
    return _THEMES[name]


def current_colours() -> ThemeColours:
    """The colours of the theme applied last (light before any)."""
    return _state.colours


def requested_theme() -> str:
    """The theme asked for last, as the setting says it ("system" included)."""
    return _state.requested


def system_theme() -> str:
    """The OS colour scheme as a theme name; an unknown scheme reads as light."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def resolved_theme(name: str) -> str:
    """ "light" or "dark" for a setting's value; unknown values follow the system."""
    if name not in THEMES:
        log.warning("unknown theme %.40r; following the system's", name)
        name = DEFAULT_THEME
    return system_theme() if name == "system" else name


def palette_for(colours: ThemeColours) -> QPalette:
    """A complete palette, the disabled group included."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: colours.window,
        QPalette.ColorRole.WindowText: colours.window_text,
        QPalette.ColorRole.Base: colours.base,
        QPalette.ColorRole.AlternateBase: colours.alternate_base,
        QPalette.ColorRole.Text: colours.text,
        QPalette.ColorRole.Button: colours.button,
        QPalette.ColorRole.ButtonText: colours.button_text,
        QPalette.ColorRole.BrightText: colours.error,
        QPalette.ColorRole.PlaceholderText: colours.placeholder,
        QPalette.ColorRole.Highlight: colours.highlight,
        QPalette.ColorRole.HighlightedText: colours.highlighted_text,
        QPalette.ColorRole.Link: colours.link,
        QPalette.ColorRole.LinkVisited: colours.link_visited,
        QPalette.ColorRole.ToolTipBase: colours.tooltip_base,
        QPalette.ColorRole.ToolTipText: colours.tooltip_text,
        QPalette.ColorRole.Light: colours.light,
        QPalette.ColorRole.Midlight: colours.midlight,
        QPalette.ColorRole.Mid: colours.mid,
        QPalette.ColorRole.Dark: colours.dark,
        QPalette.ColorRole.Shadow: colours.shadow,
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.HighlightedText,
    ):
        palette.setColor(disabled, role, QColor(colours.disabled_text))
    palette.setColor(disabled, QPalette.ColorRole.Highlight, QColor(colours.mid))
    return palette


def theme_notifier() -> ThemeNotifier:
    """The object whose changed(name) signal says a theme was applied."""
    if _state.notifier is None:
        _state.notifier = ThemeNotifier()
    return _state.notifier


def apply_theme(name: str, app: QApplication | None = None) -> str:
    """Apply a theme ("system", "light", "dark") to the application; returns "light" or "dark".

    "system" keeps following the OS colour scheme until another theme is applied.
    """
    app = app or _application()
    _state.requested = name if name in THEMES else DEFAULT_THEME
    _follow_system(app, _state.requested == "system")
    return _paint(app, resolved_theme(name))


@contextlib.contextmanager
def temporary_theme(name: str, app: QApplication | None = None) -> Iterator[str]:
    """A theme for a while (screenshots, tests); the style and palette before come back."""
    app = app or _application()
    style, palette = app.style().name(), app.palette()
    requested, colours = _state.requested, _state.colours
    try:
        yield apply_theme(name, app)
    finally:
        _follow_system(app, requested == "system")
        _state.requested, _state.colours = requested, colours
        if app.style().name().lower() != style.lower():
            app.setStyle(style)
        app.setPalette(palette)
        QToolTip.setPalette(palette)
        theme_notifier().changed.emit(colours.name)


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("a theme needs the QApplication to exist first")
    return app


def _paint(app: QApplication, effective: str) -> str:
    colours = _THEMES[effective]
    if app.style().name().lower() != STYLE.lower():
        style = QStyleFactory.create(STYLE)
        if style is None:
            log.warning("the %s style is not available; keeping %s", STYLE, app.style().name())
        else:
            app.setStyle(style)  # before the palette: a new style resets it
    palette = palette_for(colours)
    app.setPalette(palette)
    QToolTip.setPalette(palette)  # tool tips keep their own copy
    _state.colours = colours
    theme_notifier().changed.emit(effective)
    return effective


def _follow_system(app: QApplication, follow: bool) -> None:
    hints = app.styleHints()
    if follow and not _state.following_system:
        hints.colorSchemeChanged.connect(_system_scheme_changed)
    elif not follow and _state.following_system:
        hints.colorSchemeChanged.disconnect(_system_scheme_changed)
    _state.following_system = follow


def _system_scheme_changed(scheme: Qt.ColorScheme) -> None:
    """The OS switched between light and dark while "system" is the theme."""
    if _state.requested != "system":
        return
    _paint(_application(), "dark" if scheme == Qt.ColorScheme.Dark else "light")


# -- what other widgets draw with ------------------------------------------------------------


def persona_label_colour(persona_colour: QColor) -> QColor:
    """A persona's colour as text on the window (the "Browsing as" label): its own hue,
    made darker or lighter until it reads on the current theme's window colour."""
    return readable_on(persona_colour, QColor(current_colours().window))


def persona_edge_colour(persona_colour: QColor) -> QColor:
    """A persona's colour as a line or border on the window: at least 3:1 against it."""
    return readable_on(persona_colour, QColor(current_colours().window), LARGE_TEXT_CONTRAST)


def status_colour(kind: str) -> QColor:
    """ "error", "success", "warning", "added" or "removed" text for the current theme."""
    if kind not in ("error", "success", "warning", "added", "removed"):
        raise ValueError(f"no status colour {kind!r}")
    return current_colours().colour(kind)


def status_style(kind: str) -> str:
    """Style sheet for a label in a status colour, e.g. status_style("error")."""
    return f"color: {status_colour(kind).name()}"


def badge_style(background: QColor) -> str:
    """Style sheet of a coloured badge (the route indicator) with readable text."""
    text = readable_text_colour(background).name()
    return f"background:{background.name()};color:{text};padding:2px 8px;border-radius:4px"


def banner_style(background: QColor) -> str:
    """Style sheet of the band in the browsing identity's colour across the window."""
    text = readable_text_colour(background).name()
    return f"background: {background.name()}; color: {text}; font-weight: bold; padding: 1px 6px;"


def swatch_icon(colour: QColor, size: int = 12) -> QIcon:
    """A square of colour with a pixmap per device pixel ratio, sharp on high-DPI screens."""
    icon = QIcon()
    for scale in ICON_SCALES:
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.fill(colour)
        pixmap.setDevicePixelRatio(scale)
        icon.addPixmap(pixmap)
    return icon


def application_icon() -> QIcon:
    """The program's icon, from its SVG so it is sharp at any size and pixel ratio."""
    icon = QIcon(str(resource_path("icons", "investigator-workstation.svg")))
    if icon.isNull() or icon.pixmap(QSize(32, 32)).isNull():
        log.info("the SVG icon cannot be drawn here; using the PNG")
        icon = QIcon(str(resource_path("icons", "investigator-workstation.png")))
    return icon
