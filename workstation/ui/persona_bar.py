"""'Browsing as': the identity of the current tab, always visible and colour-coded.

Choosing another identity opens a new tab as that identity: a tab's profile is
fixed when it is made, so nobody can switch a page they are typing into to a
different persona by accident.
"""

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from workstation.browser.identities import persona_colour
from workstation.ui.i18n import translate
from workstation.ui.theme import (
    persona_edge_colour,
    persona_label_colour,
    swatch_icon,
    theme_notifier,
)


def research_label() -> str:
    """The research identity's name as the window shows it (identities.RESEARCH_LABEL)."""
    return translate("PersonaBar", "No persona")


def persona_icon(persona: str | None) -> QIcon:
    """A square of the identity's colour, sharp on high-DPI screens too."""
    return swatch_icon(persona_colour(persona))


class PersonaBar(QWidget):
    """A coloured label and a chooser; emits chosen(persona or None) on a change."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(translate("PersonaBar", "Browsing as"))
        self.box = QComboBox()
        self.box.setAccessibleName(translate("PersonaBar", "Browsing as persona"))
        self.box.setToolTip(
            translate("PersonaBar", "Choosing another persona opens a new tab as that persona")
        )
        self.label.setBuddy(self.box)
        self.box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.box)
        self._current: str | None = None
        self.set_personas([])
        self.box.activated.connect(self._activated)
        # The label's shade depends on the window colour: redo it when the theme changes.
        theme_notifier().changed.connect(self._theme_changed)

    def set_personas(self, aliases: list[str]) -> None:
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItem(persona_icon(None), research_label(), None)
        for alias in aliases:
            self.box.addItem(persona_icon(alias), alias, alias)
        self.box.blockSignals(False)
        self.show_persona(self._current)

    def show_persona(self, persona: str | None) -> None:
        """Reflect the current tab's identity without opening anything."""
        self._current = persona
        index = self.box.findData(persona) if persona else 0
        self.box.setCurrentIndex(max(index, 0))
        colour = persona_colour(persona)
        # The persona's own hue, shaded until it reads on this theme's window colour.
        edge, text = persona_edge_colour(colour).name(), persona_label_colour(colour).name()
        self.setStyleSheet(
            f"PersonaBar {{ border-bottom: 3px solid {edge}; }}"
            f"QLabel {{ color: {text}; font-weight: bold; }}"
        )

    def current(self) -> str | None:
        return self._current

    @Slot(str)
    def _theme_changed(self, _name: str) -> None:
        self.show_persona(self._current)

    def _activated(self, index: int) -> None:
        persona = self.box.itemData(index)
        if persona != self._current:
            self.chosen.emit(persona)
