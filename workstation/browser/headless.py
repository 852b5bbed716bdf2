"""Headless capture for the CLI: a private gate, an offscreen app, a batch."""

from workstation import APP_NAME
from workstation.app import create_application
from workstation.browser.capture import BatchCapture, CaptureOutcome, run_batch
from workstation.evidence.snapshot import EvidenceSink, SealContext
from workstation.route import RouteGate, RouteSpec
from workstation.settings import default_officer
from workstation.version import build_hash, tool_version


def capture_urls(
    sink: EvidenceSink, route: RouteSpec, urls: list[str], *, officer: str = "", note: str = ""
) -> list[CaptureOutcome]:
    gate = RouteGate(route)
    gate.start()
    try:
        app = create_application(gate.port, headless=True)
        context = SealContext(
            route=route.describe(),
            officer=officer or default_officer(),
            tool={"name": APP_NAME, "version": tool_version(), "build": build_hash()},
            note=note,
        )
        batch = BatchCapture(urls, sink, context)
        return run_batch(batch, app.exec)
    finally:
        gate.stop()
