"""Fixtures shared by every test layer."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.keyrings import memory_keyring, no_keyring
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks

__all__ = ["memory_keyring", "no_keyring"]  # shared fixtures defined in tests/support

# GUI tests run without a display; QtWebEngine's sandbox cannot run as root.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The test sites live on loopback, which the route gate refuses by default (a page probing
# the LAN). Tests of that refusal turn it back off on their own gate.
os.environ["WORKSTATION_ALLOW_LOCAL_DESTINATIONS"] = "1"
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


@pytest.fixture(autouse=True)
def workstation_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets its own data directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("WORKSTATION_HOME", str(home))
    return home


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    server = LoopbackSite().start()
    yield server
    server.stop()


@pytest.fixture
def socks_proxy(tmp_path: Path) -> Iterator[Microsocks]:
    proxy = Microsocks(tmp_path).start()
    yield proxy
    proxy.stop()
