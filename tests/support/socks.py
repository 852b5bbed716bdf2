"""A real SOCKS5 proxy (Debian's microsocks) on a loopback port."""

from tests.support.procs import LoopbackProxy, require_program


class Microsocks(LoopbackProxy):
    """microsocks listening on 127.0.0.1; its log names every connection it made."""

    program = "microsocks"
    package = "microsocks"
    scheme = "socks5"

    def argv(self) -> list[str]:
        # stdbuf: microsocks logs through stdio, block-buffered into a pipe;
        # line buffering makes each connection visible as it happens.
        stdbuf = require_program("stdbuf", "coreutils")
        argv = [stdbuf, "-oL", "-eL", self.binary, "-i", "127.0.0.1", "-p", str(self.port)]
        if self.user and self.password:
            argv += ["-u", self.user, "-P", self.password]
        return argv

    def is_connection_to(self, line: str, port: int) -> bool:
        return f":{port}" in line and "connected" in line
