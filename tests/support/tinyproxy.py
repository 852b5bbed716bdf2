"""A real HTTP CONNECT proxy (Debian's tinyproxy) on a loopback port, with or without login."""

from pathlib import Path

from tests.support.procs import LoggedProcess, free_port, port_accepts, require_program, wait_until


class Tinyproxy:
    """tinyproxy in the foreground; its log names every connection it opened."""

    def __init__(self, workdir: Path, user: str | None = None, password: str | None = None):
        self.binary = require_program("tinyproxy", "tinyproxy")
        self.workdir = workdir
        self.port = free_port()
        self.user = user
        self.password = password
        self.process: LoggedProcess | None = None

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"http://{auth}127.0.0.1:{self.port}"

    def start(self) -> "Tinyproxy":
        config = self.workdir / f"tinyproxy-{self.port}.conf"
        lines = [
            f"Port {self.port}",
            "Listen 127.0.0.1",
            "Allow 127.0.0.1",
            "Timeout 30",
            "MaxClients 20",
            "LogLevel Info",
            "DisableViaHeader Yes",
        ]
        if self.user and self.password:
            lines.append(f"BasicAuth {self.user} {self.password}")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        argv = [self.binary, "-d", "-c", str(config)]
        self.process = LoggedProcess(argv, self.workdir / f"tinyproxy-{self.port}.log")
        wait_until(lambda: port_accepts(self.port), 10, "tinyproxy to listen")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def connections_to(self, port: int) -> list[str]:
        """Log lines of connections tinyproxy opened to 127.0.0.1:port."""
        if self.process is None:
            return []
        mark = f"opening connection to 127.0.0.1:{port}"
        return [line for line in self.process.lines() if mark in line]
