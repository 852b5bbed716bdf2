"""The unit's capture defaults: whole page or what is on screen, the longest page, and
whether new cases capture every page visited."""

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.gui.test_tall_pages import SECTION, close, colour_runs, open_tall_page, section_colour
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from tests.support.waits import WORKER_MS
from workstation.browser.snapshot import VISIBLE_PART_NOTE
from workstation.casefile import Case
from workstation.settings import Settings
from workstation.ui.dialogs import NewCaseDialog
from workstation.ui.main_window import MainWindow
from workstation.ui.settings_dialog import SettingsDialog

SEAL_MS = 120000
SCROLLED_TO = 4000  # px: inside section 5 of /tall


def screenshot_of(case: Case, item_id: int) -> QImage:
    artifacts = {a.name: a.data for a in case.artifacts(item_id)}
    return QImage.fromData(artifacts["screenshot.png"])


def scroll_position(qtbot, window: MainWindow) -> int:  # type: ignore[no-untyped-def]
    answers: list[int] = []
    window.current_tab().page.runJavaScript("Math.round(window.scrollY)", 0, answers.append)
    qtbot.waitUntil(lambda: answers != [])
    return answers[0]


def test_only_what_is_on_screen_is_photographed_and_nothing_scrolls(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.settings.capture_whole_page = False
    case = open_tall_page(qtbot, window, site, socks_proxy, tmp_path / "visible.case")
    view = window.current_tab().view
    window.current_tab().page.runJavaScript(f"window.scrollTo(0, {SCROLLED_TO})", 0)
    qtbot.waitUntil(lambda: scroll_position(qtbot, window) == SCROLLED_TO)
    with qtbot.waitSignal(window.exhibitSealed, timeout=SEAL_MS) as sealed:
        window.snapshot_action.trigger()
    exhibit = sealed.args[0]
    assert VISIBLE_PART_NOTE in exhibit.warnings, "the manifest says how it was taken"
    image = screenshot_of(case, exhibit.item_id)
    assert image.height() == view.height(), "one screen, not the page"
    runs = colour_runs(image, image.width() // 2)
    index = SCROLLED_TO // SECTION
    colours = [colour for colour, _height in runs]
    assert any(close(c, section_colour(index)) for c in colours), "the part on screen"
    assert not any(close(c, section_colour(0)) for c in colours), "not the page's top"
    assert scroll_position(qtbot, window) == SCROLLED_TO, "the page was not scrolled"
    record = next(r for r in case.evidence_items() if r.id == exhibit.item_id)
    manifest = json.loads(record.manifest)
    assert manifest["page_size"]["height"] >= 40000, "the whole height is still recorded"


def test_a_whole_page_stops_at_the_units_longest_page(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.settings.capture_max_height = 8000
    case = open_tall_page(qtbot, window, site, socks_proxy, tmp_path / "limit.case")
    with qtbot.waitSignal(window.exhibitSealed, timeout=SEAL_MS) as sealed:
        window.snapshot_action.trigger()
    exhibit = sealed.args[0]
    image = screenshot_of(case, exhibit.item_id)
    assert image.height() == 8000
    assert any("the screenshot shows the first 8000 px" in w for w in exhibit.warnings)
    assert len(colour_runs(image, image.width() // 2)) == 8000 // SECTION


def test_the_capture_defaults_are_set_and_checked_in_the_settings(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    dialog = SettingsDialog(Settings(capture_max_height=30000), "tor", window)
    qtbot.addWidget(dialog)
    assert dialog.screenshot.currentData() is True
    assert dialog.max_height.text() == "30000" and dialog.max_height.isEnabled()
    assert not dialog.capture_new_cases.isChecked()
    dialog.max_height.edit.setText("500")
    assert "from 1000 to 100000" in dialog.max_height.problem()
    assert not dialog.ok_button.isEnabled()
    dialog.screenshot.setCurrentIndex(1)  # only what is on screen: no longest page
    assert not dialog.max_height.isEnabled() and dialog.ok_button.isEnabled()
    dialog.capture_new_cases.setChecked(True)
    chosen = dialog.chosen()
    assert chosen.capture_whole_page is False
    assert chosen.capture_max_height == 30000, "a wrong, unused height changes nothing"
    assert chosen.capture_new_cases is True
    dialog.screenshot.setCurrentIndex(0)
    dialog.max_height.edit.setText("12000")
    assert dialog.chosen().capture_max_height == 12000


def test_new_cases_start_capturing_every_page_when_the_unit_says_so(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.settings.capture_new_cases = True

    def fill_and_accept(dialog: NewCaseDialog) -> int:
        dialog.reference.setText("2026-0501 auto")
        dialog.location.setText(str(tmp_path))
        dialog.passphrase.setText("a long enough passphrase")
        dialog.repeat.setText("a long enough passphrase")
        return NewCaseDialog.DialogCode.Accepted.value

    monkeypatch.setattr(NewCaseDialog, "exec", fill_and_accept)
    with qtbot.waitSignal(window.caseChanged, timeout=WORKER_MS):
        window.case_lifecycle.new_case()
    assert window.case is not None
    assert window.case.metadata().auto_capture is True
    qtbot.waitUntil(window.auto_capture_action.isChecked, timeout=WORKER_MS)
