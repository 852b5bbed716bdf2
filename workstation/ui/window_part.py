"""The base of the main window's parts kept in modules of their own (case lifecycle,
route control, snapshots, lookups, comparing and re-capturing).

A part is a QObject child of the window and works on it: the window's widgets,
actions and signals stay its one public face, and the part goes when the window does
(work finishing on a worker after that is dropped, see workers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow


class WindowPart(QObject):
    """One cohesive piece of the main window's behaviour."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
