"""The self-test's Qt-free parts on real loopback servers, and how it reports a broken step.

The full run (browser included) is tests/e2e/test_bundle.py; here a step is broken
for real (the test route refuses, the page is missing) so the run stops before Qt.
"""

import asyncio
import functools
import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from workstation import selftest
from workstation.cli import main
from workstation.errors import DestinationUnreachable
from workstation.paths import resource_path
from workstation.route import RouteSpec
from workstation.route.socks5 import socks5_connect
from workstation.selftest import SelfTestOptions, run_self_test
from workstation.selftest.page_server import PAGE_MARKER, PageServer
from workstation.selftest.socks_server import LoopbackSocksServer

REFUSING_ROUTE = SelfTestOptions(route_allowed_hosts=frozenset())


def statuses(report: selftest.SelfTestReport) -> dict[str, str]:
    return {step.name: step.status for step in report.steps}


def test_a_refusing_route_fails_the_route_step_and_stops_there(workstation_home: Path) -> None:
    report = run_self_test(REFUSING_ROUTE)

    assert not report.ok
    failed = report.failed_step
    assert failed is not None and failed.name == "route"
    assert "do not allow a connection to 127.0.0.1" in failed.detail
    assert report.summary().startswith('Self-test FAILED at step "route"')
    steps = statuses(report)
    assert [steps[name] for name in ("workspace", "case", "page")] == ["ok"] * 3
    assert {steps[name] for name in ("capture", "no-bypass", "snapshot", "verify")} == {"skipped"}
    assert steps["cleanup"] == "ok"
    # The throw-away workspace is gone and the officer's data directory was not touched.
    assert not Path(report.steps[0].data["path"]).exists()
    assert list(workstation_home.iterdir()) == []
    assert os.environ["WORKSTATION_HOME"] == str(workstation_home)


def test_a_missing_page_fails_the_page_step_naming_the_file(tmp_path: Path) -> None:
    report = run_self_test(SelfTestOptions(page_folder=tmp_path))

    failed = report.failed_step
    assert failed is not None and failed.name == "page"
    assert "page.html" in failed.detail and "seal.png" in failed.detail
    assert statuses(report)["route"] == "skipped"


def test_keep_leaves_the_workspace_and_says_where() -> None:
    report = run_self_test(SelfTestOptions(keep=True, route_allowed_hosts=frozenset()))

    assert report.kept is not None
    kept = Path(report.kept)
    try:
        assert (kept / "self-test.case").is_dir()
    finally:
        shutil.rmtree(kept)


def test_the_command_exits_1_and_names_the_failed_step(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        selftest,
        "SelfTestOptions",
        functools.partial(SelfTestOptions, route_allowed_hosts=frozenset()),
    )

    assert main(["self-test"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Investigator Workstation ")
    assert "[FAILED]  route" in out
    assert 'Self-test FAILED at step "route"' in out.splitlines()[-1]

    assert main(["self-test", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["failed_step"] == "route"
    assert report["runtime"]["frozen"] is False
    assert report["build"] and report["version"]


def test_the_socks_server_refuses_names_and_other_hosts_without_resolving() -> None:
    server = LoopbackSocksServer()
    port = server.start()
    spec = RouteSpec("socks5", "127.0.0.1", port)
    try:
        for host in ("localhost", "example.invalid", "10.0.0.1"):
            with pytest.raises(DestinationUnreachable, match="do not allow"):
                asyncio.run(socks5_connect(spec, host, 80, timeout=5))
        tally = server.tally()
    finally:
        server.stop()
    assert tally.accepted == 3 and tally.opened == 0 and len(tally.refused) == 3


def test_page_server_visitors_through_the_route_are_counted_as_such() -> None:
    page = PageServer(resource_path("selftest"))
    page.start()
    socks = LoopbackSocksServer()
    spec = RouteSpec("socks5", "127.0.0.1", socks.start())
    try:
        body = asyncio.run(fetch_through(spec, page.port, "/"))
        with socket.create_connection(("127.0.0.1", page.port)) as direct:
            direct.sendall(b"GET /seal.png HTTP/1.0\r\n\r\n")
            assert direct.recv(12) == b"HTTP/1.0 200"
        page_tally, socks_tally = page.tally(), socks.tally()
    finally:
        socks.stop()
        page.stop()
    assert PAGE_MARKER.encode() in body
    routed = [a for a in page_tally.connections if a in socks_tally.outgoing]
    bypassed = [a for a in page_tally.connections if a not in socks_tally.outgoing]
    assert len(routed) == 1 and len(bypassed) == 1
    assert page_tally.paths == ["/", "/seal.png"]


async def fetch_through(spec: RouteSpec, port: int, path: str) -> bytes:
    reader, writer = await socks5_connect(spec, "127.0.0.1", port, timeout=5)
    writer.write(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    body = await reader.read()
    writer.close()
    return body
