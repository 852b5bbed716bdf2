"""The proxy password is never shown: masked in the route chooser and the route dialog,
kept when the officer accepts it untouched, and asked at start when this PC has no
keyring to keep it (the gate carries nothing until it is given)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from tests.support.keyrings import MemoryKeyring, memory_keyring
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation import settings as settings_module
from workstation.app import needs_proxy_password, start_route
from workstation.evidence.recorder import Recorder
from workstation.paths import settings_file
from workstation.route import RouteGate, parse_route
from workstation.settings import ProxyPassword, Settings
from workstation.ui.main_window import MainWindow
from workstation.ui.route_settings import RouteChooser, RouteDialog

__all__ = ["memory_keyring"]  # the fixture, used by name

USER = "officer"
PASSWORD = "pw-4711"
# A password that must be %-encoded in a URL: an @, a colon, a space, a non-ASCII letter.
ODD_PASSWORD = "s3cr@t: pässe"
ODD_ROUTE = "socks5://officer:s3cr%40t%3A%20p%C3%A4sse@127.0.0.1:1080"
LOAD_TIMEOUT_MS = 30000


@pytest.fixture(autouse=True)
def fresh_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """No password kept in this process's memory from an earlier test."""
    monkeypatch.setattr(settings_module, "_THIS_RUN", {})


@pytest.fixture
def login_proxy(tmp_path: Path) -> Iterator[Microsocks]:
    proxy = Microsocks(tmp_path, user=USER, password=PASSWORD).start()
    yield proxy
    proxy.stop()


def visible_texts(widget: RouteChooser | RouteDialog) -> list[str]:
    """What the officer can read in the line edits (masked ones show dots)."""
    return [edit.text() for edit in widget.findChildren(QLineEdit) if edit_shows_text(edit)]


def edit_shows_text(edit: QLineEdit) -> bool:
    return edit.echoMode() == QLineEdit.EchoMode.Normal


def load(qtbot, window: MainWindow, url: str) -> bool:  # type: ignore[no-untyped-def]
    tab = window.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.navigate(url)
    return bool(blocker.args[0])


# -- the route chooser ---------------------------------------------------------------------


def test_the_route_chooser_masks_the_password_and_gives_it_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    chooser = RouteChooser(ODD_ROUTE)
    qtbot.addWidget(chooser)
    assert chooser.proxy_choice.isChecked()
    assert chooser.proxy_url.text() == "socks5://officer@127.0.0.1:1080"
    assert chooser.proxy_password.echoMode() == QLineEdit.EchoMode.Password
    assert chooser.proxy_password.text() == ODD_PASSWORD
    assert chooser.proxy_password.accessibleName() == "Proxy password"
    assert all("s3cr" not in text for text in visible_texts(chooser))
    assert parse_route(chooser.route_text()).password == ODD_PASSWORD
    assert chooser.problem() == ""


def test_a_password_typed_into_the_url_moves_to_the_masked_field(qtbot) -> None:  # type: ignore[no-untyped-def]
    chooser = RouteChooser("tor")
    qtbot.addWidget(chooser)
    chooser.proxy_choice.setChecked(True)
    chooser.proxy_url.setText(ODD_ROUTE)
    assert parse_route(chooser.route_text()).password == ODD_PASSWORD, "usable while typing"
    chooser.proxy_url.editingFinished.emit()  # the officer leaves the field
    assert chooser.proxy_url.text() == "socks5://officer@127.0.0.1:1080"
    assert chooser.proxy_password.text() == ODD_PASSWORD
    assert parse_route(chooser.route_text()) == parse_route(ODD_ROUTE)


def test_the_route_chooser_says_what_a_login_is_missing(qtbot) -> None:  # type: ignore[no-untyped-def]
    chooser = RouteChooser("socks5://officer@127.0.0.1:1080")
    qtbot.addWidget(chooser)
    assert "no password" in chooser.problem()
    assert not chooser.error.isHidden() and not chooser.test_button.isEnabled()
    chooser.proxy_password.setText(PASSWORD)
    assert chooser.problem() == ""
    assert chooser.error.isHidden()
    chooser.proxy_url.setText("socks5://127.0.0.1:1080")  # a password but no user for it
    assert "A password needs a user" in chooser.problem()
    chooser.proxy_password.setText("")
    assert chooser.problem() == ""
    assert chooser.route_text() == "socks5://127.0.0.1:1080"
    chooser.tor_choice.setChecked(True)
    assert not chooser.proxy_password.isEnabled()
    assert chooser.route_text() == "tor"


# -- Route ▸ Set route… --------------------------------------------------------------------


