"""The one way out to the network: route configuration, SOCKS5 client and the route gate.

Qt-free. Nothing else in the workstation opens connections to the outside world.
"""

from workstation.route.gate import GateEvent, RouteGate, RouteHealth
from workstation.route.spec import RouteSpec, parse_route

__all__ = ["GateEvent", "RouteGate", "RouteHealth", "RouteSpec", "parse_route"]
