"""Personas browse apart: own profile, own gate identity, cookies kept only in the case."""

from pathlib import Path

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.echo import AddressEcho
from tests.support.site import CANARY, LoopbackSite
from tests.support.socks import Microsocks
from tests.support.waits import WORKER_MS
from workstation.casefile import Case
from workstation.route import GateEvent, RouteGate
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.main_window import MainWindow

LOAD_MS = 30000


def load_in(qtbot, tab: BrowserTab, url: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_MS) as loaded:
        tab.navigate(url)
    assert loaded.args[0], f"{url} did not load in {tab.persona}'s tab"


@pytest.fixture
def case_with_personas(window: MainWindow, tmp_path: Path, qtbot) -> Case:  # type: ignore[no-untyped-def]
    case = fast_case(tmp_path / "personas.case")
    case.add_persona("Anna K")
    case.add_persona("Ben")
    with qtbot.waitSignal(window.persona_pane.reloaded, timeout=10000):
        window.set_case(case)
    return case


def test_persona_bar_opens_a_coloured_tab_per_persona(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case_with_personas: Case
) -> None:
    bar = window.persona_bar
    assert [bar.box.itemText(i) for i in range(bar.box.count())] == ["No persona", "Anna K", "Ben"]
    bar.box.setCurrentIndex(1)
    bar.box.activated.emit(1)
    tab = window.current_tab()
    assert tab.persona == "Anna K"
    assert window.tabs.tabText(window.tabs.currentIndex()).startswith("Anna K · ")
    assert bar.current() == "Anna K"
    window.tabs.setCurrentIndex(0)
    assert bar.current() is None, "the bar follows the current tab"


def test_two_personas_reach_the_site_as_different_identities(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    gate: RouteGate,
    case_with_personas: Case,
    site: LoopbackSite,
    socks_proxy: Microsocks,
) -> None:
    window.apply_route(socks_proxy.url)
    events: list[GateEvent] = []
    gate.add_observer(events.append)
    try:
        anna, ben = window.new_tab("Anna K"), window.new_tab("Ben")
        load_in(qtbot, anna, site.url("/canary"))  # sets a cookie in Anna's profile
        load_in(qtbot, anna, site.url("/"))
        load_in(qtbot, ben, site.url("/"))
    finally:
        gate.remove_observer(events.append)
    forwarded = {(e.persona, e.target) for e in events if e.outcome == "forwarded"}
    assert ("Anna K", site.url("/")) in forwarded and ("Ben", site.url("/")) in forwarded
    root_cookies = [cookie for path, cookie in site.cookies if path == "/"]
    assert CANARY in root_cookies[0], "Anna's own cookie came back to the site"
    assert root_cookies[1] == "", "Ben's profile never saw Anna's cookie"
    assert anna.page.profile() is not ben.page.profile()


def test_a_persona_stays_logged_in_across_sessions_via_the_case(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    case_with_personas: Case,
    site: LoopbackSite,
    socks_proxy: Microsocks,
) -> None:
    window.apply_route(socks_proxy.url)
    anna = window.new_tab("Anna K")
    load_in(qtbot, anna, site.url("/canary"))
    path = case_with_personas.path
    window.close_case()
    qtbot.waitUntil(lambda: case_with_personas.closed, timeout=WORKER_MS)
    assert all(
        isinstance(tab, BrowserTab) and tab.persona is None
        for tab in (window.tabs.widget(i) for i in range(window.tabs.count()))
    ), "persona tabs close with their case"

    with Case.open(path, PASSPHRASE) as reopened:
        state = reopened.load_persona_state("Anna K")
    assert state is not None and CANARY.encode() in state

    with qtbot.waitSignal(window.persona_pane.reloaded, timeout=30000):
        window.open_case(path, PASSPHRASE)
    anna_again = window.new_tab("Anna K")
    qtbot.waitUntil(lambda: bool(window.identities.export_state("Anna K").count(b"\n")))
    load_in(qtbot, anna_again, site.url("/"))
    assert CANARY in site.cookies[-1][1]


def test_snapshot_records_persona_and_exit_identity(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    gate: RouteGate,
    case_with_personas: Case,
    site: LoopbackSite,
    socks_proxy: Microsocks,
) -> None:
    echo = AddressEcho().start()
    try:
        window.apply_route(socks_proxy.url)
        gate.echo_url = echo.url
        anna = window.new_tab("Anna K")
        load_in(qtbot, anna, site.url("/"))
        with qtbot.waitSignal(window.exhibitSealed, timeout=60000) as sealed:
            window.snapshot_action.trigger()
        with qtbot.waitSignal(window.exitIdentityShown, timeout=30000) as shown:
            window.exit_identity_action.trigger()
    finally:
        gate.echo_url = None
        echo.stop()
    manifest = sealed.args[0].manifest.as_dict()
    assert manifest["persona"] == "Anna K"
    assert manifest["exit"]["address"] == "127.0.0.1", "learned through the route's echo"
    assert shown.args[0]["address"] == "127.0.0.1"
    assert echo.request_count() == 2
    assert socks_proxy.connections_to(echo.port), "the echo was asked through the route"


def test_new_identity_can_clear_the_personas_cookies(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    case_with_personas: Case,
    site: LoopbackSite,
    socks_proxy: Microsocks,
) -> None:
    window.apply_route(socks_proxy.url)
    anna = window.new_tab("Anna K")
    load_in(qtbot, anna, site.url("/canary"))  # the page sets a cookie
    qtbot.waitUntil(lambda: CANARY.encode() in window.identities.export_state("Anna K"))
    # The window renews the identity only once the cache is really empty (a load racing
    # the clearing can stall in Chromium), so loading right after it is safe.
    with qtbot.waitSignal(window.identityRenewed, timeout=10000) as renewed:
        window.new_identity_clear_action.trigger()
    assert renewed.args[0] == "Anna K"
    assert CANARY.encode() not in window.identities.export_state("Anna K")
    load_in(qtbot, anna, site.url("/"))
    assert CANARY not in site.cookies[-1][1], "the site no longer recognises the persona"
