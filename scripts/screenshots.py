"""Render the workstation offscreen and save PNGs for a person to look at.

    make screenshots
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR] [--only SET]

The main window with a demo case (personas, contacts, a sealed page, an offline
phone lookup) in a throwaway data directory, each dock pane, the first-run
set-up (every page), the settings dialog (every tab), the new-case dialog, the
shortcuts cheat sheet and the Case menu's report, package, disclosure copy, transfer,
import and keys dialogs. Four sets:

- light: NAME.png, the window at 1366×768 (a common office laptop), light theme;
- dark: dark-NAME.png, the same in the dark theme;
- de: de-NAME.png, the light set in German;
- 4k: 4k-NAME.png, the window at 1920×1080 on a 3840×2160 screen at device pixel
  ratio 2. The offscreen platform fixes its screens and pixel ratio when the
  QApplication starts, so this set is drawn by a child process (QT_SCALE_FACTOR=2
  and a 4K offscreen screen) unless the script runs with --only 4k on its own.

Nothing leaves the PC: the gate has no route, and the page shown is set from memory.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import (  # noqa: E402
    QCoreApplication,
    QEventLoop,
    QThreadPool,
    QTimer,
    SignalInstance,
)
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from workstation import APP_NAME, __version__  # noqa: E402
from workstation.app import create_application, prepare_environment  # noqa: E402
from workstation.browser.flags import chromium_flags  # noqa: E402
from workstation.browser.snapshot import png_bytes  # noqa: E402
from workstation.casefile import Case, ContactDraft, parse_counterpart  # noqa: E402
from workstation.evidence.snapshot import CapturedPage, SealContext, seal_page  # noqa: E402
from workstation.route import RouteGate  # noqa: E402
from workstation.settings import Settings  # noqa: E402
from workstation.ui.choice_list import case_choices  # noqa: E402
from workstation.ui.dialogs import NewCaseDialog  # noqa: E402
from workstation.ui.first_run import FirstRunWizard  # noqa: E402
from workstation.ui.i18n import install_translations, remove_translations, translate  # noqa: E402
from workstation.ui.keys_dialog import KeysDialog  # noqa: E402
from workstation.ui.main_window import MainWindow  # noqa: E402
from workstation.ui.package_dialog import PackageDialog  # noqa: E402
from workstation.ui.report_dialog import ReportDialog  # noqa: E402
from workstation.ui.settings_dialog import show_settings  # noqa: E402
from workstation.ui.theme import temporary_theme  # noqa: E402
from workstation.ui.transfer_dialogs import (  # noqa: E402
    ImportDialog,
    TransferExportDialog,
    transfer_choices,
)
from workstation.version import tool_identity  # noqa: E402

WINDOW_SIZE = (1366, 768)
SCALE_FACTOR = 2
SCREEN_4K = (3840, 2160)  # device pixels; 1920×1080 logical at SCALE_FACTOR
WINDOW_SIZE_4K = (SCREEN_4K[0] // SCALE_FACTOR, SCREEN_4K[1] // SCALE_FACTOR)
CHILD_TIMEOUT_S = 180
SETS = ("light", "dark", "de", "4k")
WAIT_MS = 20_000
DEMO_PASSPHRASE = "demo passphrase for screenshots"  # noqa: S105  (a throwaway demo case)
DEMO_URL = "https://shop.example/offers/tablets"
DEMO_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Quick pills shop</title>
<style>body{font-family:sans-serif;margin:2em;background:#fafafa}h1{color:#803}
.offer{border:1px solid #ccc;padding:1em;margin:1em 0;background:white}</style></head>
<body><h1>Quick pills shop</h1>
<div class="offer"><b>100 tablets</b>, discreet shipping to the EU.
Contact <a href="mailto:seller-7731@mail.example">seller-7731@mail.example</a>
or Telegram <b>@quickpills</b>.</div>
<div class="offer"><b>500 tablets</b>, price on request.
<a href="https://shop.example/offers/bulk">Bulk offers</a></div>
</body></html>"""


