import stat
from pathlib import Path

import pytest

from workstation import paths
from workstation.settings import Settings


def test_data_dir_is_private(workstation_home: Path) -> None:
    workstation_home.chmod(0o755)
    directory = paths.data_dir()
    assert directory == workstation_home
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.cases_dir().stat().st_mode) == 0o700


def test_volatile_dir_is_memory_backed() -> None:
    directory = paths.volatile_dir()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert paths._is_tmpfs(directory)
    assert not paths._is_tmpfs(Path(__file__).parent)


def test_settings_round_trip_and_survive_garbage(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Settings(route="socks5://127.0.0.1:9050", officer="Insp. K").save(path)
    assert Settings.load(path) == Settings(route="socks5://127.0.0.1:9050", officer="Insp. K")
    path.write_bytes(b"\xff{not json")
    assert Settings.load(path) == Settings()
    path.write_text("[1, 2]")
    assert Settings.load(path) == Settings()


@pytest.mark.parametrize("missing", ["nothing-here.json"])
def test_missing_settings_are_defaults(tmp_path: Path, missing: str) -> None:
    assert Settings.load(tmp_path / missing) == Settings()
