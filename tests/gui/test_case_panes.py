"""The case panes: personas, the contact log, the explorer; all fed off the GUI thread."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QDialog

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.keyrings import MemoryKeyring
from tests.support.waits import WORKER_MS
from workstation.casefile import Case, ContactDraft, parse_counterpart
from workstation.errors import WrongPassphrase
from workstation.ui.dialogs import NewCaseDialog, PassphraseChangeDialog, UnlockDialog
from workstation.ui.main_window import MainWindow
from workstation.ui.panes.base import CasePane
from workstation.ui.panes.contacts import ContactDialog
from workstation.ui.panes.personas import PersonaDialog
from workstation.ui.workers import run_in_background


@pytest.fixture
def case(window: MainWindow, tmp_path: Path, qtbot) -> Case:  # type: ignore[no-untyped-def]
    opened = fast_case(tmp_path / "panes.case")
    with qtbot.waitSignal(window.explorer.reloaded, timeout=10000):
        window.set_case(opened)
    return opened


def answer_dialog(
    monkeypatch: pytest.MonkeyPatch, dialog_class: type[QDialog], fill: Callable[..., None]
) -> None:
    """Stand in for the officer at a modal dialog: fill it in and press OK."""

    def exec_filled(self: QDialog) -> int:
        fill(self)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(dialog_class, "exec", exec_filled)


def add_persona(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, alias: str) -> None:  # type: ignore[no-untyped-def]
    def fill(dialog: PersonaDialog) -> None:
        dialog.alias.setText(alias)
        dialog.email.setText(f"{alias.lower().replace(' ', '.')}@mail.test")
        dialog.accounts.setPlainText("telegram:@" + alias.lower().replace(" ", "_"))

    answer_dialog(monkeypatch, PersonaDialog, fill)
    with qtbot.waitSignal(window.persona_pane.reloaded, timeout=10000):
        window.persona_pane.add_button.click()


def log_contact(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, content: str, counterpart: str
) -> None:
    def fill(dialog: ContactDialog) -> None:
        dialog.counterpart.setText(counterpart)
        dialog.outgoing.setChecked(True)
        dialog.content.setPlainText(content)

    answer_dialog(monkeypatch, ContactDialog, fill)
    with qtbot.waitSignal(window.contact_pane.reloaded, timeout=10000):
        window.new_contact_action.trigger()


def test_personas_are_added_and_listed(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_persona(qtbot, window, monkeypatch, "Anna K")
    assert window.persona_pane.aliases() == ["Anna K"]
    assert "telegram:@anna_k" in window.persona_pane.list.item(0).text()
    assert [p.alias for p in case.personas()] == ["Anna K"]


def test_contact_needs_a_persona_first(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case
) -> None:
    with qtbot.waitSignal(window.errorShown) as shown:
        window.new_contact_action.trigger()
    assert "persona" in shown.args[0].lower()


def test_a_contact_is_logged_and_corrected_not_overwritten(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_persona(qtbot, window, monkeypatch, "Anna K")
    qtbot.waitUntil(lambda: window.contact_pane.personas == ["Anna K"], timeout=WORKER_MS)
    log_contact(qtbot, window, monkeypatch, "Do you ship 100 to DE?", "@quickpills")

    entries = case.contacts()
    assert len(entries) == 1
    first = entries[0]
    assert (first.persona, first.direction, first.counterparts[0].kind) == (
        "Anna K",
        "out",
        "handle",
    )
    assert window.contact_pane.model.rowCount() == 1

    window.contact_pane.table.selectRow(0)

    def correct(dialog: ContactDialog) -> None:
        assert dialog.correcting is not None and dialog.content.toPlainText() == first.content
        dialog.content.setPlainText("Do you ship 200 to DE?")

    answer_dialog(monkeypatch, ContactDialog, correct)
    with qtbot.waitSignal(window.contact_pane.reloaded, timeout=10000):
        window.contact_pane.correct_button.click()

    old, new = case.contacts()
    assert new.supersedes == old.id and old.superseded_by == new.id
    assert old.content == "Do you ship 100 to DE?", "the original stays in the record"
    assert "corrected by" in window.contact_pane.model.data(window.contact_pane.model.index(0, 6))


def test_search_narrows_the_log(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_persona(qtbot, window, monkeypatch, "Anna K")
    qtbot.waitUntil(lambda: window.contact_pane.personas == ["Anna K"], timeout=WORKER_MS)
    log_contact(qtbot, window, monkeypatch, "Price for ivory carvings?", "seller@shop.test")
    log_contact(qtbot, window, monkeypatch, "Shipping by courier only", "+44 20 7946 0000")
    assert window.contact_pane.model.rowCount() == 2

    window.contact_pane.search.setText("ivory")
    with qtbot.waitSignal(window.contact_pane.reloaded, timeout=10000):
        window.contact_pane.search.returnPressed.emit()
    assert [e.content for e in window.contact_pane.model.entries] == ["Price for ivory carvings?"]


def test_explorer_shows_the_case_and_verifies_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case
) -> None:
    tree = window.explorer.tree
    labels = [item.text(0) for i in range(4) if (item := tree.topLevelItem(i)) is not None]
    assert labels[0] == "Case" and labels[1].startswith("Exhibits (0)")
    with qtbot.waitSignal(window.explorer.verified, timeout=30000) as verified:
        window.explorer.verify_button.click()
    assert verified.args[0].ok
    assert window.explorer.verdict.text().startswith("Verified")


def test_locking_clears_every_pane(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_persona(qtbot, window, monkeypatch, "Anna K")
    window.lock_case()
    assert window.persona_pane.aliases() == []
    assert window.explorer.tree.topLevelItemCount() == 0
    assert not window.contact_pane.isEnabled()


def test_new_case_dialog_records_the_request(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: NewCaseDialog) -> None:
        dialog.reference.setText("2026-0412 ivory")
        dialog.location.setText(str(tmp_path))
        dialog.requesting_unit.setText("Customs Hamburg")
        dialog.legal_basis.setText("AZ 12/26")
        dialog.commodity.setCurrentIndex(dialog.commodity.findData("cites"))
        dialog.passphrase.setText("long enough passphrase")
        dialog.repeat.setText("long enough passphrase")
        assert dialog.problem() == ""

    answer_dialog(monkeypatch, NewCaseDialog, fill)
    with qtbot.waitSignal(window.caseChanged, timeout=30000):
        window.new_case_action.trigger()
    assert window.case is not None
    meta = window.case.metadata()
    assert (meta.reference, meta.requesting_unit, meta.legal_basis, str(meta.commodity)) == (
        "2026-0412 ivory",
        "Customs Hamburg",
        "AZ 12/26",
        "cites",
    )
    assert window.case.path == tmp_path / "2026-0412 ivory.case"


def test_new_case_dialog_explains_what_is_missing(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    assert "reference" in dialog.problem()
    dialog.reference.setText("x")
    dialog.passphrase.setText("short")
    assert "at least" in dialog.problem()
    dialog.passphrase.setText("long enough passphrase")
    dialog.repeat.setText("different passphrase!")
    assert "differ" in dialog.problem()


def test_a_remembered_case_unlocks_without_the_passphrase(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "remembered.case"
    fast_case(path).close()
    with qtbot.waitSignal(window.caseChanged, timeout=30000):
        window.open_case(path, PASSPHRASE, remember=True)
    assert memory_keyring.entries, "an unlock secret went to the keyring"
    window.lock_case()

    def no_prompt(_self: QDialog) -> int:
        raise AssertionError("the passphrase was asked for")

    monkeypatch.setattr(UnlockDialog, "exec", no_prompt)
    with qtbot.waitSignal(window.caseChanged, timeout=30000) as reopened:
        window.unlock_case_action.trigger()
    assert isinstance(reopened.args[0], Case)


def test_passphrase_change_from_the_menu(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: PassphraseChangeDialog) -> None:
        dialog.old.setText(PASSPHRASE)
        dialog.new.setText("a brand new passphrase")
        dialog.repeat.setText("a brand new passphrase")

    answer_dialog(monkeypatch, PassphraseChangeDialog, fill)
    window.passphrase_action.trigger()
    qtbot.waitUntil(lambda: "passphrase was changed" in window.statusBar().currentMessage())
    path = case.path
    window.close_case()
    qtbot.waitUntil(lambda: case.closed, timeout=WORKER_MS)
    with pytest.raises(WrongPassphrase):
        Case.open(path, PASSPHRASE)
    Case.open(path, "a brand new passphrase").close()


def test_the_log_filters_by_date(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, case: Case
) -> None:
    case.add_persona("Anna K")
    for day in ("2026-03-01", "2026-03-15"):
        case.add_contact(
            ContactDraft(
                persona="Anna K",
                channel="Telegram",
                counterparts=(parse_counterpart("@quickpills"),),
                direction="in",
                content=f"message of {day}",
                occurred_utc=f"{day}T10:00:00.000000Z",
            )
        )
    pane = window.contact_pane
    pane.since.setText("2026-03-10")
    with qtbot.waitSignal(pane.reloaded, timeout=10000):
        pane.since.returnPressed.emit()
    assert [e.content for e in pane.model.entries] == ["message of 2026-03-15"]
    pane.since.clear()
    pane.until.setText("2026-03-01")
    with qtbot.waitSignal(pane.reloaded, timeout=10000):
        pane.until.returnPressed.emit()
    assert [e.content for e in pane.model.entries] == ["message of 2026-03-01"]


class OrderedPane(CasePane):
    """A pane whose first read is held back until the test lets it finish."""

    def __init__(self) -> None:
        super().__init__()
        self.release_first = threading.Event()
        self.first_started = threading.Event()
        self.shown: list[str] = []
        self._reads = 0
        self._lock = threading.Lock()

    def fetch(self, case: Case) -> str:
        with self._lock:
            self._reads += 1
            number = self._reads
        if number == 1:
            self.first_started.set()
            assert self.release_first.wait(10)
            return "first read"
        return "second read"

    def show_data(self, data: Any) -> None:
        self.shown.append(data)

    def clear(self) -> None:
        self.shown.clear()


def test_a_slow_older_reload_never_overwrites_a_newer_one(qtbot, case: Case) -> None:  # type: ignore[no-untyped-def]
    pane = OrderedPane()
    qtbot.addWidget(pane)
    pane.set_case(case)  # the first read starts and is held back
    # Only once it runs: two reads submitted back to back may start in either order.
    assert pane.first_started.wait(10)
    with qtbot.waitSignal(pane.reloaded, timeout=10000):
        pane.reload()  # e.g. the officer changed a filter meanwhile
    assert pane.shown == ["second read"]
    pane.release_first.set()
    assert QThreadPool.globalInstance().waitForDone(10000)
    QCoreApplication.processEvents()  # deliver the first read's (late) answer, if any
    assert pane.shown == ["second read"]


def test_a_pane_reloads_while_long_jobs_wait_on_the_network(qtbot, case: Case) -> None:  # type: ignore[no-untyped-def]
    # A Tor bootstrap, a timestamp request and an export each hold a worker for long;
    # on a two-core PC that was every thread Qt's pool had.
    release = threading.Event()
    waiting = 3
    for _ in range(waiting):
        run_in_background(lambda: release.wait(20), lambda _: None, lambda _: None)
    try:
        pane = OrderedPane()
        pane.release_first.set()
        qtbot.addWidget(pane)
        with qtbot.waitSignal(pane.reloaded, timeout=10000):
            pane.set_case(case)
        assert pane.shown == ["first read"]
    finally:
        release.set()
        assert QThreadPool.globalInstance().waitForDone(10000)
