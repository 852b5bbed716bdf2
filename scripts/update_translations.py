#!/usr/bin/env python3
"""Re-extract the window's texts into resources/translations/*.ts and compile the .qm files.

    .venv/bin/python scripts/update_translations.py

Run it after changing a text in workstation/ui, translate what it marks unfinished (Qt
Linguist: .venv/bin/pyside6-linguist, or any editor), and run it again to compile.
tests/gui/test_translations.py fails while a catalogue is out of date or unfinished.

workstation_de.ts holds every message; workstation_en.ts only the ones with a count,
for English plural forms (see workstation/ui/i18n.py). Messages carry no source
locations, so moving code does not touch the catalogues; texts that are gone are dropped.

Extraction reads ``translate("Context", "text")`` calls (the project's convention, see
workstation/ui/i18n.py for why only that form).
"""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The window, and the browser layer whose messages it shows (downloads, snapshot failures).
SOURCE_DIRS = (ROOT / "workstation" / "ui", ROOT / "workstation" / "browser")
TRANSLATIONS = ROOT / "resources" / "translations"
BIN = Path(sys.executable).parent
LUPDATE = BIN / "pyside6-lupdate"
LRELEASE = BIN / "pyside6-lrelease"
TIMEOUT = 120


@dataclass(frozen=True)
class Catalogue:
    language: str  # as in the file name and in Settings.language
    qt_language: str  # lupdate's target language (decides the number of plural forms)
    plurals_only: bool  # English: only the messages with a count

    @property
    def ts(self) -> Path:
        return TRANSLATIONS / f"workstation_{self.language}.ts"

    @property
    def qm(self) -> Path:
        return self.ts.with_suffix(".qm")


CATALOGUES = (
    Catalogue("de", "de_DE", plurals_only=False),
    Catalogue("en", "en_GB", plurals_only=True),
)


def sources() -> list[Path]:
    """Every Python file of the window and the browser layer, in a stable order."""
    return sorted(path for folder in SOURCE_DIRS for path in folder.rglob("*.py"))


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{done.stderr}{done.stdout}")
    return done.stdout + done.stderr


def extract(catalogue: Catalogue, ts_path: Path | None = None) -> str:
    """Merge the sources' texts into ts_path (default: the catalogue's own .ts)."""
    target = ts_path or catalogue.ts
    files = [str(source) for source in sources()]
    options = ["-no-obsolete", "-locations", "none", "-source-language", "en"]
    options += ["-target-language", catalogue.qt_language]
    if catalogue.plurals_only:
        options.append("-pluralonly")
    return _run([str(LUPDATE), *files, *options, "-ts", str(target)])


def compile_catalogue(ts_path: Path, qm_path: Path) -> str:
    return _run([str(LRELEASE), str(ts_path), "-qm", str(qm_path)])


def main() -> int:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for catalogue in CATALOGUES:
        sys.stdout.write(extract(catalogue))
        sys.stdout.write(compile_catalogue(catalogue.ts, catalogue.qm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
