"""Two captures side by side: both screenshots, what changed, the text diff."""

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.evidence.compare import Comparison, ExhibitView, render
from workstation.ui.i18n import translate
from workstation.ui.screen_fit import fit_to_screen
from workstation.ui.theme import status_colour, theme_notifier

SHOT_WIDTH = 520


def scaled_screenshot(view: ExhibitView) -> QImage:
    """The exhibit's screenshot at display width (null if it has none). Decoding a
    full-page PNG is slow: callers run this on a worker thread."""
    artifact = view.artifacts.get("screenshot.png")
    image = QImage.fromData(artifact.data) if artifact is not None else QImage()
    if image.isNull():
        return image
    return image.scaledToWidth(SHOT_WIDTH, Qt.TransformationMode.SmoothTransformation)


def _screenshot(view: ExhibitView, image: QImage) -> QWidget:
    column = QWidget()
    layout = QVBoxLayout(column)
    started = view.manifest.get("started_utc", "")
    title = QLabel(
        translate("CompareDialog", "Exhibit {number} — {started}").format(
            number=view.item_id, started=started
        )
        + "\n"
        + view.control_number
    )
    title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(title)
    picture = QLabel()
    if image.isNull():
        picture.setText(translate("CompareDialog", "(no screenshot in this exhibit)"))
    else:
        picture.setPixmap(QPixmap.fromImage(image))
    picture.setAccessibleName(
        translate("CompareDialog", "Screenshot of exhibit {number}").format(number=view.item_id)
    )
    scroll = QScrollArea()
    scroll.setAccessibleName(picture.accessibleName())
    scroll.setWidget(picture)
    layout.addWidget(scroll, 1)
    return column


class CompareDialog(QDialog):
    """Non-modal: the officer can keep browsing while it is open."""

    def __init__(
        self,
        comparison: Comparison,
        shots: tuple[QImage, QImage],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self.setWindowTitle(
            translate("CompareDialog", "Exhibit {older} and exhibit {newer}").format(
                older=comparison.older.item_id, newer=comparison.newer.item_id
            )
        )
        self.setModal(False)
        side_by_side = QWidget()
        row = QHBoxLayout(side_by_side)
        row.addWidget(_screenshot(comparison.older, shots[0]))
        row.addWidget(_screenshot(comparison.newer, shots[1]))
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName(translate("CompareDialog", "What changed"))
        self.report.setAccessibleDescription(
            translate(
                "CompareDialog",
                "Lines only in the newer capture start with +, lines only in the older with -",
            )
        )
        self._fill_report()
        theme_notifier().changed.connect(self._recolour)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(side_by_side)
        splitter.addWidget(self.report)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        fit_to_screen(self, wanted=QSize(1150, 800))

    def _recolour(self, _theme: str = "") -> None:
        """Colour the lines again for the theme now in force, keeping the scroll position."""
        position = self.report.verticalScrollBar().value()
        self.report.clear()
        self._fill_report()
        self.report.verticalScrollBar().setValue(position)

    def _fill_report(self) -> None:
        cursor = self.report.textCursor()
        added, removed = status_colour("added"), status_colour("removed")  # the theme's now
        for line in render(self.comparison):
            colour = None
            stripped = line.strip()
            if stripped.startswith("+") and not stripped.startswith("+++"):
                colour = added
            elif stripped.startswith("-") and not stripped.startswith("---"):
                colour = removed
            style = QTextCharFormat()
            if colour is not None:
                style.setForeground(colour)
            cursor.insertText(line + "\n", style)
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.report.setTextCursor(cursor)
