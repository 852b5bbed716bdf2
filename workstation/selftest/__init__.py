"""The installed program's self-test (Qt-free except for the capture step).

In a throw-away workspace it creates a case, serves a built-in page on loopback,
starts a test route (a SOCKS5 server on loopback that only reaches loopback),
loads the page headless through the route gate and that route, seals and
verifies a snapshot, checks that nothing reached the page around the route, and
removes everything again. `python main.py self-test` runs it.
"""

from workstation.selftest.report import (
    SelfTestReport,
    StepResult,
    closing_lines,
    render_text,
    step_line,
    version_header,
)
from workstation.selftest.runner import run_self_test
from workstation.selftest.steps import SelfTestOptions

__all__ = [
    "SelfTestOptions",
    "SelfTestReport",
    "StepResult",
    "closing_lines",
    "render_text",
    "run_self_test",
    "step_line",
    "version_header",
]
