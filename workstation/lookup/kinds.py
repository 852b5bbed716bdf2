"""The registry of lookup kinds: a name the officer (or the CLI) uses -> the function.

Each lookup module is imported only when its kind is first run, so that listing the
kinds (or running a phone lookup) does not load dnspython, python-whois and the rest.
"""

import importlib
import socket
from collections.abc import Callable
from dataclasses import dataclass

from workstation.errors import LookupInputError, NoRoute
from workstation.lookup.context import LookupContext
from workstation.lookup.result import LookupResult
from workstation.lookup.targets import Target

LookupFunction = Callable[[str, LookupContext], LookupResult]

# kind -> (module in workstation.lookup, function name)
_FUNCTIONS: dict[str, tuple[str, str]] = {
    "dns": ("dns", "lookup_dns"),
    "whois": ("whois", "lookup_whois"),
    "rdap": ("rdap", "lookup_rdap"),
    "registration": ("rdap", "lookup_registration"),
    "asn": ("asn", "lookup_asn"),
    "cert": ("cert", "lookup_cert"),
    "headers": ("headers", "lookup_headers"),
    "email": ("email", "lookup_email"),
    "phone": ("phone", "lookup_phone"),
}

# Kinds that answer from data shipped with the workstation: no route, no network.
OFFLINE_KINDS = frozenset({"phone"})

# What each kind can look up (targets.classify's kinds). The lookups check their targets
# themselves; this lets a caller refuse a mismatch before it starts a route.
_REGISTRY_TARGETS = frozenset({"domain", "ip", "asn"})
TARGET_KINDS: dict[str, frozenset[str]] = {
    "dns": frozenset({"domain", "ip"}),
    "whois": _REGISTRY_TARGETS,
    "rdap": _REGISTRY_TARGETS,
    "registration": _REGISTRY_TARGETS,
    "asn": frozenset({"ip", "asn"}),
    "cert": frozenset({"domain", "ip", "url"}),
    "headers": frozenset({"domain", "ip", "url"}),
    "email": frozenset({"email"}),
    "phone": frozenset({"phone"}),
}
_TARGET_WORDS = {
    "domain": "a domain name",
    "ip": "an IP address",
    "asn": "an AS number",
    "url": "a web address",
    "email": "an e-mail address",
    "phone": "a phone number",
}


def _deferred(module: str, name: str) -> LookupFunction:
    def run(target: str, context: LookupContext) -> LookupResult:
        function: LookupFunction = getattr(
            importlib.import_module(f"workstation.lookup.{module}"), name
        )
        return function(target, context)

    run.__name__ = name
    run.__qualname__ = name
    run.__doc__ = f"workstation.lookup.{module}.{name}, imported when first run."
    return run


KINDS: dict[str, LookupFunction] = {
    kind: _deferred(module, name) for kind, (module, name) in _FUNCTIONS.items()
}


def run_lookup(kind: str, target: str, context: LookupContext) -> LookupResult:
    """Run one lookup of a known kind; LookupInputError names the kinds for an unknown one."""
    function = KINDS.get(kind)
    if function is None:
        raise LookupInputError(
            f"There is no {kind!r} lookup; the kinds are {', '.join(sorted(KINDS))}."
        )
    return function(target, context)


def check_target(kind: str, target: Target) -> None:
    """LookupInputError when a lookup of this kind cannot take this (classified) target."""
    accepted = TARGET_KINDS.get(kind)
    if accepted is None or target.kind in accepted:
        return
    wanted = " or ".join(_TARGET_WORDS[k] for k in sorted(accepted))
    raise LookupInputError(
        f"{target.display!r} is {_TARGET_WORDS[target.kind]}; the {kind} lookup needs {wanted}."
    )


@dataclass(frozen=True)
class OfflineConnector:
    """The connector for lookups that need no network: any attempt to connect is refused."""

    route: str = "none (answered from data shipped with the workstation)"

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        raise NoRoute(
            f"This lookup runs without a route, so nothing may be sent (asked for {host}:{port})."
        )
