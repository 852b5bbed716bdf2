"""Re-capture a page from the case explorer, then compare the two captures."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cases import fast_case
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.socks import Microsocks
from workstation.ui import theme
from workstation.ui.compare_dialog import CompareDialog
from workstation.ui.main_window import MainWindow

SEAL_TIMEOUT_MS = 60000


class ChangingShop:
    """A shop whose seller contact changes between two visits."""

    def __init__(self) -> None:
        self.contact = "seller-7731"
        shop = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                body = (
                    "<!doctype html><html><head><title>Shop</title></head><body>"
                    f"<p>Offer: 100 tablets</p><p>Contact: {shop.contact}</p></body></html>"
                ).encode()
                self.answer(200, "text/html; charset=utf-8", body)

        self.server = LoopbackHttpServer(Handler).start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/"


@pytest.fixture
def shop() -> Iterator[ChangingShop]:
    changing = ChangingShop()
    yield changing
    changing.server.stop()


def test_recapture_and_compare_show_the_change(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, shop: ChangingShop, socks_proxy: Microsocks, tmp_path: Path
) -> None:
    window.apply_route(socks_proxy.url)
    case = fast_case(tmp_path / "compare.case")
    window.set_case(case)
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=SEAL_TIMEOUT_MS):
        window.navigate(shop.url())
    with qtbot.waitSignal(window.exhibitSealed, timeout=SEAL_TIMEOUT_MS) as first:
        window.snapshot_action.trigger()
    first_id = first.args[0].item_id
    qtbot.waitUntil(lambda: first.args[0].control_number in window.explorer.control_numbers())

    shop.contact = "seller-9920"
    window.explorer.select_exhibits([first_id])
    assert window.explorer.recapture_action.isEnabled()
    with qtbot.waitSignal(window.exhibitSealed, timeout=SEAL_TIMEOUT_MS) as second:
        window.explorer.recapture_action.trigger()
    second_id = second.args[0].item_id
    assert second.args[0].manifest.as_dict()["final_url"] == shop.url()
    qtbot.waitUntil(lambda: second.args[0].control_number in window.explorer.control_numbers())

    window.explorer.select_exhibits([first_id, second_id])
    assert window.explorer.compare_action.isEnabled()
    with qtbot.waitSignal(window.comparisonShown, timeout=SEAL_TIMEOUT_MS) as shown:
        window.explorer.compare_action.trigger()
    dialog = shown.args[0]
    assert isinstance(dialog, CompareDialog)
    assert "-Contact: seller-7731" in dialog.comparison.text_diff
    assert "+Contact: seller-9920" in dialog.comparison.text_diff
    assert "seller-9920" in dialog.report.toPlainText()
    with theme.temporary_theme("light"):
        assert line_colour(dialog, "+Contact: seller-9920") == theme.LIGHT.added
        theme.apply_theme("dark")  # while the dialog is open
        assert line_colour(dialog, "+Contact: seller-9920") == theme.DARK.added
        assert line_colour(dialog, "-Contact: seller-7731") == theme.DARK.removed
    dialog.close()


def line_colour(dialog: CompareDialog, line: str) -> str:
    """The text colour of the report's line that starts with line."""
    block = dialog.report.document().begin()
    while block.isValid():
        if block.text().strip().startswith(line):
            return block.begin().fragment().charFormat().foreground().color().name()
        block = block.next()
    raise AssertionError(f"no line {line!r} in the report")
