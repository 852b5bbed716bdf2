"""The lookups pane: results as rows, through the window's gate, saved with their changes.

Lookups that need the network go through a window whose gate is routed through a real
SOCKS5 proxy (microsocks) on loopback; every server they may ask (resolver, WHOIS, RDAP)
is pointed at loopback, and each test checks the proxy's log: nothing but 127.0.0.1.
"""

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QTreeWidgetItem

from tests.support.cases import fast_case
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.knot import Knot, knot
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.browser.identities import RESEARCH
from workstation.casefile import Case
from workstation.lookup.result import LookupResult
from workstation.route import RouteGate, parse_route
from workstation.route.gate import GateEvent
from workstation.ui.main_window import LOOKUP_SHORTCUT, MainWindow
from workstation.ui.panes.lookups import (
    STATUS_COLUMN,
    TARGET_COLUMN,
    TARGET_PLACEHOLDER,
    LookupPane,
    PivotItem,
    ResultItem,
    SaveOutcome,
)

__all__ = ["knot"]  # fixture used by name

WAIT_MS = 10000
PROMPT_MS = 3000  # what "promptly" means for Cancel (the lookups would wait 10 s)
PHONE = "+44 20 7946 0018"


# -- peers ---------------------------------------------------------------------------


class ChangingSite(LoopbackHttpServer):
    """A shop whose offer header the test changes between two lookups."""

    def __init__(self) -> None:
        self.offer = "100 tablets"
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("X-Offer", site.offer)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        super().__init__(Handler)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/shop"


class SilentServer:
    """Accepts TCP connections on loopback and never answers: a lookup to it hangs."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> "SilentServer":
        self._thread.start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(conn)
                self.accepted += 1
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn: socket.socket) -> None:
        # Read (and ignore) until the other side goes away.
        with contextlib.suppress(OSError):
            while conn.recv(4096):
                pass
        with self._lock:
            self._open.remove(conn)
        conn.close()

    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    def stop(self) -> None:
        self._listener.close()
        with self._lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer().start()
    yield server
    server.stop()


@pytest.fixture
def changing_site() -> Iterator[ChangingSite]:
    server = ChangingSite().start()
    yield server
    server.stop()


def loopback_bootstrap(folder: Path, port: int) -> Path:
    """RDAP bootstrap files naming only a loopback server, for documentation ranges."""
    folder.mkdir()
    url = f"http://127.0.0.1:{port}/"
    entries = {
        "dns.json": ["example"],
        "ipv4.json": ["192.0.2.0/24"],
        "ipv6.json": ["2001:db8::/32"],
        "asn.json": ["64496-64511"],
    }
    for name, entry in entries.items():
        document = {
            "version": "1.0",
            "publication": "2025-01-01T00:00:00Z",
            "services": [[entry, [url]]],
        }
        (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


# -- windows -------------------------------------------------------------------------


@dataclass
class Routed:
    """The window with its gate routed through microsocks, and what the gate was asked."""

    window: MainWindow
    pane: LookupPane
    events: list[GateEvent]

    def connects(self) -> list[GateEvent]:
        return [event for event in list(self.events) if event.method == "CONNECT"]


@pytest.fixture
def routed(
    window: MainWindow,
    gate: RouteGate,
    socks_proxy: Microsocks,
    silent_server: SilentServer,
    tmp_path: Path,
) -> Iterator[Routed]:
    """The window's own gate (recording, as in the application) routed through microsocks;
    every server a lookup may ask is on loopback, the silent server unless a test says."""
    gate.set_route(parse_route(socks_proxy.url))
    events: list[GateEvent] = []
    gate.add_observer(events.append)
    silent = ("127.0.0.1", silent_server.port)
    window.lookup_pane.context_options = {
        "resolver": silent,
        "whois_server": silent,
        "rdap_bootstrap": loopback_bootstrap(tmp_path / "rdap", silent_server.port),
        "timeout": 10.0,
    }
    yield Routed(window, window.lookup_pane, events)
    window.lookup_pane.shutdown()
    gate.remove_observer(events.append)
    strays = [event.target for event in list(events) if not event.target.startswith("127.0.0.1:")]
    assert not strays, f"the gate was asked for something else than loopback: {strays}"


def open_case(qtbot, window: MainWindow, path: Path) -> Case:  # type: ignore[no-untyped-def]
    case = fast_case(path)
    with qtbot.waitSignal(window.explorer.reloaded, timeout=WAIT_MS):
        window.set_case(case)
    return case


# -- helpers -------------------------------------------------------------------------


def run_and_wait(qtbot, pane: LookupPane, target: str, kind: str) -> list[ResultItem]:  # type: ignore[no-untyped-def]
    """Run from the form and wait for the job to end; the job's rows."""
    with qtbot.waitSignal(pane.runner.jobFinished, timeout=WAIT_MS) as finished:
        pane.kind.setCurrentIndex(pane.kind.findData(kind))
        pane.target.setText(target)
        pane.run_button.click()
    job, cancelled = finished.args
    assert not cancelled
    return [item for item in pane.result_items() if item.job.id == job.id]


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    found = (item.child(i) for i in range(item.childCount()))
    return [child for child in found if child is not None]


