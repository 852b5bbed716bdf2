"""Status text (errors, warnings, success) that keeps its theme's colour.

A style sheet or brush made from status_colour() holds the colour of the theme
in force when it was made. Widgets and tree cells coloured through this module
remember which status they show instead, and are coloured again whenever the
theme changes, so a dialog left open while the officer switches to the dark
theme does not keep a red that is unreadable on the dark background.
"""

from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from workstation.ui.theme import status_colour, status_style, theme_notifier

KIND_PROPERTY = "statusKind"
EXTRA_PROPERTY = "statusExtraStyle"
# Item data role that records which status colour a tree cell's text has.
STATUS_ROLE = Qt.ItemDataRole.UserRole + 700


class _Followers:
    """The widgets and trees coloured here, until Qt deletes them.

    Only these are visited on a theme change: walking every widget of the application
    would also touch widgets Qt is in the middle of deleting.
    """

    connected = False
    widgets: ClassVar[dict[int, QWidget]] = {}
    trees: ClassVar[dict[int, QTreeWidget]] = {}


def show_status(widget: QWidget, kind: str | None, extra_style: str = "") -> None:
    """Colour a widget's text as status kind ("error", "success"...; None: plain).

    extra_style is kept beside the colour (e.g. "font-weight: bold").
    """
    _follow_theme()
    widget.setProperty(KIND_PROPERTY, kind or "")
    widget.setProperty(EXTRA_PROPERTY, extra_style)
    _restyle(widget)
    _remember(_Followers.widgets, widget)


def show_item_status(item: QTreeWidgetItem, column: int, kind: str | None) -> None:
    """Colour one cell's text as status kind (None: the palette's text colour)."""
    _follow_theme()
    item.setData(column, STATUS_ROLE, kind or "")
    item.setForeground(column, QBrush(status_colour(kind)) if kind else QBrush())
    tree = item.treeWidget()
    if tree is not None:
        _remember(_Followers.trees, tree)


def recolour_all() -> None:
    """Colour every status widget and tree cell shown so far for the theme now in force."""
    for widget in list(_Followers.widgets.values()):
        if shiboken6.isValid(widget):
            _restyle(widget)
    for tree in list(_Followers.trees.values()):
        if shiboken6.isValid(tree):
            _recolour_tree(tree)


def _remember(followers: dict[int, Any], widget: QWidget) -> None:
    key = id(widget)
    if key not in followers:
        followers[key] = widget
        widget.destroyed.connect(lambda _object=None, key=key: followers.pop(key, None))


def _restyle(widget: QWidget) -> None:
    kind = widget.property(KIND_PROPERTY) or ""
    extra = widget.property(EXTRA_PROPERTY) or ""
    parts = [status_style(kind)] if kind else []
    if extra:
        parts.append(extra)
    widget.setStyleSheet("; ".join(parts))


def _recolour_tree(tree: QTreeWidget) -> None:
    pending = [tree.topLevelItem(row) for row in range(tree.topLevelItemCount())]
    while pending:
        item = pending.pop()
        if item is None:
            continue
        for column in range(tree.columnCount()):
            kind = item.data(column, STATUS_ROLE)
            if kind:
                item.setForeground(column, QBrush(status_colour(kind)))
        pending.extend(item.child(row) for row in range(item.childCount()))


def _follow_theme() -> None:
    if not _Followers.connected:
        theme_notifier().changed.connect(lambda _name: recolour_all())
        _Followers.connected = True
