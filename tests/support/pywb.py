"""pywb, the web archive replay server, on loopback over collections the test makes.

pywb cannot share the project's venv (it pins an older cryptography), so it runs
from its own, .venv-pywb, made from requirements-pywb.lock by scripts/venv.sh
(test.sh does it; on first use here too, so a single test can be run directly).
"""

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

from tests.support.procs import free_port, port_accepts, wait_until

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-pywb"
LOCK = "requirements-pywb.lock"
SETUP_TIMEOUT = 900.0  # the first install downloads pywb and its dependencies
START_TIMEOUT = 60.0
FETCH_TIMEOUT = 30.0
# Straight to loopback: never through a proxy named in the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PywbUnavailable(RuntimeError):
    """The side venv with pywb could not be made."""


def pywb_program(name: str) -> Path:
    """A program of the pywb venv (wayback, wb-manager), making the venv if needed."""
    program = VENV / "bin" / name
    stamp = VENV / f".installed-{LOCK}"
    current = stamp.is_file() and stamp.read_bytes() == (ROOT / LOCK).read_bytes()
    if not (program.is_file() and current):
        _make_venv()
    if not program.is_file():
        raise PywbUnavailable(f"{program} is missing after installing {LOCK} into {VENV}")
    return program


def _make_venv() -> None:
    command = [str(ROOT / "scripts" / "venv.sh"), LOCK, VENV.name]
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=SETUP_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PywbUnavailable(f"`{' '.join(command)}` could not run: {exc}") from exc
    if done.returncode != 0:
        raise PywbUnavailable(
            f"pywb's venv could not be made with `scripts/venv.sh {LOCK} {VENV.name}` "
            f"(exit {done.returncode}); it needs the package index reachable once:\n"
            f"{done.stderr[-3000:]}"
        )


def _clean_environment(workdir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV"))
    }
    environment["HOME"] = str(workdir)
    # tldextract (used by pywb for cookies) would fetch the suffix list: keep it offline.
    environment["TLDEXTRACT_CACHE"] = str(workdir / "tldextract")
    return environment


class PywbServer:
    """`wayback` over collections in a work folder; collections are made before start()."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.wb_manager = pywb_program("wb-manager")
        self.wayback = pywb_program("wayback")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.workdir / "wayback.log"
        self._environment = _clean_environment(workdir)

    def _manage(self, *args: str) -> None:
        done = subprocess.run(
            [str(self.wb_manager), *args],
            cwd=self.workdir,
            env=self._environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"wb-manager {' '.join(args)} failed:\n{done.stderr}")

    def collection_from_warcs(self, name: str, warcs: list[Path]) -> None:
        """A collection indexed by pywb itself (`wb-manager init` and `add`)."""
        self._manage("init", name)
        self._manage("add", name, *(str(warc) for warc in warcs))

    def collection_with_index(self, name: str, warcs: list[Path], cdxj: Path) -> None:
        """A collection that replays through a given CDXJ index (pywb indexes nothing)."""
        self._manage("init", name)
        collection = self.workdir / "collections" / name
        for warc in warcs:
            shutil.copyfile(warc, collection / "archive" / warc.name)
        shutil.copyfile(cdxj, collection / "indexes" / "index.cdxj")

    def start(self) -> Self:
        argv = [str(self.wayback), "-b", "127.0.0.1", "-p", str(self.port), "-t", "2"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=self.workdir,
                env=self._environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until(self._answers, START_TIMEOUT, "pywb's wayback to answer")
        except (TimeoutError, AssertionError) as exc:
            self.stop()
            raise AssertionError(f"wayback did not start ({exc}):\n{self._log_tail()}") from None
        return self

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"wayback exited with {self.process.returncode}")
        if not port_accepts(self.port):
            return False
        try:
            with _DIRECT.open(self.url("/"), timeout=5) as reply:
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def replay_url(self, collection: str, timestamp: str, url: str) -> str:
        """The raw ("identity") replay of url: the archived bytes, not rewritten."""
        return self.url(f"/{collection}/{timestamp}id_/{url}")

    def fetch_raw(self, collection: str, timestamp: str, url: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.replay_url(collection, timestamp, url))
        try:
            with _DIRECT.open(request, timeout=FETCH_TIMEOUT) as reply:
                return int(reply.status), reply.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
