"""The window's language: one way to mark a text for translation, and loading the catalogues.

Every text the officer reads in the window is written ``translate("Context", "literal")``
with a literal context and a literal text. That is the form pyside6-lupdate extracts with
the context Qt looks up at run time: lupdate skips a context held in a constant, files a
bare ``tr("...")`` outside a class under an empty context, and ``self.tr`` cannot serve
module-level functions. Values go in after translation with ``str.format`` (the
``{names}`` stay in the catalogue); a count uses Qt's plural forms: ``%n`` in the text and
the count as the fourth argument, ``translate("Ctx", "%n change(s)", None, count)``.

English is the source language. Its own plural forms ("1 change", "2 changes") come from
a small catalogue that holds only those messages, used whenever no installed catalogue
answered, so English reads right with or without a translator installed.

The catalogues live in resources/translations (made by scripts/update_translations.py);
Qt's own (standard buttons, the wizard, QtWebEngine's page actions) come with PySide6.
Only texts change: the locale (dates, Chromium's Accept-Language) is not touched, so a
persona's browser does not give away the officer's language.
"""

import logging
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from workstation.paths import resource_path

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
CATALOGUE = "workstation"  # workstation_<language>.qm
QT_CATALOGUES = ("qtbase", "qtwebengine")  # Qt's own texts, shipped in the PySide6 wheel
# The languages offered: name (in that language), code, whether its translation is complete.
LANGUAGES = (("English", "en", True), ("Deutsch", "de", True))
# A message each catalogue of a complete translation holds: if it answers, it loaded.
PROBES = {
    CATALOGUE: ("MainWindow", "&Case"),
    "qtbase": ("QPlatformTheme", "Cancel"),
    "qtwebengine": ("RenderViewContextMenuQt", "Back"),
}


def translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    """The text in the installed language (lupdate reads these calls: keep them literal)."""
    text = QCoreApplication.translate(context, source, disambiguation, n)
    if n >= 0 and text == source.replace("%n", str(n)):
        # No installed catalogue had it: English plural forms instead of "1 change(s)".
        english = _ENGLISH_PLURALS.translate(context, source, disambiguation, n)
        return english.replace("%n", str(n)) if english else text
    return text


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks a text for lupdate where it is defined (a table); translate it where shown.

    PySide's own marker is typed as returning object; this one keeps tables typed.
    """
    return source


def translations_dir() -> Path:
    return resource_path("translations")


def catalogue_path(language: str) -> Path:
    return translations_dir() / f"{CATALOGUE}_{language}.qm"


def qt_catalogue_path(name: str, language: str) -> Path:
    """Qt's own catalogue: where Qt says its translations are, else beside PySide6's Qt
    libraries (the layout of the wheel, and of the PyInstaller bundle)."""
    file_name = f"{name}_{language}.qm"
    places = (
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        Path(PySide6.__file__).parent / "Qt" / "translations",
    )
    return next(
        (place / file_name for place in places if (place / file_name).is_file()),
        places[0] / file_name,
    )


def _load(path: Path) -> QTranslator | None:
    translator = QTranslator()
    if translator.load(str(path)):
        return translator
    return None


_ENGLISH_PLURALS = _load(catalogue_path(SOURCE_LANGUAGE)) or QTranslator()
_installed: list[QTranslator] = []


class _Language:
    code = SOURCE_LANGUAGE


def installed_language() -> str:
    """The language the window's texts are in now ("en" when none is installed)."""
    return _Language.code


def install_translations(language: str) -> list[Path]:
    """Make language the window's language (replacing any installed before); returns the
    catalogues loaded. English needs none. Call after the QApplication exists and before
    the window is built: texts are looked up when widgets are made."""
    remove_translations()
    if language == SOURCE_LANGUAGE:
        return []
    wanted = [
        catalogue_path(language),
        *(qt_catalogue_path(name, language) for name in QT_CATALOGUES),
    ]
    loaded: list[Path] = []
    for path in wanted:
        translator = _load(path)
        if translator is None:
            log.warning("no %s translation at %s; those texts stay English", language, path)
            continue
        QCoreApplication.installTranslator(translator)
        _installed.append(translator)
        loaded.append(path)
    if catalogue_path(language) in loaded:
        _Language.code = language
    return loaded


def probe_catalogues(language: str) -> dict[str, str]:
    """Each catalogue language needs (ours and Qt's) with its probe message translated;
    "" where the catalogue is missing, does not load, or does not know the probe."""
    paths = {CATALOGUE: catalogue_path(language)}
    paths.update({name: qt_catalogue_path(name, language) for name in QT_CATALOGUES})
    found: dict[str, str] = {}
    for name, path in paths.items():
        translator = _load(path)
        found[name] = (translator.translate(*PROBES[name]) if translator else None) or ""
    return found


def remove_translations() -> None:
    """Back to English (the source texts)."""
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    _Language.code = SOURCE_LANGUAGE
