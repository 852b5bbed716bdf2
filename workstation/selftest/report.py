"""The self-test's result: one line per step, as text for the officer and as JSON."""

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "failed", "skipped"]
NAME_WIDTH = 10  # step names line up in the text report


@dataclass
class StepResult:
    name: str
    title: str
    status: Status
    seconds: float = 0.0
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class SelfTestReport:
    version: str
    build: str
    built_utc: str | None
    runtime: dict[str, Any]
    steps: list[StepResult] = field(default_factory=list)
    kept: str | None = None  # the workspace, when --keep left it in place

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.status != "failed" for step in self.steps)

    @property
    def failed_step(self) -> StepResult | None:
        return next((step for step in self.steps if step.status == "failed"), None)

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    def summary(self) -> str:
        failed = self.failed_step
        if failed is None:
            return f"Self-test passed: every step succeeded ({self.seconds:.1f} s)."
        return f'Self-test FAILED at step "{failed.name}" ({failed.title}): {failed.detail}'

    def as_json(self) -> dict[str, Any]:
        failed = self.failed_step
        return {
            "ok": self.ok,
            "failed_step": failed.name if failed else None,
            "message": self.summary(),
            "version": self.version,
            "build": self.build,
            "built_utc": self.built_utc,
            "seconds": round(self.seconds, 3),
            "runtime": self.runtime,
            "steps": [
                {
                    "name": step.name,
                    "title": step.title,
                    "status": step.status,
                    "seconds": round(step.seconds, 3),
                    "detail": step.detail,
                    "data": step.data,
                }
                for step in self.steps
            ],
            "kept": self.kept,
        }


_MARKS = {"ok": "[ok]", "failed": "[FAILED]", "skipped": "[skipped]"}


def version_header(version: str, build: str, built_utc: str | None) -> str:
    built = f", built {built_utc}" if built_utc else ""
    return f"Investigator Workstation {version} (build {build}{built}): self-test"


def step_line(step: StepResult) -> str:
    timing = f" ({step.seconds:.2f} s)" if step.status != "skipped" else ""
    detail = f": {step.detail}" if step.detail else ""
    return f"  {_MARKS[step.status]:<9} {step.name:<{NAME_WIDTH}} {step.title}{timing}{detail}"


def closing_lines(report: SelfTestReport) -> list[str]:
    runs_from = "bundle" if report.runtime.get("frozen") else "checkout"
    lines = [f"Ran from the {runs_from}: {report.runtime.get('executable', '?')}"]
    if report.kept:
        lines.append(f"Workspace kept at {report.kept}")
    lines.append(report.summary())
    return lines


def render_text(report: SelfTestReport) -> list[str]:
    """The whole report as terminal lines: header, one line per step, the verdict."""
    return [
        version_header(report.version, report.build, report.built_utc),
        *(step_line(step) for step in report.steps),
        *closing_lines(report),
    ]
