"""The main window: opening, navigation through the route, fail-closed, snapshot."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.casefile import Case
from workstation.evidence.verify import verify_case
from workstation.route import RouteGate, parse_route
from workstation.route.status import RouteStatus
from workstation.ui.main_window import SNAPSHOT_SHORTCUT, MainWindow

LOAD_TIMEOUT_MS = 30000


def load(qtbot, window: MainWindow, url: str) -> bool:  # type: ignore[no-untyped-def]
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.address.setText(url)
        window.address.returnPressed.emit()
    return bool(blocker.args[0])


def test_window_opens_with_one_tab_and_no_route(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.tabs.count() == 1
    assert window.route_indicator.property("state") == "down"
    assert "No route" in window.route_indicator.text()
    assert not window.snapshot_action.isEnabled(), "no case open, so no snapshot"
    assert window.snapshot_action.shortcut() == QKeySequence(SNAPSHOT_SHORTCUT)


def test_new_and_closed_tabs(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.new_tab_action.trigger()
    assert window.tabs.count() == 2
    window.close_tab_action.trigger()
    window.close_tab_action.trigger()
    assert window.tabs.count() == 1, "closing the last tab leaves a fresh one"


def test_page_loads_through_the_socks_proxy(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    assert load(qtbot, window, site.url("/"))
    assert window.current_tab().page.title() == "Loopback test shop"
    assert site.requests[:1] == ["/"]
    qtbot.waitUntil(lambda: len(socks_proxy.connections_to(site.port)) > 0)


def test_route_indicator_turns_green_for_a_live_proxy(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    qtbot.waitUntil(lambda: window.route_indicator.property("state") == "ok", timeout=10000)
    assert "127.0.0.1" in window.route_indicator.text()


def starting(percent: int) -> RouteStatus:
    return RouteStatus(
        "starting", percent, "Loading relay descriptors", f"Tor is starting ({percent}%)."
    )


def test_the_route_start_up_shows_how_far_it_got_and_can_be_stopped(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    strip = window.route_startup
    assert strip.isHidden()
    # Reports reach the window as the route's threads send them: through the signal.
    window.route_indicator.statusReported.emit(starting(42))
    assert not strip.isHidden() and strip.bar.value() == 42
    assert "42%" in strip.text.text()
    window.route_indicator.statusReported.emit(starting(80))
    assert strip.bar.value() == 80
    qtbot.mouseClick(strip.stop_button, Qt.MouseButton.LeftButton)
    assert gate.route is None and strip.isHidden()
    assert "stopped" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.route_indicator.property("state") == "down")


def test_the_start_up_strip_goes_once_the_route_is_ready(
    window: MainWindow, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    window.route_indicator.statusReported.emit(starting(10))
    assert not window.route_startup.isHidden()
    window.route_indicator.statusReported.emit(
        RouteStatus("ready", 100, "Done", "Tor is connected.")
    )
    assert window.route_startup.isHidden()
    assert window.gate.route is not None


def test_nothing_loads_without_a_route(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite
) -> None:
    assert not load(qtbot, window, site.url("/"))
    assert site.request_count() == 0


def test_nothing_loads_when_the_proxy_is_down(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    socks_proxy.stop()
    assert not load(qtbot, window, site.url("/"))
    assert site.request_count() == 0
    qtbot.waitUntil(lambda: window.route_indicator.property("state") == "down", timeout=10000)


def test_snapshot_seals_a_full_page_exhibit(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "gui.case")
    window.set_case(case)
    assert window.snapshot_action.isEnabled()
    assert load(qtbot, window, site.url("/long"))
    viewport_height = window.current_tab().view.height()

    with qtbot.waitSignal(window.exhibitSealed, timeout=60000) as sealed:
        window.snapshot_action.trigger()
    exhibit = sealed.args[0]

    qtbot.waitUntil(lambda: exhibit.control_number in window.explorer.control_numbers())
    assert exhibit.control_number in window.statusBar().currentMessage()
    records = [r for r in case.evidence_items() if r.control_number == exhibit.control_number]
    artifacts = {a.name: a for a in case.artifacts(records[0].id)}
    assert set(artifacts) == {
        "screenshot.png", "dom.html", "page.txt", "page.pdf", "page.mhtml", "page.warc.gz"
    }  # fmt: skip
    assert exhibit.manifest.as_dict()["recorded_exchanges"] >= 1
    assert b"End of listing" in artifacts["page.txt"].data
    assert artifacts["page.pdf"].data.startswith(b"%PDF-")
    image = QImage.fromData(artifacts["screenshot.png"].data)
    assert image.height() > 5 * viewport_height, "the screenshot covers the whole page"
    # The last section's colour is near the bottom: the page was painted to the end.
    bottom = image.pixelColor(image.width() // 2, image.height() - 200)
    assert (bottom.red(), bottom.green(), bottom.blue()) != (255, 255, 255)
    assert b"End of listing" in artifacts["dom.html"].data
    assert b"End of listing" in artifacts["page.mhtml"].data
    assert verify_case(case).ok
    assert window.current_tab().view.height() == viewport_height, "view restored after capture"


def test_a_page_the_route_refused_cannot_be_sealed(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, tmp_path: Path
) -> None:
    window.set_case(fast_case(tmp_path / "refused.case"))
    assert not load(qtbot, window, site.url("/"))
    with qtbot.waitSignal(window.errorShown) as shown:
        window.snapshot_action.trigger()
    assert "route refused" in shown.args[0]
    assert window.case is not None and window.case.evidence_items() == []


def test_wrong_passphrase_is_reported_and_no_case_opens(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "locked.case"
    fast_case(path).close()
    with qtbot.waitSignal(window.errorShown, timeout=30000) as shown:
        window.open_case(path, "not the passphrase")
    assert "passphrase" in shown.args[0].lower()
    assert window.case is None

    with qtbot.waitSignal(window.caseChanged, timeout=30000):
        window.open_case(path, PASSPHRASE)
    assert isinstance(window.case, Case)


def test_route_setting_refuses_nonsense(qtbot, window: MainWindow, gate: RouteGate) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.errorShown):
        window.apply_route("gopher://nowhere")
    assert gate.route is None
    window.apply_route("socks5://127.0.0.1:9")
    assert gate.route == parse_route("socks5://127.0.0.1:9")


def test_idle_time_locks_the_case_and_drops_its_key(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    case = fast_case(tmp_path / "idle.case")
    window.set_case(case)
    window.idle_lock.set_interval(300)
    with qtbot.waitSignal(window.caseChanged, timeout=10000) as changed:
        pass  # no input: the lock fires on its own
    assert changed.args[0] is None
    assert window.case is None
    qtbot.waitUntil(lambda: case.closed)  # persona cookies are saved first, off the GUI thread
    assert window.unlock_case_action.isEnabled()
    assert "locked" in window.statusBar().currentMessage()
    assert window.explorer.control_numbers() == []


def test_input_keeps_the_case_open(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.idle_lock.set_interval(60_000)
    window.idle_lock._timer.start(5)  # nearly due...
    # ...but input to the window (as a real keyboard delivers it) re-arms the interval.
    handle = window.windowHandle()
    assert handle is not None
    qtbot.keyClick(handle, "a")
    assert window.idle_lock._timer.remainingTime() > 30_000
