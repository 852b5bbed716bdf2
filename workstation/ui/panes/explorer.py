"""Case explorer: what the case holds at a glance, and a one-click verification."""

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
from workstation.ui.dialogs import COMMODITY_LABELS
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
    return ExhibitRow(
        item_id,
        control_number,
        str(fields.get("title", "")),
        str(fields.get("final_url", "")),
        created_utc,
    )


def overview_of(case: Case) -> CaseOverview:
    meta = case.metadata()
    details = [
        ("Reference", meta.reference),
        ("Requesting unit", meta.requesting_unit),
        ("Legal basis", meta.legal_basis),
        ("Commodity", COMMODITY_LABELS.get(meta.commodity, str(meta.commodity))),
        ("Officer", meta.officer),
        ("Status", str(meta.status)),
        ("Opened", local_time(meta.opened_utc)),
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
    """A tree of the case: details, exhibits (control numbers), personas, log, audit."""

    verified = Signal(object)  # VerificationReport

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Item", "Value"])
        self.tree.setAccessibleName("Case explorer")
        self.verify_button = QPushButton("Verify case")
        self.verify_button.setToolTip("Re-compute every hash and check the audit log")
        self.verify_button.clicked.connect(self.verify)
        self.verdict = QLabel()
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
        details = QTreeWidgetItem(self.tree, ["Case", ""])
        for label, value in overview.details:
            QTreeWidgetItem(details, [label, value])
        exhibits = QTreeWidgetItem(self.tree, [f"Exhibits ({len(overview.exhibits)})", ""])
        for row in overview.exhibits:
            item = QTreeWidgetItem(exhibits, [row.title or row.url, row.control_number])
            item.setToolTip(0, f"{row.url}\nsealed {local_time(row.sealed_utc)}")
            item.setData(1, Qt.ItemDataRole.UserRole, row.item_id)
        QTreeWidgetItem(self.tree, ["Personas", str(overview.personas)])
        QTreeWidgetItem(self.tree, ["Contact log entries", str(overview.contacts)])
        QTreeWidgetItem(self.tree, ["Audit log events", str(overview.audit_events)])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def clear(self) -> None:
        self.tree.clear()
        self.exhibits = []
        self.verdict.clear()

    def control_numbers(self) -> list[str]:
        return [row.control_number for row in self.exhibits]

    def verify(self) -> None:
        case = self.case
        if case is None:
            return
        self.verdict.setText("Verifying…")
        self.verify_button.setEnabled(False)
        run_in_background(lambda: verify_case(case), self._verified, self._failed)

    def _verified(self, report: VerificationReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            exhibits, events = len(report.items), report.audit_events
            self.verdict.setText(f"Verified: {exhibits} exhibits and {events} audit events match.")
        else:
            self.verdict.setText("NOT VERIFIED: " + "; ".join(report.problems()[:3]))
        self.verified.emit(report)

    def _failed(self, message: str) -> None:
        self.verify_button.setEnabled(True)
        self.verdict.setText(message)
        self.errorRaised.emit(message)
