"""Right-click in a page: look up, log as contact, open links as the same identity, snapshot."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMenu

from tests.support.cases import fast_case
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from tests.support.waits import WORKER_MS
from workstation.casefile import Case
from workstation.ui.browser_tab import BrowserTab
from workstation.ui.main_window import MainWindow
from workstation.ui.page_menu import PageContext, is_counterpart, shortened
from workstation.ui.panes.contacts import ContactDialog

LOAD_MS = 30000


def load(qtbot, tab: BrowserTab, url: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_MS) as loaded:
        tab.navigate(url)
    assert loaded.args[0], f"{url} did not load"


def entry(menu: QMenu, name: str) -> QAction:
    found = [action for action in menu.actions() if action.objectName() == name]
    assert len(found) == 1, [action.objectName() or action.text() for action in menu.actions()]
    return found[0]


def names(menu: QMenu) -> list[str]:
    return [action.objectName() for action in menu.actions() if action.objectName()]


@pytest.fixture
def case_with_persona(qtbot, window: MainWindow, tmp_path: Path) -> Case:  # type: ignore[no-untyped-def]
    case = fast_case(tmp_path / "menu.case")
    case.add_persona("Anna K")
    with qtbot.waitSignal(window.contact_pane.reloaded, timeout=10000):
        window.set_case(case)
    qtbot.waitUntil(lambda: window.contact_pane.personas == ["Anna K"], timeout=WORKER_MS)
    return case


def test_a_selection_offers_look_up_contact_log_copy_and_snapshot(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    menu = window.page_menu.menu_for(window.current_tab(), PageContext(selected_text="shop.test"))
    assert names(menu) == ["page-look-up-selection", "page-add-to-contact-log", "page-copy"]
    assert entry(menu, "page-look-up-selection").text() == "Look up “shop.test”"
    assert window.snapshot_action in menu.actions()

    window.docks["lookups"].close()
    entry(menu, "page-look-up-selection").trigger()
    assert window.lookup_pane.target.text() == "shop.test"
    assert window.lookup_pane.result_items(), "the profile started"
    assert not window.docks["lookups"].isHidden(), "the lookups dock came forward"

    entry(menu, "page-copy").trigger()
    assert QGuiApplication.clipboard().text() == "shop.test"


def test_a_link_offers_look_up_new_tab_as_the_same_identity_and_copy(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    case_with_persona: Case,
    site: LoopbackSite,
    socks_proxy: Microsocks,
) -> None:
    window.apply_route(socks_proxy.url)
    anna = window.new_tab("Anna K")
    link = site.url("/long")
    menu = window.page_menu.menu_for(anna, PageContext(link_url=link))
    assert names(menu) == ["page-look-up-link", "page-open-link", "page-copy-link"]
    assert window.snapshot_action in menu.actions()

    tabs_before = window.tabs.count()
    opened: list[BrowserTab] = []
    with qtbot.waitSignal(window.tabs.currentChanged):
        opened.append(window.page_menu.open_in_new_tab(anna, link))  # type: ignore[arg-type]
    new_tab = window.current_tab()
    assert window.tabs.count() == tabs_before + 1 and opened == [new_tab]
    assert new_tab.persona == "Anna K", "a link opens as the identity of its page"
    assert new_tab.page.profile() is anna.page.profile()
    qtbot.waitUntil(lambda: new_tab.page.url().toString() == link, timeout=LOAD_MS)
    qtbot.waitUntil(lambda: "/long" in site.requests, timeout=LOAD_MS)

    with qtbot.waitSignal(window.tabs.currentChanged):
        entry(menu, "page-open-link").trigger()
    assert window.current_tab().persona == "Anna K"

    entry(menu, "page-look-up-link").trigger()
    assert window.lookup_pane.target.text() == link
    entry(menu, "page-copy-link").trigger()
    assert QGuiApplication.clipboard().text() == link


def test_only_web_links_open_in_a_new_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    tab = window.current_tab()
    for link in ("file:///etc/passwd", "javascript:alert(1)", "data:text/html,hi"):
        menu = window.page_menu.menu_for(tab, PageContext(link_url=link))
        assert not entry(menu, "page-open-link").isEnabled(), link
        assert window.page_menu.open_in_new_tab(tab, link) is None
    assert window.tabs.count() == 1


def test_a_plain_page_offers_navigation_site_lookup_and_snapshot(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    menu = window.page_menu.menu_for(window.current_tab(), PageContext())
    actions = menu.actions()
    for action in (
        window.back_action,
        window.forward_action,
        window.reload_action,
        window.lookup_site_action,
        window.snapshot_action,
    ):
        assert action in actions


@pytest.mark.parametrize(
    ("selection", "counterpart"),
    [
        ("seller-7731@mail.test", True),
        ("+49 170 1234567", True),
        ("https://shop.test/item/7", True),
        ("@quickpills", True),
        ("Offer: 100 tablets, contact seller-7731.", False),
        ("two\nlines", False),
    ],
)
def test_add_to_contact_log_fills_counterpart_or_content(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,
    case_with_persona: Case,
    monkeypatch: pytest.MonkeyPatch,
    selection: str,
    counterpart: bool,
) -> None:
    assert is_counterpart(selection) is counterpart
    seen: dict[str, Any] = {}

    def exec_filled(dialog: ContactDialog) -> int:
        seen.update(
            persona=dialog.persona.currentText(),
            counterpart=dialog.counterpart.text(),
            content=dialog.content.toPlainText(),
        )
        if counterpart:
            dialog.content.setPlainText("asked for the price list")
        else:
            dialog.counterpart.setText("@seller7731")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(ContactDialog, "exec", exec_filled)
    tab = window.new_tab("Anna K")
    menu = window.page_menu.menu_for(tab, PageContext(selected_text=selection))
    with qtbot.waitSignal(window.contact_pane.reloaded, timeout=10000):
        entry(menu, "page-add-to-contact-log").trigger()
    assert seen["persona"] == "Anna K", "the tab's persona is proposed"
    if counterpart:
        assert seen["counterpart"] == selection and seen["content"] == ""
    else:
        assert seen["content"] == selection and seen["counterpart"] == ""
    [logged] = case_with_persona.contacts()
    assert logged.persona == "Anna K"
    assert (selection in [c.value for c in logged.counterparts]) is counterpart
    assert (logged.content == selection) is not counterpart


def test_add_to_contact_log_needs_a_case(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.errorShown) as shown:
        window.page_menu.add_to_contact_log(window.current_tab(), "seller")
    assert "case" in shown.args[0]


def test_labels_are_short_and_on_one_line() -> None:
    assert shortened("a\n  b") == "a b"
    label = shortened("x" * 100)
    assert len(label) == 32 and label.endswith("…")


def test_a_real_right_click_on_a_link_and_on_selected_text(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, site: LoopbackSite, socks_proxy: Microsocks
) -> None:
    window.apply_route(socks_proxy.url)
    tab = window.current_tab()
    load(qtbot, tab, site.url("/"))

    menu = right_click(qtbot, window, tab, element_centre(qtbot, tab, "long"))
    assert names(menu) == ["page-look-up-link", "page-open-link", "page-copy-link"]
    assert entry(menu, "page-open-link").isEnabled()
    menu.close()

    with qtbot.waitCallback() as selected:
        tab.page.runJavaScript(
            "getSelection().selectAllChildren(document.getElementById('offer')); 1",
            0,
            selected,
        )
    qtbot.waitUntil(lambda: "tablets" in tab.page.selectedText())
    menu = right_click(qtbot, window, tab, element_centre(qtbot, tab, "offer"))
    assert names(menu)[:2] == ["page-look-up-selection", "page-add-to-contact-log"]
    assert "Offer: 100 tablets" in entry(menu, "page-look-up-selection").text()
    menu.close()


def element_centre(qtbot, tab: BrowserTab, element_id: str) -> QPoint:  # type: ignore[no-untyped-def]
    script = (
        f"(function() {{ const r = document.getElementById('{element_id}').getBoundingClientRect();"
        " return (r.left + r.width / 2) + ',' + (r.top + r.height / 2); })()"
    )
    with qtbot.waitCallback() as found:
        tab.page.runJavaScript(script, 0, found)
    x, y = (float(part) for part in str(found.args[0]).split(","))
    return QPoint(round(x), round(y))


def painted(qtbot, tab: BrowserTab) -> None:  # type: ignore[no-untyped-def]
    """Wait until the renderer has drawn two frames: before that, Chromium has no
    hit-test data for the page and drops the mouse event."""
    token = tab.page.new_token()
    script = (
        "requestAnimationFrame(function() { requestAnimationFrame(function() {"
        f" console.log('{token} painted'); }}); }})"
    )
    with qtbot.waitSignal(tab.page.tokenSeen, timeout=10000):
        tab.page.runJavaScript(script, 1)


def right_click(qtbot, window: MainWindow, tab: BrowserTab, where: QPoint) -> QMenu:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    painted(qtbot, tab)
    target = tab.view.focusProxy() or tab.view
    QTest.mouseMove(target, where)
    with qtbot.waitSignal(window.page_menu.menuShown, timeout=10000) as shown:
        QTest.mouseClick(target, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, where)
    menu = shown.args[0]
    assert isinstance(menu, QMenu)
    return menu
