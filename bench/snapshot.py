"""Snapshot time for a typical and a long (20-screen) page: click to sealed in the case.

Everything runs on loopback: a local site, a real SOCKS5 proxy (microsocks), the
route gate and a real encrypted case. Headless Chromium's --screenshot of the
same page is printed beside it when chromium is installed.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer

from tests.support.cases import fast_case
from tests.support.site import PAGES, LoopbackSite, long_page
from tests.support.socks import Microsocks
from workstation.app import create_application
from workstation.route import RouteGate, parse_route
from workstation.settings import Settings

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PAGES["/long20"] = ("text/html; charset=utf-8", long_page(screens=20, screen_height=900).encode())


def measure(window: object, url: str) -> list[float]:
    from workstation.ui.main_window import MainWindow  # noqa: PLC0415

    assert isinstance(window, MainWindow)
    times: list[float] = []
    state: dict[str, float] = {}
    # A local loop: QApplication.quit() would close the window (and its case).
    loop = QEventLoop()

    def load() -> None:
        window.navigate(url)

    def loaded(ok: bool) -> None:
        if not ok:
            raise RuntimeError(f"{url} did not load")
        state["start"] = time.perf_counter()
        window.take_snapshot()

    def sealed(_exhibit: object) -> None:
        times.append(time.perf_counter() - state["start"])
        if len(times) < RUNS:
            QTimer.singleShot(0, load)
        else:
            loop.quit()

    tab = window.current_tab()
    tab.page.loadFinished.connect(loaded)
    window.exhibitSealed.connect(sealed)

    def failed(reason: str) -> None:
        print("failed:", reason)
        loop.quit()

    window.snapshotFailed.connect(failed)
    QTimer.singleShot(0, load)
    loop.exec()
    tab.page.loadFinished.disconnect(loaded)
    window.exhibitSealed.disconnect(sealed)
    return times


def chromium_baseline(chromium: str, proxy: Microsocks, url: str, height: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(
                [
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    f"--user-data-dir={tmp}/profile",
                    f"--proxy-server=socks5://127.0.0.1:{proxy.port}",
                    "--proxy-bypass-list=<-loopback>",
                    f"--window-size=1280,{height}",
                    f"--screenshot={tmp}/shot.png",
                    url,
                ],
                capture_output=True,
                check=True,
                timeout=120,
            )
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    from workstation.ui.main_window import MainWindow  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    os.environ["WORKSTATION_HOME"] = str(work / "home")
    site = LoopbackSite().start()
    proxy = Microsocks(work).start()
    gate = RouteGate(parse_route(proxy.url))
    gate.start()
    create_application(gate.port, headless=True)
    window = MainWindow(gate, Settings())
    window.resize(1366, 900)
    window.show()
    window.set_case(fast_case(work / "bench.case"))
    rows = [
        ("typical page (1 screen)", site.url("/"), 900),
        ("long page (20 screens)", site.url("/long20"), 20 * 900 + 60),
    ]
    print(f"Snapshot, click to sealed in the case: median (min) of {RUNS} runs")
    chromium = shutil.which("chromium")
    for label, url, height in rows:
        times = measure(window, url)
        print(
            f"  workstation, {label:26s} {statistics.median(times) * 1000:7.0f} ms"
            f"  ({min(times) * 1000:.0f} ms)"
        )
        if chromium:
            base = chromium_baseline(chromium, proxy, url, height)
            median = statistics.median(base) * 1000
            print(
                f"  chromium --headless --screenshot, {label:7s} {median:7.0f} ms"
                f"  ({min(base) * 1000:.0f} ms)  (cold process each run, screenshot only)"
            )
    if not chromium:
        print("  chromium not installed: `apt-get install chromium` adds the headless baseline")
    window.close()  # releases the pages before their profiles
    gate.stop()
    proxy.stop()
    site.stop()


if __name__ == "__main__":
    main()
