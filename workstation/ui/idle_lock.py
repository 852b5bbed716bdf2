"""Lock the case after a spell without keyboard or mouse input.

A seized or unattended PC must not show an open case: after the idle time the
window closes the case (the key leaves memory), clears its panes and asks for
the passphrase again.
"""

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QWindow

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleLock(QObject):
    """Emits idle() once the application has seen no input for interval_ms."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_interval(interval_ms)

    def watch(self, window: QWindow) -> None:
        """Count input to this top-level window as activity.

        The filter sits on the QWindow, which sees every input event before its
        widgets do; an application-wide filter would also be handed objects in
        the middle of being destroyed, which crashes PySide.
        """
        window.installEventFilter(self)

    def set_interval(self, interval_ms: int) -> None:
        """0 turns the lock off."""
        self._interval = max(0, interval_ms)
        self.restart()

    def restart(self) -> None:
        if self._interval:
            self._timer.start(self._interval)
        else:
            self._timer.stop()

    def is_armed(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._interval:
            self._timer.start(self._interval)
        return False
