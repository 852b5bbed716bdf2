"""A real authoritative DNS server (Debian's knotd) on a loopback port, serving the test zones.

The zones in tests/data/dns/ are copied into a private folder with knot's run, storage
and key (KASP) databases, so nothing outside it is written, also when the tests run as
root. Two zones are signed by knot itself on load (a DNSSEC policy with fresh keys each
run), two are served unsigned. mod-stats counts every query, so a test can prove that a
refused lookup never reached the server.
"""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import dns.exception
import dns.message
import dns.query
import dns.rdatatype
import dns.zone
import pytest

from tests.support.procs import LoggedProcess, MissingTool, free_port, wait_until

ZONE_DIR = Path(__file__).resolve().parent.parent / "data" / "dns"
SIGNED_ZONES = ("webshop.example", "2.0.192.in-addr.arpa")
UNSIGNED_ZONES = ("xn--bcher-kva.example", "8.b.d.0.1.0.0.2.ip6.arpa")
START_TIMEOUT = 15.0  # knot signs two small zones on start; well under a second here
PROBE_TIMEOUT = 0.5


def knot_program(name: str) -> str:
    """knotd/knotc live in /usr/sbin, which is not on every user's PATH."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        raise MissingTool(
            f"{name} is not installed; run `apt-get install knot` "
            "(./test.sh installs every system package the suite needs)"
        )
    return found


def zone_from_data(origin: str) -> dns.zone.Zone:
    """A test zone as its file says, with absolute names (as answers carry them)."""
    return dns.zone.from_file(
        str(ZONE_DIR / f"{origin}.zone"), origin=origin, relativize=False, check_origin=True
    )


class Knot:
    """knotd on 127.0.0.1:port; start() returns once every zone answers over TCP."""

    def __init__(self, workdir: Path) -> None:
        self.knotd = knot_program("knotd")
        self.knotc = knot_program("knotc")
        self.workdir = workdir
        self.port = free_port()
        self.config = workdir / "knot.conf"
        self.process: LoggedProcess | None = None

    def start(self) -> Self:
        zones = self.workdir / "zones"
        for folder in ("run", "db", "kasp", "zones"):
            (self.workdir / folder).mkdir(mode=0o700)
        for origin in (*SIGNED_ZONES, *UNSIGNED_ZONES):
            shutil.copy(ZONE_DIR / f"{origin}.zone", zones / f"{origin}.zone")
        self.config.write_text(self._config(), encoding="utf-8")
        self.process = LoggedProcess(
            [self.knotd, "--config", str(self.config)], self.workdir / "knotd.log"
        )
        wait_until(self._ready, START_TIMEOUT, "knotd to serve the test zones (signed)")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def _config(self) -> str:
        zones = "".join(
            f"  - domain: {origin}\n    dnssec-signing: on\n    dnssec-policy: test\n"
            for origin in SIGNED_ZONES
        ) + "".join(f"  - domain: {origin}\n" for origin in UNSIGNED_ZONES)
        work = self.workdir
        return f"""server:
    rundir: "{work / "run"}"
    listen: 127.0.0.1@{self.port}
    udp-workers: 1
    tcp-workers: 2
    background-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "{work / "db"}"
    kasp-db: "{work / "kasp"}"
mod-stats:
  - id: counters
    request-protocol: on
policy:
  - id: test
    algorithm: ecdsap256sha256
    nsec3: off
template:
  - id: default
    storage: "{work / "zones"}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    global-module: mod-stats/counters
zone:
{zones}"""

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.proc.poll() is not None:
            log = "\n".join(self.process.lines()[-20:])
            raise RuntimeError(f"knotd exited with {self.process.proc.returncode}:\n{log}")
        try:
            return all(self._serves(origin, signed=True) for origin in SIGNED_ZONES) and all(
                self._serves(origin, signed=False) for origin in UNSIGNED_ZONES
            )
        except (OSError, dns.exception.DNSException):
            return False

    def _serves(self, origin: str, *, signed: bool) -> bool:
        answer = self.ask(origin, "SOA")
        types = {rrset.rdtype for rrset in answer.answer}
        return dns.rdatatype.SOA in types and (not signed or dns.rdatatype.RRSIG in types)

    def ask(self, name: str, rdtype: str) -> dns.message.Message:
        """A question put straight to knot (not through any route): for test set-up only."""
        query = dns.message.make_query(name, rdtype, want_dnssec=True)
        return dns.query.tcp(query, "127.0.0.1", port=self.port, timeout=PROBE_TIMEOUT)

    def queries_received(self) -> int:
        """How many DNS requests knot has received since it started (mod-stats)."""
        out = subprocess.run(
            [self.knotc, "--config", str(self.config), "stats", "mod-stats.request-protocol"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
        return sum(int(line.rsplit("=", 1)[1]) for line in out.splitlines() if "=" in line)


@pytest.fixture(scope="session")
def knot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Knot]:
    """knotd serving tests/data/dns on a loopback port, started once per session."""
    server = Knot(tmp_path_factory.mktemp("knot")).start()
    yield server
    server.stop()
