"""Helpers for starting real peer processes in tests."""

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self


class MissingTool(RuntimeError):
    """A system program the tests need is not installed."""


def require_program(name: str, package: str) -> str:
    """Path of a system program, or a failure that says how to install it."""
    path = shutil.which(name)
    if path is None:
        raise MissingTool(
            f"{name} is not installed; run `apt-get install {package}` "
            "(./test.sh installs every system package the suite needs)"
        )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition of an external process (not a Qt signal) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class LoggedProcess:
    """A subprocess whose combined output is collected in the background."""

    def __init__(self, argv: list[str], log_path: Path) -> None:
        self.argv = argv
        self.log_path = log_path
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            for line in self.proc.stdout:
                log.write(line)
                with self._lock:
                    self._lines.append(line.rstrip("\n"))

    def lines(self) -> list[str]:
        with self._lock:
            return list(self._lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)


class LoopbackProxy:
    """A proxy program on a free loopback port whose log lists the connections it opened.

    Subclasses name the program, the URL scheme, how to start it and which log
    lines mean "connected to 127.0.0.1:PORT".
    """

    program = ""
    package = ""
    scheme = ""

    def __init__(self, workdir: Path, user: str | None = None, password: str | None = None):
        self.binary = require_program(self.program, self.package)
        self.workdir = workdir
        self.port = free_port()
        self.user = user
        self.password = password
        self.process: LoggedProcess | None = None

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"{self.scheme}://{auth}127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> Self:
        log = self.workdir / f"{self.program}-{self.port}.log"
        self.process = LoggedProcess(self.argv(), log)
        wait_until(lambda: port_accepts(self.port), 10, f"{self.program} to listen")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def is_connection_to(self, line: str, port: int) -> bool:
        raise NotImplementedError

    def connections_to(self, port: int) -> list[str]:
        """Log lines of connections the proxy opened to 127.0.0.1:port."""
        if self.process is None:
            return []
        return [line for line in self.process.lines() if self.is_connection_to(line, port)]
