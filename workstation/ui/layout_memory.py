"""Remember where the officer put the docks, which are hidden, and the window's size.

QMainWindow.saveState / saveGeometry give two opaque blobs; they travel in the
settings as one line of text ("1:<geometry>:<state>", base64). Qt finds docks and
toolbars by objectName in those blobs, so every one of them must have one. The
layout the window was built with is kept for "Reset layout".
"""

import base64
import binascii
import logging

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar

from workstation.settings import Settings

log = logging.getLogger(__name__)

LAYOUT_FORMAT = "1"


def encode_layout(window: QMainWindow) -> str:
    geometry = bytes(window.saveGeometry().data())
    state = bytes(window.saveState().data())
    return ":".join((LAYOUT_FORMAT, _b64(geometry), _b64(state)))


def decode_layout(text: str) -> tuple[QByteArray, QByteArray] | None:
    """Geometry and state; None for an empty, foreign or damaged value."""
    version, _, rest = text.partition(":")
    geometry, _, state = rest.partition(":")
    if version != LAYOUT_FORMAT or not geometry or not state:
        return None
    try:
        return (
            QByteArray(base64.b64decode(geometry, validate=True)),
            QByteArray(base64.b64decode(state, validate=True)),
        )
    except (binascii.Error, ValueError):
        return None


def unnamed_parts(window: QMainWindow) -> list[str]:
    """Docks and toolbars without an objectName: their place could not be remembered."""
    parts: list[QDockWidget | QToolBar] = [
        *window.findChildren(QDockWidget),
        *window.findChildren(QToolBar),
    ]
    return [part.windowTitle() or type(part).__name__ for part in parts if not part.objectName()]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class LayoutMemory(QObject):
    """Restores the saved layout, saves it on request, resets it to the built-in one."""

    def __init__(self, window: QMainWindow, settings: Settings) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._built_in = window.saveState()
        missing = unnamed_parts(window)
        if missing:
            log.warning("layout parts without objectName are not remembered: %s", missing)

    def restore(self) -> bool:
        """Put docks and window back as they were; False (and the built-in layout) if
        nothing usable was saved."""
        saved = decode_layout(self._settings.window_state)
        if saved is None:
            return False
        geometry, state = saved
        restored = self._window.restoreGeometry(geometry) and self._window.restoreState(state)
        if not restored:
            log.info("the saved window layout could not be used; the built-in one applies")
            self._window.restoreState(self._built_in)
        return restored

    def remember(self) -> None:
        """Keep the current layout in the settings file, and nothing else: a window
        made with default settings (a benchmark, a script) must not overwrite the
        officer's other settings when it closes."""
        layout = encode_layout(self._window)
        self._settings.window_state = layout
        try:
            on_disk = Settings.load()
            on_disk.window_state = layout
            on_disk.save()
        except OSError as exc:
            log.warning("the window layout could not be saved: %s", exc)

    def reset(self) -> None:
        """Docks back where the window first put them, all shown."""
        self._window.restoreState(self._built_in)
