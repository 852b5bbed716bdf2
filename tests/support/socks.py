"""A real SOCKS5 proxy (Debian's microsocks) on a loopback port."""

from pathlib import Path

from tests.support.procs import LoggedProcess, free_port, port_accepts, require_program, wait_until


class Microsocks:
    """microsocks listening on 127.0.0.1; its log names every connection it made."""

    def __init__(self, workdir: Path, user: str | None = None, password: str | None = None):
        self.binary = require_program("microsocks", "microsocks")
        self.workdir = workdir
        self.port = free_port()
        self.user = user
        self.password = password
        self.process: LoggedProcess | None = None

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"socks5://{auth}127.0.0.1:{self.port}"

    def start(self) -> "Microsocks":
        # stdbuf: microsocks logs through stdio, block-buffered into a pipe;
        # line buffering makes each connection visible as it happens.
        stdbuf = require_program("stdbuf", "coreutils")
        argv = [stdbuf, "-oL", "-eL", self.binary, "-i", "127.0.0.1", "-p", str(self.port)]
        if self.user and self.password:
            argv += ["-u", self.user, "-P", self.password]
        self.process = LoggedProcess(argv, self.workdir / f"microsocks-{self.port}.log")
        wait_until(lambda: port_accepts(self.port), 10, "microsocks to listen")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def connections_to(self, port: int) -> list[str]:
        """Log lines of connections microsocks made to 127.0.0.1:port."""
        if self.process is None:
            return []
        return [line for line in self.process.lines() if f":{port}" in line and "connected" in line]
