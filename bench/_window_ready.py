"""Child process for bench/startup.py: start, show a window, print 'ready', exit.

mode "app": the workstation's own start-up (gate, QApplication with the flag
table, main window with a browser tab). mode "bare": a bare QWebEngineView on
about:blank, the floor any QtWebEngine application pays.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(mode: str) -> None:
    from PySide6.QtCore import QTimer, QUrl  # noqa: PLC0415
    from PySide6.QtWidgets import QWidget  # noqa: PLC0415

    if mode == "app":
        from workstation.app import create_application  # noqa: PLC0415
        from workstation.route import RouteGate  # noqa: PLC0415
        from workstation.settings import Settings  # noqa: PLC0415

        gate = RouteGate(None)
        gate.start()
        app = create_application(gate.port, headless=True)
        from workstation.ui.main_window import MainWindow  # noqa: PLC0415

        window: QWidget = MainWindow(gate, Settings())
    else:
        from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: PLC0415
        from PySide6.QtWidgets import QApplication  # noqa: PLC0415

        app = QApplication([sys.argv[0], "--webEngineArgs", "--disable-gpu"])
        view = QWebEngineView()
        view.load(QUrl("about:blank"))
        window = view
    window.show()

    def ready() -> None:
        print("ready", flush=True)
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
