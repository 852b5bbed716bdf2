"""A list of things to tick (exhibits, personas, partners, lookups), with All and None,
and the case's exhibits, personas and lookups as such lists offer them.

What a list offers is read from the case on a worker thread (`case_choices`); the
dialogs only show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.casefile import Case
from workstation.ui.i18n import translate
from workstation.ui.panes.explorer import exhibit_row

LIST_HEIGHT = 140
SHOWN_ROWS = 3  # the fewest rows a list asks room for


class RowsList(QListWidget):
    """A list that asks for as much height as its rows need, between its minimum and
    maximum height, instead of Qt's fixed default: three exhibits take three rows."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        row = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height() + 4
        wanted = max(self.count(), SHOWN_ROWS) * row + 2 * self.frameWidth() + 4
        return QSize(hint.width(), max(self.minimumHeight(), min(wanted, self.maximumHeight())))


@dataclass(frozen=True)
class Choice:
    """One thing to tick: its key (an id or a name) and how it is shown."""

    key: int | str
    label: str
    tooltip: str = ""


@dataclass(frozen=True)
class CaseChoices:
    """What the export dialogs offer, read from the case in one go (on a worker)."""

    case_name: str
    exhibits: tuple[Choice, ...]
    personas: tuple[Choice, ...]
    lookups: tuple[Choice, ...]


def case_choices(case: Case) -> CaseChoices:
    """On a worker thread: the case's exhibits, personas and saved lookups as choices."""
    exhibits = []
    for record in case.evidence_items():
        row = exhibit_row(record.id, record.control_number, record.manifest, record.created_utc)
        title = row.title or row.url or row.kind
        exhibits.append(
            Choice(
                record.id,
                translate("ChoiceList", "#{number} {title}").format(number=record.id, title=title),
                translate("ChoiceList", "{url}\nControl number {control}").format(
                    url=row.url, control=record.control_number
                ),
            )
        )
    personas = [
        Choice(
            persona.alias,
            persona.alias + (translate("ChoiceList", " (retired)") if persona.retired else ""),
        )
        for persona in case.personas(include_retired=True)
    ]
    lookups = [
        Choice(
            saved.id,
            translate("ChoiceList", "#{number} {kind} {target}").format(
                number=saved.id, kind=saved.kind, target=saved.target
            ),
            translate("ChoiceList", "Saved {when}").format(when=saved.saved_utc),
        )
        for saved in case.lookups()
    ]
    return CaseChoices(case.path.name, tuple(exhibits), tuple(personas), tuple(lookups))


class CheckList(QWidget):
    """Checkable rows with All / None buttons; says when nothing is offered."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        choices: Sequence[Choice],
        checked: Iterable[int | str] = (),
        *,
        empty_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.list = RowsList()
        self.list.setAccessibleName(name)
        self.list.setMinimumHeight(LIST_HEIGHT // 2)
        self.list.setMaximumHeight(LIST_HEIGHT * 2)
        wanted = set(checked)
        for choice in choices:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            item.setToolTip(choice.tooltip or choice.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            state = Qt.CheckState.Checked if choice.key in wanted else Qt.CheckState.Unchecked
            item.setCheckState(state)
            self.list.addItem(item)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.all_button = QPushButton(translate("ChoiceList", "All"))
        self.all_button.setAccessibleName(
            translate("ChoiceList", "Tick all: {list}").format(list=name)
        )
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton(translate("ChoiceList", "None"))
        self.none_button.setAccessibleName(
            translate("ChoiceList", "Tick none: {list}").format(list=name)
        )
        self.none_button.clicked.connect(lambda: self.set_all(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not choices:
            empty = QLabel(empty_text or translate("ChoiceList", "Nothing to choose from."))
            empty.setWordWrap(True)
            layout.addWidget(empty)
            self.all_button.setEnabled(False)
            self.none_button.setEnabled(False)
            # An empty box and two dead buttons say nothing the sentence does not.
            for part in (self.list, self.all_button, self.none_button):
                part.hide()
        layout.addWidget(self.list)
        layout.addLayout(buttons)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def keys(self) -> list[int | str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._items()]

    def checked(self) -> list[int | str]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def checked_ids(self) -> list[int]:
        return [key for key in self.checked() if isinstance(key, int)]

    def checked_names(self) -> list[str]:
        return [key for key in self.checked() if isinstance(key, str)]

    def all_checked(self) -> bool:
        return len(self.checked()) == self.list.count()

    def set_checked(self, keys: Iterable[int | str]) -> None:
        wanted = set(keys)
        for item in self._items():
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def set_all(self, on: bool) -> None:
        self.set_checked(self.keys() if on else [])