def child_texts(item: QTreeWidgetItem) -> list[str]:
    return [child.text(0) for child in children(item)]


def find_child(item: QTreeWidgetItem, label: str) -> QTreeWidgetItem:
    for child in children(item):
        if child.text(0).startswith(label):
            return child
    raise AssertionError(f"no row {label!r} under {item.text(0)}: {child_texts(item)}")


def data_node(item: ResultItem, *path: str) -> QTreeWidgetItem:
    """The row of data[path...] in the result's Data tree."""
    node = find_child(item, "Data")
    for key in path:
        found = [child for child in children(node) if child.text(0) == key]
        assert found, f"no {key!r} in the data tree ({path})"
        node = found[0]
    return node


def data_value(item: ResultItem, *path: str) -> str:
    """The text shown for data[path...]."""
    return data_node(item, *path).text(TARGET_COLUMN)


def save(qtbot, pane: LookupPane, item: ResultItem) -> SaveOutcome:  # type: ignore[no-untyped-def]
    pane.tree.setCurrentItem(item)
    assert pane.save_button.isEnabled()
    with qtbot.waitSignal(pane.lookupSaved, timeout=WAIT_MS) as saved:
        pane.save_button.click()
    outcome = saved.args[0]
    assert isinstance(outcome, SaveOutcome)
    return outcome


# -- tests ---------------------------------------------------------------------------


