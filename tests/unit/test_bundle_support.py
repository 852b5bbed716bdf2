"""What the bundle relies on at run time, checked from the checkout: resource and tor
look-up in a bundle and in a checkout, the build-info module, and the spec's exclusions.
"""

import ast
import sys
from pathlib import Path

import pytest

from workstation import paths, version

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to run from a PyInstaller bundle unpacked at tmp_path."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


def test_resources_resolve_in_the_checkout_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert not paths.is_frozen() and paths.bundle_dir() is None
    assert paths.resource_path("selftest", "page.html").is_file()
    assert paths.resource_path("icons", "investigator-workstation.svg").is_file()


def test_resources_and_tor_resolve_inside_a_bundle(frozen_bundle: Path) -> None:
    assert paths.resource_path("selftest", "page.html") == (
        frozen_bundle / "resources" / "selftest" / "page.html"
    )
    assert paths.bundled_tor() is None  # a bundle without tor must not fall back to PATH
    assert paths.bundled_tor_geoip() is None

    tor_dir = frozen_bundle / "tor"
    tor_dir.mkdir()
    for name in ("tor", "geoip", "geoip6"):
        (tor_dir / name).write_bytes(b"")
    assert paths.bundled_tor() == tor_dir / "tor"
    assert paths.bundled_tor_geoip() == paths.TorGeoip(tor_dir / "geoip", tor_dir / "geoip6")


def test_outside_a_bundle_tor_comes_from_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tor").write_text("#!/bin/sh\n")
    (tmp_path / "tor").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert paths.bundled_tor() == tmp_path / "tor"
    assert paths.bundled_tor_geoip() is None  # a system tor knows its own tables
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert paths.bundled_tor() is None


def test_the_build_module_records_revision_dirty_flag_and_source_date() -> None:
    text = version.build_module_source(version.SourceRevision("0123456789ab", True), 1_700_000_000)
    namespace: dict[str, object] = {}
    exec(compile(text, "_build.py", "exec"), namespace)
    assert namespace["BUILD_HASH"] == "0123456789ab+dirty"
    assert namespace["BUILT_UTC"] == "2023-11-14T22:13:20Z"
    assert "BUILD_HASH = 'unknown'" in version.build_module_source(None, 0)


def test_a_checkout_reports_its_git_revision_and_no_build_time() -> None:
    assert version.built_utc() is None
    source = version.source_revision(ROOT)
    if source is not None:  # a source export without .git says "unknown"
        assert version.build_hash().startswith(source.revision)
    assert version.build_hash() in version.version_line()


def spec_list(name: str) -> list[str]:
    """A list of strings assigned at the top of pyinstaller.spec."""
    tree = ast.parse((ROOT / "pyinstaller.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(item) for item in value]
    raise AssertionError(f"{name} not found in pyinstaller.spec")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_bundle_leaves_out_no_module_the_app_imports() -> None:
    """The spec's excludes would make such an import fail only in the installed program."""
    excluded = set(spec_list("UNUSED_QT_MODULES")) | set(spec_list("UNUSED_PYTHON"))
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in [ROOT / "main.py", *sorted((ROOT / "workstation").rglob("*.py"))]
        for module in imported_modules(path)
        if any(module == name or module.startswith(name + ".") for name in excluded)
    }
    assert not offenders, "imported by the app but excluded in pyinstaller.spec"
