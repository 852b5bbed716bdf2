"""The installer, built and run as a unit would: the tar and the .deb from
scripts/build-installer.sh, unpacked elsewhere and run with the build machine's Python,
virtual environment and checkout out of reach.

The build is cached under build/installer by a hash of its inputs, so only the first
run after a change pays for PyInstaller.
"""

import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.procs import require_program
from workstation import __version__

ROOT = Path(__file__).resolve().parents[2]
NAME = "investigator-workstation"
BUILD_TIMEOUT = 900  # a clean build with quick compression takes well under a minute here
RUN_TIMEOUT = 120
pytestmark = pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)


@dataclass(frozen=True)
class Installer:
    bundle: Path
    tarball: Path
    deb: Path


@pytest.fixture(scope="module")
def installer(tmp_path_factory: pytest.TempPathFactory) -> Installer:
    require_program("dpkg-deb", "dpkg")
    require_program("objdump", "binutils")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [str(ROOT / "scripts" / "build-installer.sh"), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    bundle, tarball, deb = (Path(line) for line in result.stdout.split())
    return Installer(bundle, tarball, deb)


@pytest.fixture(scope="module")
def unpacked(installer: Installer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tar unpacked where a unit might put it, far from the checkout."""
    target = tmp_path_factory.mktemp("unit-pc")
    with tarfile.open(installer.tarball) as archive:
        archive.extractall(target, filter="tar")
    return target / f"{NAME}-{__version__}"


def out_of_reach() -> list[Path]:
    """Every Python this test machine has: the checkout, the venv, its base, Debian's."""
    places = {ROOT, Path(sys.prefix), Path(sys.base_prefix).resolve()}
    places.update(Path("/usr/lib").glob("python3*"))
    # A folder inside another one is hidden with it (and could not be mounted over).
    return sorted(
        place
        for place in places
        if place.is_dir() and not any(o != place and place.is_relative_to(o) for o in places)
    )


def run_isolated(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """argv with a bare environment (no PYTHONPATH, an empty PATH) from another folder.

    As root (CI), it also runs in a private mount namespace with every Python folder of
    this machine hidden under an empty tmpfs, so a bundle that reached for one fails.
    """
    empty_path = cwd / "empty-path"
    empty_path.mkdir(exist_ok=True)
    env = {
        "PATH": str(empty_path),
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }
    if os.geteuid() == 0:
        mount = require_program("mount", "mount")
        unshare = require_program("unshare", "util-linux")
        hide = " && ".join(f"{mount} -t tmpfs none '{place}'" for place in out_of_reach())
        argv = [unshare, "--mount", "/bin/sh", "-c", f'{hide} && exec "$@"', "sh", *argv]
    return subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def self_test_report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.stdout.strip(), result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["ok"], f"{report['message']}\n{result.stderr[-3000:]}"
    assert result.returncode == 0
    return report


def test_the_unpacked_bundle_passes_its_self_test_without_any_python_of_this_machine(
    unpacked: Path, tmp_path: Path
) -> None:
    program = unpacked / NAME
    report = self_test_report(run_isolated([str(program), "self-test", "--json"], tmp_path))

    runtime = report["runtime"]
    assert runtime["frozen"] is True
    assert Path(runtime["executable"]) == program
    assert Path(runtime["program_root"]) == unpacked / "_internal"
    assert runtime["cwd"] == str(tmp_path)
    # Python itself and every module loaded came from the bundle.
    assert runtime["python_libraries"]
    assert all(Path(lib).is_relative_to(unpacked) for lib in runtime["python_libraries"])
    assert runtime["modules_outside_program"] == []
    # The page went through the route, and the bundled tor (not a system one) runs.
    steps = {step["name"]: step for step in report["steps"]}
    assert steps["no-bypass"]["data"]["page_server_connections"] >= 2
    assert Path(steps["tor"]["data"]["binary"]).is_relative_to(unpacked)
    # German is there, ours and Qt's, loaded from the bundle.
    assert steps["languages"]["data"]["catalogues"]["de"] == {
        "workstation": "&Fall",
        "qtbase": "Abbrechen",
        "qtwebengine": "Zurück",
    }
    assert report["version"] == __version__
    assert report["built_utc"] and report["build"] != "unknown"


def test_the_program_does_not_name_the_build_machine_python(installer: Installer) -> None:
    checkout, venv = str(ROOT).encode(), str(Path(sys.prefix)).encode()
    executable = (installer.bundle / NAME).read_bytes()
    assert checkout not in executable and venv not in executable


def test_the_deb_installs_under_opt_with_a_launcher_menu_entry_and_its_dependencies(
    installer: Installer, tmp_path: Path
) -> None:
    fields = deb_fields(installer.deb)
    assert fields["Package"] == NAME and fields["Version"] == __version__
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert any(d.startswith("libc6 (>= ") for d in depends)
    for dependency in depends:  # each names a real Debian package, installed here
        package = dependency.split("|")[0].split()[0]
        assert installed(package), f"{package} in Depends is not a package installed here"

    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(installer.deb), str(root)], check=True, timeout=120)
    launcher = (root / "usr/bin" / NAME).read_text()
    assert f"exec /opt/{NAME}/{NAME}" in launcher
    desktop = (root / f"usr/share/applications/{NAME}.desktop").read_text()
    assert f"Exec={NAME} gui" in desktop and f"Icon={NAME}" in desktop
    assert (root / f"usr/share/icons/hicolor/256x256/apps/{NAME}.png").is_file()
    version = run_isolated([str(root / "opt" / NAME / NAME), "--version"], tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith(f"Investigator Workstation {__version__} (build ")


def test_the_self_test_passes_from_the_virtual_environment(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "self-test", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    report = self_test_report(result)
    assert report["runtime"]["frozen"] is False
    assert report["built_utc"] is None


def deb_fields(deb: Path) -> dict[str, str]:
    control = subprocess.run(
        ["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    fields: dict[str, str] = {}
    for line in control.splitlines():
        if line and not line[0].isspace():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def installed(package: str) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout
    return status == "install ok installed"