@contextlib.contextmanager
def waiting_for(*signals: SignalInstance, timeout_ms: int = WAIT_MS) -> Iterator[None]:
    """Connect first, run the block, then wait until every signal has fired once."""
    loop = QEventLoop()
    pending = set(range(len(signals)))
    slots: list[Callable[..., None]] = []
    for number, signal in enumerate(signals):

        def fired(*_args: Any, number: int = number) -> None:
            pending.discard(number)
            if not pending:
                loop.quit()

        signal.connect(fired)
        slots.append(fired)
    yield
    if pending:
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
    for signal, slot in zip(signals, slots, strict=True):
        with contextlib.suppress(RuntimeError):
            signal.disconnect(slot)
    if pending:
        print(f"warning: gave up waiting after {timeout_ms} ms", file=sys.stderr)  # noqa: T201


def settle(rounds: int = 5) -> None:
    """Let layouts and paints that were posted run."""
    for _ in range(rounds):
        QApplication.processEvents()


@contextlib.contextmanager
def demo_home() -> Iterator[Path]:
    """A throwaway data directory for the run; the officer's own is never touched."""
    before = os.environ.get("WORKSTATION_HOME")
    with tempfile.TemporaryDirectory(prefix="workstation-screens-") as home:
        os.environ["WORKSTATION_HOME"] = home
        try:
            yield Path(home)
        finally:
            if before is None:
                os.environ.pop("WORKSTATION_HOME", None)
            else:
                os.environ["WORKSTATION_HOME"] = before


def demo_case(path: Path) -> Case:
    case = Case.create(path, DEMO_PASSPHRASE, title="2026-0412 web shop tablets", officer="demo")
    case.update_metadata(requesting_unit="Customs Hamburg", legal_basis="AZ 12/26")
    case.add_persona("Anna K", email="anna.k@mail.example")
    case.add_persona("Ben", accounts=[("telegram", "@ben_buys")])
    for direction, content in (
        ("out", "Hello, are the 100 tablets still available?"),
        ("in", "Yes. 350 EUR, payment in crypto only."),
    ):
        case.add_contact(
            ContactDraft(
                persona="Anna K",
                channel="Telegram",
                counterparts=(parse_counterpart("@quickpills"),),
                direction=direction,  # type: ignore[arg-type]
                content=content,
            )
        )
    seal_page(case, demo_capture(), SealContext("none (demo)", "demo", tool_identity()))
    return case


