"""The one way out to the network: route configuration, proxies, the managed Tor, the gate.

Qt-free. Nothing else in the workstation opens connections to the outside world.
"""

from workstation.route.exit_identity import ExitIdentity
from workstation.route.gate import GateEvent, RouteGate, RouteHealth
from workstation.route.personas import PersonaAccess
from workstation.route.spec import RouteSpec, TorOptions, parse_route
from workstation.route.status import RouteStatus

__all__ = [
    "ExitIdentity",
    "GateEvent",
    "PersonaAccess",
    "RouteGate",
    "RouteHealth",
    "RouteSpec",
    "RouteStatus",
    "TorOptions",
    "parse_route",
]
