"""First-run set-up: who is working, the route out (tested), where cases live, a first case.

Shown over the main window the first time the workstation starts (settings:
first_run_done). The window stays usable behind it in the sense that nothing
blocks: the route test runs on a worker, and the wizard is window-modal, not a
nested event loop. Cancelling leaves everything as it was (a route brought up
by "Test route" is put back) and the set-up is offered again at the next start.
"""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from workstation.app import resolve_route
from workstation.browser.identities import BrowsingIdentities
from workstation.paths import cases_dir, ensure_private_dir
from workstation.route import RouteSpec
from workstation.route.spec import DEFAULT_ROUTE
from workstation.settings import Settings, default_officer
from workstation.ui.i18n import translate
from workstation.ui.route_settings import RouteChooser, RouteProbe, probe_route
from workstation.ui.setting_fields import CheckedField, choose_folder, folder_problem

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def explanation(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class OfficerPage(QWizardPage):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setTitle(translate("FirstRun", "Who is working here"))
        self.setSubTitle(
            translate(
                "FirstRun", "Your name and unit go into every exhibit and audit entry you make."
            )
        )
        self.officer = QLineEdit(settings.officer or default_officer())
        self.officer.setAccessibleName(translate("FirstRun", "Officer name"))
        self.unit = QLineEdit(settings.unit)
        self.unit.setAccessibleName(translate("FirstRun", "Unit"))
        self.unit.setPlaceholderText(
            translate("FirstRun", "e.g. Customs investigation, internet unit")
        )
        form = QFormLayout(self)
        form.addRow(translate("FirstRun", "Officer name"), self.officer)
        form.addRow(translate("FirstRun", "Unit"), self.unit)
        self.officer.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.officer.text().strip())


class RoutePage(QWizardPage):
    def __init__(self, route_text: str) -> None:
        super().__init__()
        self.setTitle(translate("FirstRun", "The route out"))
        self.setSubTitle(
            translate(
                "FirstRun",
                "Everything the workstation sends leaves through this route, and nothing "
                "leaves without it. Test it before you go on.",
            )
        )
        self.chooser = RouteChooser(route_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(
            explanation(
                translate(
                    "FirstRun",
                    "Managed Tor needs no set-up. A unit's proxy is written "
                    "socks5://HOST:PORT or http://HOST:PORT; if it asks for a login, "
                    "socks5://USER@HOST:PORT with the password in its own field.",
                )
            )
        )
        layout.addStretch(1)
        self.chooser.changed.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return not self.chooser.problem()


class CasesPage(QWizardPage):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setTitle(translate("FirstRun", "Where cases live"))
        self.setSubTitle(
            translate(
                "FirstRun",
                "Each case is one encrypted folder. Choose where new cases are proposed.",
            )
        )
        self.folder = CheckedField(
            translate("FirstRun", "Cases folder"),
            settings.cases_dir or str(cases_dir()),
            folder_problem,
            browse=choose_folder,
        )
        form = QFormLayout(self)
        form.addRow(translate("FirstRun", "Cases folder"), self.folder)
        self.folder.changed.connect(self.completeChanged)
        self.folder.validate()

    def isComplete(self) -> bool:
        return not self.folder.problem()


class FirstCasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("FirstRun", "Your first case"))
        self.setSubTitle(
            translate(
                "FirstRun", "The workstation is set up. Settings (Ctrl+,) changes any of this."
            )
        )
        self.create_now = QRadioButton(translate("FirstRun", "Create your first case now"))
        self.create_now.setAccessibleName(translate("FirstRun", "Create your first case now"))
        self.later = QRadioButton(translate("FirstRun", "Later"))
        self.later.setAccessibleName(translate("FirstRun", "Create a case later"))
        choices = QButtonGroup(self)
        choices.addButton(self.create_now)
        choices.addButton(self.later)
        self.create_now.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.create_now)
        layout.addWidget(self.later)
        layout.addStretch(1)
        self.setFinalPage(True)


class FirstRunWizard(QWizard):
    """The four pages; Finish saves the settings and applies the route."""

    def __init__(self, window: "MainWindow", parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main_window = window
        self.setWindowTitle(translate("FirstRun", "Set up the workstation"))
        self.setAccessibleName(translate("FirstRun", "First-run set-up"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        settings = window.settings
        route = window.gate.route
        route_text = settings.route or (route.to_url(redact=False) if route else DEFAULT_ROUTE)
        self.officer_page = OfficerPage(settings)
        self.route_page = RoutePage(route_text)
        self.cases_page = CasesPage(settings)
        self.first_case_page = FirstCasePage()
        for page in (self.officer_page, self.route_page, self.cases_page, self.first_case_page):
            self.addPage(page)
        self.route_page.chooser.tester = self._test_route
        self._route_before_test: RouteSpec | None = None
        self._tested = False
        self.resize(640, 460)

    def _test_route(self, text: str) -> Callable[[], RouteProbe]:
        """Bring the route up on the window's gate (it becomes the route if the set-up
        finishes) and return the probe for the worker."""
        gate = self.main_window.gate
        route = resolve_route(text, self.main_window.settings)
        if not self._tested:
            self._route_before_test, self._tested = gate.route, True
        # On this thread, so a cancel that puts the old route back always comes after it;
        # set_route itself never blocks (an old tor is stopped on a thread of its own).
        gate.set_route(route)
        self.main_window.route_indicator.refresh()
        identity = BrowsingIdentities.key(None)
        return lambda: probe_route(gate, persona=identity)

    def accept(self) -> None:
        self._save()
        super().accept()
        if self.first_case_page.create_now.isChecked():
            # After the wizard has gone: the new-case dialog is the window's own flow.
            QTimer.singleShot(0, self.main_window.new_case)

    def reject(self) -> None:
        if self._tested:
            self.main_window.gate.set_route(self._route_before_test)
            self.main_window.route_indicator.refresh()
        super().reject()

    def _save(self) -> None:
        settings = self.main_window.settings
        settings.officer = self.officer_page.officer.text().strip()
        settings.unit = self.officer_page.unit.text().strip()
        settings.cases_dir = self.cases_page.folder.text()
        settings.first_run_done = True
        try:
            ensure_private_dir(Path(settings.cases_dir).expanduser())
        except OSError as exc:
            log.warning("the cases folder could not be made: %s", exc)
            self.main_window.statusBar().showMessage(
                translate(
                    "FirstRun", "The cases folder {folder} could not be made: {reason}"
                ).format(folder=settings.cases_dir, reason=exc.strerror or exc),
                15000,
            )
        self.main_window.apply_route(self.route_page.chooser.route_text())  # saves the settings
        settings.save()


def needs_first_run(settings: Settings) -> bool:
    return not settings.first_run_done


def maybe_start_first_run(window: "MainWindow") -> FirstRunWizard | None:
    """Open the set-up over the window if it was never finished; None otherwise."""
    if not needs_first_run(window.settings):
        return None
    wizard = FirstRunWizard(window)
    wizard.open()
    return wizard