def demo_capture() -> CapturedPage:
    image = QImage(640, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#fafafa"))
    painter = QPainter(image)
    painter.drawText(40, 60, "Quick pills shop (demo exhibit)")
    painter.end()
    stamp = "2026-04-12T09:30:00Z"
    return CapturedPage(
        requested_url=DEMO_URL,
        final_url=DEMO_URL,
        title="Quick pills shop",
        started_utc=stamp,
        finished_utc=stamp,
        screenshot_png=png_bytes(image),
        mhtml=None,
        dom_html=DEMO_PAGE.encode(),
        viewport=(640, 400),
        page_size=(640, 400),
        user_agent="demo",
        engine={"name": "demo"},
        page_text=b"Quick pills shop\n100 tablets",
    )


class Shooter:
    """Saves widget grabs as PREFIX + NAME.png and remembers what it wrote."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.prefix = ""
        self.written: list[Path] = []

    def save(self, name: str, widget: QWidget) -> None:
        settle()
        path = self.out_dir / f"{self.prefix}{name}.png"
        if not widget.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        self.written.append(path)


def show_demo_page(window: MainWindow) -> None:
    tab = window.current_tab()
    with waiting_for(tab.page.loadFinished):
        tab.page.setHtml(DEMO_PAGE)
    # Two animation frames: the page has been painted, not just parsed.
    token = tab.page.new_token()
    script = (
        "requestAnimationFrame(function() { requestAnimationFrame(function() {"
        f" console.log('{token} painted'); }}); }})"
    )
    with waiting_for(tab.page.tokenSeen):
        tab.page.runJavaScript(script, 1)
    window.address.setText(DEMO_URL)


def open_demo_window(gate: RouteGate, home: Path, size: tuple[int, int]) -> MainWindow:
    settings = Settings(officer="Insp. Demo", unit="Customs IT crime", first_run_done=True)
    window = MainWindow(gate, settings)
    window.resize(*size)
    window.show()
    case = demo_case(home / "cases" / "2026-0412 web shop tablets.case")
    panes = (window.contact_pane, window.explorer, window.persona_pane)
    with waiting_for(*(pane.reloaded for pane in panes)):
        window.set_case(case)
    window.new_tab("Anna K")
    show_demo_page(window)
    with waiting_for(window.lookup_pane.runner.jobFinished):
        window.lookup_pane.look_up("+49 40 1234567", kind="phone")  # offline: no route needed
    return window


def shoot_window_and_panes(shooter: Shooter, window: MainWindow) -> None:
    shooter.save("main-window", window)
    for name, dock in window.docks.items():
        dock.show()
        dock.raise_()
        shooter.save(f"pane-{name}", dock)


def shoot_dialogs(shooter: Shooter, window: MainWindow) -> None:
    wizard = FirstRunWizard(window)
    wizard.show()
    for number, page_id in enumerate(wizard.pageIds(), start=1):
        while wizard.currentId() != page_id:
            wizard.next()
        shooter.save(f"first-run-{number}", wizard)
    wizard.close()
    dialog = show_settings(window)
    tabs = dialog.findChild(type(window.tabs))
    for index in range(tabs.count() if tabs is not None else 0):
        if tabs is not None:
            tabs.setCurrentIndex(index)
            shooter.save(f"settings-{index + 1}", dialog)
    dialog.reject()
    sheet = window.show_shortcuts()
    shooter.save("shortcuts", sheet)
    sheet.close()
    window.show_error(translate("Problems", "The PDF could not be made. Try again."))
    shooter.save("problem", window)
    messages = window.notices.show_messages()
    shooter.save("messages", messages)
    messages.close()
    window.notices.bar.dismiss()
    new_case = NewCaseDialog(window)
    new_case.show()
    shooter.save("new-case", new_case)
    new_case.close()
    shoot_case_outputs(shooter, window)


def shoot_case_outputs(shooter: Shooter, window: MainWindow) -> None:
    """The Case menu's package, disclosure copy, transfer, import and keys dialogs."""
    case = window.case
    assert case is not None
    choices = case_choices(case)
    folder = case.path.parent
    dialogs: list[tuple[str, QWidget]] = [
        ("report", ReportDialog(choices, preselected=[], path=folder / "report.pdf")),
        ("package", PackageDialog(choices, redacted=False, preselected=[], folder=folder)),
        ("disclosure", PackageDialog(choices, redacted=True, preselected=[], folder=folder)),
        ("transfer", TransferExportDialog(transfer_choices(case), out=folder / "case.age")),
        ("import", ImportDialog(open_case=case.path.name, new_case_folder=folder)),
    ]
    for name, dialog in dialogs:
        dialog.setParent(window, dialog.windowFlags())
        dialog.show()
        shooter.save(name, dialog)
        dialog.close()
    keys = KeysDialog(window)
    with waiting_for(keys.loaded):
        keys.show()
    shooter.save("keys", keys)
    keys.close()


def shoot_set(shooter: Shooter, window: MainWindow, prefix: str, theme: str) -> None:
    """Everything once, in one theme, as PREFIX + NAME.png."""
    shooter.prefix = prefix
    with temporary_theme(theme):
        settle()
        shoot_window_and_panes(shooter, window)
        shoot_dialogs(shooter, window)
    shooter.prefix = ""


def take_screenshots(
    out_dir: Path,
    app_for: Callable[[int], QApplication],
    *,
    sets: tuple[tuple[str, str], ...] = (("", "light"), ("dark-", "dark")),
    size: tuple[int, int] = WINDOW_SIZE,
    language: str = "en",
) -> list[Path]:
    """Open the demo window once (in language) and shoot each (prefix, theme) set of it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shooter = Shooter(out_dir)
    with demo_home() as home:
        gate = RouteGate(None)  # no route: nothing can leave the PC
        gate.start()
        try:
            app_for(gate.port)
            install_translations(language)  # before the window: texts are read when made
            window = open_demo_window(gate, home, size)
            try:
                for prefix, theme in sets:
                    shoot_set(shooter, window, prefix, theme)
            finally:
                window.close()  # closes the case on a worker thread: let it finish
                QThreadPool.globalInstance().waitForDone(WAIT_MS)
                settle()
                window.deleteLater()
                settle()
        finally:
            remove_translations()
            gate.stop()
    return shooter.written


def offscreen_4k_platform(folder: Path) -> str:
    """QT_QPA_PLATFORM for an offscreen 3840×2160 screen (its config file goes in folder)."""
    screen = {
        "name": "offscreen-4k",
        "x": 0,
        "y": 0,
        "width": SCREEN_4K[0],
        "height": SCREEN_4K[1],
        "logicalDpi": 96,
        "logicalBaseDpi": 96,
        "dpr": 1,
    }
    config = folder / "offscreen-4k.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return f"offscreen:configfile={config}"


def application_on(platform: str) -> Callable[[int], QApplication]:
    """Like create_application(headless=True), on a platform of our choosing (the 4K screen):
    prepare_environment would set the plain offscreen platform."""

    def create(port: int) -> QApplication:
        existing = QApplication.instance()
        if isinstance(existing, QApplication):
            return existing
        prepare_environment(headless=True)
        os.environ["QT_QPA_PLATFORM"] = platform
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setApplicationVersion(__version__)
        QCoreApplication.setOrganizationName("investigator-workstation")
        flags = chromium_flags(port, headless=True)
        return QApplication([sys.argv[0], "--webEngineArgs", *flags])

    return create


def shoot_4k_here(out_dir: Path) -> list[Path]:
    """The 4k set in this process, which must not have a QApplication yet."""
    if QApplication.instance() is not None:
        raise RuntimeError("the 4k set needs a process of its own (its pixel ratio is fixed)")
    os.environ["QT_SCALE_FACTOR"] = str(SCALE_FACTOR)
    with tempfile.TemporaryDirectory(prefix="workstation-4k-") as folder:
        platform = offscreen_4k_platform(Path(folder))
        return take_screenshots(
            out_dir, application_on(platform), sets=(("4k-", "light"),), size=WINDOW_SIZE_4K
        )


def shoot_4k_in_child(out_dir: Path) -> list[Path]:
    """The 4k set from a child process: this one's pixel ratio is already fixed."""
    environment = {**os.environ, "QT_SCALE_FACTOR": str(SCALE_FACTOR)}
    command = [sys.executable, str(Path(__file__).resolve()), str(out_dir), "--only", "4k"]
    done = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the 4k screenshots failed ({done.returncode}):\n{done.stderr}")
    return [Path(line) for line in done.stdout.splitlines() if line.endswith(".png")]


def headless_application(port: int) -> QApplication:
    return create_application(port, headless=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Save offscreen screenshots of the GUI.")
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--only", choices=SETS, help="one set: light, dark, de (German) or 4k")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out_dir = Path(args.out_dir).resolve()
    if args.only == "4k":
        written = shoot_4k_here(out_dir)
    else:
        themes = {"light": ("", "light"), "dark": ("dark-", "dark")}  # "de": German, light
        chosen = tuple(themes[name] for name in themes if args.only in (None, name))
        written = take_screenshots(out_dir, headless_application, sets=chosen)
        if args.only in (None, "de"):
            written += take_screenshots(
                out_dir, headless_application, sets=(("de-", "light"),), language="de"
            )
        if args.only is None:
            written += shoot_4k_in_child(out_dir)
    for path in written:
        print(path)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
