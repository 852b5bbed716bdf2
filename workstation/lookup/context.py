"""Everything a lookup needs besides its target: the route, the servers to ask, limits."""

import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from workstation.errors import LookupFailed

DEFAULT_TIMEOUT = 20.0  # per exchange; Tor circuits to registries can be slow
DEFAULT_RESOLVER = ("9.9.9.9", 53)  # asked over TCP through the route, never locally


class Connector(Protocol):
    """Opens connections through the route (route.exits.GateConnector in the workstation)."""

    @property
    def route(self) -> str:
        """The route's description, recorded with every result."""
        ...

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        """A connected socket to host:port through the route; RouteError if refused."""
        ...


class Cancelled(LookupFailed):
    """The officer cancelled the lookup."""


@dataclass
class LookupContext:
    """Route and servers for lookups; tests and units with their own infrastructure
    override the servers (resolver, whois_server, rdap_bootstrap)."""

    connector: Connector
    resolver: tuple[str, int] = DEFAULT_RESOLVER
    whois_server: tuple[str, int] | None = None  # None: IANA, then follow referrals
    rdap_bootstrap: Path | None = None  # None: the IANA files shipped in resources/
    tls_context: ssl.SSLContext | None = None  # None: the system's trust store
    timeout: float = DEFAULT_TIMEOUT
    cancel_event: threading.Event = field(default_factory=threading.Event)

    @property
    def route(self) -> str:
        return self.connector.route

    def ssl_context(self) -> ssl.SSLContext:
        return self.tls_context if self.tls_context is not None else ssl.create_default_context()

    def check_cancelled(self) -> None:
        """Raise Cancelled if the officer cancelled; lookups call it between exchanges."""
        if self.cancel_event.is_set():
            raise Cancelled("The lookup was cancelled.")

    def connect(self, host: str, port: int) -> socket.socket:
        self.check_cancelled()
        return self.connector.connect(host, port, self.timeout)
