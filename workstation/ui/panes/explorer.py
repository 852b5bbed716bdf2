"""Case explorer: what the case holds at a glance, and a one-click verification."""

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation import canonjson
from workstation.casefile import Case
from workstation.evidence.verify import VerificationReport, verify_case
from workstation.ui.dialogs import commodity_label
from workstation.ui.i18n import QT_TRANSLATE_NOOP, translate
from workstation.ui.panes.base import CasePane
from workstation.ui.panes.contacts import local_time
from workstation.ui.workers import run_in_background


@dataclass(frozen=True)
class ExhibitRow:
    item_id: int
    control_number: str
    title: str
    url: str
    sealed_utc: str
    kind: str = "page-snapshot"


# How each kind of exhibit is grouped in the tree, in this order (translated where shown).
KIND_GROUPS = (
    ("page-snapshot", QT_TRANSLATE_NOOP("CaseExplorer", "Snapshots")),
    ("download", QT_TRANSLATE_NOOP("CaseExplorer", "Downloads")),
    ("page-visit", QT_TRANSLATE_NOOP("CaseExplorer", "Visited pages (automatic)")),
)


@dataclass(frozen=True)
class CaseOverview:
    details: list[tuple[str, str]]
    exhibits: list[ExhibitRow]
    personas: int
    contacts: int
    audit_events: int


def exhibit_row(item_id: int, control_number: str, manifest: bytes, created_utc: str) -> ExhibitRow:
    try:
        fields = canonjson.loads(manifest)
    except (ValueError, UnicodeDecodeError):
        fields = {}
    if not isinstance(fields, dict):
        fields = {}
    kind = str(fields.get("kind", "page-snapshot"))
    title = str(fields.get("title") or fields.get("suggested_name") or "")
    url = str(fields.get("final_url") or fields.get("source_url") or "")
    return ExhibitRow(item_id, control_number, title, url, created_utc, kind)


# The case's status as stored, and how the window shows it.
STATUS_LABELS = {
    "open": QT_TRANSLATE_NOOP("CaseExplorer", "open"),
    "closed": QT_TRANSLATE_NOOP("CaseExplorer", "closed"),
}


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return translate("CaseExplorer", label) if label else status


def overview_of(case: Case) -> CaseOverview:
    meta = case.metadata()
    details = [
        (translate("CaseExplorer", "Reference"), meta.reference),
        (translate("CaseExplorer", "Requesting unit"), meta.requesting_unit),
        (translate("CaseExplorer", "Legal basis"), meta.legal_basis),
        (translate("CaseExplorer", "Commodity"), commodity_label(meta.commodity)),
        (translate("CaseExplorer", "Officer"), meta.officer),
        (translate("CaseExplorer", "Status"), status_label(str(meta.status))),
        (translate("CaseExplorer", "Opened"), local_time(meta.opened_utc)),
    ]
    exhibits = [
        exhibit_row(r.id, r.control_number, r.manifest, r.created_utc)
        for r in case.evidence_items()
    ]
    counts = case.counts()
    return CaseOverview(
        details=details,
        exhibits=exhibits,
        personas=counts["personas"],
        contacts=counts["contacts"],
        audit_events=counts["audit_events"],
    )


