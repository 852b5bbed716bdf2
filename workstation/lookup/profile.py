"""A profile: every lookup that says something about one target, run in parallel.

The target is classified (domain, IP, e-mail, URL, phone, AS number) and the relevant
lookups start together, each on its own worker thread; a profile therefore takes about
as long as its slowest lookup. Results are handed on as they arrive, a failing lookup
does not stop the others, and the officer can cancel: no new lookup starts, running
ones stop at their next exchange (they call context.check_cancelled), and run_profile
returns at once without waiting for them.
"""

import logging
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from workstation.errors import WorkstationError
from workstation.lookup.context import Cancelled, LookupContext
from workstation.lookup.kinds import KINDS, LookupFunction
from workstation.lookup.result import LookupResult, Pivot
from workstation.lookup.targets import Target, classify

log = logging.getLogger(__name__)

ResultCallback = Callable[[LookupResult], None]
ErrorCallback = Callable[[str, Exception], None]

CANCEL_POLL_SECONDS = 0.05  # how often a waiting profile looks at the cancel event
HTTPS_PORT = 443


@dataclass(frozen=True)
class ProfileStep:
    """One lookup of a profile: which kind, of what."""

    kind: str
    target: str


@dataclass
class ProfileResult:
    """What a profile found. ``failures`` maps a kind to the message for the officer;
    ``not_run`` lists the kinds a cancel stopped before they finished."""

    target: Target
    steps: tuple[ProfileStep, ...]
    results: list[LookupResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    not_run: list[str] = field(default_factory=list)
    cancelled: bool = False
    pivots: list[Pivot] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled


def plan(target: Target) -> tuple[ProfileStep, ...]:
    """The lookups a profile of this target runs."""
    if target.kind == "domain":
        return _domain_steps(target.value)
    if target.kind == "ip":
        return _ip_steps(target.value)
    if target.kind == "email":
        domain = target.value.rpartition("@")[2]
        return (ProfileStep("email", target.value), *_domain_steps(domain))
    if target.kind == "url":
        return _url_steps(target.value)
    if target.kind == "phone":
        return (ProfileStep("phone", target.value),)
    return (ProfileStep("asn", target.value), ProfileStep("rdap", target.value))


def _domain_steps(domain: str) -> tuple[ProfileStep, ...]:
    return (
        ProfileStep("dns", domain),
        ProfileStep("registration", domain),
        ProfileStep("cert", domain),
        ProfileStep("headers", f"https://{domain}/"),
    )


def _ip_steps(address: str) -> tuple[ProfileStep, ...]:
    return (
        ProfileStep("dns", address),
        ProfileStep("registration", address),
        ProfileStep("asn", address),
    )


def _url_steps(url: str) -> tuple[ProfileStep, ...]:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    steps = [ProfileStep("headers", url)]
    if parts.scheme == "https":
        port = parts.port or HTTPS_PORT
        shown = f"[{host}]" if ":" in host else host
        steps.append(ProfileStep("cert", shown if port == HTTPS_PORT else f"{shown}:{port}"))
    steps += [ProfileStep("dns", host), ProfileStep("registration", host)]
    return tuple(steps)


def covered(target: Target, steps: tuple[ProfileStep, ...]) -> set[tuple[str, str]]:
    """(kind, target) pairs this profile already answers: no use offering them as pivots."""
    done = {(step.kind, step.target) for step in steps}
    done.add(("profile", target.value))
    if target.kind == "email":
        done.add(("profile", target.value.rpartition("@")[2]))
    return done


def run_profile(
    target: str,
    context: LookupContext,
    on_result: ResultCallback | None = None,
    on_error: ErrorCallback | None = None,
    *,
    lookups: Mapping[str, LookupFunction] | None = None,
) -> ProfileResult:
    """Run the profile of ``target``; LookupInputError (at once) if it is not a valid target.

    on_result(result) and on_error(kind, exception) are called from the worker threads
    as each lookup ends, one call at a time (never two at once), and never after
    run_profile has returned. Set context.cancel_event to cancel. ``lookups`` replaces
    the registry of lookup functions (tests of the orchestration only).
    """
    classified = classify(target)
    steps = plan(classified)
    run = _ProfileRun(classified, steps, on_result, on_error)
    functions = KINDS if lookups is None else lookups
    executor = ThreadPoolExecutor(max_workers=len(steps), thread_name_prefix="profile")
    try:
        for step in steps:
            executor.submit(run.execute, step, functions.get(step.kind), context)
        run.wait(context.cancel_event)
    finally:
        # Running lookups end on their own at their next exchange; nobody waits for them,
        # and once this returns (or is interrupted) no callback is made any more.
        executor.shutdown(wait=False, cancel_futures=True)
        outcome = run.finish(context.cancel_event.is_set())
    return outcome


class _ProfileRun:
    """The state of one profile, shared by its worker threads."""

    def __init__(
        self,
        target: Target,
        steps: tuple[ProfileStep, ...],
        on_result: ResultCallback | None,
        on_error: ErrorCallback | None,
    ) -> None:
        self._outcome = ProfileResult(target, steps)
        self._on_result = on_result
        self._on_error = on_error
        self._finished: set[ProfileStep] = set()
        self._closed = False
        self._changed = threading.Condition()

    def execute(
        self, step: ProfileStep, function: LookupFunction | None, context: LookupContext
    ) -> None:
        """Run one step on a worker thread and report how it ended."""
        try:
            if function is None:
                raise WorkstationError(f"There is no {step.kind!r} lookup in this workstation.")
            context.check_cancelled()
            result = function(step.target, context)
        except Cancelled:
            self._end(step, None, None)
        except WorkstationError as exc:
            self._end(step, None, exc)
        except Exception as exc:
            log.exception("the %s lookup of a profile failed unexpectedly", step.kind)
            self._end(step, None, exc)
        else:
            self._end(step, result, None)

    def _end(self, step: ProfileStep, result: LookupResult | None, error: Exception | None) -> None:
        with self._changed:
            if self._closed:
                return  # the profile was cancelled and has returned: drop late answers
            self._finished.add(step)
            if result is not None:
                self._outcome.results.append(result)
                self._deliver(self._on_result, result)
            elif error is not None:
                self._outcome.failures[step.kind] = _officer_message(step.kind, error)
                self._deliver(self._on_error, step.kind, error)
            else:
                self._outcome.not_run.append(step.kind)
            self._changed.notify_all()

    @staticmethod
    def _deliver(callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            # The caller's display failing must not lose the other lookups' results.
            log.exception("a profile callback failed")

    def wait(self, cancel: threading.Event) -> None:
        """Until every step has ended, or the officer cancels."""
        with self._changed:
            while len(self._finished) < len(self._outcome.steps) and not cancel.is_set():
                self._changed.wait(CANCEL_POLL_SECONDS)

    def finish(self, cancelled: bool) -> ProfileResult:
        with self._changed:
            self._closed = True
            outcome = self._outcome
            unfinished = [s.kind for s in outcome.steps if s not in self._finished]
            outcome.not_run.extend(unfinished)
            outcome.cancelled = cancelled and bool(outcome.not_run)
            outcome.pivots = collect_pivots(outcome.results, covered(outcome.target, outcome.steps))
            return outcome


def collect_pivots(results: list[LookupResult], skip: set[tuple[str, str]]) -> list[Pivot]:
    """Every result's pivots, first one of each (kind, target) kept, known ones left out."""
    seen = set(skip)
    pivots = []
    for result in results:
        for pivot in result.pivots:
            key = (pivot.kind, pivot.target)
            if key not in seen:
                seen.add(key)
                pivots.append(pivot)
    return pivots


def _officer_message(kind: str, error: Exception) -> str:
    if isinstance(error, WorkstationError):
        return str(error)
    return f"The {kind} lookup failed unexpectedly ({type(error).__name__}); see the log."
