"""Headless capture for the CLI: a private gate, an offscreen app, a batch."""

import urllib.parse
from typing import cast

from workstation.app import create_application
from workstation.browser.capture import LOAD_TIMEOUT_MS, BatchCapture, CaptureOutcome, run_batch
from workstation.browser.exit_record import exit_record
from workstation.canonjson import JsonValue
from workstation.evidence.recorder import Recorder
from workstation.evidence.snapshot import EvidenceSink, SealContext, SealedExhibit
from workstation.evidence.timestamping import StampableCase, TsaConfig, stamp_exhibit
from workstation.route import GateEvent, RouteGate, RouteSpec
from workstation.route.status import StatusCallback
from workstation.settings import default_officer
from workstation.version import tool_identity

READY_TIMEOUT = 300.0  # Tor on a slow network can take minutes to bootstrap


HEALTH_TIMEOUT = 3.0


def explain_failure(gate: RouteGate, refusals: list[GateEvent], url: str) -> str | None:
    """Why a page did not load, as the route saw it: the gate's refusal of that site,
    else a route that has gone down since; None when the route is fine (the site failed).
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    for event in reversed(refusals):
        if host and host in event.target:
            return f"the route gate refused: {event.detail}"
    health = gate.check_health(timeout=HEALTH_TIMEOUT)
    if not health.ok:
        return f"the route went down during the load: {health.detail}"
    return None


def capture_urls(
    sink: EvidenceSink,
    route: RouteSpec,
    urls: list[str],
    *,
    officer: str = "",
    note: str = "",
    persona: str | None = None,
    on_status: StatusCallback | None = None,
    tsa: TsaConfig | None = None,
    ready_timeout: float = READY_TIMEOUT,
    origin_cafile: str | None = None,
    allow_local_destinations: bool | None = None,
    load_timeout: float = LOAD_TIMEOUT_MS / 1000,
) -> list[CaptureOutcome]:
    """Capture urls through route, as persona if given; RouteError if Tor cannot start.

    The whole process browses as one persona, so Chromium is pointed at the persona's own
    gate port. Tor is given time to bootstrap before the first page is loaded.
    """
    recorder = Recorder.for_this_install(origin_cafile)
    gate = RouteGate(
        route,
        interception=recorder.interception(),
        allow_local_destinations=allow_local_destinations,
    )
    refusals: list[GateEvent] = []
    gate.add_observer(
        lambda event: refusals.append(event) if event.outcome != "forwarded" else None
    )
    if on_status is not None:
        gate.add_status_observer(on_status)
    gate.start()
    try:
        port = gate.add_persona(persona).port if persona is not None else gate.port
        gate.wait_ready(ready_timeout)
        app = create_application(port, headless=True, spki_pin=recorder.spki_pin())
        shown_route = route.describe() + (f", as persona {persona}" if persona else "")
        context = SealContext(
            route=shown_route,
            officer=officer or default_officer(),
            tool=tool_identity(),
            note=note,
            extra={"persona": persona},
        )

        def timestamp(exhibit: SealedExhibit) -> dict[str, JsonValue]:
            assert tsa is not None
            stampable = cast(StampableCase, sink)
            return stamp_exhibit(
                stampable, exhibit.item_id, exhibit.manifest.data, tsa, gate_port=port
            )

        batch = BatchCapture(
            urls,
            sink,
            context,
            exit_identity=lambda: exit_record(gate, persona),
            after_seal=timestamp if tsa is not None else None,
            recorded=lambda page: recorder.with_warc(page, persona),
            explain_failure=lambda url: explain_failure(gate, refusals, url),
            load_timeout_ms=int(load_timeout * 1000),
        )
        return run_batch(batch, app.exec)
    finally:
        gate.stop()
