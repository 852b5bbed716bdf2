"""Problems stay above the page until dismissed; every message is listed under View."""

import re
from pathlib import Path

from tests.support.cases import fast_case
from tests.support.waits import WORKER_MS
from workstation.ui.main_window import MainWindow
from workstation.ui.notices import KEPT_MESSAGES, MessagesDialog, NoticeHistory

LINE = re.compile(r"^\d\d:\d\d:\d\d UTC  ")


def listed(dialog: MessagesDialog) -> list[str]:
    lines = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    assert all(LINE.match(line) for line in lines), lines
    return [LINE.sub("", line) for line in lines]


def test_a_problem_stays_until_dismissed_or_replaced(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show()
    bar = window.notices.bar
    assert bar.isHidden()
    window.show_error("The route is not working, so nothing was sent.")
    assert bar.isVisible()
    assert bar.text.text() == "The route is not working, so nothing was sent."
    window.statusBar().showMessage("Settings saved.", 10)  # routine: the bar stays
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "")
    assert bar.text.text() == "The route is not working, so nothing was sent."
    window.show_error("The lookup got no usable answer.")
    assert bar.text.text() == "The lookup got no usable answer."
    bar.dismiss_button.click()
    assert bar.isHidden()


def test_every_message_is_listed_with_its_time_and_problems_marked(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    window.statusBar().showMessage("Snapshot sealed.")
    window.show_error("The PDF could not be made.")
    assert window.messages_action.text() == "Messages…"
    window.messages_action.trigger()
    dialog = window.notices.dialog
    assert isinstance(dialog, MessagesDialog) and dialog.isVisible()
    assert not dialog.isModal()
    assert listed(dialog) == ["Snapshot sealed.", "⚠ The PDF could not be made."]
    window.statusBar().showMessage("Case closed.")  # arrives while the list is open
    assert listed(dialog)[-1] == "Case closed."
    window.notices.bar.all_button.click()  # the bar's button raises the same list
    assert window.notices.dialog is dialog


def test_leaving_a_case_empties_the_list_and_the_bar(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    window.show_error("before any case")  # not about a case: kept when one opens
    case = fast_case(tmp_path / "notices.case")
    with qtbot.waitSignal(window.explorer.reloaded, timeout=WORKER_MS):
        window.set_case(case)
    assert window.notices.history.notices[0].text == "before any case"
    window.show_error("Exhibit 4 of shop.example could not be sealed.")
    dialog = window.notices.show_messages()
    window.close_case()
    assert all("shop.example" not in n.text for n in window.notices.history.notices)
    assert all("shop.example" not in line for line in listed(dialog))
    assert window.notices.bar.isHidden()


def test_the_list_keeps_the_newest_messages(qtbot) -> None:  # type: ignore[no-untyped-def]
    history = NoticeHistory()
    dialog = MessagesDialog(history)  # open while the messages arrive
    qtbot.addWidget(dialog)
    for number in range(KEPT_MESSAGES + 10):
        history.add(f"message {number}")
    history.add("")  # a cleared status bar is not a message
    assert len(history.notices) == KEPT_MESSAGES
    assert history.notices[0].text == "message 10"
    assert history.notices[-1].text == f"message {KEPT_MESSAGES + 9}"
    assert listed(dialog) == [notice.text for notice in history.notices]
