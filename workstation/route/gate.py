"""The route gate: a loopback HTTP proxy that is the browser's only way out.

The browser sends every request here (CONNECT for TLS and WebSockets, absolute-form for
plain HTTP). The gate forwards each one through the configured upstream route and never
opens a connection anywhere else: with no route, or a broken one, the answer is 502 and
nothing leaves the machine. It runs its own asyncio loop in a daemon thread, so callers
(the GUI thread) only ever wait for it briefly.

Personas: each request belongs to a persona (or to the workstation itself), learned from
the port it arrived on or its Proxy-Authorization (see personas.py), and the upstream
keeps personas apart (Tor: separate circuits). A route that must start first (the
managed Tor) is started with the gate, in the background; until it is ready the gate
refuses traffic with the route's own reason ("Tor is starting (42%)").
"""

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import ssl
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, cast

from workstation.errors import (
    DestinationUnreachable,
    InputError,
    NoRoute,
    RouteError,
    RouteUnavailable,
)
from workstation.route import http1, sniff
from workstation.route.exit_identity import ExitIdentity
from workstation.route.hosts import is_local_destination, join_host_port
from workstation.route.personas import (
    PersonaAccess,
    PersonaRegistry,
    check_alias,
    new_access,
    persona_key,
)
from workstation.route.proxyconn import Streams
from workstation.route.recording import (
    ExchangeRelay,
    Interception,
    base_url,
    tls_info,
)
from workstation.route.spec import RouteSpec
from workstation.route.status import RouteStatus, StatusCallback
from workstation.route.tor import ManagedTor
from workstation.route.upstream import Upstream, upstream_for

log = logging.getLogger(__name__)

LISTEN_HOST = "127.0.0.1"
ALLOW_LOCAL_ENV = "WORKSTATION_ALLOW_LOCAL_DESTINATIONS"
NO_ROUTE = "No route out is configured: nothing was sent."
HEAD_TIMEOUT = 60.0  # a client that never finishes its headers is dropped
LINGER_TIMEOUT = 2.0  # after an error answer, how long to swallow what the client still sends
SNIFF_TIMEOUT = 3.0  # a tunnel whose client says nothing first (server speaks first) is piped
LINGER_MAX_BYTES = 1 << 20
CHUNK = 64 * 1024
STOP_TIMEOUT = 10.0
ANSWER_GRACE = 5.0  # beyond a call's own timeout, how long to wait for the gate's loop

Outcome = Literal["forwarded", "blocked", "failed"]


@dataclass(frozen=True)
class RouteHealth:
    ok: bool
    route_description: str
    detail: str
    checked_utc: str


@dataclass(frozen=True)
class GateEvent:
    """One request the gate handled: forwarded, blocked (not allowed) or failed (route error)."""

    utc: str
    method: str
    target: str  # host:port for CONNECT, the URL for plain HTTP
    outcome: Outcome
    detail: str
    persona: str | None = None  # None: the workstation's own identity


Observer = Callable[[GateEvent], None]
T = TypeVar("T")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _wants_raw_tunnel(head: http1.RequestHead) -> bool:
    wanted = http1.RAW_TUNNEL_HEADER.lower()
    return any(
        name.lower() == wanted and value.strip().lower() == http1.RAW_TUNNEL_VALUE
        for name, value in head.headers
    )


class _RouteSwitchedError(Exception):
    """The route changed under an open connection; it must carry nothing more."""


@dataclass(eq=False)
class _Connection:
    """One client connection and everything opened for it (loop thread only)."""

    task: "asyncio.Task[None]"
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    port_persona: str | None = None  # the persona whose own port it came in on
    persona: str | None = None  # whose request it is, once the head has been read
    generation: int | None = None  # the route generation it uses, once it has chosen one
    upstream_writer: asyncio.StreamWriter | None = None

    def _writers(self) -> list[asyncio.StreamWriter]:
        return [w for w in (self.writer, self.upstream_writer) if w is not None]

    def abort(self) -> None:
        for writer in self._writers():
            writer.transport.abort()

    def close(self) -> None:
        for writer in self._writers():
            if not writer.is_closing():
                writer.close()


@dataclass
class _Running:
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    server: asyncio.Server
    port: int


class RouteGate:
    """HTTP/1.1 proxy on 127.0.0.1:<ephemeral port> that forwards through the route only."""

    def __init__(
        self,
        route: RouteSpec | None = None,
        *,
        connect_timeout: float = 30.0,
        interception: Interception | None = None,
        allow_local_destinations: bool | None = None,
    ) -> None:
        self._connect_timeout = connect_timeout
        # Requests for local network addresses (a hostile page probing the LAN) are refused
        # unless allowed: by a unit that investigates an intranet, or by a test network.
        if allow_local_destinations is None:
            allow_local_destinations = os.environ.get(ALLOW_LOCAL_ENV) == "1"
        self.allow_local_destinations = allow_local_destinations
        # Set: TLS is intercepted and every exchange recorded (see recording.py).
        self._interception = interception
        # The unit's address echo URL (settings: exit_echo_url), for exit identities; any thread.
        self.echo_url: str | None = None
        self._lock = threading.Lock()  # guards route, upstream, generation, observers, status
        self._route = route
        self._upstream = self._make_upstream(route)
        self._generation = 0
        self._observers: list[Observer] = []
        self._status_observers: list[StatusCallback] = []
        self._route_status: RouteStatus | None = None
        self._personas = PersonaRegistry()
        self._life_lock = threading.Lock()  # serialises start, stop and persona listeners
        self._running: _Running | None = None
        self._connections: dict[asyncio.Task[None], _Connection] = {}
        self._persona_servers: dict[str, asyncio.Server] = {}  # loop thread only

    # ---- life cycle (any thread) ----

    def start(self) -> int:
        """Start listening and return the port; a running gate just returns its port."""
        with self._life_lock:
            if self._running is None:
                self._running = self._launch()
                log.info("route gate listening on %s:%d", LISTEN_HOST, self._running.port)
                with self._lock:
                    upstream = self._upstream
                if upstream is not None:
                    upstream.activate(self._reporter(upstream))
            return self._running.port

    @property
    def port(self) -> int:
        running = self._running
        if running is None:
            raise RuntimeError("the route gate is not running")
        return running.port

    def stop(self) -> None:
        """Close the listeners and every open connection, and stop the route's own tor.

        Personas are forgotten. Safe to call more than once.
        """
        with self._life_lock:
            running, self._running = self._running, None
            if running is None:
                return
            self._refuse_on_own_thread(running, "stop")
            future = asyncio.run_coroutine_threadsafe(self._shutdown(running.server), running.loop)
            try:
                future.result(STOP_TIMEOUT)
            finally:
                running.loop.call_soon_threadsafe(running.loop.stop)
                running.thread.join(STOP_TIMEOUT)
                self._personas.clear()
                with self._lock:
                    upstream = self._upstream
                if upstream is not None:
                    upstream.close()
            log.info("route gate stopped")

    def _launch(self) -> _Running:
        loop = asyncio.new_event_loop()
        started: concurrent.futures.Future[_Running] = concurrent.futures.Future()
        thread = threading.Thread(
            target=self._run, args=(loop, started), name="route-gate", daemon=True
        )
        thread.start()
        try:
            return started.result()
        except OSError as exc:
            thread.join()
            raise RouteError(f"The local route gate could not start ({exc}).") from exc

    def _run(
        self, loop: asyncio.AbstractEventLoop, started: "concurrent.futures.Future[_Running]"
    ) -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._serve, LISTEN_HOST, 0, limit=http1.MAX_HEAD_BYTES)
            )
        except OSError as exc:
            loop.close()
            started.set_exception(exc)
            return
        port = int(server.sockets[0].getsockname()[1])
        started.set_result(_Running(loop, threading.current_thread(), server, port))
        try:
            loop.run_forever()
        finally:
            self._finish_loop(loop)

    @staticmethod
    def _finish_loop(loop: asyncio.AbstractEventLoop) -> None:
        # Anything still pending (a health check in flight) is cancelled, not left hanging.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    async def _shutdown(self, server: asyncio.Server) -> None:
        server.close()
        for persona_server in self._persona_servers.values():
            persona_server.close()
        self._persona_servers.clear()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    # ---- route (any thread) ----

    @property
    def route(self) -> RouteSpec | None:
        with self._lock:
            return self._route

    def set_route(self, route: RouteSpec | None) -> None:
        """Use route for new requests at once and cut every connection on the old one.

        Setting the route that is already active changes nothing.
        """
        upstream = self._make_upstream(route)
        with self._lock:
            if route == self._route:
                return
            old = self._upstream
            self._route, self._upstream = route, upstream
            self._generation += 1
            generation = self._generation
            self._route_status = None
        log.info("route gate: route is now %s", route.describe() if route else "none")
        running = self._running
        if running is not None:
            # Relays also check the generation before every chunk, so nothing more flows
            # on the old route even before this runs.
            with contextlib.suppress(RuntimeError):  # a closed loop has nothing left to cut
                running.loop.call_soon_threadsafe(self._cut_stale, generation)
            if upstream is not None:
                upstream.activate(self._reporter(upstream))
        if old is not None:
            # Stopping an old tor takes a moment; the caller may be the GUI thread.
            threading.Thread(target=old.close, name="route-close").start()

    def check_health(self, timeout: float = 5.0) -> RouteHealth:
        """Probe the route (greeting and login only, no traffic to any site)."""
        with self._lock:
            upstream = self._upstream
        if upstream is None:
            return RouteHealth(False, "No route", NO_ROUTE.replace("was", "can be"), utc_now())
        description = upstream.describe()
        try:
            detail = self._run_on_loop(upstream.probe(timeout), timeout, "check_health")
        except RouteError as exc:
            return RouteHealth(False, description, str(exc), utc_now())
        except (TimeoutError, concurrent.futures.CancelledError):
            return RouteHealth(False, description, "The route check did not finish.", utc_now())
        return RouteHealth(True, description, detail or f"The {description} answered.", utc_now())

    def wait_ready(self, timeout: float) -> None:
        """Block until the route can carry traffic (the managed Tor has bootstrapped).

        RouteError if it fails or takes longer. Never call it on the GUI thread; the GUI
        follows progress with add_status_observer instead.
        """
        with self._lock:
            upstream = self._upstream
        if upstream is None:
            raise NoRoute(NO_ROUTE)
        upstream.wait_ready(timeout)

    @property
    def route_status(self) -> RouteStatus | None:
        """The latest start-up report of the route (None for routes that report none)."""
        with self._lock:
            return self._route_status

    def add_status_observer(self, callback: StatusCallback) -> None:
        """callback(RouteStatus) on the route's progress, readiness, failure or crash.

        It runs on a background thread (tor's); hand it to the GUI thread with a signal.
        """
        with self._lock:
            self._status_observers.append(callback)

    def remove_status_observer(self, callback: StatusCallback) -> None:
        with self._lock:
            self._status_observers.remove(callback)

    @property
    def managed_tor(self) -> ManagedTor | None:
        """The tor the current route runs, if it runs one."""
        with self._lock:
            upstream = self._upstream
        return upstream.managed_tor() if upstream is not None else None

    # ---- personas and identities (any thread) ----

    def add_persona(self, alias: str) -> PersonaAccess:
        """Register a persona (once; later calls return the same access) on a running gate.

        The access names a port whose every connection is the persona's, and credentials
        for Proxy-Authorization on the main port. From now on the main port refuses
        requests that name no persona (see personas.py).
        """
        check_alias(alias)
        with self._life_lock:
            running = self._running
            if running is None:
                raise RuntimeError("the route gate is not running")
            existing = self._personas.get(alias)
            if existing is not None:
                return existing
            self._refuse_on_own_thread(running, "add_persona")
            opening = self._open_persona_port(alias)
            port = asyncio.run_coroutine_threadsafe(opening, running.loop).result(STOP_TIMEOUT)
            access = new_access(alias, port)
            self._personas.put(access)
        log.info("route gate: persona %s on port %d", alias, port)
        return access

    def port_for(self, alias: str) -> int:
        """The port of a persona (registering it first if needed)."""
        return self.add_persona(alias).port

    def personas(self) -> list[str]:
        return self._personas.aliases()

    def remove_persona(self, alias: str) -> None:
        """Close the persona's port and cut its open connections."""
        with self._life_lock:
            if self._personas.remove(alias) is None:
                return
            running = self._running
            if running is not None:
                running.loop.call_soon_threadsafe(self._close_persona, alias)

    def new_identity(self, persona: str | None = None) -> bool:
        """Fresh circuits for the persona (None: the workstation's own identity).

        Its open connections are cut, so nothing keeps using the old circuits. False when
        the route cannot change identity (a plain proxy has one exit).
        """
        with self._lock:
            upstream = self._upstream
        if upstream is None or not upstream.new_identity(persona_key(persona)):
            return False
        running = self._running
        if running is not None:
            with contextlib.suppress(RuntimeError):
                running.loop.call_soon_threadsafe(self._cut_persona, persona)
        log.info("route gate: new identity for %s", persona or "the workstation")
        return True

    def exit_identity(
        self, persona: str | None = None, *, timeout: float = 30.0, echo_url: str | None = None
    ) -> ExitIdentity:
        """Where the persona's traffic leaves the route, learned through the route itself.

        echo_url overrides the gate's echo_url for this call. RouteError when the route
        cannot carry traffic. Blocks: call it from a worker thread.
        """
        with self._lock:
            upstream = self._upstream
        if upstream is None:
            raise NoRoute(NO_ROUTE)
        url = echo_url if echo_url is not None else self.echo_url
        asking = upstream.exit_identity(persona_key(persona), url, timeout)
        try:
            return self._run_on_loop(asking, timeout, "exit_identity")
        except (TimeoutError, concurrent.futures.CancelledError):
            raise RouteUnavailable(
                f"The exit identity could not be learned within {timeout:g} seconds."
            ) from None

    def _run_on_loop(self, coroutine: Coroutine[Any, Any, T], timeout: float, what: str) -> T:
        """Run a coroutine on the gate's loop (or a private one if the gate is not running)."""
        running = self._running
        if running is None:
            return asyncio.run(coroutine)  # not started: a private, short-lived loop
        try:
            self._refuse_on_own_thread(running, what)
            future = asyncio.run_coroutine_threadsafe(coroutine, running.loop)
        except RuntimeError:  # the gate stopped in the meantime
            coroutine.close()
            raise concurrent.futures.CancelledError from None
        return future.result(timeout + ANSWER_GRACE)

    def _reporter(self, upstream: Upstream) -> StatusCallback:
        """The status callback for an upstream; reports of a replaced one are dropped."""

        def report(status: RouteStatus) -> None:
            with self._lock:
                if self._upstream is not upstream:
                    return
                self._route_status = status
                observers = list(self._status_observers)
            log.info("route: %s", status.detail)
            for observer in observers:
                try:
                    observer(status)
                except Exception:
                    log.exception("route gate: a status observer failed")

        return report

    def add_observer(self, callback: Observer) -> None:
        """callback(GateEvent) runs on the gate thread for every request; keep it quick."""
        with self._lock:
            self._observers.append(callback)

    def remove_observer(self, callback: Observer) -> None:
        with self._lock:
            self._observers.remove(callback)

    def _make_upstream(self, route: RouteSpec | None) -> Upstream | None:
        return upstream_for(route, self._connect_timeout) if route is not None else None

    @staticmethod
    def _refuse_on_own_thread(running: _Running, what: str) -> None:
        if threading.current_thread() is running.thread:
            raise RuntimeError(f"RouteGate.{what}() would deadlock on the gate's own thread")

    # ---- the loop thread from here on ----

    def _cut_stale(self, generation: int) -> None:
        for connection in list(self._connections.values()):
            if connection.generation is not None and connection.generation != generation:
                connection.abort()
                connection.task.cancel()

    def _cut_persona(self, persona: str | None) -> None:
        for connection in list(self._connections.values()):
            if connection.generation is not None and connection.persona == persona:
                connection.abort()
                connection.task.cancel()

    async def _open_persona_port(self, alias: str) -> int:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self._serve(reader, writer, alias)

        server = await asyncio.start_server(serve, LISTEN_HOST, 0, limit=http1.MAX_HEAD_BYTES)
        self._persona_servers[alias] = server
        return int(server.sockets[0].getsockname()[1])

    def _close_persona(self, alias: str) -> None:
        server = self._persona_servers.pop(alias, None)
        if server is not None:
            server.close()
        for connection in list(self._connections.values()):
            if alias in (connection.persona, connection.port_persona):
                connection.abort()
                connection.task.cancel()

    def _emit(
        self,
        method: str,
        target: str,
        outcome: Outcome,
        detail: str,
        persona: str | None = None,
    ) -> None:
        event = GateEvent(utc_now(), method, target, outcome, detail, persona)
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(event)
            except Exception:
                log.exception("route gate: an observer failed")

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        port_persona: str | None = None,
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        connection = _Connection(task, reader, writer, port_persona, port_persona)
        self._connections[task] = connection
        try:
            await self._handle(connection)
        except (asyncio.CancelledError, _RouteSwitchedError):
            connection.abort()  # route switched or gate stopping: drop at once, flush nothing
        except Exception:
            # One broken client must never take the gate down.
            log.exception("route gate: unexpected error while handling a connection")
            connection.abort()
        finally:
            del self._connections[task]
            connection.close()

    async def _handle(self, connection: _Connection) -> None:
        method = target = ""
        try:
            raw = await self._read_head(connection.reader)
            if raw is None:
                return
            head = http1.parse_request_head(raw)
            method, target = head.method, head.target
            if connection.port_persona is None:
                connection.persona = self._personas.persona_for(head.headers)
            if head.method == "CONNECT":
                await self._tunnel(connection, head)
            else:
                await self._forward(connection, head)
        except http1.HttpRequestError as exc:
            self._emit(method, target, "blocked", exc.message, connection.persona)
            await self._refuse(connection, exc.status, exc.reason, exc.message, exc.headers)

    @staticmethod
    async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
        """The request head, or None if the client left (or dawdled) before sending one."""
        try:
            async with asyncio.timeout(HEAD_TIMEOUT):
                return await reader.readuntil(http1.HEAD_END)
        except asyncio.LimitOverrunError:
            raise http1.head_too_large() from None
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                raise http1.bad_request("The request ended before its headers did.") from None
            return None
        except (TimeoutError, ConnectionError):
            return None

    async def _tunnel(self, connection: _Connection, head: http1.RequestHead) -> None:
        host, port = http1.parse_connect_target(head.target)
        shown = join_host_port(host, port)
        upstream = await self._open_or_refuse(connection, "CONNECT", shown, host, port)
        if upstream is None:
            return
        interception = None if _wants_raw_tunnel(head) else self._interception
        # The client's socket transport (a stream writer types it as write-only).
        transport = cast(asyncio.Transport, connection.writer.transport)
        if interception is not None:
            # Nothing is read from the browser until its first bytes have said what the
            # tunnel carries (TLS, plain HTTP such as ws://, or something else).
            transport.pause_reading()
        connection.writer.write(http1.CONNECTION_ESTABLISHED)
        await connection.writer.drain()
        content = sniff.TunnelContent.OTHER
        if interception is not None:
            content = sniff.classify(await sniff.peek(transport, SNIFF_TIMEOUT))
            if content is sniff.TunnelContent.TLS:
                await self._intercept(connection, upstream, interception, host, port)
                return  # (start_tls resumed reading)
            transport.resume_reading()
            if content is sniff.TunnelContent.HTTP:
                await self._record_plain(connection, upstream, interception, host, port)
                return
        via = f"via {self._describe(connection)}"
        if interception is not None:
            via += f", not recorded ({content.value}: neither TLS nor HTTP)"
        self._emit("CONNECT", shown, "forwarded", via, connection.persona)
        await self._relay(connection, upstream, answer_pending=False)

    async def _record_plain(
        self,
        connection: _Connection,
        upstream: Streams,
        interception: Interception,
        host: str,
        port: int,
    ) -> None:
        """Plain HTTP inside a tunnel (a ws:// WebSocket on any port): recorded as such."""
        via = f"via {self._describe(connection)}, recorded"
        self._emit("CONNECT", join_host_port(host, port), "forwarded", via, connection.persona)
        generation = connection.generation
        await ExchangeRelay(
            client=(connection.reader, connection.writer),
            origin=upstream,
            base_url=base_url("http", host, port),
            persona=connection.persona,
            sink=interception.sink,
            max_body=interception.max_body,
            tls=None,
            guard=lambda: self._check_generation(generation),
        ).run()

    async def _intercept(
        self,
        connection: _Connection,
        upstream: Streams,
        interception: Interception,
        host: str,
        port: int,
    ) -> None:
        """Terminate the browser's TLS, open the gate's own to the origin, record."""
        shown = join_host_port(host, port)
        try:
            await connection.writer.start_tls(interception.server_context(host))
        except (ssl.SSLError, OSError) as exc:
            log.info("route gate: the browser's TLS for %s failed: %s", shown, exc)
            return
        refusal = await self._origin_tls(upstream, interception, host)
        if refusal is not None:
            self._emit("CONNECT", shown, "blocked", refusal, connection.persona)
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, TimeoutError):
                async with asyncio.timeout(HEAD_TIMEOUT):
                    await connection.reader.readuntil(http1.HEAD_END)
            await self._refuse(connection, 502, "Bad Gateway", refusal)
            return
        via = f"via {self._describe(connection)}, recorded"
        self._emit("CONNECT", shown, "forwarded", via, connection.persona)
        generation = connection.generation
        relay = ExchangeRelay(
            client=(connection.reader, connection.writer),
            origin=upstream,
            base_url=base_url("https", host, port),
            persona=connection.persona,
            sink=interception.sink,
            max_body=interception.max_body,
            tls=tls_info(upstream[1]),
            guard=lambda: self._check_generation(generation),
        )
        await relay.run()

    @staticmethod
    async def _origin_tls(upstream: Streams, interception: Interception, host: str) -> str | None:
        """None once TLS to the origin is up and validated; else why not, for the officer."""
        try:
            await upstream[1].start_tls(interception.origin_context, server_hostname=host)
        except ssl.SSLCertVerificationError as exc:
            return (
                f"The certificate of {host} is not valid ({exc.verify_message}). The "
                "workstation did not send the request: the site may be impersonated."
            )
        except (ssl.SSLError, OSError, EOFError) as exc:
            return f"A secure connection to {host} could not be made ({exc})."
        return None

    async def _forward(self, connection: _Connection, head: http1.RequestHead) -> None:
        target = http1.parse_http_target(head.target)
        request = http1.origin_form_request(head, target)
        upstream = await self._open_or_refuse(
            connection, head.method, target.url, target.host, target.port
        )
        if upstream is None:
            return
        interception = self._interception
        if interception is not None:
            via = f"via {self._describe(connection)}, recorded"
            self._emit(head.method, target.url, "forwarded", via, connection.persona)
            generation = connection.generation
            await ExchangeRelay(
                client=(connection.reader, connection.writer),
                origin=upstream,
                base_url=base_url("http", target.host, target.port),
                persona=connection.persona,
                sink=interception.sink,
                max_body=interception.max_body,
                tls=None,
                first_head=request,
                guard=lambda: self._check_generation(generation),
            ).run()
            return
        upstream[1].write(request)
        await upstream[1].drain()
        via = f"via {self._describe(connection)}"
        self._emit(head.method, target.url, "forwarded", via, connection.persona)
        # The body (if any) follows the head on the client stream; the relay carries it.
        await self._relay(connection, upstream, answer_pending=True)

    async def _open_or_refuse(
        self, connection: _Connection, method: str, shown: str, host: str, port: int
    ) -> Streams | None:
        """Streams through the route, or None after answering 502 and reporting why."""
        if not self.allow_local_destinations and is_local_destination(host):
            message = (
                f"A request for {join_host_port(host, port)}, a local network address, was "
                "refused: the workstation never sends those through the route."
            )
            log.info("route gate: refused a local destination %s", join_host_port(host, port))
            self._emit(method, shown, "blocked", message, connection.persona)
            await self._refuse(connection, 403, "Forbidden", message)
            return None
        try:
            return await self._open_upstream(connection, host, port)
        except InputError as exc:  # a target the route cannot express
            raise http1.bad_request(str(exc)) from None
        except RouteError as exc:
            log.debug("route gate: %s to %s not sent: %s", method, join_host_port(host, port), exc)
            outcome: Outcome = "blocked" if isinstance(exc, NoRoute) else "failed"
            self._emit(method, shown, outcome, str(exc), connection.persona)
            # Says whether the route is down or only this destination is out of reach, so
            # the workstation's own clients (lookups) can tell the two apart.
            reason = "unreachable" if isinstance(exc, DestinationUnreachable) else "route"
            await self._refuse(
                connection, 502, "Bad Gateway", str(exc), ((http1.GATE_REASON_HEADER, reason),)
            )
            return None

    async def _open_upstream(self, connection: _Connection, host: str, port: int) -> Streams:
        with self._lock:
            upstream, generation = self._upstream, self._generation
        connection.generation = generation  # from here on a route switch cuts this connection
        if upstream is None:
            raise NoRoute(NO_ROUTE)
        log.debug("route gate: opening %s via %s", join_host_port(host, port), upstream.describe())
        key = persona_key(connection.persona)
        reader, writer = await upstream.open_connection(host, port, key)
        connection.upstream_writer = writer
        self._check_generation(generation)
        return reader, writer

    def _describe(self, connection: _Connection) -> str:
        with self._lock:
            upstream = self._upstream
            current = connection.generation == self._generation
        return upstream.describe() if upstream is not None and current else "the previous route"

    async def _relay(
        self, connection: _Connection, upstream: Streams, *, answer_pending: bool
    ) -> None:
        """Pipe both ways until either side closes or breaks.

        The client's end of input is not passed on as a half-close: SOCKS proxies such as
        microsocks tear the whole connection down on it. Instead, when an answer is
        pending (plain HTTP), the relay waits for the origin, which closes after answering.
        """
        upstream_reader, upstream_writer = upstream
        generation = connection.generation
        relay_down = self._pipe_answer if answer_pending else self._pipe
        down = asyncio.create_task(relay_down(upstream_reader, connection.writer, generation))
        up = asyncio.create_task(self._pipe(connection.reader, upstream_writer, generation))
        try:
            done, _ = await asyncio.wait({down, up}, return_when=asyncio.FIRST_COMPLETED)
            if answer_pending and down not in done and up.exception() is None:
                await asyncio.wait({down})
        finally:
            for task in (down, up):
                task.cancel()
            await asyncio.gather(down, up, return_exceptions=True)
        self._check_generation(generation)  # a switched route aborts rather than closes

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, generation: int | None
    ) -> None:
        while chunk := await source.read(CHUNK):
            self._check_generation(generation)
            sink.write(chunk)
            await sink.drain()

    async def _pipe_answer(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, generation: int | None
    ) -> None:
        """Relay an origin's answer, its final head marked "Connection: close"."""
        while True:
            try:
                head = await source.readuntil(http1.HEAD_END)
            except asyncio.IncompleteReadError as exc:
                self._check_generation(generation)
                sink.write(exc.partial)  # the origin closed mid-head: pass on what came
                await sink.drain()
                return
            except asyncio.LimitOverrunError:
                break  # a head too big to rewrite is relayed as it comes
            status = http1.response_status(head)
            interim = status is not None and status < 200
            self._check_generation(generation)
            sink.write(head if interim or status is None else http1.close_response_head(head))
            await sink.drain()
            if not interim:
                break
        await self._pipe(source, sink, generation)

    def _check_generation(self, generation: int | None) -> None:
        if generation != self._generation:
            raise _RouteSwitchedError

    @staticmethod
    async def _refuse(
        connection: _Connection,
        status: int,
        reason: str,
        message: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Answer an error, then swallow what the client still sends so it reads the answer.

        Closing a socket with unread input makes the kernel send RST, which can destroy the
        answer before the client reads it.
        """
        writer = connection.writer
        writer.write(http1.error_response(status, reason, message, headers))
        try:
            await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
            async with asyncio.timeout(LINGER_TIMEOUT):
                swallowed = 0
                while swallowed < LINGER_MAX_BYTES and (
                    chunk := await connection.reader.read(CHUNK)
                ):
                    swallowed += len(chunk)
        except OSError:  # includes timeouts and resets: the client is gone either way
            pass
