"""Snapshots are timestamped through the route when an authority is set; the queue is retried."""

from pathlib import Path

from tests.support.cases import fast_case
from tests.support.procs import free_port
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from tests.support.tsa import OpenSslTsa
from workstation.ui.main_window import MainWindow


def snapshot_of(qtbot, window: MainWindow, site: LoopbackSite) -> str:  # type: ignore[no-untyped-def]
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=30000):
        tab.navigate(site.url("/"))
    with qtbot.waitSignal(window.timestampReported, timeout=60000) as reported:
        window.snapshot_action.trigger()
    control_number, result = reported.args
    assert isinstance(control_number, str)
    return str(result["status"])


def test_snapshots_are_timestamped_and_the_queue_is_retried(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    port = free_port()
    (tmp_path / "tsa").mkdir()
    window.settings.tsa_url = f"http://127.0.0.1:{port}/tsa"
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "ts.case")
    window.set_case(case)

    assert snapshot_of(qtbot, window, site) == "queued", "no authority listens yet"
    (waiting,) = case.pending_timestamps()

    tsa = OpenSslTsa(tmp_path / "tsa", port=port).start()
    try:
        window.settings.tsa_cert = str(tsa.ca_pem)
        with qtbot.waitSignal(window.timestamper.retried, timeout=60000) as retried:
            window.timestamper.retry()
        assert [r["status"] for r in retried.args[0]] == ["granted"]
        assert case.pending_timestamps() == []
        assert len(case.timestamps(waiting.item_id)) == 1

        assert snapshot_of(qtbot, window, site) == "granted"
        assert tsa.requests == 2
        assert socks_proxy.connections_to(port), "the authority was asked through the route"
    finally:
        tsa.stop()
