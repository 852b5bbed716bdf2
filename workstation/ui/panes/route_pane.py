"""The route dock: is the route working, where did each identity come out, and what did
the gate refuse.

The badge in the toolbar says in a word whether pages can load; this pane says why,
and keeps what an officer wants to check before and during undercover work: the exit
each identity was last seen at (asked through the route, never around it), and every
request the gate refused (no route, a local address, the route failing), so a page
that stays blank is explained. Counting what went through runs on the gate's thread
and only adds to two numbers under a lock.

Exits name personas and refusals name the sites visited: both are the case's business
and are emptied when the case closes or locks.
"""

import threading
from collections import deque
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.browser.identities import RESEARCH
from workstation.route import GateEvent, RouteGate
from workstation.ui.i18n import translate
from workstation.ui.notices import clock_utc
from workstation.ui.persona_bar import research_label
from workstation.ui.status_colours import show_status

KEPT_REFUSALS = 200
POLL_MS = 500  # refusals and counts are taken from the gate's tally this often
EXIT_COLUMNS = 5  # identity, address, country, how, asked
WHO, ADDRESS, COUNTRY, HOW, ASKED = range(EXIT_COLUMNS)


class _Tally:
    """Requests the gate forwarded and refused, counted on its thread; the refusals wait
    here until the GUI thread takes them (no signal crosses threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.forwarded = 0
        self.refused = 0
        self._waiting: deque[GateEvent] = deque(maxlen=KEPT_REFUSALS)

    def count(self, event: GateEvent) -> None:
        with self._lock:
            if event.outcome == "forwarded":
                self.forwarded += 1
            else:
                self.refused += 1
                self._waiting.append(event)

    def take_refusals(self) -> list[GateEvent]:
        with self._lock:
            taken = list(self._waiting)
            self._waiting.clear()
            return taken

    def read(self) -> tuple[int, int]:
        with self._lock:
            return self.forwarded, self.refused


class RoutePane(QWidget):
    refusalListed = Signal()  # once a refusal is in the list

    def __init__(self, gate: RouteGate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(translate("RoutePane", "Route"))
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName(translate("RoutePane", "Route state"))
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(translate("RoutePane", "Route details"))
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setAccessibleName(translate("RoutePane", "Requests through the route"))
        self.exits = self._tree(
            translate("RoutePane", "Where each identity came out"),
            [
                translate("RoutePane", "Identity"),
                translate("RoutePane", "Comes out at"),
                translate("RoutePane", "Country"),
                translate("RoutePane", "Learned through"),
                translate("RoutePane", "Asked (UTC)"),
            ],
        )
        self.refusals = self._tree(
            translate("RoutePane", "Requests the route refused"),
            [
                translate("RoutePane", "Time (UTC)"),
                translate("RoutePane", "Identity"),
                translate("RoutePane", "Address"),
                translate("RoutePane", "Why"),
            ],
        )
        self.buttons = QHBoxLayout()
        self._lay_out()
        self._tally = _Tally()
        self._observe_gate(gate)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._timer.start(POLL_MS)
        self._show_counts()

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setAccessibleName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        return tree

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.detail)
        layout.addLayout(self.buttons)
        layout.addWidget(QLabel(translate("RoutePane", "Where each identity came out")))
        layout.addWidget(self.exits, 1)
        layout.addWidget(QLabel(translate("RoutePane", "Requests the route refused")))
        layout.addWidget(self.refusals, 1)
        layout.addWidget(self.counts)

    def _observe_gate(self, gate: RouteGate) -> None:
        observe = self._tally.count  # on the gate's thread: quick, touches no widget
        gate.add_observer(observe)
        # Bound now: the wrapper must not be touched once Qt destroyed it.
        self.destroyed.connect(lambda: gate.remove_observer(observe))

    def add_actions(self, *actions: tuple[str, QAction]) -> None:
        """Buttons with short names for the window's route actions (the menu's longer
        name is their tool tip), so the dock stays narrow."""
        for text, action in actions:
            button = QPushButton(text)
            button.setToolTip(action.text())
            button.setAccessibleName(action.text())
            button.clicked.connect(action.trigger)
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)

    def show_state(self, state: str, text: str, detail: str) -> None:
        """What the route badge shows ("ok", "down" or "checking"), with its details."""
        self.state.setText(text)
        show_status(self.state, {"ok": "success", "down": "error"}.get(state))
        self.detail.setText(detail)

    def show_exit(self, who: str, record: dict[str, Any]) -> None:
        """Where who came out the last time it was asked (one row per identity)."""
        row = next(
            (item for item in self._rows(self.exits) if item.text(WHO) == who),
            None,
        ) or QTreeWidgetItem(self.exits)
        unknown = translate("RoutePane", "unknown")
        row.setText(WHO, who)
        row.setText(ADDRESS, str(record.get("address") or unknown))
        row.setText(COUNTRY, str(record.get("country") or ""))
        row.setText(HOW, str(record.get("via") or record.get("detail") or ""))
        row.setToolTip(HOW, str(record.get("detail") or ""))
        row.setText(ASKED, clock_utc())

    def clear_case_data(self) -> None:
        """The case closed or locked: its personas and the sites visited go."""
        self.exits.clear()
        self.refusals.clear()
        self._tally.take_refusals()

    def _poll(self) -> None:
        refusals = self._tally.take_refusals()
        for event in refusals:
            self._add_refusal(event)
        self._show_counts()
        if refusals:
            self.refusalListed.emit()

    def _add_refusal(self, event: GateEvent) -> None:
        why = (
            translate("RoutePane", "refused: not allowed")
            if event.outcome == "blocked"
            else translate("RoutePane", "the route failed")
        )
        who = research_label() if event.persona in (None, RESEARCH) else str(event.persona)
        row = QTreeWidgetItem([event.utc[11:19], who, event.target, f"{why} · {event.detail}"])
        row.setToolTip(3, event.detail)
        self.refusals.insertTopLevelItem(0, row)  # newest first
        while self.refusals.topLevelItemCount() > KEPT_REFUSALS:
            self.refusals.takeTopLevelItem(KEPT_REFUSALS)

    def _show_counts(self) -> None:
        forwarded, refused = self._tally.read()
        text = translate(
            "RoutePane",
            "Since the start: {forwarded} requests through the route, {refused} refused.",
        )
        self.counts.setText(text.format(forwarded=forwarded, refused=refused))

    @staticmethod
    def _rows(tree: QTreeWidget) -> list[QTreeWidgetItem]:
        items = (tree.topLevelItem(row) for row in range(tree.topLevelItemCount()))
        return [item for item in items if item is not None]
