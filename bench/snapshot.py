"""Snapshot time for a typical and a long (20-screen) page: click to sealed in the case.

Everything runs on loopback: a local site, a real SOCKS5 proxy (microsocks), the
recording route gate and a real encrypted case, as in the application. Beside it, in
the same run: headless Chromium's --screenshot of the same page, and
`wget --page-requisites --warc-file` of it. Then evidence hashing throughput on a
500 MB download beside `openssl dgst -sha256` (target: at least 70 %).
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
# The benchmark's sites live on loopback, which the route gate otherwise refuses.
os.environ["WORKSTATION_ALLOW_LOCAL_DESTINATIONS"] = "1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer

from tests.support.cases import fast_case
from tests.support.site import PAGES, LoopbackSite, long_page
from tests.support.socks import Microsocks
from workstation.app import create_application
from workstation.evidence.manifest import sha256_hex
from workstation.evidence.recorder import Recorder
from workstation.route import RouteGate, parse_route
from workstation.route.interception_ca import InterceptionCA
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


def wget_baseline(url: str) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(RUNS):
            start = time.perf_counter()
            subprocess.run(
                ["wget", "-q", "--page-requisites", "--no-proxy", f"--directory-prefix={tmp}",
                 f"--warc-file={tmp}/page-{run}", url],
                capture_output=True, check=True, timeout=120,
            )  # fmt: skip
            times.append(time.perf_counter() - start)
    return times


def hashing_figures(work: Path) -> None:
    size_mb = int(os.environ.get("BENCH_HASH_MB", "500"))
    path = work / "download.bin"
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for _ in range(size_mb):
            out.write(block)
    data = path.read_bytes()
    start = time.perf_counter()
    ours = sha256_hex(data)  # what sealing does with every artifact
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    openssl = subprocess.run(
        ["openssl", "dgst", "-sha256", "-r", str(path)], capture_output=True, text=True, check=True
    )
    openssl_s = time.perf_counter() - start
    assert openssl.stdout.split()[0] == ours
    path.unlink()
    print(f"\nEvidence hashing, {size_mb} MB download (target: at least 70 % of openssl)")
    print(f"  workstation (sha256 of the artifact)  {size_mb / ours_s:7.0f} MB/s")
    print(f"  openssl dgst -sha256 (from the file)  {size_mb / openssl_s:7.0f} MB/s")
    print(f"  ratio                                 {openssl_s / ours_s:7.0%}")


def main() -> None:
    from workstation.ui.main_window import MainWindow  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    os.environ["WORKSTATION_HOME"] = str(work / "home")
    site = LoopbackSite().start()
    proxy = Microsocks(work).start()
    recorder = Recorder(InterceptionCA.ephemeral())
    gate = RouteGate(parse_route(proxy.url), interception=recorder.interception())
    gate.start()
    create_application(gate.port, headless=True, spki_pin=recorder.spki_pin())
    window = MainWindow(gate, Settings(), recorder=recorder)
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
        if shutil.which("wget"):
            base = wget_baseline(url)
            print(
                f"  wget --page-requisites --warc-file, {label:5s} "
                f"{statistics.median(base) * 1000:7.0f} ms  ({min(base) * 1000:.0f} ms)"
                "  (no proxy, no rendering)"
            )
    if not chromium:
        print("  chromium not installed: `apt-get install chromium` adds the headless baseline")
    hashing_figures(work)
    window.close()  # releases the pages before their profiles
    gate.stop()
    proxy.stop()
    site.stop()


if __name__ == "__main__":
    main()
