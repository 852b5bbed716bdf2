"""Run lookups and profiles off the GUI thread; hand what they find back as Qt signals.

Each run is a job on a thread of its own rather than on Qt's global pool: a lookup may
wait on a slow registry for its whole timeout, and the pool's few threads are what the
case work (saving, reloading panes) runs on. The lookup core reports from its worker
threads; those reports are posted to the GUI thread through one application-wide
dispatcher, so a runner (or the pane that owns it) may be deleted while lookups are
still out without a late answer touching a dead object.

Cancel is prompt: the job is reported cancelled at once, its context's cancel_event
is set (no new exchange starts) and every connection it opened is shut down, so a
lookup blocked reading from a server that never answers ends now, not at its timeout.
Whatever a cancelled job still reports afterwards is dropped.
"""

import contextlib
import itertools
import logging
import socket
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from workstation.errors import WorkstationError
from workstation.lookup.context import Cancelled, Connector, LookupContext
from workstation.lookup.kinds import OFFLINE_KINDS, run_lookup
from workstation.lookup.profile import ProfileStep, plan, run_profile
from workstation.lookup.targets import classify
from workstation.ui.i18n import translate
from workstation.ui.problem_text import officer_message

log = logging.getLogger(__name__)

PROFILE = "profile"


@dataclass(frozen=True)
class LookupJob:
    """One run the officer started: a profile or a single lookup, and who asks."""

    id: int
    kind: str  # "profile" or a lookup kind
    target: str
    persona: str | None  # None: the workstation's research identity
    route: str
    steps: tuple[ProfileStep, ...]  # what will report: one step for a single lookup


def planned_steps(kind: str, target: str) -> tuple[ProfileStep, ...]:
    """The lookups a job runs; LookupInputError at once for a profile of invalid input."""
    if kind == PROFILE:
        return plan(classify(target))
    return (ProfileStep(kind, target.strip()),)


def runs_offline(steps: tuple[ProfileStep, ...]) -> bool:
    """True when every step answers from shipped data, so no route is needed."""
    return all(step.kind in OFFLINE_KINDS for step in steps)


class AbortableConnector:
    """Wraps a connector so that Cancel can cut the connections it opened, mid-read.

    A duplicate of each socket's descriptor is kept: shutting it down ends the
    connection for whoever holds the socket, including a TLS socket that wrapped it
    (wrapping detaches the original object, so that object alone would not do).
    The duplicates are closed when the job ends.
    """

    def __init__(self, inner: Connector) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._held: list[socket.socket] = []
        self._aborted = False

    @property
    def route(self) -> str:
        return self._inner.route

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = self._inner.connect(host, port, timeout)
        with self._lock:
            if self._aborted:
                sock.close()
                raise Cancelled("The lookup was cancelled.")
            self._held.append(sock.dup())
        return sock

    def abort(self) -> None:
        """Shut down every connection; any later connect is refused as cancelled."""
        with self._lock:
            self._aborted = True
            held = list(self._held)
        for sock in held:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        """Close the duplicates (the job has ended)."""
        with self._lock:
            held, self._held = self._held, []
        for sock in held:
            sock.close()


class _Dispatcher(QObject):
    """Runs callables on the GUI thread for worker threads. Lives as long as the app."""

    posted = Signal(object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, deliver: Callable[[], None]) -> None:
        deliver()


_dispatcher: _Dispatcher | None = None


def _gui_dispatcher() -> _Dispatcher:
    """The dispatcher; made on first use, which is on the GUI thread (a runner's init)."""
    global _dispatcher  # noqa: PLW0603 - one per application, on purpose
    if _dispatcher is None:
        _dispatcher = _Dispatcher(QCoreApplication.instance())
    return _dispatcher


@dataclass(frozen=True)
class _Running:
    job: LookupJob
    context: LookupContext
    connector: AbortableConnector


