"""`capture` on its default route, the managed Tor (here joined to the test network),
browsing as a persona: the page is sealed, and Tor carried every request.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.site import LoopbackSite
from tests.support.tornet import TorTestNetwork

pytest_plugins = ("tests.support.tornet_plugin",)

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "e2e passphrase, long enough"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        check=False,
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        cwd=ROOT,
    )


def test_capture_defaults_to_tor_and_browses_as_the_persona(
    tor_network: TorTestNetwork, site: LoopbackSite, tmp_path: Path
) -> None:
    case = tmp_path / "tor.case"
    created = cli("case", "create", str(case), "--title", "Tor 1")
    assert created.returncode == 0, created.stderr
    config = tor_network.write_client_config(tmp_path / "testnet.torrc")

    result = cli(
        "capture", "--case", str(case), "--tor-config", str(config), "--persona", "alice",
        "--json", site.url("/"),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    assert outcome["ok"] and len(outcome["control_number"]) == 64
    assert "Tor: 100% connected" in result.stderr
    assert "/" in site.requests
