"""The undercover contact log pane: record an exchange in a few keystrokes, filter, search."""

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.casefile import Case, ContactDraft, ContactEntry, parse_counterpart
from workstation.errors import WorkstationError
from workstation.ui.i18n import QT_TRANSLATE_NOOP, translate
from workstation.ui.panes.base import CasePane
from workstation.ui.problem_text import officer_message

Index = QModelIndex | QPersistentModelIndex
# Suggestions for the channel (the officer may type any); names of services stay as they are.
CHANNELS = (
    "Telegram",
    "WhatsApp",
    "Signal",
    QT_TRANSLATE_NOOP("ContactLog", "E-mail"),
    QT_TRANSLATE_NOOP("ContactLog", "Marketplace message"),
    QT_TRANSLATE_NOOP("ContactLog", "Phone"),
    QT_TRANSLATE_NOOP("ContactLog", "Other"),
)
SERVICE_NAMES = {"Telegram", "WhatsApp", "Signal"}
# How the stored direction ("in"/"out") reads in the table.
DIRECTIONS = {
    "in": QT_TRANSLATE_NOOP("ContactLog", "in"),
    "out": QT_TRANSLATE_NOOP("ContactLog", "out"),
}


def channel_choices() -> list[str]:
    return [name if name in SERVICE_NAMES else translate("ContactLog", name) for name in CHANNELS]


