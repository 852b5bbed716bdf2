"""A private Tor network on loopback, built once per test session.

Three directory authorities (keys made with tor-gencert) and two exit relays, all on
127.0.0.1 with TestingTorNetwork and short voting intervals, as measured in
../shared/notes/tor-test-network.md. Clients (the workstation's managed tor) join it
with the lines from `client_config_lines()`, given to them as --tor-config.

The fixtures (tor_network, tor_gate) live in tests/support/tornet_plugin.py.
"""

import logging
import math
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from tests.support.procs import LoggedProcess, free_port, require_program, wait_until
from workstation.route import GateEvent, RouteGate, RouteSpec, RouteStatus, TorOptions, parse_route
from workstation.route.tor import ManagedTor, TorStream

log = logging.getLogger(__name__)

AUTHORITIES = 3
EXITS = 2
VOTING_INTERVAL = 10  # seconds; the notes' fast schedule
FIRST_VOTE_AFTER = 5  # seconds after launch: every relay has uploaded its descriptor by then
VOTE_TO_PUBLISH = 4  # vote delay + distribution delay: votes come this long before publication
READY_TIMEOUT = 90.0
TOOL_TIMEOUT = 30.0
TOR_WAIT = 60.0  # bound for a client's bootstrap or a stream on this network; never slept
T = TypeVar("T")


@dataclass
class Node:
    nickname: str
    datadir: Path
    or_port: int
    dir_port: int | None = None  # authorities only
    fingerprint: str = ""
    v3ident: str = ""  # authorities only
    process: LoggedProcess | None = None

    @property
    def is_authority(self) -> bool:
        return self.dir_port is not None


