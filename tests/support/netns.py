"""A small network of namespaces made by the test, to prove that nothing leaks around the route.

Three namespaces, each with its loopback up, joined by veth pairs (documentation
addresses only, RFC 5737, and no link to the host's own network):

    workstation 198.51.100.2 --- 198.51.100.1 route 203.0.113.1 --- 203.0.113.2 target

- workstation: runs the workstation's command line. Its default route goes to the route
  namespace, which forwards IP: a direct connection to the target would get through.
  Nothing stops a leak but the workstation itself; the counters show there is none.
- route: runs the proxy (microsocks) on 198.51.100.1; it alone resolves the target's
  names (shop.example, tsa.example, whois.example) from its own hosts file. It has no
  default route, so nothing can go further than the target namespace.
- target: the site, the timestamp authority and a WHOIS service, on 203.0.113.2.

nftables counters: in the target, packets by source (only the route's 203.0.113.1 may
appear); in the workstation, egress other than to the proxy's address and port; in the
route, packets it forwarded (a direct workstation-to-target path). IPv6 is switched off
in all three: the test network is IPv4 only, and the kernel's own neighbour discovery
would otherwise show up as egress.

Names: the route reads /etc/netns/<route>/hosts (which `ip netns exec` shows as its
/etc/hosts); the workstation's resolv.conf names the target's address, so a name the
workstation tried to resolve itself would show up in the counters. Both files are
removed with the namespaces.

Test servers are built as usual and their listening sockets then made inside the target
namespace (a thread that joins the namespace with setns(2) binds them; a socket belongs
to the namespace it was made in, whichever thread serves it later).
"""

import ctypes
import itertools
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import HTTPServer
from pathlib import Path
from typing import Self, TypeVar

from tests.support.cli import ROOT
from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.procs import LoggedProcess, require_program, wait_until

WORKSTATION_ADDRESS = "198.51.100.2"
WORKSTATION_NETWORK = "198.51.100.0/24"
PROXY_ADDRESS = "198.51.100.1"  # the route namespace, as the workstation sees it
ROUTE_EXIT_ADDRESS = "203.0.113.1"  # the route namespace, as the target sees it
TARGET_ADDRESS = "203.0.113.2"
PROXY_PORT = 1080
SITE_PORT = 80
TSA_PORT = 3161
WHOIS_PORT = 43
SITE_HOST = "shop.example"
TSA_HOST = "tsa.example"
WHOIS_HOST = "whois.example"
PROXY_URL = f"socks5://{PROXY_ADDRESS}:{PROXY_PORT}"

CLONE_NEWNET = 0x40000000
NETNS_DIR = Path("/run/netns")  # where `ip netns add` mounts each namespace
NETNS_ETC = Path("/etc/netns")  # `ip netns exec NAME` shows NAME's files over /etc
COMMAND_TIMEOUT = 10.0
WAIT = 10.0

T = TypeVar("T")
_names = itertools.count()


class NetnsUnavailable(RuntimeError):
    """Network namespaces cannot be made here (not root, or no permission)."""


def _ip() -> str:
    return require_program("ip", "iproute2")


def _nft() -> str:
    return require_program("nft", "nftables")


def _run(argv: list[str], what: str) -> str:
    """Run a set-up command; a failure names the command and its error output."""
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed: {' '.join(argv)}: {result.stderr.strip()}")
    return result.stdout


