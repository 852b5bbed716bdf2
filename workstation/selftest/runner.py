"""Run the self-test's steps in order, stop at the first failure, always clean up."""

import logging
import time
from collections.abc import Callable

from workstation.errors import WorkstationError
from workstation.selftest.environment import runtime_facts
from workstation.selftest.report import SelfTestReport, StepResult
from workstation.selftest.steps import (
    CLEANUP,
    STEPS,
    SelfTestOptions,
    SelfTestRun,
    Step,
    StepFailed,
    StepSkipped,
)
from workstation.version import build_hash, built_utc, tool_version

log = logging.getLogger(__name__)

Progress = Callable[[StepResult], None]


def run_self_test(
    options: SelfTestOptions | None = None, progress: Progress | None = None
) -> SelfTestReport:
    """Every step of STEPS, then cleanup; progress(result) is called as each step ends."""
    run = SelfTestRun(options or SelfTestOptions())
    report = SelfTestReport(tool_version(), build_hash(), built_utc(), runtime={})
    failed = False
    try:
        for step in STEPS:
            if failed:
                result = StepResult(step[0], step[1], "skipped", detail="an earlier step failed")
            else:
                result = run_step(step, run)
                failed = result.status == "failed"
            _record(report, result, progress)
    finally:
        _record(report, run_step(CLEANUP, run), progress)
    report.runtime = runtime_facts()  # last, so it lists every module the test loaded
    if run.workspace is not None and run.options.keep:
        report.kept = str(run.workspace.root)
    return report


def run_step(step: Step, run: SelfTestRun) -> StepResult:
    name, title, action = step
    started = time.perf_counter()
    try:
        outcome = action(run)
    except StepSkipped as skipped:
        return StepResult(name, title, "skipped", _since(started), str(skipped))
    except StepFailed as failure:
        return StepResult(name, title, "failed", _since(started), str(failure))
    except Exception as exc:  # a self-test reports any failure as its step's
        log.debug("self-test step %s raised", name, exc_info=True)
        # The officer's messages stand alone; anything else is named, as it is a bug.
        detail = str(exc) if isinstance(exc, WorkstationError) else f"{type(exc).__name__}: {exc}"
        return StepResult(name, title, "failed", _since(started), detail)
    return StepResult(name, title, "ok", _since(started), outcome.detail, outcome.data)


def _since(started: float) -> float:
    return time.perf_counter() - started


def _record(report: SelfTestReport, result: StepResult, progress: Progress | None) -> None:
    report.steps.append(result)
    if progress is not None:
        progress(result)
