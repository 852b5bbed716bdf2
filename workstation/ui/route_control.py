"""The route from the window: set it (the route dialog, the proxy password), stop it,
show its start-up, and renew or show the current tab's exit identity.

Every change of route goes to the open case's audit log. Results reach the window's
signals: identityRenewed, exitIdentityShown, errorShown.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from workstation.app import resolve_route
from workstation.browser.exit_record import exit_record
from workstation.browser.identities import BrowsingIdentities
from workstation.errors import WorkstationError
from workstation.route import RouteGate
from workstation.route.spec import DEFAULT_ROUTE
from workstation.route.status import RouteStatus
from workstation.settings import ProxyPassword, split_proxy_password
from workstation.ui.dialogs import ProxyPasswordDialog, no_keyring_message
from workstation.ui.i18n import translate
from workstation.ui.persona_bar import research_label
from workstation.ui.problem_text import officer_message
from workstation.ui.route_indicator import RouteIndicator, RouteStartup
from workstation.ui.route_settings import RouteDialog
from workstation.ui.window_part import WindowPart
from workstation.ui.workers import run_in_background

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class RouteControl(WindowPart):
    """The window's route actions, its badge (toolbar) and its start-up strip."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.indicator, self.startup = self._route_widgets(window.gate)

    def route_text(self) -> str:
        route = self._window.gate.route
        return route.describe() if route is not None else "none"  # recorded: not translated

    def show_exit_identity(self) -> None:
        """Where the current tab's identity comes out, as the outside world sees it."""
        window = self._window
        persona, gate = window.current_tab().persona, window.gate
        who = persona or research_label()
        window.statusBar().showMessage(
            translate("MainWindow", "Asking the route where {who} comes out…").format(who=who)
        )

        def shown(record: dict[str, Any]) -> None:
            address = record.get("address") or translate("MainWindow", "unknown")
            country = f" ({record['country']})" if record.get("country") else ""
            detail = record.get("via") or record.get("detail") or ""
            window.statusBar().showMessage(
                translate("MainWindow", "{who} comes out at {address}{country}. {detail}").format(
                    who=who, address=address, country=country, detail=detail
                )
            )
            window.exitIdentityShown.emit(record)
            window.exitLearned.emit(who, record)

        run_in_background(
            lambda: exit_record(gate, BrowsingIdentities.key(persona)), shown, window.show_error
        )

    def new_identity(self, *, clear_session: bool = False) -> None:
        """Fresh circuits for the current tab's identity; its open connections are cut.

        With clear_session, its cookies, cache and visited links go too, so a site
        cannot recognise it by them either.
        """
        window = self._window
        persona, gate = window.current_tab().persona, window.gate
        key = BrowsingIdentities.key(persona)

        def done(changed: bool) -> None:
            who = persona or research_label()
            message = (
                translate(
                    "MainWindow", "{who} has a new identity: new connections use fresh circuits."
                )
                if changed
                else translate(
                    "MainWindow",
                    "This route cannot give {who} a new identity; the connections were cut.",
                )
            ).format(who=who)
            if clear_session:
                message += " " + translate("MainWindow", "Its cookies and cache were cleared.")
            window.statusBar().showMessage(message, 10000)
            window.identityRenewed.emit(who, changed)

        def renew() -> None:
            run_in_background(lambda: gate.new_identity(key), done, window.show_error)

        if clear_session:
            window.statusBar().showMessage(
                translate("MainWindow", "Clearing the identity's cookies and cache…")
            )
            window.identities.clear_session(persona, renew)
        else:
            renew()

    def ask_route(self) -> RouteDialog:
        """The route dialog over the window (not blocking); OK applies the route.

        The proxy password sits masked in a field of its own, filled with the one in use:
        accepted untouched, the route keeps it.
        """
        window = self._window
        route = window.gate.route
        current = route.to_url(redact=False) if route else window.settings.route or DEFAULT_ROUTE
        dialog = RouteDialog(current, window.settings, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_route(dialog.route_text()))
        dialog.open()
        return dialog

    def ask_proxy_password(self) -> ProxyPasswordDialog:
        """Ask for the proxy password this PC could not keep since the last start (no
        usable keyring); the gate has no route, so nothing leaves, until it is given."""
        shown_route, _ = split_proxy_password(self._window.settings.route)
        dialog = ProxyPasswordDialog(shown_route, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._proxy_password_given(dialog.password.text()))
        dialog.rejected.connect(self._proxy_password_refused)
        dialog.open()
        return dialog

    def _proxy_password_given(self, password: str) -> None:
        settings = self._window.settings
        try:
            settings.set_proxy_password(password)
        except ValueError:  # the route changed meanwhile and names no user any more
            log.info("the proxy password was not needed: the route names no user")
        self.apply_route(settings.route)

    def _proxy_password_refused(self) -> None:
        self.indicator.refresh()
        self._window.statusBar().showMessage(
            translate(
                "MainWindow",
                "Nothing leaves this PC until the proxy password is given (Route ▸ Set route…).",
            )
        )

    def _route_widgets(self, gate: RouteGate) -> tuple[RouteIndicator, RouteStartup]:
        """The route's badge (toolbar) and its start-up strip (status bar, while starting)."""
        indicator, startup = RouteIndicator(gate), RouteStartup()
        startup.hide()
        indicator.startupChanged.connect(self._route_starting)
        startup.stopRequested.connect(self.stop_route)
        return indicator, startup

    def _route_starting(self, status: RouteStatus | None) -> None:
        """Show the route's start-up (Tor's bootstrap) in the status bar while it lasts."""
        strip = self.startup
        if status is None:
            if not strip.isHidden():
                self._window.statusBar().removeWidget(strip)
                strip.hide()
            return
        if strip.isHidden():
            self._window.statusBar().addPermanentWidget(strip)
            strip.show()
        strip.show_status(status)

    def stop_route(self) -> None:
        """Stop the route for this run (e.g. Tor cannot get through): nothing leaves the PC."""
        window = self._window
        window.gate.set_route(None)
        self._route_starting(None)
        self.indicator.refresh()
        window.statusBar().showMessage(
            translate(
                "MainWindow",
                "The route was stopped: nothing leaves this PC until a route is chosen "
                "(Route ▸ Set route…).",
            )
        )
        if window.case is not None:
            case = window.case
            run_in_background(
                lambda: case.append_audit("route.changed", {"route": "none (stopped)"}),
                lambda _e: None,
                window.show_error,
            )

    def apply_route(self, text: str) -> None:
        window = self._window
        try:
            route = resolve_route(text.strip() or DEFAULT_ROUTE, window.settings)
        except WorkstationError as exc:
            window.show_error(officer_message(exc))
            return
        window.gate.set_route(route)
        window.settings.route = route.to_url(redact=False) if route else ""
        if window.settings.save() is ProxyPassword.THIS_RUN_ONLY:
            window.statusBar().showMessage(no_keyring_message(), 15000)
        self.indicator.refresh()
        if window.case is not None:
            case, description = window.case, self.route_text()
            run_in_background(
                lambda: case.append_audit("route.changed", {"route": description}),
                lambda _e: None,
                window.show_error,
            )