def _setns(path: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    with path.open("rb") as handle:
        if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns into {path}: {os.strerror(error)}")


class Namespace:
    """One network namespace made by the test, and the processes started in it."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.name = f"leak-{role}-{os.getpid()}-{next(_names)}"
        self.processes: list[LoggedProcess] = []

    def create(self) -> None:
        result = subprocess.run(
            [_ip(), "netns", "add", self.name],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise NetnsUnavailable(
                f"cannot create the network namespace {self.name} ({result.stderr.strip()}); "
                "the leak test makes its own namespaces and must run as root"
            )
        self.sysctl("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        self.ip("link", "set", "lo", "up")

    def exec_argv(self, argv: list[str]) -> list[str]:
        return [_ip(), "netns", "exec", self.name, *argv]

    def ip(self, *args: str) -> str:
        return _run([_ip(), "-n", self.name, *args], f"ip in {self.role}")

    def sysctl(self, *settings: str) -> None:
        # Written through /proc/sys in a thread inside: no sysctl program needed.
        def write() -> None:
            for setting in settings:
                key, value = setting.split("=", 1)
                Path("/proc/sys", *key.split(".")).write_text(value)

        self.inside(write)

    def write_etc(self, filename: str, text: str) -> None:
        """A file that commands run with `ip netns exec` see as /etc/FILENAME."""
        folder = NETNS_ETC / self.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_text(text)

    def inside(self, work: Callable[[], T]) -> T:
        """Run work in a thread that has joined this namespace; sockets it makes stay here."""
        outcome: list[T] = []
        failure: list[BaseException] = []

        def body() -> None:
            try:
                _setns(NETNS_DIR / self.name)
                outcome.append(work())
            except BaseException as exc:
                failure.append(exc)

        thread = threading.Thread(target=body, name=f"in-{self.name}", daemon=True)
        thread.start()
        thread.join(WAIT)
        if thread.is_alive():
            raise TimeoutError(f"work inside {self.name} did not finish in {WAIT}s")
        if failure:
            raise failure[0]
        return outcome[0]

    def listen(self, server: socketserver.TCPServer, host: str, port: int) -> None:
        """Give a built, not yet serving server a listening socket on host:port in here."""

        def make_socket() -> socket.socket:
            sock = socket.socket(server.address_family, server.socket_type)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(server.request_queue_size)
            return sock

        replacement = self.inside(make_socket)
        server.socket.close()
        server.socket = replacement
        server.server_address = replacement.getsockname()
        if isinstance(server, HTTPServer):
            # What HTTPServer.server_bind sets, without its reverse DNS lookup.
            server.server_name, server.server_port = host, port

    def load_nft(self, ruleset: str) -> None:
        subprocess.run(
            self.exec_argv([_nft(), "-f", "-"]),
            input=ruleset,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=True,
        )

    def counters(self) -> dict[str, int]:
        """Packets counted by each named counter of the table `leaktest`."""
        listing = _run(
            self.exec_argv([_nft(), "-j", "list", "counters", "table", "inet", "leaktest"]),
            f"reading the counters of {self.role}",
        )
        return {
            item["counter"]["name"]: int(item["counter"]["packets"])
            for item in json.loads(listing)["nftables"]
            if "counter" in item
        }

    def start(self, argv: list[str], log_path: Path) -> LoggedProcess:
        process = LoggedProcess(self.exec_argv(argv), log_path)
        self.processes.append(process)
        return process

    def delete(self) -> None:
        """Stop what the test started in here, then remove the namespace and its files."""
        for process in self.processes:
            process.stop()
        self._kill_leftovers()
        subprocess.run(
            [_ip(), "netns", "delete", self.name],
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        shutil.rmtree(NETNS_ETC / self.name, ignore_errors=True)

    def _kill_leftovers(self) -> None:
        # Anything still inside was started by this test (e.g. a browser helper
        # orphaned by a killed command line): ended by its id.
        result = subprocess.run(
            [_ip(), "netns", "pids", self.name],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        for pid in result.stdout.split():
            with suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


def _veth(left: Namespace, left_dev: str, right: Namespace, right_dev: str) -> None:
    _run(
        [
            _ip(), "link", "add", left_dev, "netns", left.name,
            "type", "veth", "peer", "name", right_dev, "netns", right.name,
        ],
        "making a veth pair",
    )  # fmt: skip


def _address(namespace: Namespace, device: str, address: str) -> None:
    namespace.ip("addr", "add", f"{address}/24", "dev", device)
    namespace.ip("link", "set", device, "up")


WORKSTATION_RULES = f"""
table inet leaktest {{
    counter to_proxy {{}}
    counter other_egress {{}}
    chain output {{
        type filter hook output priority 0; policy accept;
        oifname "lo" accept
        ip daddr {PROXY_ADDRESS} tcp dport {PROXY_PORT} counter name "to_proxy" accept
        counter name "other_egress"
    }}
}}
"""

ROUTE_RULES = """
table inet leaktest {
    counter forwarded {}
    chain forward {
        type filter hook forward priority 0; policy accept;
        counter name "forwarded"
    }
}
"""

TARGET_RULES = f"""
table inet leaktest {{
    counter site_via_route {{}}
    counter tsa_via_route {{}}
    counter whois_via_route {{}}
    counter from_workstation {{}}
    counter not_via_route {{}}
    chain input {{
        type filter hook input priority 0; policy accept;
        iifname "lo" accept
        ip saddr {WORKSTATION_NETWORK} counter name "from_workstation"
        ip saddr != {ROUTE_EXIT_ADDRESS} counter name "not_via_route" accept
        tcp dport {SITE_PORT} counter name "site_via_route"
        tcp dport {TSA_PORT} counter name "tsa_via_route"
        tcp dport {WHOIS_PORT} counter name "whois_via_route"
    }}
}}
"""


@dataclass
class LeakNetwork:
    """The three namespaces, their counters and the proxy between them."""

    workstation: Namespace
    route: Namespace
    target: Namespace
    workdir: Path
    proxy: LoggedProcess | None = None

    def build(self) -> None:
        for namespace in (self.workstation, self.route, self.target):
            namespace.create()
        _veth(self.workstation, "ws0", self.route, "rt0")
        _veth(self.route, "rt1", self.target, "tg0")
        _address(self.workstation, "ws0", WORKSTATION_ADDRESS)
        _address(self.route, "rt0", PROXY_ADDRESS)
        _address(self.route, "rt1", ROUTE_EXIT_ADDRESS)
        _address(self.target, "tg0", TARGET_ADDRESS)
        # A leak must be possible for its absence to mean something.
        self.workstation.ip("route", "add", "default", "via", PROXY_ADDRESS)
        self.target.ip("route", "add", "default", "via", ROUTE_EXIT_ADDRESS)
        self.route.sysctl("net.ipv4.ip_forward=1")
        self._write_name_files()
        self.workstation.load_nft(WORKSTATION_RULES)
        self.route.load_nft(ROUTE_RULES)
        self.target.load_nft(TARGET_RULES)

    def _write_name_files(self) -> None:
        names = " ".join((SITE_HOST, TSA_HOST, WHOIS_HOST))
        localhost = "127.0.0.1 localhost\n"
        self.route.write_etc("hosts", f"{localhost}{TARGET_ADDRESS} {names}\n")
        # The workstation cannot resolve the target; a lookup it tried anyway would go to
        # the target's address, where the counters see it.
        self.workstation.write_etc("hosts", localhost)
        self.workstation.write_etc("resolv.conf", f"nameserver {TARGET_ADDRESS}\n")

    def start_proxy(self) -> LoggedProcess:
        stdbuf = require_program("stdbuf", "coreutils")
        microsocks = require_program("microsocks", "microsocks")
        argv = [stdbuf, "-oL", "-eL", microsocks, "-i", PROXY_ADDRESS, "-p", str(PROXY_PORT)]
        self.proxy = self.route.start(argv, self.workdir / "microsocks.log")
        pid = self.proxy.proc.pid
        wait_until(lambda: _listens(pid, PROXY_ADDRESS, PROXY_PORT), WAIT, "microsocks to listen")
        return self.proxy

    def kill_proxy(self) -> None:
        """The route dies at once (SIGKILL), as a crashed or pulled proxy would."""
        assert self.proxy is not None, "the proxy was never started"
        self.proxy.proc.kill()
        self.proxy.proc.wait(timeout=WAIT)

    def proxy_connections(self) -> list[str]:
        """microsocks' log lines for the connections it opened."""
        lines = self.proxy.lines() if self.proxy is not None else []
        return [line for line in lines if "connected to" in line]

    def counters(self) -> dict[str, int]:
        """Every counter, as 'namespace role.counter name': packets."""
        return {
            f"{namespace.role}.{name}": packets
            for namespace in (self.workstation, self.route, self.target)
            for name, packets in namespace.counters().items()
        }

    def delete(self) -> None:
        for namespace in (self.workstation, self.route, self.target):
            namespace.delete()


def _listens(pid: int, address: str, port: int) -> bool:
    """Whether the process's namespace has a TCP socket listening on address:port.

    /proc/PID/net/tcp lists the sockets of PID's network namespace; addresses are in
    the kernel's byte order (little-endian here), ports in hexadecimal.
    """
    listen_state = "0A"
    wanted = f"{socket.inet_aton(address)[::-1].hex().upper()}:{port:04X}"
    try:
        table = Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return False
    return any(
        fields[1] == wanted and fields[3] == listen_state for fields in map(str.split, table)
    )


@contextmanager
def leak_network(workdir: Path) -> Iterator[LeakNetwork]:
    """The namespaces built and the proxy started; everything removed afterwards."""
    if os.geteuid() != 0:
        raise NetnsUnavailable("the leak test makes its own network namespaces: run it as root")
    network = LeakNetwork(
        Namespace("workstation"), Namespace("route"), Namespace("target"), workdir
    )
    try:
        network.build()
        network.start_proxy()
        yield network
    finally:
        network.delete()


# -- the target's services ---------------------------------------------------------------

SHOP_PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Namespace test shop</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Namespace test shop</h1><p id="offer">Offer: seller-5517.</p></body></html>
"""
HELD_PATH = "/held"


class TargetSite(LoopbackHttpServer):
    """The site on the target. A request for /held is kept waiting until released."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.held = threading.Event()  # a request for /held arrived
        self.release = threading.Event()
        self._lock = threading.Lock()
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(self.path)
                if self.path == HELD_PATH:
                    site.held.set()
                    site.release.wait(WAIT)
                with suppress(OSError):  # the route may be gone by the time it is answered
                    self.answer(200, "text/html; charset=utf-8", SHOP_PAGE)

        super().__init__(Handler)

    def url(self, path: str = "/") -> str:
        return f"http://{SITE_HOST}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return list(self.requests)

    def stop(self) -> None:
        self.release.set()
        super().stop()


WHOIS_ANSWER = (
    "Domain Name: SHOP.EXAMPLE\r\n"
    "Registrar: Namespace Test Registrar\r\n"
    "Creation Date: 2021-04-01T00:00:00Z\r\n"
    "Name Server: NS1.SHOP.EXAMPLE\r\n"
)


class TargetWhois(socketserver.ThreadingTCPServer):
    """A WHOIS service (RFC 3912): one query line in, a fixed record out; keeps the queries."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.queries: list[str] = []
        whois = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.connection.settimeout(WAIT)
                whois.queries.append(self.rfile.readline(4096).decode().strip())
                self.wfile.write(WHOIS_ANSWER.encode())

        super().__init__(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


# -- the workstation's command line, inside its namespace -----------------------------------


@dataclass
class RunningCli:
    """A command line started in a namespace, to be finished later."""

    process: "subprocess.Popen[str]"

    def finish(self, timeout: float = 120.0) -> "subprocess.CompletedProcess[str]":
        """Wait for it (killed by its id after timeout) and collect its output."""
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.communicate()
        return subprocess.CompletedProcess(
            self.process.args, self.process.returncode, stdout, stderr
        )


def start_cli(namespace: Namespace, *args: str, stdin: str = "") -> RunningCli:
    """`python main.py ARGS` inside the namespace, offscreen, with stdin fed in.

    stdin stays open until finish(); the commands read the lines they need. The
    output waits in pipes: a few kilobytes, far below what a pipe holds.
    """
    environment = dict(os.environ)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    python = str(ROOT / ".venv" / "bin" / "python")
    process = subprocess.Popen(
        namespace.exec_argv([python, str(ROOT / "main.py"), *args]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    assert process.stdin is not None
    process.stdin.write(stdin)
    process.stdin.flush()
    return RunningCli(process)


def run_cli_in(
    namespace: Namespace, *args: str, stdin: str = ""
) -> "subprocess.CompletedProcess[str]":
    return start_cli(namespace, *args, stdin=stdin).finish()
