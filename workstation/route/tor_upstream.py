"""The managed Tor as an Upstream: streams through tor's SocksPort, one login per identity.

Each isolation key (a persona, or None for the workstation itself) reaches tor with its
own SOCKS user name (see isolation.py), so two keys never share a circuit and a key
keeps its circuit until new_identity(key). With "tor+socks5://" or "tor+http://" the
proxy is reached through Tor and the site sees the proxy.
"""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from workstation.errors import RouteAuthRefused, RouteUnavailable
from workstation.route.exit_identity import EchoAnswer, ExitIdentity, ask_echo
from workstation.route.isolation import IsolationCredentials
from workstation.route.proxyconn import Streams
from workstation.route.socks5 import encode_connect_request, socks5_connect
from workstation.route.spec import RouteSpec
from workstation.route.status import StatusCallback
from workstation.route.tor import CircuitInfo, ManagedTor, RelayInfo
from workstation.route.upstream import identity_from_echo, proxy_connect_over, proxy_probe_over

NOT_RUNNING = "Tor is not running."
NO_CIRCUIT_YET = (
    "This identity has no Tor circuit yet: its exit is chosen with its first connection. "
    "Set an address echo URL to learn it now."
)
T = TypeVar("T")


class TorUpstream:
    def __init__(self, spec: RouteSpec, connect_timeout: float) -> None:
        self.spec = spec
        self._connect_timeout = connect_timeout
        self._credentials = IsolationCredentials()
        self._lock = threading.Lock()
        self._tor: ManagedTor | None = None

    def describe(self) -> str:
        return self.spec.describe()

    def managed_tor(self) -> ManagedTor | None:
        with self._lock:
            return self._tor

    # ---- life cycle ----

    def activate(self, report: StatusCallback) -> None:
        with self._lock:
            if self._tor is not None:
                return
            tor = self._tor = ManagedTor(self.spec.tor)
        tor.add_listener(report)
        tor.start()

    def close(self) -> None:
        with self._lock:
            tor, self._tor = self._tor, None
        if tor is not None:
            tor.stop()

    def wait_ready(self, timeout: float) -> None:
        self._running_tor().wait_ready(timeout)

    def new_identity(self, isolation_key: str | None) -> bool:
        self._credentials.renew(isolation_key)
        return True

    def socks_username(self, isolation_key: str | None) -> str:
        """The SOCKS user name the key's streams use now (what tor's circuit list shows)."""
        return self._credentials.for_key(isolation_key)[0]

    # ---- traffic ----

    async def open_connection(self, host: str, port: int, isolation_key: str | None) -> Streams:
        encode_connect_request(host, port)  # refuse a bad target before going anywhere
        if not self.spec.via_tor:
            return await self._through_tor(host, port, isolation_key)
        proxy = self.spec.without_tor()
        deadline = asyncio.get_running_loop().time() + self._connect_timeout
        streams = await self._through_tor(proxy.host, proxy.port, isolation_key)
        await proxy_connect_over(
            proxy, streams, host, port, deadline=deadline, timeout=self._connect_timeout
        )
        return streams

    async def _through_tor(self, host: str, port: int, isolation_key: str | None) -> Streams:
        tor = self._running_tor()
        username, password = self._credentials.for_key(isolation_key)
        login = RouteSpec("socks5", "127.0.0.1", tor.socks_port, username, password)
        try:
            return await socks5_connect(login, host, port, timeout=self._connect_timeout)
        except (RouteUnavailable, RouteAuthRefused):
            # Phrased for the officer: tor's own SOCKS port is not something they configured.
            detail = tor.status.detail if tor.status.state != "ready" else "it did not answer"
            raise RouteUnavailable(f"Tor did not take the connection ({detail}).") from None

    async def probe(self, timeout: float) -> str | None:
        tor = self._running_tor()
        tor.socks_port  # noqa: B018  (raises with the reason while tor is not ready)
        percent, summary = await _blocking(tor.bootstrap_phase, timeout)
        if percent < 100:
            raise RouteUnavailable(f"Tor is starting ({percent}%): {summary}.")
        if not await _blocking(tor.circuit_established, timeout):
            raise RouteUnavailable(
                "Tor has no working circuit: the network may be down or blocked."
            )
        if not self.spec.via_tor:
            return "Tor is connected."
        proxy = self.spec.without_tor()
        streams = await self._through_tor(proxy.host, proxy.port, None)
        await proxy_probe_over(proxy, streams, timeout=timeout)
        return f"Tor is connected, and the {proxy.describe()} answered through it."

    # ---- exit identity ----

    async def exit_identity(
        self, isolation_key: str | None, echo_url: str | None, timeout: float
    ) -> ExitIdentity:
        tor = self._running_tor()
        tor.socks_port  # noqa: B018  (raises with the reason while tor is not ready)

        def opener(host: str, port: int) -> Awaitable[Streams]:
            return self.open_connection(host, port, isolation_key)

        async def country_of(address: str) -> str | None:
            return await _blocking(lambda: tor.country_of(address), timeout)

        if self.spec.via_tor:  # the site sees the proxy, which only an echo can tell
            return await identity_from_echo(opener, self.describe(), echo_url, timeout, country_of)
        seen = await ask_echo(opener, echo_url, timeout) if echo_url else None
        username = self.socks_username(isolation_key)
        circuit = await _blocking(lambda: tor.circuit_for(username), timeout)
        if circuit is None:
            address = seen.address if seen is not None else None
            country = seen.country if seen is not None else None
            return ExitIdentity(address, country, "Tor", NO_CIRCUIT_YET, seen_address=address)
        relay = await _blocking(lambda: tor.relay(circuit.exit_fingerprint), timeout)
        identity = exit_of_circuit(circuit, relay, seen)
        if identity.country is None and identity.address is not None:
            identity = replace(identity, country=await country_of(identity.address))
        return identity

    def _running_tor(self) -> ManagedTor:
        with self._lock:
            tor = self._tor
        if tor is None:
            raise RouteUnavailable(NOT_RUNNING)
        return tor


async def _blocking(call: Callable[[], T], timeout: float) -> T:
    """A blocking stem call, off the event loop and bounded in time."""
    try:
        async with asyncio.timeout(timeout):
            return await asyncio.to_thread(call)
    except TimeoutError:
        raise RouteUnavailable(f"Tor did not answer within {timeout:g} seconds.") from None


def exit_of_circuit(
    circuit: CircuitInfo, relay: RelayInfo, seen: EchoAnswer | None
) -> ExitIdentity:
    """The identity a circuit gives: its exit relay, and what an echo saw if one was asked."""
    seen_address = seen.address if seen is not None else None
    nickname = relay.nickname or circuit.exit_nickname
    detail = f"Circuit {circuit.circuit_id}; the exit relay's address in the consensus is "
    detail += relay.address or "unknown"
    if seen_address is not None:
        detail += f"; the address echo saw {seen_address}"
    return ExitIdentity(
        address=seen_address or relay.address,
        country=seen.country if seen is not None else None,
        via=f"Tor exit relay {nickname} ({circuit.exit_fingerprint})",
        detail=detail + ".",
        circuit=circuit.circuit_id,
        exit_fingerprint=circuit.exit_fingerprint,
        seen_address=seen_address,
    )
