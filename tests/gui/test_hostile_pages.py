"""Hostile pages: what a page's own script tries behind the officer's back is contained.

The page is served under a real-looking name through a route that resolves names itself
(the loopback Internet), so the gate's refusal of local destinations applies as it does
in service: the site loads, its probes of the LAN and of loopback do not.
"""

import json
import threading
from collections.abc import Iterator

import pytest

from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.namednet import LoopbackInternet, loopback_internet
from workstation.route import GateEvent, RouteGate
from workstation.ui.main_window import MainWindow

__all__ = ["loopback_internet"]

LOAD_TIMEOUT_MS = 20000

PROBES = """
async function probe(url) {
  try { await fetch(url, {mode: "no-cors"}); return "reached"; }
  catch (e) { return "blocked"; }
}
(async () => {
  const results = {};
  for (const url of PROBE_URLS) { results[url] = await probe(url); }
  const popup = window.open("https://popup.example/", "_blank");
  results["popup"] = popup ? "opened" : "blocked";
  document.title = "probes:" + JSON.stringify(results);
})();
"""


class Canary:
    """A service on loopback that a hostile page would love to reach."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                canary.hits.append(self.path)
                self.answer(200, "text/plain", b"secret printer status")

        self.server = LoopbackHttpServer(Handler).start()


@pytest.fixture
def canary() -> Iterator[Canary]:
    service = Canary()
    yield service
    service.server.stop()


def hostile_site(probe_urls: list[str]) -> LoopbackHttpServer:
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>'
        "<h1>Cheap cigarettes</h1><script>const PROBE_URLS = "
        f"{json.dumps(probe_urls)};{PROBES}</script></body></html>"
    ).encode()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.answer(200, "text/html; charset=utf-8", page)

    return LoopbackHttpServer(Handler).start()


class Blocked:
    def __init__(self) -> None:
        self.events: list[GateEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: GateEvent) -> None:
        if event.outcome == "blocked":
            with self.lock:
                self.events.append(event)


def test_page_scripts_cannot_reach_loopback_or_the_lan(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    gate: RouteGate,
    loopback_internet: LoopbackInternet,
    canary: Canary,
) -> None:
    probes = [
        f"http://127.0.0.1:{canary.server.port}/status",
        f"http://localhost:{canary.server.port}/status",
        "http://192.168.1.1/admin",
        "http://printer.local/",
        "http://[::1]/",
    ]
    site = hostile_site(probes)
    loopback_internet.add("cheap-smokes.example", 80, site.port)
    blocked = Blocked()
    gate.add_observer(blocked)
    gate.allow_local_destinations = False
    try:
        window.apply_route(loopback_internet.url)
        tab = window.current_tab()
        with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_TIMEOUT_MS) as loaded:
            window.navigate("http://cheap-smokes.example/")
        assert loaded.args[0], "the site itself loads through the route"
        qtbot.waitUntil(lambda: tab.page.title().startswith("probes:"), timeout=LOAD_TIMEOUT_MS)
    finally:
        gate.allow_local_destinations = True
        gate.remove_observer(blocked)
        site.server.shutdown()
    results = json.loads(tab.page.title().removeprefix("probes:"))
    # (An opaque no-cors fetch "succeeds" even on the gate's 403, so the page's own view
    # proves nothing; what reached the services and the route does.)
    assert set(results) == {*probes, "popup"}, "every probe ran"
    assert results["popup"] == "blocked"
    assert canary.hits == [], "nothing reached the loopback service"
    # The gate refused each local address itself; none was handed to the route.
    asked = {host for host, _port in loopback_internet.connections}
    assert asked == {"cheap-smokes.example"}
    refused = {event.target for event in blocked.events}
    assert f"127.0.0.1:{canary.server.port}" in " ".join(refused)
    assert any("192.168.1.1" in target for target in refused)
    assert any("printer.local" in target for target in refused)


def test_a_name_is_resolved_by_the_route_never_by_the_workstation(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    gate: RouteGate,
    loopback_internet: LoopbackInternet,
) -> None:
    # DNS rebinding needs the victim to resolve the name; the workstation never does.
    site = hostile_site(["http://rebind-7f000001.example/"])
    loopback_internet.add("shop.example", 80, site.port)
    gate.allow_local_destinations = False
    try:
        window.apply_route(loopback_internet.url)
        tab = window.current_tab()
        with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_TIMEOUT_MS):
            window.navigate("http://shop.example/")
        qtbot.waitUntil(lambda: tab.page.title().startswith("probes:"), timeout=LOAD_TIMEOUT_MS)
    finally:
        gate.allow_local_destinations = True
        site.server.shutdown()
    # The name went to the route as a name (the route refused it: it is not in its table).
    assert ("rebind-7f000001.example", 80) in loopback_internet.refused


def test_file_urls_cannot_be_read_by_a_page(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, loopback_internet: LoopbackInternet
) -> None:
    site = hostile_site(["file:///etc/hostname", "file:///etc/passwd"])
    loopback_internet.add("files.example", 80, site.port)
    window.apply_route(loopback_internet.url)
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_TIMEOUT_MS):
        window.navigate("http://files.example/")
    qtbot.waitUntil(lambda: tab.page.title().startswith("probes:"), timeout=LOAD_TIMEOUT_MS)
    site.server.shutdown()
    results = json.loads(tab.page.title().removeprefix("probes:"))
    assert results["file:///etc/hostname"] == "blocked"
    assert results["file:///etc/passwd"] == "blocked"