class CaseExplorer(CasePane):
    """A tree of the case: details, exhibits (control numbers), personas, log, audit.

    Exhibits can be compared (two selected) or captured again (the page reloaded and
    snapshotted as a new exhibit).
    """

    verified = Signal(object)  # VerificationReport
    compareRequested = Signal(int, int)  # older item id, newer item id
    recaptureRequested = Signal(str)  # the URL to capture again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [translate("CaseExplorer", "Item"), translate("CaseExplorer", "Value")]
        )
        self.tree.setAccessibleName(translate("CaseExplorer", "Case explorer"))
        self.tree.setAccessibleDescription(
            translate(
                "CaseExplorer",
                "The case's details, exhibits with their control numbers, and counts",
            )
        )
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.compare_action = QAction(
            translate("CaseExplorer", "Compare the two selected exhibits"), self.tree
        )
        self.compare_action.triggered.connect(self.compare_selected)
        self.recapture_action = QAction(
            translate("CaseExplorer", "Capture this page again"), self.tree
        )
        self.recapture_action.triggered.connect(self.recapture_selected)
        self.tree.addAction(self.compare_action)
        self.tree.addAction(self.recapture_action)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.verify_button = QPushButton(translate("CaseExplorer", "Verify case"))
        self.verify_button.setToolTip(
            translate("CaseExplorer", "Re-compute every hash and check the audit log")
        )
        self.verify_button.clicked.connect(self.verify)
        self.verdict = QLabel()
        self.verdict.setAccessibleName(translate("CaseExplorer", "Verification result"))
        self.verdict.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.verdict, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        self.exhibits: list[ExhibitRow] = []
        self.setEnabled(False)

    def fetch(self, case: Case) -> Any:
        return overview_of(case)

    def show_data(self, data: Any) -> None:
        overview: CaseOverview = data
        self.tree.clear()
        self.exhibits = overview.exhibits
        details = QTreeWidgetItem(self.tree, [translate("CaseExplorer", "Case"), ""])
        for label, value in overview.details:
            QTreeWidgetItem(details, [label, value])
        exhibits = QTreeWidgetItem(
            self.tree,
            [
                translate("CaseExplorer", "Exhibits ({count})").format(
                    count=len(overview.exhibits)
                ),
                "",
            ],
        )
        groups = {
            kind: QTreeWidgetItem(exhibits, [translate("CaseExplorer", label), ""])
            for kind, label in KIND_GROUPS
            if any(row.kind == kind for row in overview.exhibits)
        }
        for row in overview.exhibits:
            parent = groups.get(row.kind, exhibits)
            item = QTreeWidgetItem(parent, [row.title or row.url, row.control_number])
            sealed = translate("CaseExplorer", "sealed {time}").format(
                time=local_time(row.sealed_utc)
            )
            item.setToolTip(0, f"{row.url}\n{sealed}")
            item.setData(1, Qt.ItemDataRole.UserRole, row.item_id)
        for kind, group in groups.items():
            count = sum(1 for row in overview.exhibits if row.kind == kind)
            group.setText(1, str(count))
        for label, count in (
            (translate("CaseExplorer", "Personas"), overview.personas),
            (translate("CaseExplorer", "Contact log entries"), overview.contacts),
            (translate("CaseExplorer", "Audit log events"), overview.audit_events),
        ):
            QTreeWidgetItem(self.tree, [label, str(count)])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def clear(self) -> None:
        self.tree.clear()
        self.exhibits = []
        self.verdict.clear()

    def control_numbers(self) -> list[str]:
        return [row.control_number for row in self.exhibits]

    def selected_exhibits(self) -> list[ExhibitRow]:
        by_id = {row.item_id: row for row in self.exhibits}
        chosen = []
        for item in self.tree.selectedItems():
            item_id = item.data(1, Qt.ItemDataRole.UserRole)
            if isinstance(item_id, int) and item_id in by_id:
                chosen.append(by_id[item_id])
        return sorted(chosen, key=lambda row: row.item_id)

    def select_exhibits(self, item_ids: list[int]) -> None:
        """Select the rows of these exhibits (and only those)."""
        self.tree.clearSelection()
        for item in self._exhibit_items():
            if item.data(1, Qt.ItemDataRole.UserRole) in item_ids:
                item.setSelected(True)

    def _exhibit_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        pending = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while pending:
            item = pending.pop()
            if item is None:
                continue
            if isinstance(item.data(1, Qt.ItemDataRole.UserRole), int):
                found.append(item)
            pending += [item.child(i) for i in range(item.childCount())]
        return found

    def _selection_changed(self) -> None:
        chosen = self.selected_exhibits()
        self.compare_action.setEnabled(len(chosen) == 2)
        self.recapture_action.setEnabled(len(chosen) == 1 and chosen[0].url.startswith("http"))

    def compare_selected(self) -> None:
        chosen = self.selected_exhibits()
        if len(chosen) == 2:
            self.compareRequested.emit(chosen[0].item_id, chosen[1].item_id)

    def recapture_selected(self) -> None:
        chosen = self.selected_exhibits()
        if len(chosen) == 1 and chosen[0].url:
            self.recaptureRequested.emit(chosen[0].url)

    def verify(self) -> None:
        case = self.case
        if case is None:
            return
        self.verdict.setText(translate("CaseExplorer", "Verifying…"))
        self.verify_button.setEnabled(False)
        run_in_background(lambda: verify_case(case), self._verified, self._failed)

    def _verified(self, report: VerificationReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            exhibits, events = len(report.items), report.audit_events
            self.verdict.setText(
                translate("CaseExplorer", "Verified: {exhibits} and {events} match.").format(
                    exhibits=translate("CaseExplorer", "%n exhibit(s)", None, exhibits),
                    events=translate("CaseExplorer", "%n audit event(s)", None, events),
                )
            )
        else:
            self.verdict.setText(
                translate("CaseExplorer", "NOT VERIFIED: {problems}").format(
                    problems="; ".join(report.problems()[:3])
                )
            )
        self.verified.emit(report)

    def _failed(self, message: str) -> None:
        self.verify_button.setEnabled(True)
        self.verdict.setText(message)
        self.errorRaised.emit(message)