class LookupRunner(QObject):
    """Starts jobs on worker threads; its signals are emitted on the GUI thread."""

    resultArrived = Signal(object, object)  # LookupJob, LookupResult
    lookupFailed = Signal(object, str, str)  # LookupJob, kind, message for the officer
    jobFinished = Signal(object, bool)  # LookupJob, cancelled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dispatcher = _gui_dispatcher()
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Running] = {}

    def start(
        self,
        kind: str,
        target: str,
        connector: Connector,
        *,
        persona: str | None = None,
        context_options: dict[str, Any] | None = None,
    ) -> LookupJob:
        """Start a profile (kind "profile") or one lookup of ``target``.

        LookupInputError at once when a profile's target is not valid; a single
        lookup's own input errors arrive through lookupFailed. context_options are
        LookupContext fields (resolver, whois_server, ...) for units with their own
        servers, and for tests.
        """
        steps = planned_steps(kind, target)
        abortable = AbortableConnector(connector)
        context = LookupContext(connector=abortable, **(context_options or {}))
        job = LookupJob(next(self._ids), kind, target.strip(), persona, connector.route, steps)
        running = _Running(job, context, abortable)
        self._jobs[job.id] = running
        # The thread holds no reference to the runner: the GUI may delete it meanwhile.
        post = _Poster(weakref.ref(self), self._dispatcher, job.id)
        threading.Thread(
            target=_work, args=(running, post), name=f"lookup-{job.id}", daemon=True
        ).start()
        return job

    def cancel(self, job_id: int) -> None:
        """Stop a job now; it is reported finished (cancelled) before this returns."""
        running = self._jobs.pop(job_id, None)
        if running is None:
            return
        # Cut the connections first: once the event is set, a profile's thread returns
        # and releases the job's connections, and nothing would be left to cut.
        running.connector.abort()
        running.context.cancel_event.set()
        self.jobFinished.emit(running.job, True)

    def cancel_all(self) -> None:
        for job_id in list(self._jobs):
            self.cancel(job_id)

    def running(self) -> list[LookupJob]:
        return [running.job for running in self._jobs.values()]

    # -- GUI side -----------------------------------------------------------------

    def _deliver(self, job_id: int, event: str, value: Any) -> None:
        if not shiboken6.isValid(self):
            return  # the pane that owned the runner was closed
        running = self._jobs.get(job_id)
        if running is None:
            return  # cancelled: late answers are dropped
        if event == "result":
            self.resultArrived.emit(running.job, value)
        elif event == "failure":
            kind, message = value
            self.lookupFailed.emit(running.job, kind, message)
        else:
            del self._jobs[job_id]
            self.jobFinished.emit(running.job, False)


class _Poster:
    """Hands a job's events to the GUI thread; nothing happens there if the runner is gone."""

    def __init__(
        self, runner: "weakref.ref[LookupRunner]", dispatcher: _Dispatcher, job_id: int
    ) -> None:
        self._runner = runner
        self._dispatcher = dispatcher
        self._job_id = job_id

    def __call__(self, event: str, value: Any = None) -> None:
        runner_ref, job_id = self._runner, self._job_id

        def deliver() -> None:
            runner = runner_ref()
            if runner is not None:
                runner._deliver(job_id, event, value)

        with contextlib.suppress(RuntimeError):  # the application is already gone
            self._dispatcher.posted.emit(deliver)


def _work(running: _Running, post: _Poster) -> None:
    """The job's thread: run the profile or the lookup and post what happens."""
    job, context = running.job, running.context
    try:
        if job.kind == PROFILE:
            run_profile(
                job.target,
                context,
                on_result=lambda result: post("result", result),
                on_error=lambda kind, exc: post(
                    "failure", (kind, lookup_failure_message(kind, exc))
                ),
            )
        else:
            post("result", run_lookup(job.kind, job.target, context))
    except Cancelled:
        pass
    except Exception as exc:
        if not isinstance(exc, WorkstationError):
            log.exception("the %s lookup failed unexpectedly", job.kind)
        post("failure", (job.kind, lookup_failure_message(job.kind, exc)))
    finally:
        running.connector.release()
        post("end")


def lookup_failure_message(kind: str, error: Exception) -> str:
    """What the officer reads about a failed lookup: our own plain messages, or a pointer."""
    if isinstance(error, WorkstationError):
        return officer_message(error)
    return translate(
        "LookupRunner", "The {kind} lookup failed unexpectedly ({error}); see the log."
    ).format(kind=kind, error=type(error).__name__)
