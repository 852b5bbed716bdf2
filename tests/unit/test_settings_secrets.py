"""The proxy password lives in the OS keyring, never in settings.json; the keyring helpers
are shared by settings, cases and the interception CA (workstation/secretstore.py)."""

from __future__ import annotations

import ast
import json
import logging
from pathlib import Path

import pytest

from tests.support.keyrings import MemoryKeyring, memory_keyring
from workstation import secretstore, settings
from workstation.casefile import remember
from workstation.route import parse_route
from workstation.route.interception_ca import InterceptionCA
from workstation.settings import PROXY_ROUTE_ENTRY, ProxyPassword, Settings

__all__ = ["memory_keyring"]  # the fixture, used by name

PASSWORD = "s3cr@t pass"
ROUTE = "socks5://officer:s3cr%40t%20pass@127.0.0.1:1080"
ROUTE_ON_DISK = "socks5://officer@127.0.0.1:1080"
WORKSTATION_PACKAGE = Path(__file__).resolve().parents[2] / "workstation"


@pytest.fixture(autouse=True)
def fresh_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a fresh start: no password kept in this process's memory."""
    monkeypatch.setattr(settings, "_THIS_RUN", {})


def old_settings_file(path: Path) -> None:
    """settings.json as versions before the keyring wrote it: the password in plain text."""
    path.write_text(json.dumps({"route": ROUTE, "officer": "Insp. K", "auto_lock_minutes": 5}))


