"""Lookups pane: DNS, registration, certificates, headers... of a target, kept as evidence.

A thin view over workstation.lookup: the officer types a target and picks a kind (a
profile by default), the lookups run on worker threads (ui/lookup_runner.py) through
the route gate as the current tab's identity, and each lookup becomes one row of the
results tree as it arrives. A row can be saved to the case; the pane then shows what
changed since the previous saved run of the same lookup. Pivots (a nameserver, an
address, a registrar's server) start the next lookup with a double-click.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.browser.identities import RESEARCH_LABEL, BrowsingIdentities
from workstation.casefile import Case
from workstation.errors import WorkstationError
from workstation.lookup.context import Connector
from workstation.lookup.diff import Change, diff_results, render_changes
from workstation.lookup.kinds import OfflineConnector
from workstation.lookup.profile import ProfileStep
from workstation.lookup.result import Exchange, LookupResult, Pivot
from workstation.route import RouteGate
from workstation.route.exits import GateConnector
from workstation.ui.i18n import QT_TRANSLATE_NOOP, translate
from workstation.ui.lookup_runner import (
    PROFILE,
    LookupJob,
    LookupRunner,
    planned_steps,
    runs_offline,
)
from workstation.ui.problem_text import officer_message
from workstation.ui.status_colours import show_item_status, show_status
from workstation.ui.workers import run_in_background

# Texts marked here are translated where shown.
TARGET_PLACEHOLDER = QT_TRANSLATE_NOOP("LookupsPane", "domain, IP, e-mail, URL, phone or AS number")
EMPTY_TARGET = QT_TRANSLATE_NOOP(
    "LookupsPane",
    "Type a domain, IP address, e-mail address, web address, phone number or AS number to look up.",
)

# What the kind selector offers, in order; Profile first (the default). Protocol names
# (DNS, WHOIS, RDAP, ASN) read the same in every language and are not in the catalogue.
KIND_CHOICES = (
    (QT_TRANSLATE_NOOP("LookupsPane", "Profile"), PROFILE),
    ("DNS", "dns"),
    ("WHOIS", "whois"),
    ("RDAP", "rdap"),
    ("ASN", "asn"),
    (QT_TRANSLATE_NOOP("LookupsPane", "Certificate"), "cert"),
    (QT_TRANSLATE_NOOP("LookupsPane", "Headers"), "headers"),
    (QT_TRANSLATE_NOOP("LookupsPane", "E-mail"), "email"),
    (QT_TRANSLATE_NOOP("LookupsPane", "Phone"), "phone"),
)
KIND_LABELS = {kind: label for label, kind in KIND_CHOICES} | {
    "registration": QT_TRANSLATE_NOOP("LookupsPane", "Registration")
}

COLUMNS = (
    QT_TRANSLATE_NOOP("LookupsPane", "Lookup"),
    QT_TRANSLATE_NOOP("LookupsPane", "Target"),
    QT_TRANSLATE_NOOP("LookupsPane", "Server(s)"),
    QT_TRANSLATE_NOOP("LookupsPane", "Time (UTC)"),
    QT_TRANSLATE_NOOP("LookupsPane", "Status"),
)
KIND_COLUMN, TARGET_COLUMN, SERVER_COLUMN, TIME_COLUMN, STATUS_COLUMN = range(len(COLUMNS))
COLUMN_WIDTHS = (110, 260, 240, 150)

MAX_CHILDREN = 500  # per node of the data tree: a huge answer must not freeze the view
MAX_VALUE_CHARS = 300  # shown in a cell; the tooltip and Copy have the whole value


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return translate("LookupsPane", label) if label else kind.upper()


def utc_display(stamp: str) -> str:
    """2025-01-02T03:04:05.678Z -> 2025-01-02 03:04:05 (the column says UTC)."""
    return stamp[:19].replace("T", " ") if stamp else ""


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate("LookupsPane", "yes") if value else translate("LookupsPane", "no")
    return str(value)


def shortened(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_VALUE_CHARS else flat[: MAX_VALUE_CHARS - 1] + "…"


# -- identity and route ----------------------------------------------------------


class LookupRoute:
    """Who a lookup asks as, and the connector that takes it through the route gate.

    Lookups go out like the current tab's browsing: as its persona, or as the
    workstation's research identity, each with its own circuits on Tor.
    """

    def __init__(
        self,
        gate: RouteGate,
        identities: BrowsingIdentities,
        current_persona: Callable[[], str | None],
    ) -> None:
        self._gate = gate
        self._identities = identities
        self._current_persona = current_persona

    def persona(self) -> str | None:
        return self._current_persona()

    def route(self) -> str:
        """The route as each result records it (evidence stays in one language)."""
        route = self._gate.route
        return route.describe() if route is not None else "no route set"

    def route_display(self) -> str:
        """The route as the pane shows it."""
        route = self._gate.route
        return route.describe() if route is not None else translate("LookupsPane", "no route set")

    def connector(self, persona: str | None) -> GateConnector:
        description = f"{self.route()}, as {who(persona)}"
        return GateConnector(
            self._gate.port,
            description,
            credentials=self._identities.credentials(persona),
            persona=persona,
        )


def who(persona: str | None) -> str:
    """Who asked, as each result records it (not translated: it is part of the evidence)."""
    return f"persona {persona}" if persona else f"{RESEARCH_LABEL.lower()} (research identity)"


def who_display(persona: str | None) -> str:
    """Who asks, as the pane shows it."""
    if persona:
        return translate("LookupsPane", "persona {name}").format(name=persona)
    return translate("LookupsPane", "no persona (research identity)")


# -- saving ----------------------------------------------------------------------


@dataclass(frozen=True)
class SaveOutcome:
    """A result kept in the case, and how it compares with the previous saved run."""

    lookup_id: int
    previous_id: int | None
    changes: list[Change]


def save_and_compare(case: Case, result: LookupResult) -> SaveOutcome:
    """Runs on a worker thread: save, then diff against the previous run of the same lookup."""
    saved = case.save_lookup(result)
    previous = case.previous_lookup(saved.kind, saved.target, before_id=saved.id)
    if previous is None:
        return SaveOutcome(saved.id, None, [])
    # Both sides as stored (canonical JSON): equal data compares equal.
    return SaveOutcome(saved.id, previous.id, diff_results(previous.data, saved.data))


# -- tree items ------------------------------------------------------------------


class InfoItem(QTreeWidgetItem):
    """A row of text, or a key and its value; Copy takes copy_text."""

    def __init__(self, parent: QTreeWidgetItem, label: str, value: str | None = None) -> None:
        super().__init__(parent)
        self.copy_text = value if value is not None else label
        self.setText(KIND_COLUMN, label)
        self.setToolTip(KIND_COLUMN, label)
        if value is None:
            self.setFirstColumnSpanned(True)
        else:
            self.setText(TARGET_COLUMN, shortened(value))
            self.setToolTip(TARGET_COLUMN, value[:4000])


class PivotItem(QTreeWidgetItem):
    """A follow-up lookup: double-click (or Look up in the menu) starts it."""

    def __init__(self, parent: QTreeWidgetItem, pivot: Pivot) -> None:
        super().__init__(parent)
        self.pivot = pivot
        self.copy_text = pivot.target
        self.setText(KIND_COLUMN, kind_label(pivot.kind))
        self.setText(TARGET_COLUMN, pivot.target)
        self.setText(STATUS_COLUMN, pivot.label)
        tip = translate("LookupsPane", "Double-click to look up {target} ({kind})").format(
            target=pivot.target, kind=kind_label(pivot.kind)
        )
        for column in range(len(COLUMNS)):
            self.setToolTip(column, tip)


class ResultItem(QTreeWidgetItem):
    """One lookup of a job: running, then its result or why it has none."""

    def __init__(self, tree: QTreeWidget, job: LookupJob, step: ProfileStep) -> None:
        super().__init__(tree)
        self.job = job
        self.step = step
        self.result: LookupResult | None = None
        self.finished = False
        self.saving = False
        self.saved_id: int | None = None
        self.copy_text = step.target
        self.setText(KIND_COLUMN, kind_label(step.kind))
        self.setText(TARGET_COLUMN, step.target)
        self.setText(SERVER_COLUMN, "")
        self.set_status(translate("LookupsPane", "Running…"))
        asked = translate("LookupsPane", "Asked as {who}.").format(who=who_display(job.persona))
        if job.kind == PROFILE:
            part_of = translate("LookupsPane", "Part of the profile of {target}.").format(
                target=job.target
            )
            asked = f"{part_of} {asked}"
        self.setToolTip(TARGET_COLUMN, asked)

    def set_status(self, text: str, kind: str | None = None) -> None:
        self.setText(STATUS_COLUMN, text)
        self.setToolTip(STATUS_COLUMN, text)
        show_item_status(self, STATUS_COLUMN, kind)

    def show_result(self, result: LookupResult) -> None:
        self.result = result
        self.finished = True
        self.copy_text = result.target
        self.setText(KIND_COLUMN, kind_label(result.kind))
        self.setText(TARGET_COLUMN, result.target)
        servers = result.servers()
        self.setText(
            SERVER_COLUMN,
            ", ".join(servers) if servers else translate("LookupsPane", "none (offline data)"),
        )
        self.setToolTip(SERVER_COLUMN, "\n".join(servers) or result.route)
        self.setText(TIME_COLUMN, utc_display(result.finished_utc))
        self.setToolTip(TIME_COLUMN, f"{result.started_utc} – {result.finished_utc}")
        if result.warnings:
            count = len(result.warnings)
            self.set_status(
                translate("LookupsPane", "Done, %n warning(s)", None, count),
                "warning",
            )
        else:
            self.set_status(translate("LookupsPane", "Done"))
        add_result_children(self, result, self.job)

    def show_failure(self, message: str) -> None:
        self.finished = True
        self.set_status(
            translate("LookupsPane", "Failed: {reason}").format(reason=message),
            "error",
        )
        show_item_status(InfoItem(self, message), KIND_COLUMN, "error")
        InfoItem(self, translate("LookupsPane", "Route: {route}").format(route=self.job.route))

    def show_not_run(self, cancelled: bool) -> None:
        self.finished = True
        self.set_status(
            translate("LookupsPane", "Cancelled")
            if cancelled
            else translate("LookupsPane", "Not run")
        )

    def show_saved(self, outcome: SaveOutcome) -> None:
        self.saving = False
        self.saved_id = outcome.lookup_id
        self.set_status(
            translate("LookupsPane", "{status} · saved as lookup {number}").format(
                status=self.text(STATUS_COLUMN), number=outcome.lookup_id
            )
        )
        saved = InfoItem(
            self,
            translate("LookupsPane", "Saved as lookup {number}").format(number=outcome.lookup_id),
        )
        show_item_status(saved, KIND_COLUMN, "success")
        add_changes(self, outcome)
        self.setExpanded(True)


def add_result_children(item: ResultItem, result: LookupResult, job: LookupJob) -> None:
    for line in result.summary:
        InfoItem(item, line)
    for warning in result.warnings:
        show_item_status(InfoItem(item, f"⚠ {warning}"), KIND_COLUMN, "warning")
    if result.pivots:
        group = InfoItem(
            item,
            translate("LookupsPane", "Look up next ({count})").format(count=len(result.pivots)),
        )
        for pivot in result.pivots:
            PivotItem(group, pivot)
        group.setExpanded(True)
    data = InfoItem(item, translate("LookupsPane", "Data"))
    add_data(data, result.data)
    if result.exchanges:
        exchanges = InfoItem(
            item,
            translate("LookupsPane", "Exchanges ({count})").format(count=len(result.exchanges)),
        )
        for exchange in result.exchanges:
            add_exchange(exchanges, exchange)
    InfoItem(item, translate("LookupsPane", "Route: {route}").format(route=result.route))


def add_data(parent: QTreeWidgetItem, value: Any) -> None:
    """The parsed data as a tree: objects by key, lists by position, values in a column."""
    entries: list[tuple[str, Any]]
    if isinstance(value, Mapping):
        entries = [(str(key), child) for key, child in value.items()]
    elif isinstance(value, list | tuple):
        entries = [(f"#{index + 1}", child) for index, child in enumerate(value)]
    else:
        InfoItem(parent, translate("LookupsPane", "value"), value_text(value))
        return
    for key, child in entries[:MAX_CHILDREN]:
        add_entry(parent, key, child)
    if len(entries) > MAX_CHILDREN:
        more = len(entries) - MAX_CHILDREN
        InfoItem(
            parent,
            translate("LookupsPane", "… {count} more (all are kept with the result)").format(
                count=more
            ),
        )


def add_entry(parent: QTreeWidgetItem, key: str, value: Any) -> None:
    if isinstance(value, Mapping | list | tuple):
        count = len(value)
        node = InfoItem(parent, key, translate("LookupsPane", "%n entry(ies)", None, count))
        add_data(node, value)
    else:
        InfoItem(parent, key, value_text(value))


def add_exchange(parent: QTreeWidgetItem, exchange: Exchange) -> None:
    digest = exchange.response_sha256()
    row = InfoItem(parent, exchange.protocol, exchange.server)
    row.setText(TIME_COLUMN, utc_display(exchange.utc))
    size = translate("LookupsPane", "%n byte(s)", None, len(exchange.response))
    row.setText(STATUS_COLUMN, f"{size}, SHA-256 {digest[:16]}…")
    row.setToolTip(
        STATUS_COLUMN, translate("LookupsPane", "Answer SHA-256 {digest}").format(digest=digest)
    )


def add_changes(item: ResultItem, outcome: SaveOutcome) -> None:
    if outcome.previous_id is None:
        InfoItem(
            item, translate("LookupsPane", "No earlier saved run of this lookup to compare with.")
        )
        return
    if not outcome.changes:
        InfoItem(
            item,
            translate("LookupsPane", "No changes since lookup {number}.").format(
                number=outcome.previous_id
            ),
        )
        return
    count = len(outcome.changes)
    group = InfoItem(
        item,
        translate("LookupsPane", "%n change(s) since lookup {number}", None, count).format(
            number=outcome.previous_id
        ),
    )
    for line in render_changes(outcome.changes):
        InfoItem(group, line)
    group.setExpanded(True)


# -- the pane --------------------------------------------------------------------


class LookupPane(QWidget):
    """Target, kind, Run and Cancel; the results tree; Save to case."""

    errorRaised = Signal(str)
    messageShown = Signal(str)
    lookupSaved = Signal(object)  # SaveOutcome, once shown

    def __init__(self, route: LookupRoute, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lookup_route = route
        self.case: Case | None = None
        # LookupContext fields for units with their own servers (and for tests).
        self.context_options: dict[str, Any] = {}
        self.runner = LookupRunner(self)
        self.runner.resultArrived.connect(self._result_arrived)
        self.runner.lookupFailed.connect(self._lookup_failed)
        self.runner.jobFinished.connect(self._job_finished)
        self._build_controls()
        self._build_tree()
        self._layout()
        self._update_buttons()
        self.refresh_identity()

    # -- construction ----------------------------------------------------

    def _build_controls(self) -> None:
        self.target = QLineEdit()
        placeholder = translate("LookupsPane", TARGET_PLACEHOLDER)
        self.target.setPlaceholderText(placeholder)
        self.target.setAccessibleName(translate("LookupsPane", "Lookup target"))
        self.target.setToolTip(
            translate("LookupsPane", "What to look up: {kinds}. Enter runs it.").format(
                kinds=placeholder
            )
        )
        self.target.setClearButtonEnabled(True)
        self.target.returnPressed.connect(self.run)
        self.kind = QComboBox()
        self.kind.setAccessibleName(translate("LookupsPane", "Lookup kind"))
        self.kind.setToolTip(
            translate("LookupsPane", "Profile runs every lookup that fits the target, in parallel")
        )
        for label, kind in KIND_CHOICES:
            self.kind.addItem(translate("LookupsPane", label), kind)
        self.run_button = QPushButton(translate("LookupsPane", "Run"))
        self.run_button.setAccessibleName(translate("LookupsPane", "Run lookup"))
        self.run_button.setToolTip(
            translate("LookupsPane", "Run the lookup through the route (Enter in the target field)")
        )
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(translate("LookupsPane", "Cancel"))
        self.cancel_button.setAccessibleName(translate("LookupsPane", "Cancel lookups"))
        self.cancel_button.setToolTip(
            translate("LookupsPane", "Stop every lookup that is still running")
        )
        self.cancel_button.clicked.connect(self.cancel)
        self.identity = QLabel()
        self.identity.setAccessibleName(translate("LookupsPane", "Lookups run as"))
        self.identity.setToolTip(
            translate(
                "LookupsPane",
                "Lookups go out through the route as the current tab's identity, like its pages",
            )
        )
        self.message = QLabel()
        self.message.setAccessibleName(translate("LookupsPane", "Lookup message"))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(translate("LookupsPane", "Save to case"))
        self.save_button.setAccessibleName(translate("LookupsPane", "Save lookup to case"))
        self.save_button.clicked.connect(self.save_selected)
        self.clear_button = QPushButton(translate("LookupsPane", "Clear finished"))
        self.clear_button.setAccessibleName(translate("LookupsPane", "Clear finished lookups"))
        self.clear_button.setToolTip(
            translate(
                "LookupsPane",
                "Remove finished lookups from this list (saved lookups stay in the case)",
            )
        )
        self.clear_button.clicked.connect(self.clear_finished)

    def _build_tree(self) -> None:
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(translate("LookupsPane", "Lookup results"))
        self.tree.setAccessibleDescription(
            translate(
                "LookupsPane", "One row per lookup; double-click a suggested next lookup to run it"
            )
        )
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([translate("LookupsPane", title) for title in COLUMNS])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        header = self.tree.header()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def _layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.kind)
        controls.addWidget(self.target, 1)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.clear_button)
        actions.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.identity)
        layout.addWidget(self.tree, 1)
        layout.addLayout(actions)

    # -- the officer's actions -------------------------------------------

    def look_up(self, target: str, kind: str = PROFILE) -> LookupJob | None:
        """Fill in the form and run it (the window's "Look up selection" / "this site")."""
        self.target.setText(target)
        index = self.kind.findData(kind)
        if index >= 0:
            self.kind.setCurrentIndex(index)
        return self.run()

    def run(self) -> LookupJob | None:
        kind = str(self.kind.currentData())
        return self.start(kind, self.target.text())

    def start(self, kind: str, target: str) -> LookupJob | None:
        """Start a job and add its rows; None (and a message) when the input is not valid."""
        if not target.strip():
            self.show_message(translate("LookupsPane", EMPTY_TARGET), error=True)
            return None
        try:
            steps = planned_steps(kind, target)
            persona, connector = self._connector_for(steps)
            job = self.runner.start(
                kind, target, connector, persona=persona, context_options=self.context_options
            )
        except WorkstationError as exc:
            self.show_message(officer_message(exc), error=True)
            return None
        self.show_message("")
        for step in job.steps:
            ResultItem(self.tree, job, step)
        self._update_buttons()
        return job

    def _connector_for(self, steps: tuple[ProfileStep, ...]) -> tuple[str | None, Connector]:
        if runs_offline(steps):
            return None, OfflineConnector()
        persona = self.lookup_route.persona()
        self.refresh_identity()
        return persona, self.lookup_route.connector(persona)

    def cancel(self) -> None:
        self.runner.cancel_all()

    def shutdown(self) -> None:
        """The window closes: stop everything still out."""
        self.runner.cancel_all()

    def save_selected(self) -> None:
        item = self.selected_result()
        case = self.case
        if case is None:
            self.show_message(
                translate("LookupsPane", "Open or create a case to save lookups as evidence."),
                error=True,
            )
            return
        if item is None or item.result is None:
            self.show_message(
                translate("LookupsPane", "Select a finished lookup to save."), error=True
            )
            return
        result = item.result
        item.saving = True
        self._update_buttons()
        self.show_message(translate("LookupsPane", "Saving to the case…"))

        def failed(message: str) -> None:
            item.saving = False
            self._update_buttons()
            self.show_message(message, error=True)
            self.errorRaised.emit(message)

        run_in_background(
            lambda: save_and_compare(case, result),
            lambda outcome: self._saved(item, outcome),
            failed,
            owner=self,
        )

    def _saved(self, item: ResultItem, outcome: SaveOutcome) -> None:
        item.show_saved(outcome)
        if outcome.previous_id is None:
            text = translate("LookupsPane", "Saved as lookup {number}.")
        else:
            text = translate(
                "LookupsPane",
                "Saved as lookup {number}; %n change(s) since lookup {previous}.",
                None,
                len(outcome.changes),
            )
        self.show_message(text.format(number=outcome.lookup_id, previous=outcome.previous_id))
        self._update_buttons()
        self.lookupSaved.emit(outcome)

    def clear_finished(self) -> None:
        for index in reversed(range(self.tree.topLevelItemCount())):
            item = self.tree.topLevelItem(index)
            if isinstance(item, ResultItem) and item.finished and not item.saving:
                self.tree.takeTopLevelItem(index)
        self._update_buttons()

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self._update_buttons()

    def refresh_identity(self) -> None:
        persona = self.lookup_route.persona()
        self.identity.setText(
            translate("LookupsPane", "Runs as {who} · route: {route}").format(
                who=who_display(persona), route=self.lookup_route.route_display()
            )
        )

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        show_status(self.message, "error" if error else None)
        if text:
            self.messageShown.emit(text)

    # -- tree ------------------------------------------------------------

    def result_items(self) -> list[ResultItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if isinstance(item, ResultItem)]

    def selected_result(self) -> ResultItem | None:
        """The lookup row of the selection (the selected row or the one it belongs to)."""
        item = self.tree.currentItem()
        while item is not None and not isinstance(item, ResultItem):
            item = item.parent()
        return item

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if isinstance(item, PivotItem):
            self.start(item.pivot.kind, item.pivot.target)

    def _context_menu(self, position: QPoint) -> None:
        item = self.tree.itemAt(position)
        if item is not None:
            self.menu_for(item).popup(self.tree.viewport().mapToGlobal(position))

    def menu_for(self, item: QTreeWidgetItem) -> QMenu:
        """The row's context menu: Look up (a pivot) and Copy."""
        menu = QMenu(self)
        menu.setAccessibleName(translate("LookupsPane", "Lookup row menu"))
        if isinstance(item, PivotItem):
            pivot = item.pivot
            look_up = menu.addAction(
                translate("LookupsPane", "Look up {target}").format(target=pivot.target)
            )
            look_up.triggered.connect(lambda: self.start(pivot.kind, pivot.target))
        menu.addAction(translate("LookupsPane", "Copy")).triggered.connect(lambda: copy_item(item))
        return menu

    def _row_for(self, job: LookupJob, kind: str, target: str) -> ResultItem:
        """The pending row a report belongs to: same kind, else same target, else a new one."""
        pending = [i for i in self.result_items() if i.job.id == job.id and not i.finished]
        for matches in (
            lambda i: i.step.kind == kind,
            lambda i: i.step.target == target,
            lambda i: job.kind != PROFILE,
        ):
            found = next((i for i in pending if matches(i)), None)
            if found is not None:
                return found
        return ResultItem(self.tree, job, ProfileStep(kind, target))

    def _result_arrived(self, job: LookupJob, result: LookupResult) -> None:
        item = self._row_for(job, result.kind, result.target)
        item.show_result(result)
        item.setExpanded(True)
        self._update_buttons()

    def _lookup_failed(self, job: LookupJob, kind: str, message: str) -> None:
        self._row_for(job, kind, "").show_failure(message)
        self._update_buttons()

    def _job_finished(self, job: LookupJob, cancelled: bool) -> None:
        for item in self.result_items():
            if item.job.id == job.id and not item.finished:
                item.show_not_run(cancelled)
        if cancelled:
            self.show_message(
                translate("LookupsPane", "Cancelled the lookup of {target}.").format(
                    target=job.target
                )
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.cancel_button.setEnabled(bool(self.runner.running()))
        item = self.selected_result()
        can_save = self.case is not None and item is not None and item.result is not None
        unsaved = item is not None and item.saved_id is None and not item.saving
        self.save_button.setEnabled(can_save and unsaved)
        if self.case is None:
            self.save_button.setToolTip(
                translate("LookupsPane", "Open or create a case to save lookups as evidence")
            )
        elif item is not None and item.saved_id:
            self.save_button.setToolTip(
                translate("LookupsPane", "Already saved as lookup {number}").format(
                    number=item.saved_id
                )
            )
        else:
            self.save_button.setToolTip(
                translate(
                    "LookupsPane",
                    "Keep the selected lookup in the case: raw answers hashed, parsed view, "
                    "server, route and time",
                )
            )


def copy_item(item: QTreeWidgetItem) -> None:
    text = getattr(item, "copy_text", None) or item.text(KIND_COLUMN)
    QGuiApplication.clipboard().setText(str(text))