def test_the_pane_is_a_dock_with_labelled_controls(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    pane = window.lookup_pane
    assert window.docks["lookups"].widget() is pane
    assert pane.target.placeholderText() == TARGET_PLACEHOLDER
    assert [pane.kind.itemText(i) for i in range(pane.kind.count())] == [
        "Profile",
        "DNS",
        "WHOIS",
        "RDAP",
        "ASN",
        "Certificate",
        "Headers",
        "E-mail",
        "Phone",
    ]
    assert pane.kind.currentData() == "profile"
    for control in (pane.target, pane.kind, pane.run_button, pane.cancel_button, pane.tree):
        assert control.accessibleName(), control
    for control in (pane.target, pane.kind, pane.run_button, pane.cancel_button):
        assert control.toolTip(), control
    assert pane.identity.text() == "Runs as no persona (research identity) · route: no route set"
    assert not pane.cancel_button.isEnabled(), "nothing runs yet"
    window.resize(1366, 768)
    window.docks["lookups"].raise_()
    qtbot.waitUntil(pane.isVisible)
    assert window.width() <= 1366 and window.height() <= 768
    assert pane.run_button.isVisible() and pane.target.width() > 150


def test_a_phone_lookup_shows_its_rows_without_a_route(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.gate.route is None, "a phone lookup needs no route"
    pane = window.lookup_pane

    [row] = run_and_wait(qtbot, pane, PHONE, "phone")

    assert isinstance(row.result, LookupResult)
    assert (row.text(0), row.text(TARGET_COLUMN), row.text(STATUS_COLUMN)) == (
        "Phone",
        row.result.target,
        "Done",
    )
    assert row.text(2) == "none (offline data)"
    assert row.text(3) == row.result.finished_utc[:19].replace("T", " ")
    assert row.result.summary, "the phone lookup says something"
    assert child_texts(row)[: len(row.result.summary)] == list(row.result.summary)
    assert data_value(row, "e164") == row.result.data["e164"] == "+442079460018"
    assert "none (answered from data shipped" in find_child(row, "Route: ").text(0)
    assert not pane.save_button.isEnabled(), "no case open: nothing to save into"


def test_invalid_input_is_refused_in_the_pane(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    pane = window.lookup_pane
    with qtbot.waitSignal(pane.messageShown) as shown:
        pane.look_up("not a target at all!!")
    assert "is not a domain, IP address, e-mail address" in shown.args[0]
    assert pane.message.text() == shown.args[0]
    assert pane.result_items() == [], "nothing was started"

    with qtbot.waitSignal(pane.messageShown) as shown:
        pane.look_up("   ", "dns")
    assert shown.args[0].startswith("Type a domain, IP address")

    # A single lookup judges its own input: the row says why, in plain words.
    [row] = run_and_wait(qtbot, pane, "not-a-number", "phone")
    assert row.text(STATUS_COLUMN).startswith("Failed: ")
    assert "phone" in row.text(STATUS_COLUMN).lower()
    assert row.result is None

    pane.clear_button.click()
    assert pane.result_items() == [], "finished rows are cleared"


def test_headers_through_the_gate_show_status_and_hops(  # type: ignore[no-untyped-def]
    qtbot, routed: Routed, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    pane = routed.pane

    [row] = run_and_wait(qtbot, pane, site.url("/old-shop"), "headers")

    assert row.text(STATUS_COLUMN) == "Done", row.text(STATUS_COLUMN)
    assert row.result is not None
    assert row.text(2) == f"http://127.0.0.1:{site.port}"
    assert site.requests == ["/old-shop", "/redirect", "/"]
    assert socks_proxy.connections_to(site.port), "the lookup went through the proxy"
    assert row.result.summary[:3] == (
        f"1. 302 Found {site.url('/old-shop')}",
        f"2. 302 Found {site.url('/redirect')}",
        f"3. 200 OK {site.url('/')}",
    )
    assert child_texts(row)[:3] == list(row.result.summary[:3])
    hops = data_node(row, "hops")
    assert hops.text(TARGET_COLUMN) == "3 entries"
    assert [data_value(row, "hops", f"#{n}", "url") for n in (1, 2, 3)] == [
        site.url("/old-shop"),
        site.url("/redirect"),
        site.url("/"),
    ]
    assert [data_value(row, "hops", f"#{n}", "status") for n in (1, 2, 3)] == ["302", "302", "200"]
    assert data_value(row, "final", "status") == "200"
    connects = routed.connects()
    assert {(e.target, e.persona) for e in connects} == {(f"127.0.0.1:{site.port}", RESEARCH)}
    assert row.result.route.endswith(", as no persona (research identity)")


def test_a_lookup_goes_out_as_the_current_tabs_persona(  # type: ignore[no-untyped-def]
    qtbot, routed: Routed, site: LoopbackSite
) -> None:
    pane, window = routed.pane, routed.window
    tab = window.new_tab("Anna K")
    try:
        assert pane.identity.text().startswith("Runs as persona Anna K · route: SOCKS5 proxy")

        [row] = run_and_wait(qtbot, pane, site.url("/"), "headers")

        assert row.text(STATUS_COLUMN) == "Done", row.text(STATUS_COLUMN)
        assert row.result is not None and row.result.route.endswith(", as persona Anna K")
        assert "Anna K" in row.toolTip(TARGET_COLUMN)
        assert {e.persona for e in routed.connects()} == {"Anna K"}, "the gate saw the persona"
    finally:
        window.close_tab(window.tabs.indexOf(tab))
        window.identities.forget("Anna K")  # the session's gate outlives this window
    assert pane.identity.text().startswith("Runs as no persona (research identity)")


def test_saving_shows_the_lookup_number_and_later_changes(  # type: ignore[no-untyped-def]
    qtbot, routed: Routed, changing_site: ChangingSite, tmp_path: Path
) -> None:
    pane = routed.pane
    [first] = run_and_wait(qtbot, pane, changing_site.url(), "headers")
    pane.tree.setCurrentItem(first)
    assert not pane.save_button.isEnabled(), "no case yet"
    case = open_case(qtbot, routed.window, tmp_path / "lookups.case")

    outcome = save(qtbot, pane, first)

    assert pane.message.text() == f"Saved as lookup {outcome.lookup_id}."
    assert find_child(first, f"Saved as lookup {outcome.lookup_id}")
    assert find_child(first, "No earlier saved run")
    assert not pane.save_button.isEnabled(), "saved once is enough"
    [kept] = case.lookups(kind="headers")
    assert kept.id == outcome.lookup_id and kept.record_sha256 == first.result.record_sha256()  # type: ignore[union-attr]

    changing_site.offer = "500 tablets"
    [second] = run_and_wait(qtbot, pane, changing_site.url(), "headers")
    again = save(qtbot, pane, second)

    assert again.previous_id == outcome.lookup_id
    assert again.changes, "the offer header changed"
    assert pane.message.text().startswith(f"Saved as lookup {again.lookup_id}; ")
    assert f"since lookup {outcome.lookup_id}" in pane.message.text()
    changes = find_child(second, f"{len(again.changes)} change")
    lines = child_texts(changes)
    assert 'removed  hops[0].headers[2]: ["X-Offer", "100 tablets"]' in lines, lines
    assert 'added    hops[0].headers[2]: ["X-Offer", "500 tablets"]' in lines, lines


def test_cancel_stops_a_profile_promptly(  # type: ignore[no-untyped-def]
    qtbot, routed: Routed, silent_server: SilentServer
) -> None:
    pane = routed.pane
    url = f"http://127.0.0.1:{silent_server.port}/"
    job = pane.look_up(url)
    assert job is not None and job.kind == "profile"
    rows = [item for item in pane.result_items() if item.job.id == job.id]
    assert [r.step.kind for r in rows] == [s.kind for s in job.steps]
    assert all(r.text(STATUS_COLUMN) == "Running…" for r in rows)
    # Every lookup of the profile is waiting on the silent server.
    qtbot.waitUntil(lambda: silent_server.open_connections() >= len(rows), timeout=WAIT_MS)
    assert pane.cancel_button.isEnabled()

    with qtbot.waitSignal(pane.runner.jobFinished, timeout=PROMPT_MS) as finished:
        pane.cancel_button.click()

    assert finished.args == [job, True]
    assert [r.text(STATUS_COLUMN) for r in rows] == ["Cancelled"] * len(rows)
    assert not pane.cancel_button.isEnabled()
    assert job.steps and pane.runner.running() == []
    # The connections were cut, not left to time out.
    qtbot.waitUntil(lambda: silent_server.open_connections() == 0, timeout=PROMPT_MS)


def test_a_pivot_double_click_looks_it_up(  # type: ignore[no-untyped-def]
    qtbot, routed: Routed, knot: Knot
) -> None:
    pane = routed.pane
    pane.context_options["resolver"] = ("127.0.0.1", knot.port)
    [row] = run_and_wait(qtbot, pane, "webshop.example", "dns")
    assert row.text(STATUS_COLUMN).startswith("Done"), row.text(STATUS_COLUMN)
    pivots = find_child(row, "Look up next")
    mail = next(
        p
        for p in children(pivots)
        if isinstance(p, PivotItem) and p.pivot.target == "mail.webshop.example"
    )
    assert isinstance(mail, PivotItem) and mail.pivot.kind == "dns"
    look_up, copy = pane.menu_for(mail).actions()
    assert look_up.text() == "Look up mail.webshop.example"
    copy.trigger()
    assert QGuiApplication.clipboard().text() == "mail.webshop.example"
    [*_, copy_value] = pane.menu_for(data_node(row, "name")).actions()
    copy_value.trigger()
    assert QGuiApplication.clipboard().text() == row.result.data["name"]  # type: ignore[union-attr]

    with qtbot.waitSignal(pane.runner.jobFinished, timeout=WAIT_MS) as by_click:
        pane.tree.itemDoubleClicked.emit(mail, 0)
    with qtbot.waitSignal(pane.runner.jobFinished, timeout=WAIT_MS) as by_menu:
        look_up.trigger()

    for finished in (by_click, by_menu):
        job = finished.args[0]
        assert (job.kind, job.target) == ("dns", "mail.webshop.example")
        [new_row] = [item for item in pane.result_items() if item.job.id == job.id]
        assert new_row.text(STATUS_COLUMN).startswith("Done"), new_row.text(STATUS_COLUMN)
        assert new_row.text(TARGET_COLUMN) == "mail.webshop.example"
        assert new_row.text(2) == f"127.0.0.1:{knot.port}"


def test_look_up_selection_takes_the_selected_text_else_the_host(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    assert window.lookup_selection_action in window.lookup_menu.actions()
    assert window.lookup_site_action in window.lookup_menu.actions()
    assert window.lookup_selection_action.shortcut() == QKeySequence(LOOKUP_SHORTCUT)
    assert window.lookup_selection_action.shortcut() != window.lock_case_action.shortcut()
    with qtbot.waitSignal(window.errorShown) as shown:
        window.lookup_site_action.trigger()
    assert "Open a site first" in shown.args[0]
    page, pane = window.current_tab().page, window.lookup_pane
    with qtbot.waitSignal(page.loadFinished, timeout=WAIT_MS):
        page.setHtml(f'<p id="number">{PHONE}</p>', QUrl("http://shop.example/offer"))
    page.runJavaScript("window.getSelection().selectAllChildren(document.getElementById('number'))")
    qtbot.waitUntil(lambda: page.selectedText() == PHONE, timeout=WAIT_MS)

    with qtbot.waitSignal(pane.runner.jobFinished, timeout=WAIT_MS) as finished:
        window.lookup_selection_action.trigger()

    job = finished.args[0]
    assert (job.kind, job.target) == ("profile", PHONE)
    assert window.docks["lookups"].isVisible()
    [row] = [item for item in pane.result_items() if item.job.id == job.id]
    assert (row.step.kind, row.text(STATUS_COLUMN)) == ("phone", "Done")

    page.runJavaScript("window.getSelection().removeAllRanges()")
    qtbot.waitUntil(lambda: page.selectedText() == "", timeout=WAIT_MS)
    window.lookup_selection_action.trigger()
    [host_job] = pane.runner.running()
    pane.cancel()  # no route: nothing would come of it
    assert (host_job.kind, host_job.target) == ("profile", "shop.example")
    assert [s.kind for s in host_job.steps] == ["dns", "registration", "cert", "headers"]

    window.lookup_site_action.trigger()
    [site_job] = pane.runner.running()
    pane.cancel()
    assert site_job.target == "http://shop.example/"


def test_closing_the_window_cancels_lookups(  # type: ignore[no-untyped-def]
    qtbot, routed: Routed, silent_server: SilentServer
) -> None:
    pane = routed.pane
    job = pane.look_up(f"http://127.0.0.1:{silent_server.port}/", "headers")
    assert job is not None
    qtbot.waitUntil(lambda: silent_server.open_connections() == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(pane.runner.jobFinished, timeout=PROMPT_MS) as finished:
        routed.window.close()
    assert finished.args == [job, True]
    qtbot.waitUntil(lambda: silent_server.open_connections() == 0, timeout=PROMPT_MS)
