"""Cold start to a usable window: the workstation beside a bare QtWebEngine window.

Each run is a fresh process; the clock runs from spawn to the first event-loop
turn after the window is shown. Prints the median of several runs.
"""

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Runs the command given after it, then says ready: a stand-in for a window.
RUN_THEN_READY = (
    "import subprocess,sys;subprocess.run(sys.argv[1:],capture_output=True);print('ready')"
)
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def time_until_ready(argv: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1")
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{argv} never became ready")
    proc.wait(timeout=60)
    return elapsed


def median_of(argv: list[str]) -> tuple[float, float]:
    times = [time_until_ready(argv) for _ in range(RUNS)]
    return statistics.median(times), min(times)


def main() -> None:
    rows = [
        ("workstation main window", [sys.executable, str(HERE / "_window_ready.py"), "app"]),
        (
            "bare QWebEngineView (baseline)",
            [sys.executable, str(HERE / "_window_ready.py"), "bare"],
        ),
    ]
    chromium = shutil.which("chromium")
    if chromium:
        rows.append(
            (
                "chromium --headless about:blank (baseline)",
                [
                    sys.executable,
                    "-c",
                    RUN_THEN_READY,
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--dump-dom",
                    "about:blank",
                ],
            )
        )
    print(f"Cold start to a usable window, median (min) of {RUNS} runs")
    for label, argv in rows:
        median, low = median_of(argv)
        print(f"  {label:45s} {median * 1000:7.0f} ms  ({low * 1000:.0f} ms)")
    if not chromium:
        print("  chromium not installed: `apt-get install chromium` adds a headless baseline")


if __name__ == "__main__":
    main()
