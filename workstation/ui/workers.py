"""Run blocking work (key derivation, hashing, database writes) off the GUI thread.

`run_in_background(fn, on_result, on_error)` queues fn on the global thread
pool; the callbacks run later on the GUI thread through queued signals.
"""

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from workstation.errors import WorkstationError

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its slots receive the worker's queued signals."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, on_result: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
        super().__init__()
        self._on_result = on_result
        self._on_error = on_error
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_result(self, value: Any) -> None:
        _live.discard(self)
        self._on_result(value)

    @Slot(str)
    def _deliver_error(self, message: str) -> None:
        _live.discard(self)
        self._on_error(message)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except WorkstationError as exc:
            self._relay.failed.emit(str(exc))
        except Exception:
            log.exception("background task failed")
            self._relay.failed.emit("An internal error occurred; the details are in the log.")
        else:
            self._relay.succeeded.emit(result)


_live: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_result: Callable[[Any], None],
    on_error: Callable[[str], None],
) -> None:
    """Run fn on a pool thread; call on_result or on_error on the GUI thread."""
    relay = _Relay(on_result, on_error)
    _live.add(relay)  # keep the relay alive until one of its slots ran
    QThreadPool.globalInstance().start(_Task(fn, relay))
