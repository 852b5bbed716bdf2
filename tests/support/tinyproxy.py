"""A real HTTP CONNECT proxy (Debian's tinyproxy) on a loopback port, with or without login."""

from tests.support.procs import LoopbackProxy


class Tinyproxy(LoopbackProxy):
    """tinyproxy in the foreground; its log names every connection it opened."""

    program = "tinyproxy"
    package = "tinyproxy"
    scheme = "http"

    def argv(self) -> list[str]:
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
        return [self.binary, "-d", "-c", str(config)]

    def is_connection_to(self, line: str, port: int) -> bool:
        return f"opening connection to 127.0.0.1:{port}" in line
