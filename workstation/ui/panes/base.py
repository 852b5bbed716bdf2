"""What every case pane shares: the open case, and reloading off the GUI thread."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from workstation.casefile import Case
from workstation.ui.i18n import translate
from workstation.ui.workers import run_in_background


class CasePane(QWidget):
    """A pane that shows part of the open case and clears when it closes or locks."""

    errorRaised = Signal(str)
    reloaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        # Bumped by every reload (and case change): only the newest reload's result is
        # shown, so a slow, older one (an earlier filter, the previous case) never
        # overwrites a newer one.
        self._generation = 0

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self._generation += 1
        self.clear()
        self.setEnabled(case is not None)
        if case is not None:
            self.reload()

    def reload(self) -> None:
        case = self.case
        if case is None:
            return
        self._generation += 1
        generation = self._generation

        def show(data: Any) -> None:
            if generation == self._generation:
                self.show_data(data)
                self.reloaded.emit()

        run_in_background(lambda: self.fetch(case), show, self.errorRaised.emit, owner=self)

    def run(self, work: Callable[[Case], Any], then: Callable[[Any], None] | None = None) -> None:
        """Run a change against the case in the background, then reload."""
        case = self.case
        if case is None:
            self.errorRaised.emit(translate("CasePane", "Open or create a case first."))
            return

        def done(result: Any) -> None:
            if then is not None:
                then(result)
            self.reload()

        run_in_background(lambda: work(case), done, self.errorRaised.emit, owner=self)

    # -- for subclasses --------------------------------------------------

    def fetch(self, case: Case) -> Any:
        """Runs on a worker thread: read what the pane shows."""
        raise NotImplementedError

    def show_data(self, data: Any) -> None:
        """Runs on the GUI thread with what fetch returned."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError
