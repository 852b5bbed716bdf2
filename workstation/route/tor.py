"""The app's own tor: launched, watched and stopped here, spoken to with stem.

Launch method: our own Popen plus a stem Controller on a control socket, rather than
stem.process.launch_tor_with_config. We hold the process from its first instant, so a
tor still bootstrapping can be stopped (the officer closes the window at 40%) and a
crash is seen the moment the process exits; launch_tor_* hides the process until
bootstrap is done and implements its timeout with SIGALRM, which works on the main
thread only, while we start tor in the background. Progress comes from the control
port's STATUS_CLIENT events instead of parsed log lines.

Threads: start() returns at once; a launcher thread spawns tor and connects the
controller, one thread reads tor's output, one waits for the process to exit, and
stem delivers events on its own thread. Status listeners run on those threads.
"""

import logging
import os
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import stem
import stem.connection
import stem.control
import stem.response.events
from stem.control import EventType, Listener

from workstation.errors import RouteError, RouteUnavailable
from workstation.route.spec import TorOptions
from workstation.route.status import RouteStatus, StatusCallback
from workstation.route.torrc import (
    DEFAULTS_NAME,
    control_socket,
    find_tor_binary,
    make_runtime_dir,
    write_torrc,
)

log = logging.getLogger(__name__)
# stem sets its logger to its own TRACE level, which bypasses the application's log level
# and floods standard error with control-port chatter; only its warnings matter here.
logging.getLogger("stem").setLevel(logging.WARNING)

CONTROL_OPENED = "Opened Control listener"  # tor's notice once the control socket accepts
CONTROL_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
OUTPUT_KEPT = 40
OUTPUT_DRAIN_TIMEOUT = 2.0
STOPPED_DETAIL = "Tor is not running."
CRASHED = "Tor stopped unexpectedly"

StreamCallback = Callable[["TorStream"], None]


@dataclass(frozen=True)
class TorStream:
    """One STREAM event: which circuit carried which target, for which SOCKS login."""

    stream_id: str
    status: str
    circuit_id: str | None
    target: str
    username: str | None


@dataclass(frozen=True)
class CircuitInfo:
    circuit_id: str
    exit_fingerprint: str
    exit_nickname: str


@dataclass(frozen=True)
class RelayInfo:
    fingerprint: str
    nickname: str
    address: str | None


class _StopRequested(Exception):
    """stop() was called while the launcher was still at work."""


class ManagedTor:
    """One tor process, from start() to stop(); not restartable (make a new one)."""

    def __init__(self, options: TorOptions | None = None, *, runtime_dir: Path | None = None):
        self._options = options or TorOptions()
        self._runtime_dir = runtime_dir
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._status = RouteStatus("stopped", 0, "not started", "Tor has not been started.")
        self._listeners: list[StatusCallback] = []
        self._stream_listeners: list[StreamCallback] = []
        self._started = False
        self._stopping = False
        self._proc: subprocess.Popen[str] | None = None
        self._controller: stem.control.Controller | None = None
        self._datadir: Path | None = None
        self._socks_port: int | None = None
        self._output: deque[str] = deque(maxlen=OUTPUT_KEPT)
        self._control_opened = threading.Event()
        self._output_done = threading.Event()
        self._last_circuit: dict[str, str] = {}  # SOCKS user name -> circuit of its last stream
        self._warning = ""
        self._threads: list[threading.Thread] = []

    # ---- observing ----

    def add_listener(self, callback: StatusCallback) -> None:
        """callback(RouteStatus) on every change: progress, ready, failure, stop."""
        with self._lock:
            self._listeners.append(callback)

    def add_stream_listener(self, callback: StreamCallback) -> None:
        """callback(TorStream) for every STREAM event (tests use it to see circuits)."""
        with self._lock:
            self._stream_listeners.append(callback)

    @property
    def status(self) -> RouteStatus:
        with self._lock:
            return self._status

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None else None

    @property
    def data_dir(self) -> Path | None:
        with self._lock:
            return self._datadir

    @property
    def socks_port(self) -> int:
        """The SocksPort of a ready tor; RouteUnavailable (saying why) otherwise."""
        with self._lock:
            status, port = self._status, self._socks_port
        if status.state != "ready" or port is None:
            raise RouteUnavailable(status.detail)
        return port

    # ---- life cycle ----

    def start(self) -> None:
        """Launch tor in the background; progress arrives through the listeners."""
        with self._lock:
            if self._started:
                raise RuntimeError("a ManagedTor starts only once")
            self._started = True
        self._set_status(RouteStatus("starting", 0, "Starting", "Tor is starting (0%)."))
        self._spawn_thread(self._launch, "tor-launcher")

    def wait_ready(self, timeout: float) -> None:
        """Block until tor is ready; RouteUnavailable if it fails or takes longer than timeout."""
        with self._changed:
            finished = self._changed.wait_for(lambda: self._status.state != "starting", timeout)
            status, warning = self._status, self._warning
        if not finished:
            hint = f" Tor reports: {warning}." if warning else ""
            raise RouteUnavailable(
                f"Tor did not finish connecting within {timeout:g} seconds "
                f"(it reached {status.percent}%: {status.summary}).{hint}"
            )
        if status.state != "ready":
            raise RouteUnavailable(status.detail)

    def stop(self) -> None:
        """Stop tor (SIGTERM, then SIGKILL) and remove its data; safe to call more than once."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            proc, controller = self._proc, self._controller
        self._control_opened.set()  # a launcher waiting for the socket gives up now
        if proc is not None:
            _terminate(proc)
        if controller is not None:
            controller.close()
        self._join_threads()
        with self._lock:  # read only now: the launcher may have made it meanwhile
            datadir = self._datadir
        if datadir is not None:
            shutil.rmtree(datadir, ignore_errors=True)
        self._set_status(RouteStatus("stopped", 0, "stopped", STOPPED_DETAIL))
        log.info("tor stopped")

    # ---- asking tor (blocking; call from worker threads or asyncio.to_thread) ----

    def bootstrap_phase(self) -> tuple[int, str]:
        phase = self._ask(lambda c: c.get_info("status/bootstrap-phase"))
        return parse_bootstrap_phase(phase)

    def circuit_established(self) -> bool:
        return bool(self._ask(lambda c: c.get_info("status/circuit-established")) == "1")

    def circuit_for(self, username: str) -> CircuitInfo | None:
        """The built circuit that carried this SOCKS login's latest stream, if it still exists."""
        circuits = self._ask(lambda c: c.get_circuits())
        mine = [
            c
            for c in circuits
            if c.status == stem.CircStatus.BUILT and c.socks_username == username and c.path
        ]
        if not mine:
            return None
        with self._lock:
            last = self._last_circuit.get(username)
        chosen = next((c for c in mine if c.id == last), max(mine, key=lambda c: int(c.id)))
        fingerprint, nickname = chosen.path[-1]
        return CircuitInfo(str(chosen.id), str(fingerprint), str(nickname or ""))

    def relay(self, fingerprint: str) -> RelayInfo:
        """A relay's nickname and address from the consensus tor is using."""
        entry = self._ask(lambda c: c.get_network_status(fingerprint, None))
        if entry is None:
            return RelayInfo(fingerprint, "", None)
        return RelayInfo(fingerprint, str(entry.nickname), str(entry.address))

    def country_of(self, address: str) -> str | None:
        """Two-letter country code from tor's GeoIP data; None if unknown or not loaded."""
        try:
            answer = self._ask(lambda c: c.get_info(f"ip-to-country/{address}"))
        except RouteUnavailable:
            return None
        code = str(answer).strip().upper()
        return code if len(code) == 2 and code.isalpha() and code != "??" else None

    def new_identity_all(self) -> None:
        """NEWNYM: fresh circuits for every new stream (tor rate-limits it to ~every 10 s)."""
        self._ask(lambda c: c.signal(stem.Signal.NEWNYM))

    def _ask(self, question: Callable[[stem.control.Controller], Any]) -> Any:
        with self._lock:
            controller, status = self._controller, self._status
        if controller is None or status.state not in ("starting", "ready"):
            raise RouteUnavailable(status.detail)
        try:
            return question(controller)
        except (stem.ControllerError, stem.SocketError, ValueError) as exc:
            raise RouteUnavailable(f"Tor did not answer ({exc}).") from None

    # ---- the launcher thread ----

    def _launch(self) -> None:
        try:
            proc = self._spawn()
            self._await_control_socket(proc)
            self._connect_controller()
        except _StopRequested:
            return
        except RouteError as exc:
            self._fail(str(exc))
        except Exception:
            log.exception("tor could not be started")
            self._fail("Tor could not be started (an unexpected error; see the log).")

    def _spawn(self) -> "subprocess.Popen[str]":
        binary = find_tor_binary(self._options.binary)
        datadir = make_runtime_dir(self._runtime_dir)
        with self._lock:
            self._datadir = datadir
        torrc = write_torrc(
            datadir, owner_pid=os.getpid(), binary=binary, extra=self._options.extra_config
        )
        argv = [binary, "-f", str(torrc), "--defaults-torrc", str(datadir / DEFAULTS_NAME)]
        with self._lock:
            if self._stopping:
                raise _StopRequested
            try:
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    errors="replace",
                    bufsize=1,
                    # Its own session: a Ctrl+C in the terminal reaches us, and we stop tor.
                    start_new_session=True,
                )
            except OSError as exc:
                raise RouteUnavailable(f"The tor program could not be run ({exc}).") from None
            self._proc = proc
        log.info("tor started (pid %d) with data in %s", proc.pid, datadir)
        self._spawn_thread(lambda: self._read_output(proc), "tor-output")
        self._spawn_thread(lambda: self._watch(proc), "tor-watch")
        return proc

    def _await_control_socket(self, proc: "subprocess.Popen[str]") -> None:
        if not self._control_opened.wait(CONTROL_TIMEOUT):
            raise RouteUnavailable(
                f"Tor did not open its control socket within {CONTROL_TIMEOUT:g} seconds."
            )
        with self._lock:
            if self._stopping:
                raise _StopRequested
        if self._output_done.is_set() or proc.poll() is not None:
            raise RouteUnavailable(f"Tor could not start: {self._last_problem()}")

    def _connect_controller(self) -> None:
        datadir = self.data_dir
        assert datadir is not None
        try:
            controller = stem.control.Controller.from_socket_file(str(control_socket(datadir)))
        except stem.SocketError as exc:
            raise RouteUnavailable(f"Cannot open tor's control socket ({exc}).") from None
        try:
            # Cookie authentication; stem then takes ownership (TAKEOWNERSHIP), so tor also
            # exits the moment this control connection closes.
            controller.authenticate()
            port = _socks_port(controller)
        except (stem.ControllerError, stem.connection.AuthenticationFailure) as exc:
            controller.close()
            raise RouteUnavailable(f"Cannot talk to tor's control socket ({exc}).") from None
        with self._lock:
            stopping = self._stopping
            if not stopping:
                self._controller, self._socks_port = controller, port
        if stopping:
            controller.close()
            raise _StopRequested
        controller.add_event_listener(self._on_status_event, EventType.STATUS_CLIENT)
        controller.add_event_listener(self._on_stream_event, EventType.STREAM)
        # Listeners first, then the current phase: no progress report falls in between.
        self._progress(*self.bootstrap_phase())

    # ---- events (stem's event thread, the output reader, the process watcher) ----

    def _on_status_event(self, event: stem.response.events.StatusEvent) -> None:
        if event.action != "BOOTSTRAP":
            return
        arguments = event.keyword_args
        if "WARNING" in arguments:
            with self._lock:
                self._warning = str(arguments["WARNING"])
        try:
            percent = int(arguments.get("PROGRESS", "0"))
        except ValueError:
            return
        self._progress(percent, str(arguments.get("SUMMARY", "")))

    def _on_stream_event(self, event: stem.response.events.StreamEvent) -> None:
        username = event.keyword_args.get("SOCKS_USERNAME")
        stream = TorStream(
            str(event.id),
            str(event.status),
            str(event.circ_id) if event.circ_id and event.circ_id != "0" else None,
            str(event.target),
            str(username) if username is not None else None,
        )
        with self._lock:
            if stream.status == "SUCCEEDED" and stream.username and stream.circuit_id:
                self._last_circuit[stream.username] = stream.circuit_id
            listeners = list(self._stream_listeners)
        for listener in listeners:
            _call_safely(listener, stream)

    def _progress(self, percent: int, summary: str) -> None:
        if percent >= 100:
            status = RouteStatus("ready", 100, summary or "Done", "Tor is connected.")
        else:
            detail = f"Tor is starting ({percent}%): {summary}." if summary else ""
            status = RouteStatus("starting", percent, summary, detail or "Tor is starting.")
        self._set_status(status, only_from="starting")

    def _read_output(self, proc: "subprocess.Popen[str]") -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            log.debug("tor: %s", line)
            self._output.append(line)
            if CONTROL_OPENED in line:
                self._control_opened.set()
        self._output_done.set()
        self._control_opened.set()  # the launcher must not wait for a socket that never comes

    def _watch(self, proc: "subprocess.Popen[str]") -> None:
        code = proc.wait()
        self._output_done.wait(OUTPUT_DRAIN_TIMEOUT)  # its last words say why it exited
        with self._lock:
            expected, connected = self._stopping, self._controller is not None
        if expected:
            return
        log.warning("tor exited unexpectedly with code %s", code)
        if connected:
            self._fail(f"{CRASHED} (exit code {code}). {self._last_problem()}".strip())
        else:  # it never got as far as talking to us: most likely a configuration problem
            self._fail(f"Tor could not start: {self._last_problem()}")

    def _fail(self, detail: str) -> None:
        with self._lock:
            percent, proc = self._status.percent, self._proc
        self._set_status(RouteStatus("failed", percent, "failed", detail))
        if proc is not None and proc.poll() is None:
            _terminate(proc)  # a tor that cannot serve us must not linger

    def _last_problem(self) -> str:
        """tor's last error (or, when that points to them, warning) line: usually the why."""
        lines = list(self._output)
        errors = [line for line in lines if "[err]" in line]
        warnings = [line for line in lines if "[warn]" in line]
        if errors and not ("see warnings" in errors[-1] and warnings):
            return errors[-1].split("] ", 1)[-1]
        if warnings:
            return warnings[-1].split("] ", 1)[-1]
        return "no reason given (see the log with --verbose)."

    # ---- helpers ----

    def _set_status(self, status: RouteStatus, *, only_from: str | None = None) -> None:
        with self._lock:
            current = self._status.state
            if only_from is not None and current != only_from:
                return
            # Failure and stopping are final: late progress must not revive a dead tor.
            if (current == "failed" or self._stopping) and status.state != "stopped":
                return
            if status == self._status:
                return
            self._status = status
            self._changed.notify_all()
            listeners = list(self._listeners)
        for listener in listeners:
            _call_safely(listener, status)

    def _join_threads(self) -> None:
        # The launcher may start more threads until it has finished, hence the loop.
        joined: set[threading.Thread] = {threading.current_thread()}
        while pending := [t for t in list(self._threads) if t not in joined]:
            for thread in pending:
                thread.join(STOP_TIMEOUT)
                joined.add(thread)

    def _spawn_thread(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()


def parse_bootstrap_phase(phase: str) -> tuple[int, str]:
    """(percent, summary) from GETINFO status/bootstrap-phase, e.g.
    'NOTICE BOOTSTRAP PROGRESS=42 TAG=loading_descriptors SUMMARY="Loading relay descriptors"'.
    """
    percent, summary = 0, ""
    for key, value in _keywords(phase):
        if key == "PROGRESS" and value.isdigit():
            percent = min(int(value), 100)
        elif key == "SUMMARY":
            summary = value
    return percent, summary


def _keywords(text: str) -> list[tuple[str, str]]:
    """KEY=value and KEY="quoted value" pairs of a control-port status line."""
    pairs: list[tuple[str, str]] = []
    rest = text
    while "=" in rest:
        head, _, rest = rest.partition("=")
        key = head.split()[-1] if head.split() else ""
        if rest.startswith('"'):
            value, _, rest = rest[1:].partition('"')
        else:
            value, _, rest = rest.partition(" ")
        pairs.append((key, value))
    return pairs


def _socks_port(controller: stem.control.Controller) -> int:
    listeners = controller.get_listeners(Listener.SOCKS)
    if not listeners:
        raise RouteUnavailable("Tor opened no SOCKS port.")
    return int(listeners[0][1])


def _terminate(proc: "subprocess.Popen[str]") -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        log.warning("tor did not stop within %g s; killing it", STOP_TIMEOUT)
        proc.kill()
        proc.wait()


def _call_safely(callback: Callable[[Any], None], value: object) -> None:
    try:
        callback(value)
    except Exception:
        log.exception("a tor listener failed")
