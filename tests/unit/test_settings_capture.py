"""The capture defaults survive a save and load; odd values in the file fall back."""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.settings import CAPTURE_HEIGHTS, DEFAULT_CAPTURE_HEIGHT, Settings


def test_capture_defaults_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    chosen = Settings(capture_whole_page=False, capture_max_height=12000, capture_new_cases=True)
    chosen.save(path)
    loaded = Settings.load(path)
    assert (loaded.capture_whole_page, loaded.capture_max_height, loaded.capture_new_cases) == (
        False,
        12000,
        True,
    )


def test_a_file_without_them_gets_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"officer": "Insp. Demo"}), encoding="utf-8")
    loaded = Settings.load(path)
    assert loaded.capture_whole_page is True
    assert loaded.capture_max_height == DEFAULT_CAPTURE_HEIGHT
    assert loaded.capture_new_cases is False


@pytest.mark.parametrize(
    "height", [0, 999, 100001, -5, True, "20000", 2.5e4, None, [20000], {"px": 1}]
)
def test_an_unusable_height_falls_back_to_the_default(tmp_path: Path, height: object) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"capture_max_height": height}), encoding="utf-8")
    assert Settings.load(path).capture_max_height == DEFAULT_CAPTURE_HEIGHT


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.floats()))
def test_any_value_in_the_file_loads_as_a_sane_setting(value: object) -> None:
    raw = {"capture_whole_page": value, "capture_max_height": value, "capture_new_cases": value}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        path.write_text(json.dumps(raw), encoding="utf-8")
        loaded = Settings.load(path)
    low, high = CAPTURE_HEIGHTS
    assert low <= loaded.capture_max_height <= high
    assert loaded.capture_whole_page is (value is not False)
    assert loaded.capture_new_cases is (value is True)
