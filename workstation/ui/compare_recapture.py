"""What the case explorer asks of the window: two captures side by side, and a page
captured again in the current tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from workstation.evidence.compare import Comparison, compare, exhibit_view
from workstation.ui.compare_dialog import CompareDialog, scaled_screenshot
from workstation.ui.i18n import translate
from workstation.ui.window_part import WindowPart
from workstation.ui.workers import run_in_background


class CompareRecapture(WindowPart):
    """Compares two exhibits (comparisonShown) and re-captures a page (a new snapshot)."""

    def compare_exhibits(self, older_id: int, newer_id: int) -> None:
        """Open both captures side by side (loaded off the GUI thread)."""
        case = self._window.case
        if case is None:
            return

        def load() -> tuple[Comparison, tuple[QImage, QImage]]:
            comparison = compare(exhibit_view(case, older_id), exhibit_view(case, newer_id))
            shots = (scaled_screenshot(comparison.older), scaled_screenshot(comparison.newer))
            return comparison, shots

        run_in_background(load, self._show_comparison, self._window.show_error)

    def _show_comparison(self, loaded: tuple[Comparison, tuple[QImage, QImage]]) -> None:
        dialog = CompareDialog(*loaded, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self._window.comparisonShown.emit(dialog)

    def recapture(self, url: str) -> None:
        """Load url again in the current tab and seal a new snapshot once it has loaded."""
        window = self._window
        tab = window.current_tab()

        def loaded(ok: bool) -> None:
            tab.page.loadFinished.disconnect(loaded)
            if ok:
                window.take_snapshot()
            else:
                window.show_error(
                    translate(
                        "MainWindow", "{url} could not be loaded again; nothing was captured."
                    ).format(url=url)
                )

        tab.page.loadFinished.connect(loaded)
        window.statusBar().showMessage(
            translate("MainWindow", "Capturing {url} again…").format(url=url)
        )
        tab.navigate(url)