def assert_no_password_in(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "s3cr" not in text and "%20pass" not in text
    assert "proxy_password" not in text, "where the password is kept is not a setting"
    assert json.loads(text)["route"] == ROUTE_ON_DISK


# -- the proxy password ------------------------------------------------------------------


def test_saved_settings_hold_no_password_and_load_returns_it(
    tmp_path: Path, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="workstation")
    path = tmp_path / "settings.json"
    saved = Settings(route=ROUTE, officer="Insp. K")
    assert saved.save(path) is ProxyPassword.IN_KEYRING
    assert saved.route == ROUTE, "the running settings keep the password"
    assert_no_password_in(path)
    assert memory_keyring.entries == {(secretstore.SERVICE, PROXY_ROUTE_ENTRY): ROUTE}

    loaded = Settings.load(path)
    assert loaded == saved
    assert loaded.proxy_password_kept is ProxyPassword.IN_KEYRING
    assert parse_route(loaded.route).password == PASSWORD
    assert "s3cr" not in caplog.text


def test_an_old_plaintext_password_moves_to_the_keyring_on_load(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "settings.json"
    old_settings_file(path)
    loaded = Settings.load(path)
    assert (loaded.route, loaded.officer, loaded.auto_lock_minutes) == (ROUTE, "Insp. K", 5)
    assert loaded.proxy_password_kept is ProxyPassword.IN_KEYRING
    assert_no_password_in(path)
    assert json.loads(path.read_text())["officer"] == "Insp. K"
    assert memory_keyring.entries[(secretstore.SERVICE, PROXY_ROUTE_ENTRY)] == ROUTE
    assert not list(tmp_path.glob("*.tmp"))
    again = Settings.load(path)
    assert again.route == ROUTE and again.proxy_password_kept is ProxyPassword.IN_KEYRING


def test_without_a_keyring_the_password_is_kept_for_this_run_only(
    tmp_path: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    assert Settings(route=ROUTE).save(path) is ProxyPassword.THIS_RUN_ONLY
    assert_no_password_in(path)
    same_run = Settings.load(path)  # e.g. the layout memory reading the file again
    assert same_run.route == ROUTE
    assert same_run.proxy_password_kept is ProxyPassword.THIS_RUN_ONLY

    monkeypatch.setattr(settings, "_THIS_RUN", {})  # the next start
    next_start = Settings.load(path)
    assert next_start.proxy_password_kept is ProxyPassword.MISSING
    assert next_start.route == ROUTE_ON_DISK
    next_start.set_proxy_password(PASSWORD)
    assert next_start.route == ROUTE
    assert parse_route(next_start.route).password == PASSWORD


def test_an_old_file_is_cleaned_even_without_a_keyring(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "settings.json"
    old_settings_file(path)
    loaded = Settings.load(path)
    assert loaded.route == ROUTE
    assert loaded.proxy_password_kept is ProxyPassword.THIS_RUN_ONLY
    assert_no_password_in(path)


def test_a_locked_keyring_keeps_the_password_for_this_run(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.locked = True
    path = tmp_path / "settings.json"
    assert Settings(route=ROUTE).save(path) is ProxyPassword.THIS_RUN_ONLY
    assert_no_password_in(path)
    memory_keyring.locked = False
    assert Settings(route=ROUTE).save(path) is ProxyPassword.IN_KEYRING
    assert Settings.load(path).route == ROUTE


def test_a_route_without_login_clears_the_stored_password(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "settings.json"
    Settings(route=ROUTE).save(path)
    assert memory_keyring.entries
    chosen = Settings(route="tor")
    assert chosen.save(path) is ProxyPassword.NONE
    assert memory_keyring.entries == {}
    assert Settings.load(path).route == "tor"


def test_saving_while_the_password_is_unknown_keeps_it_in_the_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "settings.json"
    Settings(route=ROUTE).save(path)
    memory_keyring.locked = True  # e.g. the keyring is still locked at start
    unknown = Settings.load(path)
    assert unknown.proxy_password_kept is ProxyPassword.MISSING
    unknown.window_state = "layout"
    assert unknown.save(path) is ProxyPassword.MISSING  # the layout memory on closing
    memory_keyring.locked = False
    assert Settings.load(path).route == ROUTE


def test_a_password_for_another_proxy_is_not_used(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "settings.json"
    Settings(route=ROUTE).save(path)
    path.write_text(json.dumps({"route": "http://officer@127.0.0.2:3128"}))  # edited by hand
    loaded = Settings.load(path)
    assert loaded.proxy_password_kept is ProxyPassword.MISSING
    assert loaded.route == "http://officer@127.0.0.2:3128"


def test_set_proxy_password_needs_a_user() -> None:
    with pytest.raises(ValueError, match="no user"):
        Settings(route="socks5://127.0.0.1:1080").set_proxy_password(PASSWORD)


# -- the theme setting ------------------------------------------------------------------


def test_the_theme_is_saved_and_an_unknown_one_follows_the_system(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    assert Settings().theme == "system"
    Settings(theme="dark").save(path)
    assert Settings.load(path).theme == "dark"
    for unknown in ("solarized", 3, ["dark"]):
        caplog.clear()
        path.write_text(json.dumps({"theme": unknown}))
        with caplog.at_level(logging.WARNING, logger="workstation.settings"):
            assert Settings.load(path).theme == "system"
        assert "unknown theme" in caplog.text
    path.write_text(json.dumps({"officer": "no theme yet"}))
    assert Settings.load(path).theme == "system"


# -- the shared keyring helpers ---------------------------------------------------------


def test_secretstore_round_trips_text_and_tokens(memory_keyring: MemoryKeyring) -> None:
    assert secretstore.store_text("a", "some text")
    assert secretstore.load_text("a") == "some text"
    assert secretstore.store_token("b", b"\x00\xff token")
    assert secretstore.load_token("b") == b"\x00\xff token"
    memory_keyring.entries[(secretstore.SERVICE, "c")] = "not base64 !"
    assert secretstore.load_token("c") is None
    secretstore.delete_secret("a")
    secretstore.delete_token("b")
    secretstore.delete_token("nothing there")  # logged, not raised
    assert set(memory_keyring.entries) == {(secretstore.SERVICE, "c")}


def test_secretstore_fails_soft_without_a_keyring(no_keyring: None) -> None:
    assert secretstore.store_text("a", "x") is False
    assert secretstore.load_text("a") is None
    assert secretstore.store_token("a", b"x") is False
    assert secretstore.load_token("a") is None
    secretstore.delete_secret("a")


def test_remember_keeps_its_api_on_the_shared_helpers(memory_keyring: MemoryKeyring) -> None:
    assert remember.SERVICE == secretstore.SERVICE
    assert remember.store_token("case-1", b"token")
    assert secretstore.load_token("case-1") == b"token"
    assert remember.load_token("case-1") == b"token"
    remember.delete_token("case-1")
    assert memory_keyring.entries == {}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_route_package_does_not_import_the_case_package() -> None:
    files = sorted((WORKSTATION_PACKAGE / "route").glob("*.py"))
    assert files, "the route package was found"
    for path in files:
        casefile = {name for name in imported_modules(path) if "casefile" in name}
        assert not casefile, f"{path.name} imports {casefile}"


def test_the_interception_ca_is_kept_through_the_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    folder = tmp_path / "ca"
    first = InterceptionCA.load_or_create(folder)
    assert (folder / "ca.pem").is_file() and (folder / "ca.key").is_file()
    assert list(memory_keyring.entries) == [(secretstore.SERVICE, "interception-ca")]
    assert InterceptionCA.load_or_create(folder).spki_pin() == first.spki_pin()


def test_the_interception_ca_lives_for_one_run_without_a_keyring(
    tmp_path: Path, no_keyring: None
) -> None:
    folder = tmp_path / "ca"
    first = InterceptionCA.load_or_create(folder)
    assert not folder.exists(), "nothing usable without the keyring is written"
    assert InterceptionCA.load_or_create(folder).spki_pin() != first.spki_pin()
