"""Problems shown in the window: a lead in the officer's language, then the core's detail."""

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

import workstation
from tests.support.waits import WORKER_MS
from workstation.errors import (
    LookupFailed,
    NoRoute,
    RouteError,
    RouteUnavailable,
    WorkstationError,
    WrongPassphrase,
)
from workstation.ui.i18n import install_translations, remove_translations
from workstation.ui.problem_text import (
    generic_lead,
    kinds_with_a_lead,
    lead_for,
    officer_message,
)
from workstation.ui.workers import run_in_background

# Errors that are bugs or internal relays rather than something the officer can act on.
WITHOUT_A_LEAD_OF_THEIR_OWN = {"WorkstationError", "GuiStepTimeout"}


@pytest.fixture
def german(qapp: QApplication) -> Iterator[None]:
    assert install_translations("de")
    try:
        yield
    finally:
        remove_translations()


def project_error_classes() -> list[type[WorkstationError]]:
    for module in pkgutil.walk_packages(workstation.__path__, "workstation."):
        importlib.import_module(module.name)
    found: list[type[WorkstationError]] = []
    pending: list[type[WorkstationError]] = [WorkstationError]
    while pending:
        kind = pending.pop()
        if kind.__module__.startswith("workstation"):
            found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def test_english_shows_the_core_message_as_it_is(qapp: QApplication) -> None:
    remove_translations()
    problem = RouteUnavailable("The SOCKS proxy at 127.0.0.1:9 cannot be reached.")
    assert officer_message(problem) == "The SOCKS proxy at 127.0.0.1:9 cannot be reached."


def test_german_leads_with_what_happened_and_what_to_do(german: None) -> None:
    lead, detail = officer_message(WrongPassphrase("Wrong passphrase for this case.")).split("\n")
    assert lead == (
        "Die Passphrase öffnet diesen Fall nicht. Prüfen Sie die Feststelltaste und das "
        "Tastaturlayout und versuchen Sie es erneut."
    )
    assert detail == "Wrong passphrase for this case.", "the core's detail follows unchanged"


def test_the_most_specific_lead_wins(german: None) -> None:
    class RouteQuirk(NoRoute):
        """A kind the table does not name: its nearest ancestor's lead."""

    class Unheard(WorkstationError):
        pass

    assert officer_message(NoRoute("x")).startswith("Es ist keine Route nach außen")
    assert officer_message(RouteQuirk("x")).startswith("Es ist keine Route nach außen")
    assert officer_message(RouteError("x")).startswith("Die Route hat die Verbindung abgelehnt.")
    assert officer_message(LookupFailed("x")).startswith("Die Abfrage erhielt keine")
    assert officer_message(Unheard("x")) == f"{generic_lead()}\nx"
    assert generic_lead() == "Der Vorgang konnte nicht abgeschlossen werden."


def test_a_failed_background_job_reaches_the_window_in_german(german: None, qtbot) -> None:  # type: ignore[no-untyped-def]
    from workstation.casefile.importing.limits import TransferRejected  # noqa: PLC0415

    def reject() -> None:
        raise TransferRejected("The signature does not match the sender's key.")

    errors: list[str] = []
    run_in_background(reject, lambda _: None, errors.append)
    qtbot.waitUntil(lambda: errors != [], timeout=WORKER_MS)
    assert errors == [
        "Die Übermittlung wurde abgewiesen; keinem Fall wurde etwas hinzugefügt. Bitten Sie "
        "den Absender um eine neue.\nThe signature does not match the sender's key."
    ]


def test_every_lead_names_a_project_error_and_every_error_has_one(german: None) -> None:
    classes = project_error_classes()
    names = [kind.__name__ for kind in classes]
    assert kinds_with_a_lead() <= set(names), "a lead for a class that does not exist"
    named = [name for name in names if name in kinds_with_a_lead()]
    assert len(named) == len(set(named)), "two classes share a name the table looks up"
    without = {kind.__name__ for kind in classes if lead_for(kind) == generic_lead()}
    assert without == WITHOUT_A_LEAD_OF_THEIR_OWN