def test_the_route_dialog_keeps_an_untouched_password(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, memory_keyring: MemoryKeyring
) -> None:
    window.apply_route(ODD_ROUTE)
    assert gate.route is not None and gate.route.password == ODD_PASSWORD
    dialog = window.ask_route()
    qtbot.waitUntil(dialog.isVisible)
    assert all("***" not in text and "s3cr" not in text for text in visible_texts(dialog))
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()  # accepted as shown
    assert gate.route == parse_route(ODD_ROUTE), "the stored password, not ***"
    assert parse_route(Settings.load().route) == parse_route(ODD_ROUTE), "the keyring keeps it"


def test_the_route_dialog_applies_a_changed_password(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, memory_keyring: MemoryKeyring
) -> None:
    window.apply_route(ODD_ROUTE)
    dialog = window.ask_route()
    qtbot.waitUntil(dialog.isVisible)
    dialog.chooser.proxy_password.setText("a new one")
    dialog.ok_button.click()
    assert gate.route is not None and gate.route.password == "a new one"
    assert gate.route.username == "officer"


def test_the_route_dialog_holds_ok_back_while_the_route_is_wrong(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate
) -> None:
    dialog = window.ask_route()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.chooser.tor_choice.isChecked(), "no route yet: managed Tor is proposed"
    dialog.chooser.proxy_choice.setChecked(True)
    dialog.chooser.proxy_url.setText("gopher://127.0.0.1:70")
    assert not dialog.ok_button.isEnabled()
    assert "Unsupported route" in dialog.chooser.error.text()
    dialog.reject()
    assert gate.route is None


# -- no keyring: the password is asked at start ----------------------------------------------


def test_without_a_keyring_the_password_is_asked_at_the_next_start(  # type: ignore[no-untyped-def]
    qtbot,
    gate: RouteGate,
    session_recorder: Recorder,
    site: LoopbackSite,
    login_proxy: Microsocks,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The last run: the password could be kept in its memory only.
    assert Settings(route=login_proxy.url).save() is ProxyPassword.THIS_RUN_ONLY
    monkeypatch.setattr(settings_module, "_THIS_RUN", {})  # this run: a new process
    settings = Settings.load()
    assert settings.proxy_password_kept is ProxyPassword.MISSING
    assert needs_proxy_password(None, settings)
    assert not needs_proxy_password(login_proxy.url, settings), "a --route given says it all"
    assert start_route(None, settings) is None, "fail closed until the password is given"

    gate.set_route(start_route(None, settings))
    window = MainWindow(gate, settings, recorder=session_recorder)
    qtbot.addWidget(window)
    window.show()
    assert window.route_indicator.property("state") == "down"
    assert not load(qtbot, window, site.url("/"))
    assert site.request_count() == 0, "nothing left while the password was missing"

    dialog = window.ask_proxy_password()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.password.accessibleName() == "Proxy password"
    dialog.ok_button.click()  # empty: refused with a reason
    assert dialog.isVisible() and "Type the proxy password" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    dialog.ok_button.click()

    assert gate.route == parse_route(login_proxy.url)
    assert "no usable keyring" in window.statusBar().currentMessage()
    assert PASSWORD not in settings_file().read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: window.route_indicator.property("state") == "ok", timeout=10000)
    assert load(qtbot, window, site.url("/"))
    assert site.request_count() >= 1
    assert login_proxy.connections_to(site.port), "through the proxy, logged in"
    window.set_case(None)


def test_refusing_the_password_leaves_the_route_closed(  # type: ignore[no-untyped-def]
    qtbot, gate: RouteGate, session_recorder: Recorder, no_keyring: None
) -> None:
    settings = Settings(route="socks5://officer@127.0.0.1:1080")
    window = MainWindow(gate, settings, recorder=session_recorder)
    qtbot.addWidget(window)
    window.show()
    dialog = window.ask_proxy_password()
    qtbot.waitUntil(dialog.isVisible)
    assert "socks5://officer@127.0.0.1:1080" in dialog.explanation.text()
    dialog.reject()
    assert gate.route is None
    assert "Nothing leaves this PC" in window.statusBar().currentMessage()
    assert window.route_indicator.property("state") == "down"
    window.set_case(None)


def test_the_settings_dialog_says_when_the_password_is_kept_for_this_run_only(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, gate: RouteGate, no_keyring: None
) -> None:
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible)
    dialog.route.proxy_choice.setChecked(True)
    dialog.route.proxy_url.setText("socks5://officer@127.0.0.1:1080")
    assert not dialog.ok_button.isEnabled(), "a user without a password"
    dialog.route.proxy_password.setText(PASSWORD)
    dialog.ok_button.click()
    assert gate.route is not None and gate.route.password == PASSWORD
    message = window.statusBar().currentMessage()
    assert message.startswith("Settings saved.")
    assert "the proxy password will be asked again at next start" in message
    assert window.settings.proxy_password_kept is ProxyPassword.THIS_RUN_ONLY
