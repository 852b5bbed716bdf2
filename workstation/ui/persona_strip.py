"""The band across the top of the window in the current tab's identity colour."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from workstation.browser.identities import persona_colour
from workstation.ui.i18n import translate
from workstation.ui.persona_bar import research_label
from workstation.ui.theme import banner_style


class PersonaStrip(QLabel):
    """A band across the window in the current tab's identity colour, with its name:
    whoever looks at the window sees who is browsing, not only the tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(translate("MainWindow", "Browsing identity"))
        self.persona: str | None = None
        self.show_persona(None)

    def show_persona(self, persona: str | None) -> None:
        self.persona = persona
        colour = persona_colour(persona).name()
        who = persona or research_label()
        self.setText(translate("MainWindow", "Browsing as {who}").format(who=who))
        self.setAccessibleDescription(self.text())
        self.setProperty("colour", colour)
        # Black or white text, whichever reads better on this persona's colour.
        self.setStyleSheet(banner_style(persona_colour(persona)))
