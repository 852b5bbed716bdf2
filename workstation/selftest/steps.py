"""The self-test's steps, in order. Each one does one thing and says what it found.

A step returns a StepOutcome (a short detail and some data for --json), raises
StepFailed with a message for the officer, or StepSkipped when it does not apply.
Steps share a SelfTestRun that holds what earlier steps started; cleanup() stops and
removes all of it, whatever happened.
"""

import asyncio
import contextlib
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from workstation import paths
from workstation.errors import WorkstationError
from workstation.route import RouteSpec
from workstation.route.socks5 import socks5_connect
from workstation.selftest.environment import (
    Workspace,
    create_workspace,
    environment_overrides,
    isolated_environment,
    remove_workspace,
)
from workstation.selftest.page_server import IMAGE_FILE, PAGE_MARKER, PageServer
from workstation.selftest.socks_server import LOOPBACK_ONLY, LoopbackSocksServer
from workstation.version import build_hash

if TYPE_CHECKING:
    from workstation.casefile import Case
    from workstation.evidence.snapshot import SealedExhibit

T = TypeVar("T")
OFFICER = "self-test"
PROBE_TIMEOUT = 10.0
TOR_TIMEOUT = 30.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class StepFailed(Exception):
    """The step found a problem; the message says which, for the officer."""


class StepSkipped(Exception):
    """The step does not apply here (the message says why)."""


@dataclass(frozen=True)
class StepOutcome:
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SelfTestOptions:
    keep: bool = False
    # Which hosts the test route may connect to; tests narrow it to break the route.
    route_allowed_hosts: frozenset[str] = LOOPBACK_ONLY
    page_folder: Path | None = None  # default: the built-in resources/selftest


@dataclass
class SelfTestRun:
    """What the steps started, so later steps can use it and cleanup() can undo it."""

    options: SelfTestOptions
    exits: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    workspace: Workspace | None = None
    case: "Case | None" = None
    page: PageServer | None = None
    socks: LoopbackSocksServer | None = None
    paths_before_capture: int = 0
    exhibit: "SealedExhibit | None" = None


def need(value: T | None, what: str) -> T:
    """What an earlier step made; StepFailed if that step never ran."""
    if value is None:
        raise StepFailed(f"{what} is missing: an earlier step did not run")
    return value


Step = tuple[str, str, Callable[[SelfTestRun], StepOutcome]]


def make_workspace(run: SelfTestRun) -> StepOutcome:
    workspace = create_workspace()
    run.workspace = workspace
    run.exits.enter_context(environment_overrides(isolated_environment(workspace)))
    where = "memory-backed (tmpfs)" if workspace.on_tmpfs else "on disk (no tmpfs available)"
    return StepOutcome(f"{workspace.root}, {where}", {"path": str(workspace.root)})


def make_case(run: SelfTestRun) -> StepOutcome:
    from workstation.casefile import Case  # noqa: PLC0415  (SQLCipher loads with this step)

    workspace = need(run.workspace, "the workspace")
    passphrase = secrets.token_urlsafe(24)  # thrown away with the case
    run.case = Case.create(workspace.case_path, passphrase, title="self-test", officer=OFFICER)
    return StepOutcome(f"case {run.case.case_id}", {"case_id": run.case.case_id})


def check_tor(run: SelfTestRun) -> StepOutcome:
    binary = paths.bundled_tor()
    if binary is None:
        if paths.is_frozen():
            raise StepFailed("the bundle carries no tor binary")
        raise StepSkipped("no tor on PATH (a checkout uses the system's tor)")
    version = _tor_version(binary)
    data: dict[str, Any] = {"binary": str(binary), "version": version}
    geoip = paths.bundled_tor_geoip()
    if paths.is_frozen():
        if geoip is None:
            raise StepFailed("the bundle carries no GeoIP tables for tor")
        data["geoip"] = [str(geoip.ipv4), str(geoip.ipv6)]
    return StepOutcome(f"{version} at {binary}", data)