def local_time(utc: str) -> str:
    """UTC in storage, local time on screen (invariant 6)."""
    try:
        moment = datetime.fromisoformat(utc.replace("Z", "+00:00"))
    except ValueError:
        return utc
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class ContactTableModel(QAbstractTableModel):
    HEADERS = (
        QT_TRANSLATE_NOOP("ContactLog", "Time"),
        QT_TRANSLATE_NOOP("ContactLog", "Persona"),
        QT_TRANSLATE_NOOP("ContactLog", "Channel"),
        QT_TRANSLATE_NOOP("ContactLog", "Dir."),
        QT_TRANSLATE_NOOP("ContactLog", "Counterpart"),
        QT_TRANSLATE_NOOP("ContactLog", "Content"),
        QT_TRANSLATE_NOOP("ContactLog", "Status"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[ContactEntry] = []

    def set_entries(self, entries: list[ContactEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("ContactLog", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.content
        return None

    @staticmethod
    def _cell(entry: ContactEntry, column: int) -> str:
        prefix = translate("ContactLog", "[summary]") + " " if entry.is_summary else ""
        direction = DIRECTIONS.get(entry.direction)
        cells = (
            local_time(entry.occurred_utc),
            entry.persona,
            entry.channel,
            translate("ContactLog", direction) if direction else entry.direction,
            ", ".join(c.value for c in entry.counterparts),
            prefix + (entry.content.splitlines() or [""])[0],
        )
        return cells[column] if column < len(cells) else ContactTableModel._status(entry)

    @staticmethod
    def _status(entry: ContactEntry) -> str:
        status = f"#{entry.id}"
        if entry.supersedes:
            status += ", " + translate("ContactLog", "corrects #{number}").format(
                number=entry.supersedes
            )
        if entry.superseded_by:
            status += ", " + translate("ContactLog", "corrected by #{number}").format(
                number=entry.superseded_by
            )
        return status


class ContactDialog(QDialog):
    """Quick entry: persona, channel, counterpart, direction, what was said. Ctrl+Return saves."""

    def __init__(
        self,
        personas: list[str],
        parent: QWidget | None = None,
        *,
        correcting: ContactEntry | None = None,
        latest_exhibit: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.correcting = correcting
        self.latest_exhibit = latest_exhibit
        self.attachments: list[tuple[str, str, bytes]] = []
        self.setWindowTitle(
            translate("ContactLog", "Correct entry #{number}").format(number=correcting.id)
            if correcting
            else translate("ContactLog", "New contact entry")
        )
        self.persona = QComboBox()
        self.persona.addItems(personas)
        self.persona.setAccessibleName(translate("ContactLog", "Persona"))
        self.channel = QComboBox()
        self.channel.setEditable(True)
        self.channel.addItems(channel_choices())
        self.channel.setAccessibleName(translate("ContactLog", "Channel"))
        self.counterpart = QLineEdit()
        self.counterpart.setAccessibleName(translate("ContactLog", "Counterpart"))
        self.counterpart.setPlaceholderText(
            translate("ContactLog", "@handle, e-mail, +phone or URL")
        )
        self.incoming = QRadioButton(translate("ContactLog", "Received"))
        self.outgoing = QRadioButton(translate("ContactLog", "Sent"))
        self.incoming.setChecked(True)
        direction = QButtonGroup(self)
        direction.addButton(self.incoming)
        direction.addButton(self.outgoing)
        row = QHBoxLayout()
        row.addWidget(self.incoming)
        row.addWidget(self.outgoing)
        self.content = QPlainTextEdit()
        self.content.setAccessibleName(translate("ContactLog", "Content"))
        self.summary = QCheckBox(
            translate("ContactLog", "This is a summary, not the verbatim text")
        )
        self.authorisation = QLineEdit()
        self.authorisation.setAccessibleName(translate("ContactLog", "Authorisation reference"))
        self.link_exhibit = QCheckBox(translate("ContactLog", "Link the latest snapshot"))
        self.link_exhibit.setEnabled(latest_exhibit is not None)
        self.attach_button = QPushButton(translate("ContactLog", "Attach file…"))
        self.attach_button.clicked.connect(self._attach)
        self.attached = QLabel()
        self.attached.setAccessibleName(translate("ContactLog", "Attached files"))
        self._layout(row)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        if correcting is not None:
            self._prefill(correcting)

    def _layout(self, direction: QHBoxLayout) -> None:
        form = QFormLayout(self)
        form.addRow(translate("ContactLog", "Persona"), self.persona)
        form.addRow(translate("ContactLog", "Channel"), self.channel)
        form.addRow(translate("ContactLog", "Counterpart"), self.counterpart)
        form.addRow(translate("ContactLog", "Direction"), direction)
        form.addRow(translate("ContactLog", "Content"), self.content)
        form.addRow(self.summary)
        form.addRow(translate("ContactLog", "Authorisation ref."), self.authorisation)
        form.addRow(self.link_exhibit)
        form.addRow(self.attach_button, self.attached)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _prefill(self, entry: ContactEntry) -> None:
        self.persona.setCurrentText(entry.persona)
        self.channel.setCurrentText(entry.channel)
        self.counterpart.setText(", ".join(f"{c.kind}:{c.value}" for c in entry.counterparts))
        self.outgoing.setChecked(entry.direction == "out")
        self.content.setPlainText(entry.content)
        self.summary.setChecked(entry.is_summary)
        self.authorisation.setText(entry.authorisation_ref)

    def _attach(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("ContactLog", "Attach a file"))
        if path:
            self.add_attachment(path)

    def add_attachment(self, path: str) -> None:
        from pathlib import Path  # noqa: PLC0415

        file = Path(path)
        self.attachments.append((file.name, "application/octet-stream", file.read_bytes()))
        self.attached.setText(", ".join(name for name, _, _ in self.attachments))

    def draft(self) -> ContactDraft:
        counterparts = tuple(
            parse_counterpart(part) for part in self.counterpart.text().split(",") if part.strip()
        )
        evidence = (
            (self.latest_exhibit,) if self.link_exhibit.isChecked() and self.latest_exhibit else ()
        )
        return ContactDraft(
            persona=self.persona.currentText(),
            channel=self.channel.currentText().strip(),
            counterparts=counterparts,
            direction="out" if self.outgoing.isChecked() else "in",
            content=self.content.toPlainText(),
            is_summary=self.summary.isChecked(),
            attachments=tuple(self.attachments),
            evidence_ids=evidence,
            authorisation_ref=self.authorisation.text().strip(),
            supersedes=self.correcting.id if self.correcting else None,
        )


class ContactPane(CasePane):
    """The log as a table, with a filter row and search."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.personas: list[str] = []
        self.latest_exhibit: int | None = None
        self.model = ContactTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(translate("ContactLog", "Contact log"))
        self.table.setAccessibleDescription(
            translate("ContactLog", "Every recorded exchange with a counterpart, newest last")
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self._build_filters()
        self.new_button = QPushButton(translate("ContactLog", "New entry…"))
        self.new_button.clicked.connect(self.new_entry)
        self.correct_button = QPushButton(translate("ContactLog", "Correct…"))
        self.correct_button.setAccessibleName(translate("ContactLog", "Correct the selected entry"))
        self.correct_button.clicked.connect(self.correct_selected)
        self._layout()
        self.setEnabled(False)

    def _build_filters(self) -> None:
        self.persona_filter = QComboBox()
        self.persona_filter.setAccessibleName(translate("ContactLog", "Filter by persona"))
        self.persona_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.counterpart_filter = QLineEdit()
        self.counterpart_filter.setAccessibleName(translate("ContactLog", "Filter by counterpart"))
        self.counterpart_filter.setPlaceholderText(translate("ContactLog", "Counterpart contains…"))
        self.since = QLineEdit()
        self.since.setAccessibleName(translate("ContactLog", "Entries from date"))
        self.since.setPlaceholderText(translate("ContactLog", "from (YYYY-MM-DD)"))
        self.until = QLineEdit()
        self.until.setAccessibleName(translate("ContactLog", "Entries up to date"))
        self.until.setPlaceholderText(translate("ContactLog", "to (YYYY-MM-DD)"))
        for date_field in (self.since, self.until):
            date_field.setMaximumWidth(140)
            date_field.returnPressed.connect(self.reload)
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("ContactLog", "Search the case…"))
        self.search.setAccessibleName(translate("ContactLog", "Search"))
        self.search.setAccessibleDescription(
            translate("ContactLog", "Search the case; Enter shows the matching entries")
        )
        for widget in (self.counterpart_filter, self.search):
            widget.returnPressed.connect(self.reload)
        self.persona_filter.activated.connect(lambda _i: self.reload())

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.persona_filter)
        filters.addWidget(self.counterpart_filter)
        filters.addWidget(self.since)
        filters.addWidget(self.until)
        filters.addWidget(self.search)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.correct_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def fetch(self, case: Case) -> Any:
        persona = self.persona_filter.currentData()
        entries = case.contacts(
            persona=persona or None,
            counterpart=self.counterpart_filter.text().strip() or None,
            since=self.since.text().strip() or None,
            until=self.until.text().strip() or None,
        )
        query = self.search.text().strip()
        if query:
            hits = {hit.ref_id for hit in case.search(query) if hit.kind == "contact"}
            entries = [entry for entry in entries if entry.id in hits]
        return [p.alias for p in case.personas()], entries

    def show_data(self, data: Any) -> None:
        personas, entries = data
        self.personas = personas
        current = self.persona_filter.currentData()
        self.persona_filter.clear()
        self.persona_filter.addItem(translate("ContactLog", "All personas"), "")
        for alias in personas:
            self.persona_filter.addItem(alias, alias)
        self.persona_filter.setCurrentIndex(max(0, self.persona_filter.findData(current or "")))
        self.model.set_entries(entries)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

    def clear(self) -> None:
        self.model.set_entries([])
        self.persona_filter.clear()
        self.personas = []

    def new_entry(self) -> None:
        self._edit(None)

    def correct_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._edit(self.model.entries[rows[0].row()])

    def _edit(self, correcting: ContactEntry | None) -> None:
        if not self.personas:
            self.errorRaised.emit(
                translate("ContactLog", "Add a persona first: every contact is made under one.")
            )
            return
        dialog = ContactDialog(
            self.personas, self, correcting=correcting, latest_exhibit=self.latest_exhibit
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            draft = dialog.draft()
        except WorkstationError as exc:
            self.errorRaised.emit(officer_message(exc))
            return
        self.run(lambda case: case.add_contact(draft))
