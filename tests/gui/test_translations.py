"""The window speaks German when asked, and the catalogues keep up with the code.

(a) resources/translations/*.ts match the sources (lupdate into a copy adds or drops
nothing), every message is translated with its {placeholders}, %n and & accelerator,
and the committed .qm files are what lrelease makes of the .ts today.
(b) With German installed, the window with an open case, every dock, menu and dialog
is walked: each text a person reads is a German translation, or on a short list of
names that read the same in German (product, protocols, languages, services).
(c) Without a translator the window is English, plural forms included.
"""

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QTableView,
    QTableWidget,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
    QWizard,
    QWizardPage,
)

from tests.gui.test_accessibility import CASE_NAME, PERSONA, Surfaces, open_surfaces
from workstation import APP_NAME
from workstation.browser.identities import RESEARCH_LABEL
from workstation.evidence.recorder import Recorder
from workstation.route import RouteGate
from workstation.settings import Settings
from workstation.ui import i18n
from workstation.ui.i18n import (
    LANGUAGES,
    install_translations,
    probe_catalogues,
    remove_translations,
    translate,
)
from workstation.ui.main_window import MainWindow
from workstation.ui.persona_bar import research_label
from workstation.ui.settings_dialog import SettingsDialog
from workstation.ui.shortcuts import SHORTCUTS, keys_text

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    path = ROOT / "scripts" / "update_translations.py"
    spec = importlib.util.spec_from_file_location("update_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
GERMAN = next(c for c in SCRIPT.CATALOGUES if c.language == "de")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
ACCELERATOR = re.compile(r"&(?!&)(\S)")
TAG = re.compile(r"<[^>]+>")

# Texts that read the same in German; everything else the window shows must be German.
SAME_IN_GERMAN = {
    "Route",  # the project's word for the way out, German too
    "&Route",  # the menu; its accelerator R is unique in the German menu bar
    "Route…",
    "Status",
    "Problem",
    "Passphrase",
    "Name",
    "Route: {route}",
}
NAMES = {
    APP_NAME,
    f"{CASE_NAME} — {APP_NAME}",  # the window title: case folder and product
    PERSONA,  # test data: the persona's alias
    "English",  # each language in its own name
    "Deutsch",
    "DNS",  # protocol names
    "WHOIS",
    "RDAP",
    "ASN",
    "Telegram",  # services, as channels of the contact log
    "WhatsApp",
    "Signal",
    "socks5://HOST:PORT, http://HOST:PORT, tor+socks5://…",  # route syntax
}


# -- the catalogues -------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    numerus: bool
    translations: tuple[str, ...]  # one, or one per plural form
    state: str  # "" (finished), "unfinished", "obsolete", "vanished"


def messages(ts: Path) -> list[Message]:
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [form.text or "" for form in translation.iter("numerusform")]
            found.append(
                Message(
                    context=name,
                    source=message.findtext("source") or "",
                    numerus=message.get("numerus") == "yes",
                    translations=tuple(forms) if forms else (translation.text or "",),
                    state=translation.get("type", ""),
                )
            )
    return found


def keys(found: list[Message]) -> set[tuple[str, str]]:
    return {(message.context, message.source) for message in found}


@pytest.mark.parametrize("catalogue", SCRIPT.CATALOGUES, ids=lambda c: c.language)
def test_the_catalogue_is_in_sync_with_the_sources(catalogue, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    committed = messages(catalogue.ts)
    copy = tmp_path / catalogue.ts.name
    shutil.copy(catalogue.ts, copy)
    SCRIPT.extract(catalogue, copy)
    fresh = messages(copy)
    new = keys(fresh) - keys(committed)
    gone = keys(committed) - keys(fresh)
    assert not new, f"texts not in {catalogue.ts.name}: run scripts/update_translations.py {new}"
    assert not gone, f"texts no longer in the code: run scripts/update_translations.py {gone}"
    assert [m for m in fresh if m.state] == [], "lupdate left unfinished or obsolete messages"
    assert fresh == committed


def test_no_message_is_filed_under_an_empty_context() -> None:
    """A context Qt never looks up: the text would never be translated."""
    stray = [m.source for m in messages(GERMAN.ts) if not m.context]
    assert stray == []


@pytest.mark.parametrize("catalogue", SCRIPT.CATALOGUES, ids=lambda c: c.language)
def test_every_message_is_translated(catalogue) -> None:  # type: ignore[no-untyped-def]
    found = messages(catalogue.ts)
    assert found
    unfinished = [(m.context, m.source) for m in found if m.state]
    assert unfinished == []
    empty = [(m.context, m.source) for m in found if not all(t.strip() for t in m.translations)]
    assert empty == []
    plural = [m for m in found if m.numerus]
    assert all(len(m.translations) == 2 for m in plural), "German and English have two forms"
    if catalogue.plurals_only:
        assert found == plural


@pytest.mark.parametrize("catalogue", SCRIPT.CATALOGUES, ids=lambda c: c.language)
def test_placeholders_markup_and_accelerators_are_kept(catalogue) -> None:  # type: ignore[no-untyped-def]
    for message in messages(catalogue.ts):
        where = (message.context, message.source)
        for text in message.translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(
                PLACEHOLDER.findall(message.source)
            ), where
            assert TAG.findall(text) == TAG.findall(message.source), where
            assert len(ACCELERATOR.findall(text)) == len(ACCELERATOR.findall(message.source)), where
            assert text.strip() == text or message.source.strip() != message.source, where
            if message.numerus:
                assert "%n" in text, where
            assert re.sub(r"\{\w+\}|%n|\W", "", text), f"{where}: a translation needs words"


def test_the_menu_bar_accelerators_are_unique_in_german() -> None:
    titles = ["&Case", "&Browse", "&Route", "&Lookup", "&View", "&Tools", "&Help"]
    german = {m.source: m.translations[0] for m in messages(GERMAN.ts) if m.context == "MainWindow"}
    letters = [ACCELERATOR.findall(german[title])[0].lower() for title in titles]
    assert len(set(letters)) == len(letters), dict(zip(titles, letters, strict=True))


@pytest.mark.parametrize("catalogue", SCRIPT.CATALOGUES, ids=lambda c: c.language)
def test_the_compiled_catalogue_is_up_to_date(catalogue, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compiled = tmp_path / catalogue.qm.name
    SCRIPT.compile_catalogue(catalogue.ts, compiled)
    assert compiled.read_bytes() == catalogue.qm.read_bytes(), (
        f"{catalogue.qm.name} is older than its .ts: run scripts/update_translations.py"
    )


def test_the_identical_translations_are_the_listed_ones() -> None:
    """A German text equal to its English source is allowed only when listed here."""
    identical = {
        m.source for m in messages(GERMAN.ts) if m.translations == (m.source,) and not m.numerus
    }
    assert identical == SAME_IN_GERMAN


# -- the window in German -------------------------------------------------------------


@pytest.fixture
def german_window(  # type: ignore[no-untyped-def]
    qtbot, gate: RouteGate, session_recorder: Recorder
) -> Iterator[MainWindow]:
    loaded = install_translations("de")
    try:
        assert [path.name for path in loaded] == [
            "workstation_de.qm",
            "qtbase_de.qm",
            "qtwebengine_de.qm",
        ]
        window = MainWindow(gate, Settings(language="de"), recorder=session_recorder)
        qtbot.addWidget(window)
        window.show()
        yield window
        window.set_case(None)
    finally:
        remove_translations()


def stripped(text: str) -> str:
    """An action's text as Qt shows it on a tool button (QAction.iconText)."""
    return re.sub(r"&(.)", r"\1", text).removesuffix("…").removesuffix("...")


class Patterns:
    """The German texts of the catalogue, as patterns: {name} and %n stand for values."""

    def __init__(self) -> None:
        found = messages(GERMAN.ts)
        self.english = {m.source for m in found}
        translations = {t for m in found for t in m.translations}
        # Tool buttons and menu entries show an action's text without & and "…".
        translations |= {stripped(text) for text in translations}
        self.german = [self._pattern(text) for text in translations]

    @staticmethod
    def _pattern(text: str) -> re.Pattern[str]:
        parts = re.split(r"(\{\w+\}|%n)", text)
        regex = "".join(
            "\\d+" if part == "%n" else ".*" if PLACEHOLDER.fullmatch(part) else re.escape(part)
            for part in parts
        )
        return re.compile(regex, re.DOTALL)

    def is_german(self, text: str) -> bool:
        return any(pattern.fullmatch(text) for pattern in self.german)


# Qt's own texts in the widgets it builds (standard buttons, the wizard's buttons, a dock's
# title bar, a tab bar's arrows), by translation context; qtbase_de has them in German.
QT_TEXTS = {
    "QPlatformTheme": ("OK", "&OK", "Cancel", "&Cancel", "Save", "&Save", "Close", "&Close"),
    "QWizard": ("< &Back", "&Next >", "&Finish", "Cancel", "&Help", "Commit"),
    "QDockWidget": (
        "Float",
        "Undocks and re-attaches the dock widget",
        "Close",
        "Closes the dock widget",
    ),
    "QTabBar": ("Scroll Left", "Scroll Right", "Close Tab"),
    # QtWebEngine's edit actions in an editable field's page menu (qtwebengine_de).
    "RenderViewContextMenuQt": ("Undo", "Redo", "Cut", "Copy", "Paste", "Select all"),
}


def qt_own_texts() -> set[str]:
    return {
        QCoreApplication.translate(context, text)
        for context, texts in QT_TEXTS.items()
        for text in texts
    }


def shown_texts(surfaces: Surfaces) -> set[str]:
    texts: set[str] = set()
    for top in surfaces.tops():
        for widget in [top, *top.findChildren(QWidget)]:
            texts |= widget_texts(widget)
        for action in top.findChildren(QAction):
            texts |= {action.text(), action.toolTip(), action.statusTip(), action.iconText()}
    for menu in surfaces.menus:
        texts |= {menu.title(), menu.accessibleName()}
        for action in menu.actions():
            texts |= {action.text(), action.toolTip()}
    texts.add(surfaces.window.statusBar().currentMessage())
    return {text.strip() for text in texts if text and text.strip()}


def widget_texts(widget: QWidget) -> set[str]:
    texts = {
        widget.windowTitle() if widget.isWindow() or isinstance(widget, QDockWidget) else "",
        widget.toolTip(),
        widget.statusTip(),
        widget.accessibleName(),
        widget.accessibleDescription(),
    }
    if isinstance(widget, QAbstractButton | QLabel):
        texts.add(widget.text())
    if isinstance(widget, QLineEdit):
        texts.add(widget.placeholderText())
    if isinstance(widget, QComboBox):
        texts |= {widget.itemText(i) for i in range(widget.count())}
        texts |= {
            str(widget.itemData(i, Qt.ItemDataRole.ToolTipRole) or "")
            for i in range(widget.count())
        }
    if isinstance(widget, QTabBar):
        texts |= {widget.tabText(i) for i in range(widget.count())}
        texts |= {widget.tabToolTip(i) for i in range(widget.count())}
    if isinstance(widget, QTabWidget):
        texts |= {widget.tabText(i) for i in range(widget.count())}
    if isinstance(widget, QGroupBox):
        texts.add(widget.title())
    if isinstance(widget, QMenu):
        texts.add(widget.title())
    if isinstance(widget, QWizardPage):
        texts |= {widget.title(), widget.subTitle()}
    if isinstance(widget, QAbstractItemView):
        texts |= header_texts(widget)
    if isinstance(widget, QTableWidget | QTreeWidget):
        texts |= item_texts(widget)
    return texts


def header_texts(view: QAbstractItemView) -> set[str]:
    if isinstance(view, QTableView):
        header = view.horizontalHeader()
    elif isinstance(view, QTreeView):
        header = view.header()
    else:
        return set()
    model = header.model()
    if model is None:
        return set()
    horizontal = Qt.Orientation.Horizontal
    return {str(model.headerData(c, horizontal) or "") for c in range(header.count())}


def item_texts(view: QTableWidget | QTreeWidget) -> set[str]:
    """The shortcuts sheet's cells, and the first column of the explorer's tree (its
    labels; the second column is the case's data)."""
    if isinstance(view, QTableWidget):
        cells = (view.item(row, column) for row in range(view.rowCount()) for column in range(3))
        return {cell.text() for cell in cells if cell is not None}
    texts = set()
    pending: list[QTreeWidgetItem | None] = [
        view.topLevelItem(i) for i in range(view.topLevelItemCount())
    ]
    while pending:
        item = pending.pop()
        if item is not None:
            texts.add(item.text(0))
            pending += [item.child(i) for i in range(item.childCount())]
    return texts


def untranslated(texts: set[str], patterns: Patterns) -> list[str]:
    allowed = NAMES | SAME_IN_GERMAN | qt_own_texts() | shortcut_keys()
    return sorted(
        text
        for text in texts
        if text not in allowed
        and not re.fullmatch(r"[\d\W_]*", text)
        and not (patterns.is_german(text) and text not in patterns.english)
    )


def shortcut_keys() -> set[str]:
    return {keys_text(entry) for entry in SHORTCUTS}


def test_every_text_of_the_window_is_german(  # type: ignore[no-untyped-def]
    qtbot, german_window: MainWindow, tmp_path: Path
) -> None:
    surfaces = open_surfaces(qtbot, german_window, tmp_path)
    german_window.explorer.verify()
    qtbot.waitUntil(german_window.explorer.verify_button.isEnabled, timeout=10000)
    texts = shown_texts(surfaces)
    assert len(texts) > 300, len(texts)
    problems = untranslated(texts, Patterns())
    assert problems == [], "\n".join(problems)
    # Spot checks that the right catalogues answered, Qt's own among them.
    assert german_window.menuBar().actions()[0].text() == "&Fall"
    assert "Fall" in {dock.windowTitle() for dock in german_window.docks.values()}
    assert "Strg+T" in shortcut_keys()
    settings = next(d for d in surfaces.dialogs if isinstance(d, SettingsDialog))
    assert settings.buttons.button(settings.buttons.StandardButton.Cancel).text() != "Cancel"
    wizard = next(d for d in surfaces.dialogs if isinstance(d, QWizard))
    assert wizard.buttonText(QWizard.WizardButton.NextButton) != "&Next >"
    assert QCoreApplication.translate("QDockWidget", "Float") != "Float"


def test_the_walk_catches_an_untranslated_text(  # type: ignore[no-untyped-def]
    qtbot, german_window: MainWindow
) -> None:
    """The check itself: a text added without translate() is reported."""
    patterns = Patterns()
    german_window.statusBar().addWidget(QLabel("Seal the page"))
    surfaces = Surfaces(german_window)
    assert untranslated(shown_texts(surfaces), patterns) == ["Seal the page"]
    assert untranslated({"Fall: x.case", "Fall", "Case", "Case: x.case"}, patterns) == [
        "Case",
        "Case: x.case",
    ]


def test_german_plural_forms(german_window: MainWindow) -> None:
    assert translate("LookupsPane", "%n entry(ies)", None, 1) == "1 Eintrag"
    assert translate("LookupsPane", "%n entry(ies)", None, 3) == "3 Einträge"


def test_german_is_offered_in_the_settings() -> None:
    assert ("Deutsch", "de", True) in LANGUAGES


def test_every_complete_language_has_all_its_catalogues() -> None:
    for _name, code, complete in LANGUAGES:
        if code == "en" or not complete:
            continue
        found = probe_catalogues(code)
        assert set(found) == {"workstation", "qtbase", "qtwebengine"}
        assert all(found.values()), found
    assert probe_catalogues("de")["workstation"] == "&Fall"
    assert probe_catalogues("de")["qtbase"] == "Abbrechen"
    assert set(probe_catalogues("xx").values()) == {""}, "a language with no catalogue"


# -- English, the default -------------------------------------------------------------


def test_the_window_is_english_without_a_translator(window: MainWindow) -> None:
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Case", "&Browse", "&Route", "&Lookup", "&View", "&Tools", "&Help"]
    assert window.windowTitle() == APP_NAME
    assert window.case_label.text() == "No case open (Case ▸ New case…)"
    assert window.docks["explorer"].windowTitle() == "Case"
    assert window.address.placeholderText() == "Address"
    assert research_label() == RESEARCH_LABEL, "the research identity keeps its core name"


def test_english_plural_forms_need_no_translator() -> None:
    assert translate("LookupsPane", "%n entry(ies)", None, 1) == "1 entry"
    assert translate("LookupsPane", "%n entry(ies)", None, 3) == "3 entries"
    assert translate("LookupsPane", "Done, %n warning(s)", None, 2) == "Done, 2 warnings"


def test_installing_and_removing_german(qapp) -> None:  # type: ignore[no-untyped-def]
    assert install_translations("en") == [], "English is the source: nothing to load"
    try:
        install_translations("de")
        assert translate("MainWindow", "&Case") == "&Fall"
        install_translations("de")  # a second install replaces the first
        assert len(i18n._installed) == 3
    finally:
        remove_translations()
    assert translate("MainWindow", "&Case") == "&Case"
    assert install_translations("xx") == [], "an unknown language stays English"
    assert QKeySequence("Ctrl+T").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+T"
