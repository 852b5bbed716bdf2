"""Dialogs that fit the screen they open on, down to a 1366×768 laptop.

A dialog asks for the size its contents want, but never more than most of the
screen's free area. A form that can be taller than that (long lists of exhibits,
partners and lookups) keeps its body in a scroll area: on a small screen it scrolls,
where a plain layout squeezed below its minimum would draw its rows over each other.
"""

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QStyle, QWidget

ROOM = 0.9  # the share of the screen's free area a dialog may take
PATH_FORM_WIDTH = 600  # forms with a file or folder field: room to read most of a path


def scrolling(body_layout: QLayout) -> QScrollArea:
    """The layout's contents in a frameless scroll area that scrolls only vertically."""
    body = QWidget()
    body.setLayout(body_layout)
    body_layout.setContentsMargins(0, 0, 0, 0)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(body)
    # Never narrower than the form: only the height scrolls.
    scrollbar = area.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    area.setMinimumWidth(body.minimumSizeHint().width() + scrollbar)
    return area


def fit_to_screen(
    dialog: QWidget,
    *,
    wanted: QSize | None = None,
    scroll: QScrollArea | None = None,
    min_width: int = 0,
) -> QSize:
    """Resize dialog to what it wants (its size hint, with scroll's body unscrolled),
    at least min_width wide, within ROOM of its screen's free area; returns the size."""
    size = QSize(wanted) if wanted is not None else dialog.sizeHint()
    body = scroll.widget() if scroll is not None else None
    if scroll is not None and body is not None:
        hidden = body.sizeHint().height() - scroll.sizeHint().height()
        size.setHeight(size.height() + max(0, hidden))
    size.setWidth(max(size.width(), min_width))
    free = dialog.screen().availableGeometry().size()
    room = QSize(int(free.width() * ROOM), int(free.height() * ROOM))
    least = dialog.minimumSizeHint()
    fitted = QSize(
        max(min(size.width(), room.width()), least.width()),
        max(min(size.height(), room.height()), least.height()),
    )
    dialog.resize(fitted)
    return fitted
