"""Always-visible route status: which route, and whether it carries traffic."""

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from workstation.route import RouteGate, RouteHealth
from workstation.route.status import RouteStatus
from workstation.ui.i18n import translate
from workstation.ui.theme import badge_style
from workstation.ui.workers import run_in_background

HEALTH_INTERVAL_MS = 10000

# Badge colours by state; the text on them is black or white, whichever reads better.
BADGE_COLOURS = {"ok": "#1b5e20", "down": "#b00020", "checking": "#8d6e00"}


class RouteStartup(QWidget):
    """While the route starts (Tor bootstraps): how far, and a button to stop it.

    Stopping leaves the window without a route (nothing leaves the PC) until the officer
    chooses one; the saved settings are not changed.
    """

    stopRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(translate("RouteIndicator", "Route start-up"))
        self.text = QLabel()
        self.text.setAccessibleName(translate("RouteIndicator", "What the route is doing"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFixedWidth(120)
        self.bar.setAccessibleName(translate("RouteIndicator", "How far the route has started"))
        self.stop_button = QPushButton(translate("RouteIndicator", "Stop"))
        self.stop_button.setAccessibleName(translate("RouteIndicator", "Stop starting the route"))
        self.stop_button.setToolTip(
            translate(
                "RouteIndicator",
                "Stop starting this route; nothing leaves the PC until a route is chosen",
            )
        )
        self.stop_button.clicked.connect(self.stopRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.stop_button)

    def show_status(self, status: RouteStatus) -> None:
        self.text.setText(status.detail)
        self.text.setToolTip(status.detail)
        self.bar.setValue(max(0, min(100, status.percent)))


class RouteIndicator(QLabel):
    """A coloured label fed by periodic health checks run off the GUI thread,
    and by the route's own start-up reports (Tor's bootstrap progress)."""

    statusReported = Signal(object)  # RouteStatus, emitted from the route's threads
    startupChanged = Signal(object)  # RouteStatus while starting, None once it ended
    stateShown = Signal(str, str, str)  # "ok", "down" or "checking"; the text; its details

    def __init__(self, gate: RouteGate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._gate = gate
        self._checking = False
        self._again = False
        self.last_health: RouteHealth | None = None
        self.setAccessibleName(translate("RouteIndicator", "Route status"))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(HEALTH_INTERVAL_MS)
        self._show("checking", translate("RouteIndicator", "Route: checking…"), "")
        # Reports arrive on tor's threads; the signal hands them to the GUI thread.
        self.statusReported.connect(self._on_status)
        report = self.statusReported.emit
        gate.add_status_observer(report)
        # Bound before deletion: the wrapper must not be touched once Qt destroyed it.
        self.destroyed.connect(lambda: gate.remove_status_observer(report))
        self.refresh()

    def _on_status(self, status: RouteStatus) -> None:
        if status.state == "starting":
            route_text = translate("RouteIndicator", "Route: {route}").format(route=status.detail)
            self._show("checking", route_text, status.detail)
            self.startupChanged.emit(status)
            return
        self.startupChanged.emit(None)
        if status.state in ("failed", "stopped"):
            self._show(
                "down", translate("RouteIndicator", "Route down: nothing can load"), status.detail
            )
        else:
            self.refresh()

    def refresh(self) -> None:
        """Check the route now; a request during a check runs once that check is done,
        so a result older than the request is never the last word."""
        if self._checking:
            self._again = True
            return
        if self._gate.route is None:
            self._show(
                "down",
                translate("RouteIndicator", "No route out: pages will not load"),
                translate(
                    "RouteIndicator",
                    "No route is configured. Nothing leaves this PC until one is set (Route menu).",
                ),
            )
            return
        self._checking = True
        run_in_background(self._gate.check_health, self._on_health, self._on_error)

    def _on_health(self, health: RouteHealth) -> None:
        self.last_health = health
        if health.ok:
            text = translate("RouteIndicator", "Route: {route}").format(
                route=health.route_description
            )
            self._show("ok", text, health.detail)
        else:
            text = translate("RouteIndicator", "Route down: {route}").format(
                route=health.route_description
            )
            self._show("down", text, health.detail)
        self._checked()

    def _on_error(self, message: str) -> None:
        self._show("down", translate("RouteIndicator", "Route check failed"), message)
        self._checked()

    def _checked(self) -> None:
        self._checking = False
        if self._again:
            self._again = False
            self.refresh()

    def _show(self, state: str, text: str, tooltip: str) -> None:
        self.setProperty("state", state)
        self.setStyleSheet(badge_style(QColor(BADGE_COLOURS[state])))
        self.setText(text)
        self.setToolTip(tooltip)
        self.stateShown.emit(state, text, tooltip)
