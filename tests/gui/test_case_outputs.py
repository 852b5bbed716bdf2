"""The final report from the GUI: gathered off the GUI thread, printed to PDF, recorded."""

import hashlib
from pathlib import Path

import shiboken6

from tests.gui.test_package_gui import click_ok
from tests.support.cases import PASSPHRASE, fast_case
from tests.support.package_case import (
    HIDDEN_URL,
    OPEN_CONTENT,
    SECRET_ALIAS,
    SECRET_CONTENT,
    SHOWN_URL,
    make_package_case,
)
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.casefile import Case
from workstation.ui.job_progress import JobProgress
from workstation.ui.main_window import MainWindow
from workstation.ui.pdf_bridge import PdfBridge, renders_in_flight
from workstation.ui.report_dialog import ReportDialog


def test_the_report_of_the_selected_exhibit_is_written_as_pdf_and_audited(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    site: LoopbackSite,
    socks_proxy: Microsocks,
    tmp_path: Path,
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
    failures: list[str] = []
    window.case_outputs.failed.connect(failures.append)
    with qtbot.waitSignal(window.case_outputs.dialogShown, timeout=10000) as shown:
        window.report_action.trigger()
    dialog: ReportDialog = shown.args[0]
    # The exhibit chosen in the explorer comes ticked (the automatic page visit is not).
    assert dialog.exhibits.checked_ids() == [exhibit.item_id]
    dialog.file.setText(str(out))
    with qtbot.waitSignal(window.case_outputs.reportWritten, timeout=60000) as written:
        click_ok(dialog)
    assert failures == []
    assert written.args[0] == str(out)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert out.stat().st_mode & 0o077 == 0, "only the officer may read it"
    event = [e for e in case.audit_events() if e.action == "report.generated"][-1]
    assert event.details["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert [e["item_id"] for e in event.details["exhibits"]] == [exhibit.item_id]


def test_the_report_job_shows_progress_and_cancel_while_printing_writes_nothing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    made = make_package_case(tmp_path / "CX.case")
    case = Case.open(made.path, PASSPHRASE)
    window.set_case(case)
    outputs = window.case_outputs
    started: list[JobProgress] = []
    outputs.started.connect(started.append)
    html = tmp_path / "report.html"
    with qtbot.waitSignal(outputs.reportWritten, timeout=60000) as written:
        outputs.make_report(case, html, [made.shown_item])
        assert started and started[0].isVisible(), "a strip with Cancel in the status bar"
        assert started[0].cancel_button.isEnabled()
    assert written.args[0] == str(html) and b"<html" in html.read_bytes().lower()
    qtbot.waitUntil(lambda: not shiboken6.isValid(started[0]), timeout=5000)

    pdf = tmp_path / "report.pdf"
    outputs.make_report(case, pdf, None)
    strip = started[1]
    bridge = outputs.findChild(PdfBridge)
    assert bridge is not None
    bridge.stepStarted.connect(strip.cancel)  # cancel once the GUI thread is printing
    with qtbot.waitSignal(outputs.cancelled, timeout=60000) as cancelled:
        pass
    assert "cancelled" in cancelled.args[0] and not pdf.exists()
    reports = [e for e in case.audit_events() if e.action == "report.generated"]
    assert [e.details["format"] for e in reports] == ["html"]
    assert "cancelled" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: renders_in_flight() == 0, timeout=60000)  # its page goes first


def test_the_report_dialog_makes_a_redacted_report_and_refuses_bad_names(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    made = make_package_case(tmp_path / "CX.case")
    case = Case.open(made.path, PASSPHRASE)
    window.set_case(case)
    outputs = window.case_outputs
    with qtbot.waitSignal(outputs.dialogShown, timeout=10000) as shown:
        window.report_action.trigger()
    dialog: ReportDialog = shown.args[0]
    assert dialog.exhibits.all_checked()  # nothing chosen in the explorer: every exhibit
    taken = tmp_path / "taken.html"
    taken.write_bytes(b"the officer's earlier file")
    for name, problem in (("report.txt", ".pdf or .html"), ("taken.html", "already exists")):
        dialog.file.setText(str(tmp_path / name))
        click_ok(dialog)
        assert problem in dialog.error.text() and dialog.isVisible()
    assert taken.read_bytes() == b"the officer's earlier file"
    out = tmp_path / "redacted.html"
    dialog.file.setText(str(out))
    dialog.exhibits.set_checked([made.shown_item])
    dialog.redact_contacts.setChecked(True)
    dialog.withheld_personas.set_checked([SECRET_ALIAS])
    with qtbot.waitSignal(outputs.reportWritten, timeout=60000):
        click_ok(dialog)
    html = out.read_text(encoding="utf-8")
    assert SECRET_ALIAS not in html and SECRET_CONTENT not in html and OPEN_CONTENT not in html
    assert SHOWN_URL in html and HIDDEN_URL not in html
    event = [e for e in case.audit_events() if e.action == "report.generated"][-1]
    assert [e["item_id"] for e in event.details["exhibits"]] == [made.shown_item]
