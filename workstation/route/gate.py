"""The route gate: a loopback HTTP proxy that is the browser's only way out.

The browser sends every request here (CONNECT for TLS and WebSockets, absolute-form for
plain HTTP). The gate forwards each one through the configured upstream route and never
opens a connection anywhere else: with no route, or a broken one, the answer is 502 and
nothing leaves the machine. It runs its own asyncio loop in a daemon thread, so callers
(the GUI thread) only ever wait for it briefly.
"""

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from workstation.errors import InputError, NoRoute, RouteError
from workstation.route import http1
from workstation.route.hosts import join_host_port
from workstation.route.socks5 import Streams
from workstation.route.spec import RouteSpec
from workstation.route.upstream import Upstream, upstream_for

log = logging.getLogger(__name__)

LISTEN_HOST = "127.0.0.1"
NO_ROUTE = "No route out is configured: nothing was sent."
HEAD_TIMEOUT = 60.0  # a client that never finishes its headers is dropped
LINGER_TIMEOUT = 2.0  # after an error answer, how long to swallow what the client still sends
LINGER_MAX_BYTES = 1 << 20
CHUNK = 64 * 1024
STOP_TIMEOUT = 10.0

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


Observer = Callable[[GateEvent], None]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _RouteSwitchedError(Exception):
    """The route changed under an open connection; it must carry nothing more."""


@dataclass(eq=False)
class _Connection:
    """One client connection and everything opened for it (loop thread only)."""

    task: "asyncio.Task[None]"
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
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

    def __init__(self, route: RouteSpec | None = None, *, connect_timeout: float = 30.0) -> None:
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()  # guards route, upstream, generation, observers
        self._route = route
        self._upstream = self._make_upstream(route)
        self._generation = 0
        self._observers: list[Observer] = []
        self._life_lock = threading.Lock()  # serialises start and stop
        self._running: _Running | None = None
        self._connections: dict[asyncio.Task[None], _Connection] = {}

    # ---- life cycle (any thread) ----

    def start(self) -> int:
        """Start listening and return the port; a running gate just returns its port."""
        with self._life_lock:
            if self._running is None:
                self._running = self._launch()
                log.info("route gate listening on %s:%d", LISTEN_HOST, self._running.port)
            return self._running.port

    @property
    def port(self) -> int:
        running = self._running
        if running is None:
            raise RuntimeError("the route gate is not running")
        return running.port

    def stop(self) -> None:
        """Close the listener and every open connection; safe to call more than once."""
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
            self._route, self._upstream = route, upstream
            self._generation += 1
            generation = self._generation
        log.info("route gate: route is now %s", route.describe() if route else "none")
        running = self._running
        if running is not None:
            # Relays also check the generation before every chunk, so nothing more flows
            # on the old route even before this runs.
            with contextlib.suppress(RuntimeError):  # a closed loop has nothing left to cut
                running.loop.call_soon_threadsafe(self._cut_stale, generation)

    def check_health(self, timeout: float = 5.0) -> RouteHealth:
        """Probe the route (greeting and login only, no traffic to any site)."""
        with self._lock:
            upstream = self._upstream
        if upstream is None:
            return RouteHealth(False, "No route", NO_ROUTE.replace("was", "can be"), utc_now())
        description = upstream.describe()
        try:
            self._run_probe(upstream, timeout)
        except RouteError as exc:
            return RouteHealth(False, description, str(exc), utc_now())
        except (TimeoutError, concurrent.futures.CancelledError):
            return RouteHealth(False, description, "The route check did not finish.", utc_now())
        return RouteHealth(True, description, f"The {description} answered.", utc_now())

    def _run_probe(self, upstream: Upstream, timeout: float) -> None:
        running = self._running
        if running is None:
            asyncio.run(upstream.probe(timeout))  # not started: a private, short-lived loop
            return
        self._refuse_on_own_thread(running, "check_health")
        probe = upstream.probe(timeout)
        try:
            future = asyncio.run_coroutine_threadsafe(probe, running.loop)
        except RuntimeError:  # the gate stopped in the meantime
            probe.close()
            raise concurrent.futures.CancelledError from None
        future.result(timeout + 5.0)

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

    def _emit(self, method: str, target: str, outcome: Outcome, detail: str) -> None:
        event = GateEvent(utc_now(), method, target, outcome, detail)
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(event)
            except Exception:
                log.exception("route gate: an observer failed")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        connection = _Connection(task, reader, writer)
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
            if head.method == "CONNECT":
                await self._tunnel(connection, head)
            else:
                await self._forward(connection, head)
        except http1.HttpRequestError as exc:
            self._emit(method, target, "blocked", exc.message)
            await self._refuse(connection, exc.status, exc.reason, exc.message)

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
        connection.writer.write(http1.CONNECTION_ESTABLISHED)
        await connection.writer.drain()
        self._emit("CONNECT", shown, "forwarded", f"via {self._describe(connection)}")
        await self._relay(connection, upstream, answer_pending=False)

    async def _forward(self, connection: _Connection, head: http1.RequestHead) -> None:
        target = http1.parse_http_target(head.target)
        request = http1.origin_form_request(head, target)
        upstream = await self._open_or_refuse(
            connection, head.method, target.url, target.host, target.port
        )
        if upstream is None:
            return
        upstream[1].write(request)
        await upstream[1].drain()
        self._emit(head.method, target.url, "forwarded", f"via {self._describe(connection)}")
        # The body (if any) follows the head on the client stream; the relay carries it.
        await self._relay(connection, upstream, answer_pending=True)

    async def _open_or_refuse(
        self, connection: _Connection, method: str, shown: str, host: str, port: int
    ) -> Streams | None:
        """Streams through the route, or None after answering 502 and reporting why."""
        try:
            return await self._open_upstream(connection, host, port)
        except InputError as exc:  # a target the route cannot express
            raise http1.bad_request(str(exc)) from None
        except RouteError as exc:
            log.debug("route gate: %s to %s not sent: %s", method, join_host_port(host, port), exc)
            outcome: Outcome = "blocked" if isinstance(exc, NoRoute) else "failed"
            self._emit(method, shown, outcome, str(exc))
            await self._refuse(connection, 502, "Bad Gateway", str(exc))
            return None

    async def _open_upstream(self, connection: _Connection, host: str, port: int) -> Streams:
        with self._lock:
            upstream, generation = self._upstream, self._generation
        connection.generation = generation  # from here on a route switch cuts this connection
        if upstream is None:
            raise NoRoute(NO_ROUTE)
        log.debug("route gate: opening %s via %s", join_host_port(host, port), upstream.describe())
        reader, writer = await upstream.open_connection(host, port, None)
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
    async def _refuse(connection: _Connection, status: int, reason: str, message: str) -> None:
        """Answer an error, then swallow what the client still sends so it reads the answer.

        Closing a socket with unread input makes the kernel send RST, which can destroy the
        answer before the client reads it.
        """
        writer = connection.writer
        writer.write(http1.error_response(status, reason, message))
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
