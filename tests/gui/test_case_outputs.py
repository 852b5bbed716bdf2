"""The final report from the GUI: gathered off the GUI thread, printed to PDF, recorded."""

import hashlib
from pathlib import Path

import pytest

from tests.support.cases import fast_case
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.ui.main_window import MainWindow


def test_the_report_of_the_selected_exhibit_is_written_as_pdf_and_audited(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    site: LoopbackSite,
    socks_proxy: Microsocks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "report.case")
    window.set_case(case)
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=30000):
        window.navigate(site.url("/"))
    with qtbot.waitSignal(window.exhibitSealed, timeout=60000) as sealed:
        window.snapshot_action.trigger()
    exhibit = sealed.args[0]
    qtbot.waitUntil(lambda: exhibit.control_number in window.explorer.control_numbers())
    window.explorer.select_exhibits([exhibit.item_id])
    out = tmp_path / "report.pdf"
    # The officer would pick the file in a dialog; the test names it.
    monkeypatch.setattr(
        window.case_outputs,
        "ask_and_make_report",
        lambda _parent, case_, items: window.case_outputs.make_report(case_, out, items),
    )
    failures: list[str] = []
    window.case_outputs.failed.connect(failures.append)
    with qtbot.waitSignal(window.case_outputs.reportWritten, timeout=60000) as written:
        window.report_action.trigger()
    assert failures == []
    assert written.args[0] == str(out)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert out.stat().st_mode & 0o077 == 0, "only the officer may read it"
    event = [e for e in case.audit_events() if e.action == "report.generated"][-1]
    assert event.details["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert [e["item_id"] for e in event.details["exhibits"]] == [exhibit.item_id]
