"""The route dock: the route's state, where identities came out, what the gate refused."""

from pathlib import Path

from PySide6.QtWidgets import QScrollArea

from tests.support.cases import fast_case
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from tests.support.waits import WORKER_MS
from workstation.ui.main_window import MainWindow
from workstation.ui.panes.route_pane import ASKED, HOW, WHO, RoutePane

LOAD_MS = 30000


def rows(pane: RoutePane, which: str) -> list[list[str]]:
    tree = pane.exits if which == "exits" else pane.refusals
    found = []
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        assert item is not None
        found.append([item.text(column) for column in range(tree.columnCount())])
    return found


def test_the_dock_shows_the_route_as_the_badge_does(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, socks_proxy: Microsocks
) -> None:
    pane = window.route_pane
    dock = window.docks["route"]
    assert isinstance(dock.widget(), QScrollArea) and dock.toggleViewAction().text() == "Route"
    window.apply_route(socks_proxy.url)
    badge = window.route_indicator
    qtbot.waitUntil(lambda: badge.property("state") == "ok", timeout=WORKER_MS)
    qtbot.waitUntil(lambda: pane.state.text() == badge.text(), timeout=WORKER_MS)
    assert "SOCKS5" in pane.state.text() or str(socks_proxy.port) in pane.state.text()
    window.gate.set_route(None)
    badge.refresh()
    qtbot.waitUntil(lambda: pane.state.text() == "No route out: pages will not load")
    assert "Nothing leaves this PC" in pane.detail.text()


def test_requests_are_counted_and_refusals_listed_newest_first(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    pane = window.route_pane
    window.apply_route(socks_proxy.url)
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_MS):
        window.navigate(site.url("/"))
    qtbot.waitUntil(lambda: pane._tally.read()[0] > 0, timeout=WORKER_MS)
    window.gate.set_route(None)  # fail closed: the next page is refused, not sent around
    with qtbot.waitSignal(pane.refusalListed, timeout=LOAD_MS):
        window.navigate(site.url("/second"))
    refused = rows(pane, "refusals")
    assert refused, "the refusal is listed"
    time, who, target, why = refused[0]
    assert len(time) == 8 and time[2] == ":" and who == "No persona"
    assert str(site.port) in target and why.startswith("refused: not allowed")
    forwarded, refusals = pane._tally.read()
    pane._show_counts()
    assert pane.counts.text() == (
        f"Since the start: {forwarded} requests through the route, {refusals} refused."
    )


def test_each_identity_keeps_one_row_of_where_it_came_out(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, socks_proxy: Microsocks
) -> None:
    pane = window.route_pane
    window.apply_route(socks_proxy.url)
    for _ in range(2):
        with qtbot.waitSignal(window.exitLearned, timeout=WORKER_MS) as learned:
            window.exit_identity_action.trigger()
    assert learned.args[0] == "No persona"
    exits = rows(pane, "exits")
    assert len(exits) == 1, "asked twice, shown once"
    assert exits[0][WHO] == "No persona"
    assert exits[0][HOW], "how it was learned, or why it could not be"
    assert len(exits[0][ASKED]) >= 8
    assert exits[0][HOW] in {learned.args[1].get("via"), learned.args[1].get("detail")}


def test_closing_the_case_empties_what_names_its_personas_and_sites(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    pane = window.route_pane
    case = fast_case(tmp_path / "route.case")
    with qtbot.waitSignal(window.explorer.reloaded, timeout=WORKER_MS):
        window.set_case(case)
    pane.show_exit("Anna K", {"address": "203.0.113.7", "country": "NL", "via": "SOCKS5"})
    window.gate.set_route(None)
    with qtbot.waitSignal(pane.refusalListed, timeout=LOAD_MS):
        window.navigate("http://shop.example/")
    assert rows(pane, "exits") and rows(pane, "refusals")
    window.close_case()
    assert rows(pane, "exits") == [] and rows(pane, "refusals") == []