class TorTestNetwork:
    """Authorities and exits on loopback; start() returns once clients can bootstrap."""

    def __init__(self, workdir: Path) -> None:
        self.tor = require_program("tor", "tor")
        self.gencert = require_program("tor-gencert", "tor")
        self.workdir = workdir
        self.empty_file = workdir / "empty"
        self.nodes: list[Node] = []
        self.bootstrap_seconds = 0.0

    @property
    def authorities(self) -> list[Node]:
        return [node for node in self.nodes if node.is_authority]

    @property
    def exits(self) -> list[Node]:
        return [node for node in self.nodes if not node.is_authority]

    # ---- life cycle ----

    def start(self) -> "TorTestNetwork":
        began = time.monotonic()
        self.empty_file.write_text("")
        self.nodes = [self._node(f"auth{i}", authority=True) for i in range(AUTHORITIES)]
        self.nodes += [self._node(f"exit{i}", authority=False) for i in range(EXITS)]
        try:
            self._make_keys()
            valid_after = time.time() + FIRST_VOTE_AFTER + VOTE_TO_PUBLISH
            for node in self.nodes:
                node.process = self._launch(node, valid_after)
            self._wait_for_consensus()
        except BaseException:
            self.stop()
            raise
        self.bootstrap_seconds = time.monotonic() - began
        log.warning("test Tor network ready in %.1f s", self.bootstrap_seconds)
        return self

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None:
                node.process.stop()
                node.process = None

    def running(self) -> bool:
        return all(n.process is not None and n.process.proc.poll() is None for n in self.nodes)

    # ---- what clients need ----

    def client_config_lines(self) -> list[str]:
        """torrc lines that make a client use this network (and only it)."""
        return [
            "TestingTorNetwork 1",
            *self._dir_authority_lines(),
            # Empty GeoIP files: no country data on loopback anyway, and ~35 MiB less.
            f"GeoIPFile {self.empty_file}",
            f"GeoIPv6File {self.empty_file}",
            # Conflux spreads a stream over two linked circuits (same exit), so "which
            # circuit carried it" would have two answers; tests compare circuit ids.
            "ConfluxEnabled 0",
        ]

    def unreachable_client_config_lines(self) -> list[str]:
        """Like client_config_lines, but every authority's ports are closed: a client
        configured so starts and never gets past the first few percent."""
        closed = [
            f"DirAuthority {node.nickname} orport={free_port()} no-v2 v3ident={node.v3ident} "
            f"127.0.0.1:{free_port()} {node.fingerprint}"
            for node in self.authorities
        ]
        return ["TestingTorNetwork 1", *closed, f"GeoIPFile {self.empty_file}"]

    @property
    def exit_fingerprints(self) -> set[str]:
        return {node.fingerprint for node in self.exits}

    def write_client_config(self, path: Path) -> Path:
        path.write_text("\n".join(self.client_config_lines()) + "\n", encoding="utf-8")
        return path

    # ---- building ----

    def _node(self, nickname: str, *, authority: bool) -> Node:
        datadir = self.workdir / nickname
        (datadir / "keys").mkdir(parents=True, mode=0o700)
        datadir.chmod(0o700)
        dir_port = free_port() if authority else None
        return Node(nickname, datadir, free_port(), dir_port)

    def _make_keys(self) -> None:
        """Authority certificates and relay fingerprints, made in parallel."""
        jobs = [(node, self._gencert(node)) for node in self.authorities]
        jobs += [(node, self._list_fingerprint(node)) for node in self.nodes]
        for node, job in jobs:
            _out, err = job.communicate(timeout=TOOL_TIMEOUT)
            if job.returncode != 0:
                raise RuntimeError(f"key generation for {node.nickname} failed: {err.strip()}")
        for node in self.nodes:
            node.fingerprint = (node.datadir / "fingerprint").read_text().split()[1]
            if node.is_authority:
                node.v3ident = _certificate_fingerprint(node.datadir / "keys")

    def _gencert(self, node: Node) -> "subprocess.Popen[str]":
        keys = node.datadir / "keys"
        job = subprocess.Popen(
            [
                self.gencert,
                "--create-identity-key",
                "-m",
                "12",
                "-a",
                f"127.0.0.1:{node.dir_port}",
                "-i",
                str(keys / "authority_identity_key"),
                "-s",
                str(keys / "authority_signing_key"),
                "-c",
                str(keys / "authority_certificate"),
                "--passphrase-fd",
                "0",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert job.stdin is not None
        job.stdin.write("\n")  # an empty passphrase
        job.stdin.close()
        job.stdin = None  # communicate() must not touch the closed pipe
        return job

    def _list_fingerprint(self, node: Node) -> "subprocess.Popen[str]":
        return subprocess.Popen(
            [
                self.tor,
                "--list-fingerprint",
                *self._no_system_torrc(),
                "--DataDirectory",
                str(node.datadir),
                "--ORPort",
                str(node.or_port),
                "--Nickname",
                node.nickname,
                "--Address",
                "127.0.0.1",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _no_system_torrc(self) -> list[str]:
        return ["-f", str(self.empty_file), "--defaults-torrc", str(self.empty_file)]

    def _launch(self, node: Node, valid_after: float) -> LoggedProcess:
        torrc = node.datadir / "torrc"
        torrc.write_text("\n".join(self._torrc(node, valid_after)) + "\n", encoding="utf-8")
        argv = [self.tor, "-f", str(torrc), "--defaults-torrc", str(self.empty_file)]
        return LoggedProcess(argv, node.datadir / "tor.log")

    def _torrc(self, node: Node, valid_after: float) -> list[str]:
        lines = [
            "TestingTorNetwork 1",
            f"DataDirectory {node.datadir}",
            f"Nickname {node.nickname}",
            "Address 127.0.0.1",
            f"ORPort 127.0.0.1:{node.or_port}",
            "AssumeReachable 1",
            "SocksPort 0",
            "ShutdownWaitLength 0",
            "Log notice stdout",
            "SafeLogging 0",
            f"GeoIPFile {self.empty_file}",
            f"GeoIPv6File {self.empty_file}",
            "ContactInfo tests@localhost",
            # Should the test session be killed, tor notices within seconds and exits too.
            f"__OwningControllerProcess {os.getpid()}",
            *self._dir_authority_lines(),
        ]
        if node.is_authority:
            return lines + self._authority_lines(node, valid_after)
        # accept *:* rather than 127.0.0.0/8 only: a narrower policy summarises to
        # "reject all" in microdescriptors and clients would never pick the exit.
        exit_lines = ["ExitRelay 1", "ExitPolicy accept *:*", "RefuseUnknownExits 0", "DirCache 0"]
        return lines + exit_lines

    @staticmethod
    def _authority_lines(node: Node, valid_after: float) -> list[str]:
        # Consensuses become valid at multiples of the interval plus this offset, their
        # votes VOTE_TO_PUBLISH seconds earlier: aim the first vote a few seconds after
        # launch, once every relay has published its descriptor.
        offset = math.ceil(valid_after) % VOTING_INTERVAL
        return [
            "AuthoritativeDirectory 1",
            "V3AuthoritativeDirectory 1",
            f"DirPort 127.0.0.1:{node.dir_port}",
            "ExitPolicy reject *:*",
            f"V3AuthVotingInterval {VOTING_INTERVAL}",
            f"TestingV3AuthInitialVotingInterval {VOTING_INTERVAL}",
            "V3AuthVoteDelay 2",
            "TestingV3AuthInitialVoteDelay 2",
            "V3AuthDistDelay 2",
            "TestingV3AuthInitialDistDelay 2",
            "V3AuthNIntervalsValid 2",
            f"TestingV3AuthVotingStartOffset {offset}",
        ]

    def _dir_authority_lines(self) -> list[str]:
        return [
            f"DirAuthority {node.nickname} orport={node.or_port} no-v2 v3ident={node.v3ident} "
            f"127.0.0.1:{node.dir_port} {node.fingerprint}"
            for node in self.authorities
        ]

    def _wait_for_consensus(self) -> None:
        expected = {node.nickname for node in self.nodes}
        wait_until(
            lambda: self._consensus_lists(expected),
            READY_TIMEOUT,
            "the test Tor network's consensus to list every relay",
        )

    def _consensus_lists(self, expected: set[str]) -> bool:
        if not self.running():
            died = [n.nickname for n in self.nodes if n.process and n.process.proc.poll()]
            raise RuntimeError(f"test Tor relays exited: {died}; see {self.workdir}/*/tor.log")
        port = self.authorities[0].dir_port
        url = f"http://127.0.0.1:{port}/tor/status-vote/current/consensus-microdesc"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                text = answer.read().decode("ascii", "replace")
        except (urllib.error.URLError, OSError):
            return False
        listed = {line.split()[1] for line in text.splitlines() if line.startswith("r ")}
        return expected <= listed


def _certificate_fingerprint(keys: Path) -> str:
    for line in (keys / "authority_certificate").read_text().splitlines():
        if line.startswith("fingerprint "):
            return line.split()[1]
    raise RuntimeError(f"no fingerprint in {keys / 'authority_certificate'}")


# ---- for tests that browse through the managed Tor on this network ----


class Collector(Generic[T]):
    """Collects callback values (from any thread) and waits for one that matches."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._changed = threading.Condition()

    def __call__(self, item: T) -> None:
        with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    def __len__(self) -> int:
        with self._changed:
            return len(self.items)

    def wait_for(
        self, matches: Callable[[T], bool], what: str, *, after: int = 0, timeout: float = TOR_WAIT
    ) -> T:
        """The first item at index >= after that matches, waiting for it if needed."""

        def find() -> T | None:
            return next((item for item in self.items[after:] if matches(item)), None)

        with self._changed:
            if not self._changed.wait_for(lambda: find() is not None, timeout):
                raise AssertionError(f"timed out waiting for {what}; got {self.items[after:]}")
            found = find()
            assert found is not None
            return found


@dataclass
class TorGate:
    gate: RouteGate
    events: Collector[GateEvent]
    statuses: Collector[RouteStatus]
    streams: Collector[TorStream]

    @property
    def port(self) -> int:
        return self.gate.port

    @property
    def tor(self) -> ManagedTor:
        tor = self.gate.managed_tor
        assert tor is not None
        return tor

    def circuit_for(self, username: str, target: str, *, after: int) -> str:
        """The circuit of the first stream to target by this SOCKS login after index after."""
        stream = self.streams.wait_for(
            lambda s: s.status == "SUCCEEDED" and s.username == username and s.target == target,
            f"a stream to {target} for {username}",
            after=after,
        )
        assert stream.circuit_id is not None
        return stream.circuit_id


def tor_route(
    network: TorTestNetwork, *extra: str, base: str = "tor", reachable: bool = True
) -> RouteSpec:
    """A route on the managed Tor that joins the test network (or fails to reach it)."""
    joining = (
        network.client_config_lines() if reachable else network.unreachable_client_config_lines()
    )
    lines = (*joining, *extra)
    return parse_route(base).with_tor_options(TorOptions(extra_config=lines))


def started_tor_gate(route: RouteSpec) -> TorGate:
    """A started gate on route whose tor has bootstrapped; the caller stops it."""
    gate = RouteGate(route)
    events: Collector[GateEvent] = Collector()
    statuses: Collector[RouteStatus] = Collector()
    streams: Collector[TorStream] = Collector()
    gate.add_observer(events)
    gate.add_status_observer(statuses)
    gate.start()
    try:
        tor = gate.managed_tor
        assert tor is not None
        tor.add_stream_listener(streams)
        gate.wait_ready(TOR_WAIT)
    except BaseException:
        gate.stop()
        raise
    return TorGate(gate, events, statuses, streams)
