"""Let a worker thread hand a job to the GUI thread and wait for its answer.

Some steps of a long job must happen on the GUI thread (QtWebEngine printing a PDF, a
dialog asking for a passphrase) while the job itself runs on a worker thread and the
core calls a plain blocking function. `GuiBridge.call` posts the step to the GUI thread
with a queued signal and makes the *worker* wait on a threading.Event; the GUI thread
only starts the step and carries on. The wait ends with the answer, an error, the
officer's Cancel (through the job's WatchedProgress) or a generous timeout, so a worker
is never stuck for good. The GUI thread never waits for a worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from workstation.errors import WorkstationError
from workstation.progress import OperationCancelled
from workstation.ui.i18n import translate
from workstation.ui.job_progress import WatchedProgress

log = logging.getLogger(__name__)


# Runs on the GUI thread: starts the step and calls done(value) or failed(error) later.
# It may return a callable that undoes the step when the worker stops waiting first.
Starter = Callable[[Callable[[Any], None], Callable[[WorkstationError], None]], Any]


class GuiStepTimeout(WorkstationError):
    """A step the GUI thread was asked to do did not finish in time."""


class _Call:
    """One step handed to the GUI thread: settled once, by whoever comes first."""

    def __init__(self, start: Starter) -> None:
        self.start = start
        self.finished = threading.Event()
        self.undo: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._value: Any = None
        self._error: WorkstationError | None = None
        self._settled = False

    @property
    def settled(self) -> bool:
        with self._lock:
            return self._settled

    def succeed(self, value: Any) -> None:
        self.settle(value, None)

    def fail(self, error: WorkstationError) -> None:
        self.settle(None, error)

    def settle(self, value: Any, error: WorkstationError | None) -> bool:
        """Settle with a value or an error; False when it was settled already."""
        with self._lock:
            if self._settled:
                return False
            self._settled = True
            self._value, self._error = value, error
        self.finished.set()
        return True

    def outcome(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


class GuiBridge(QObject):
    """Lives on the GUI thread; workers call `call()`, which blocks only the worker."""

    stepStarted = Signal()  # on the GUI thread, once a step was started
    _posted = Signal(object)
    _abandoned = Signal(object)

    def __init__(
        self, parent: QObject | None = None, *, progress: WatchedProgress | None = None
    ) -> None:
        super().__init__(parent)
        self.progress = progress
        self._posted.connect(self._start, Qt.ConnectionType.QueuedConnection)
        self._abandoned.connect(self._undo, Qt.ConnectionType.QueuedConnection)
        self._outstanding = _Outstanding()
        outstanding = self._outstanding
        # Once the bridge is gone, no GUI step can answer: release whoever still waits.
        self.destroyed.connect(lambda _obj=None: outstanding.release_all())

    def call(self, start: Starter, *, what: str, timeout_s: float) -> Any:
        """On a worker thread: run start on the GUI thread and wait for its answer.

        Raises OperationCancelled when the job is cancelled meanwhile, GuiStepTimeout
        when no answer came in timeout_s, or the step's own WorkstationError.
        """
        if QThread.currentThread() == self.thread():
            raise RuntimeError(
                f"{what} was asked for on the GUI thread, which would wait on itself"
            )
        pending = _Call(start)
        self._outstanding.add(pending)
        forget = (
            self.progress.when_cancelled(lambda: self._cancel(pending))
            if self.progress is not None
            else (lambda: None)
        )
        try:
            self._posted.emit(pending)
            if not pending.finished.wait(timeout_s):
                timeout = GuiStepTimeout(
                    translate(
                        "GuiBridge",
                        "{what} did not finish within {seconds} seconds; nothing was kept.",
                    ).format(what=what, seconds=int(timeout_s))
                )
                if pending.settle(None, timeout):
                    self._abandon(pending)
            return pending.outcome()
        finally:
            forget()
            self._outstanding.discard(pending)

    def _cancel(self, pending: _Call) -> None:
        if pending.settle(
            None, OperationCancelled(translate("GuiBridge", "Cancelled by the officer."))
        ):
            self._abandon(pending)

    def _abandon(self, pending: _Call) -> None:
        # The GUI step may still be running (a dialog open): undo it on the GUI thread.
        with suppress(RuntimeError):  # the bridge is already gone: nothing left to undo
            self._abandoned.emit(pending)

    @Slot(object)
    def _start(self, pending: _Call) -> None:
        if pending.settled:
            return  # cancelled before the GUI thread got to it
        try:
            undo = pending.start(pending.succeed, pending.fail)
        except WorkstationError as exc:
            pending.fail(exc)
            return
        except Exception:
            log.exception("a step on the GUI thread failed")
            pending.fail(
                WorkstationError(
                    translate(
                        "GuiBridge", "An internal error occurred; the details are in the log."
                    )
                )
            )
            return
        pending.undo = undo if callable(undo) else None
        if pending.settled and pending.undo is not None:
            self._undo(pending)  # cancelled while it was being started
        self.stepStarted.emit()

    @Slot(object)
    def _undo(self, pending: _Call) -> None:
        undo, pending.undo = pending.undo, None
        if undo is not None:
            undo()


class _Outstanding:
    """The calls whose workers still wait (shared with the bridge's destroyed handler)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: set[_Call] = set()

    def add(self, pending: _Call) -> None:
        with self._lock:
            self._calls.add(pending)

    def discard(self, pending: _Call) -> None:
        with self._lock:
            self._calls.discard(pending)

    def release_all(self) -> None:
        with self._lock:
            calls = list(self._calls)
        for pending in calls:
            pending.fail(
                WorkstationError(
                    translate("GuiBridge", "The window was closed before the step finished.")
                )
            )
