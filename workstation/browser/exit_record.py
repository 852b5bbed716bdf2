"""The exit identity as the manifest records it."""

from workstation.canonjson import JsonValue
from workstation.errors import WorkstationError
from workstation.route import RouteGate

EXIT_IDENTITY_TIMEOUT = 15.0


def exit_record(
    gate: RouteGate, identity: str | None, timeout: float = EXIT_IDENTITY_TIMEOUT
) -> dict[str, JsonValue]:
    """Where an identity's traffic leaves the route, learned through the route.

    Blocks (Tor is asked, or an echo URL fetched): call it from a worker thread.
    When it cannot be learned the record says why instead of failing the capture.
    """
    try:
        identity_found = gate.exit_identity(identity, timeout=timeout)
    except WorkstationError as exc:
        return {"address": None, "country": None, "detail": str(exc)}
    return dict(identity_found.as_dict())
