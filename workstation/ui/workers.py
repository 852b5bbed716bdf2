"""Run blocking work (key derivation, hashing, database writes) off the GUI thread.

`run_in_background(fn, on_result, on_error)` queues fn on the global thread
pool; the callbacks run later on the GUI thread through queued signals, unless
the window or pane they belong to has been deleted meanwhile.
"""

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from workstation.errors import WorkstationError
from workstation.ui.i18n import translate
from workstation.ui.problem_text import officer_message

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its slots receive the worker's queued signals."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        on_result: Callable[[Any], None],
        on_error: Callable[[str], None],
        owner: QObject | None,
    ) -> None:
        super().__init__()
        self._on_result = on_result
        self._on_error = on_error
        candidates = (owner, _owner_of(on_result), _owner_of(on_error))
        self._owners = [candidate for candidate in candidates if candidate is not None]
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    def _owners_alive(self) -> bool:
        # A window or pane closed while the work ran: its answer has nobody to go to.
        return all(shiboken6.isValid(owner) for owner in self._owners)

    @Slot(object)
    def _deliver_result(self, value: Any) -> None:
        _live.discard(self)
        if self._owners_alive():
            self._on_result(value)

    @Slot(str)
    def _deliver_error(self, message: str) -> None:
        _live.discard(self)
        if self._owners_alive():
            self._on_error(message)
        else:
            log.info("dropped a late error for a closed window: %s", message)


def _owner_of(callback: Callable[..., Any]) -> QObject | None:
    owner = getattr(callback, "__self__", None)
    return owner if isinstance(owner, QObject) else None


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except WorkstationError as exc:
            self._relay.failed.emit(officer_message(exc))
        except Exception:
            log.exception("background task failed")
            self._relay.failed.emit(
                translate("Workers", "An internal error occurred; the details are in the log.")
            )
        else:
            self._relay.succeeded.emit(result)


_live: set[_Relay] = set()

# Background jobs mostly wait on Tor, the network or the disk, not on the CPU. Qt's
# default of one pool thread per core would let a Tor bootstrap and a slow timestamp
# request on a two-core PC hold every thread, and no pane could reload meanwhile.
MIN_WORKER_THREADS = 8


def worker_pool() -> QThreadPool:
    """The pool background jobs run on, with room for several waiting at once."""
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_WORKER_THREADS:
        pool.setMaxThreadCount(MIN_WORKER_THREADS)
    return pool


def run_in_background(
    fn: Callable[[], Any],
    on_result: Callable[[Any], None],
    on_error: Callable[[str], None],
    *,
    owner: QObject | None = None,
) -> None:
    """Run fn on a pool thread; call on_result or on_error on the GUI thread.

    Nothing is delivered once owner (or the QObject a bound-method callback
    belongs to) has been deleted.
    """
    relay = _Relay(on_result, on_error, owner)
    _live.add(relay)  # keep the relay alive until one of its slots ran
    worker_pool().start(_Task(fn, relay))
