"""How far a route is from carrying traffic, as reported while it starts and runs."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

RouteState = Literal["starting", "ready", "failed", "stopped"]


@dataclass(frozen=True)
class RouteStatus:
    """state: starting (percent tells how far), ready, failed (detail says why) or stopped.

    summary is the short phase name (e.g. Tor's "Loading relay descriptors"); detail is a
    sentence for the officer, e.g. "Tor is starting (42%): Loading relay descriptors."
    """

    state: RouteState
    percent: int
    summary: str
    detail: str


StatusCallback = Callable[[RouteStatus], None]
