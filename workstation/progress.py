"""How far a long job got, and whether the officer asked it to stop.

Core code (package, transfer, import, verify) takes an optional `Progress` and calls
`step()` between units of work; the GUI shows what it reports and calls `cancel()` from
its Cancel button. `step()` raises `OperationCancelled` once cancel was asked, so the job
stops at the next safe point and cleans up what it started. Qt-free and thread-safe: the
job runs on a worker thread, cancel comes from the GUI thread.
"""

import threading
from collections.abc import Callable

from workstation.errors import WorkstationError

Reporter = Callable[[str, int, int], None]  # what is being done, units done, units in all


class OperationCancelled(WorkstationError):
    """The officer cancelled a long job; what it had started was cleaned up."""


class Progress:
    """Passed into a long job: it reports steps through this and learns of a cancel."""

    def __init__(self, report: Reporter | None = None) -> None:
        self._report = report
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise OperationCancelled when the officer cancelled; call at safe points."""
        if self._cancel.is_set():
            raise OperationCancelled("Cancelled by the officer; nothing was kept.")

    def step(self, text: str, done: int = 0, total: int = 0) -> None:
        """Report what is being done (total 0: no known end), after checking for cancel."""
        self.check()
        if self._report is not None:
            self._report(text, done, total)


def checked(progress: Progress | None) -> Progress:
    """A Progress to call unconditionally: the given one, or one that reports nowhere."""
    return progress if progress is not None else Progress()