def _tor_version(binary: Path) -> str:
    try:
        result = subprocess.run(
            [str(binary), "--version"],
            capture_output=True,
            text=True,
            timeout=TOR_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StepFailed(f"tor at {binary} does not start: {exc}") from None
    first_line = (result.stdout.strip().splitlines() or [""])[0]
    if result.returncode != 0 or not first_line.startswith("Tor version"):
        problem = (result.stderr or result.stdout).strip()[:300]
        raise StepFailed(f"tor at {binary} does not start (exit {result.returncode}): {problem}")
    return first_line.removesuffix(".")


def check_languages(run: SelfTestRun) -> StepOutcome:
    """Every language the settings offer has its catalogues here, ours and Qt's."""
    from workstation.ui.i18n import LANGUAGES, SOURCE_LANGUAGE, probe_catalogues  # noqa: PLC0415

    found: dict[str, dict[str, str]] = {}
    for _name, code, complete in LANGUAGES:
        if code == SOURCE_LANGUAGE or not complete:
            continue
        found[code] = probe_catalogues(code)
        missing = [name for name, text in found[code].items() if not text]
        if missing:
            raise StepFailed(f"the {code} translation lacks {', '.join(missing)}")
    return StepOutcome(", ".join([SOURCE_LANGUAGE, *found]), {"catalogues": found})


def serve_page(run: SelfTestRun) -> StepOutcome:
    folder = run.options.page_folder or paths.resource_path("selftest")
    try:
        run.page = PageServer(folder)
    except FileNotFoundError as exc:
        raise StepFailed(str(exc)) from None
    run.page.start()
    return StepOutcome(run.page.url, {"url": run.page.url})


def start_route(run: SelfTestRun) -> StepOutcome:
    page = need(run.page, "the page server")
    run.socks = LoopbackSocksServer(run.options.route_allowed_hosts)
    port = run.socks.start()
    spec = RouteSpec("socks5", "127.0.0.1", port)
    try:
        head = asyncio.run(_fetch_head_through(spec, page.port))
    except WorkstationError as exc:
        raise StepFailed(f"the test route does not reach the page server: {exc}") from None
    if not head.startswith(b"HTTP/1.0 200"):
        raise StepFailed(f"the page server answered {head[:40]!r} through the test route")
    return StepOutcome(f"SOCKS5 on 127.0.0.1:{port} reaches the page server", {"socks_port": port})


async def _fetch_head_through(spec: RouteSpec, page_port: int) -> bytes:
    """GET / through the route with the workstation's own SOCKS5 client; the status line."""
    reader, writer = await socks5_connect(spec, "127.0.0.1", page_port, timeout=PROBE_TIMEOUT)
    try:
        writer.write(f"GET / HTTP/1.0\r\nHost: 127.0.0.1:{page_port}\r\n\r\n".encode())
        await writer.drain()
        async with asyncio.timeout(PROBE_TIMEOUT):
            return await reader.readline()
    finally:
        writer.close()


def capture_page(run: SelfTestRun) -> StepOutcome:
    # Qt and QtWebEngine load here, as for `capture`: offscreen, same gate, same profile.
    from workstation.browser.headless import capture_urls  # noqa: PLC0415

    case = need(run.case, "the case")
    page = need(run.page, "the page server")
    socks = need(run.socks, "the test route")
    run.paths_before_capture = len(page.tally().paths)
    route = RouteSpec("socks5", "127.0.0.1", socks.port)
    # The self-test's page and route live on loopback, which the gate otherwise refuses.
    outcomes = capture_urls(
        case, route, [page.url], officer=OFFICER, note="self-test", allow_local_destinations=True
    )
    exhibit = outcomes[0].exhibit if outcomes else None
    if exhibit is None:
        error = outcomes[0].error if outcomes else "the capture produced no result"
        raise StepFailed(f"the page was not captured: {error}")
    run.exhibit = exhibit
    warnings = f" (partial: {'; '.join(exhibit.warnings)})" if exhibit.warnings else ""
    return StepOutcome(
        f"control number {exhibit.control_number}{warnings}",
        {"control_number": exhibit.control_number, "warnings": list(exhibit.warnings)},
    )


def check_no_bypass(run: SelfTestRun) -> StepOutcome:
    """Every visitor of the page server must be a connection the test route opened."""
    page = need(run.page, "the page server").tally()
    socks = need(run.socks, "the test route").tally()
    around = [address for address in page.connections if address not in socks.outgoing]
    if around:
        raise StepFailed(
            f"{len(around)} of {len(page.connections)} connections to the page server did not "
            f"come through the test route (from {around[:3]})"
        )
    browser_paths = page.paths[run.paths_before_capture :]
    missing = [path for path in ("/", f"/{IMAGE_FILE}") if path not in browser_paths]
    if missing:
        raise StepFailed(f"the browser never requested {', '.join(missing)} through the route")
    return StepOutcome(
        f"all {len(page.connections)} connections to the page server came through the test "
        f"route ({socks.opened} opened, {len(socks.refused)} refused)",
        {
            "page_server_connections": len(page.connections),
            "route_connections_opened": socks.opened,
            "route_connections_refused": len(socks.refused),
            "browser_requests": browser_paths,
        },
    )


def check_snapshot(run: SelfTestRun) -> StepOutcome:
    case = need(run.case, "the case")
    exhibit = need(run.exhibit, "the snapshot")
    artifacts = {artifact.name: artifact.data for artifact in case.artifacts(exhibit.item_id)}
    if not artifacts.get("screenshot.png", b"").startswith(PNG_MAGIC):
        raise StepFailed("the snapshot has no PNG screenshot")
    if PAGE_MARKER.encode() not in artifacts.get("dom.html", b""):
        raise StepFailed("the snapshot's DOM does not hold the built-in page's text")
    tool = exhibit.manifest.as_dict().get("tool", {})
    if tool.get("build") != build_hash():
        raise StepFailed(f"the manifest names build {tool.get('build')!r}, not {build_hash()!r}")
    names = sorted(artifacts)
    return StepOutcome(
        f"{', '.join(names)}; manifest names build {build_hash()}", {"artifacts": names}
    )


def verify_snapshot(run: SelfTestRun) -> StepOutcome:
    from workstation.evidence.verify import verify_case  # noqa: PLC0415

    report = verify_case(need(run.case, "the case"))
    if not report.ok:
        raise StepFailed("; ".join(report.problems()))
    if len(report.items) != 1:
        raise StepFailed(f"the case holds {len(report.items)} exhibits, expected 1")
    return StepOutcome(
        f"1 exhibit and {report.audit_events} audit events verify",
        {"audit_events": report.audit_events},
    )


def cleanup(run: SelfTestRun) -> StepOutcome:
    """Stop and remove everything, in reverse order; every part is tried even if one fails."""
    problems: list[str] = []
    for what, action in (
        ("close the case", run.case.close if run.case else None),
        ("stop the test route", run.socks.stop if run.socks else None),
        ("stop the page server", run.page.stop if run.page else None),
        ("restore the environment", run.exits.close),
    ):
        if action is not None:
            _attempt(what, action, problems)
    kept = None
    workspace = run.workspace
    if workspace is not None:
        if run.options.keep:
            kept = str(workspace.root)
        else:
            _attempt("remove the workspace", lambda: remove_workspace(workspace), problems)
    if problems:
        raise StepFailed("; ".join(problems))
    detail = f"workspace kept at {kept}" if kept else "servers stopped, workspace removed"
    return StepOutcome(detail, {"kept": kept})


def _attempt(what: str, action: Callable[[], object], problems: list[str]) -> None:
    try:
        action()
    except Exception as exc:  # noqa: BLE001  (cleanup reports every failure and goes on)
        problems.append(f"could not {what}: {exc}")


STEPS: list[Step] = [
    ("workspace", "private throw-away workspace", make_workspace),
    ("case", "throw-away encrypted case", make_case),
    ("tor", "tor binary starts", check_tor),
    ("languages", "every language offered has its translations", check_languages),
    ("page", "built-in page served on loopback", serve_page),
    ("route", "test route: SOCKS5 on loopback, loopback targets only", start_route),
    ("capture", "page loaded headless through the route gate and sealed", capture_page),
    ("no-bypass", "nothing reached the page server around the route", check_no_bypass),
    ("snapshot", "snapshot holds the page", check_snapshot),
    ("verify", "snapshot and audit log verify", verify_snapshot),
]
CLEANUP: Step = ("cleanup", "everything stopped and removed", cleanup)
