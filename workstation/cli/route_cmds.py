"""`route test`: bring the route up and show where it comes out.

Also the route options every command that goes out shares: --route (default: the
managed Tor), --persona, --tor-binary and --tor-config.
"""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from workstation.cli.common import EXIT_ERROR, EXIT_OK, print_json

if TYPE_CHECKING:
    from workstation.route import ExitIdentity, RouteSpec, RouteStatus

READY_TIMEOUT = 300.0  # Tor on a slow or censored network can take minutes
IDENTITY_TIMEOUT = 60.0
ROUTE_HELP = (
    "tor (the default: the workstation's own Tor), socks5://[USER:PASSWORD@]HOST:PORT, "
    "http://[USER:PASSWORD@]HOST:PORT, or tor+socks5://... / tor+http://... for a proxy "
    "reached through Tor"
)


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    route = sub.add_parser("route", help="test the route out")
    actions = route.add_subparsers(dest="route_command", metavar="ACTION", required=True)
    test = actions.add_parser(
        "test", help="bring the route up and print the exit identity a site would see"
    )
    add_route_arguments(test)
    test.add_argument(
        "--echo-url",
        help="an address echo URL to ask through the route (default: exit_echo_url in settings)",
    )
    test.add_argument(
        "--timeout", type=float, default=READY_TIMEOUT, help="seconds to wait for the route"
    )
    test.add_argument("--json", action="store_true", help="machine-readable output")
    test.set_defaults(handler=cmd_route_test)


def add_route_arguments(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a --route given before the subcommand is not overwritten by a default.
    parser.add_argument("--route", default=argparse.SUPPRESS, help=ROUTE_HELP)
    parser.add_argument("--persona", help="act as this persona (its own Tor circuits)")
    parser.add_argument("--tor-binary", help="the tor program to run (default: the system's)")
    parser.add_argument(
        "--tor-config",
        type=Path,
        help="a file of extra torrc lines, e.g. bridges (Tor routes only)",
    )


def route_from_args(args: argparse.Namespace) -> "RouteSpec":
    """The RouteSpec the arguments describe; InputError for a bad route or misplaced option."""
    from workstation.route import TorOptions, parse_route  # noqa: PLC0415
    from workstation.route.personas import check_alias  # noqa: PLC0415
    from workstation.route.spec import DEFAULT_ROUTE  # noqa: PLC0415
    from workstation.route.torrc import tor_options  # noqa: PLC0415

    route = parse_route(getattr(args, "route", None) or DEFAULT_ROUTE)
    if args.persona is not None:
        check_alias(args.persona)
    options = tor_options(args.tor_binary, args.tor_config)
    return route.with_tor_options(options) if options != TorOptions() else route


class ProgressPrinter:
    """Prints the route's start-up progress ("Tor:  45% Loading relay descriptors")."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._last = ""

    def __call__(self, status: "RouteStatus") -> None:
        if status.state == "starting":
            line = f"Tor: {status.percent:3d}% {status.summary}"
        elif status.state == "ready":
            line = "Tor: 100% connected"
        elif status.state == "failed":
            line = f"Tor: {status.detail}"
        else:
            return
        if line != self._last:
            self._last = line
            print(line, file=self._stream, flush=True)


def cmd_route_test(args: argparse.Namespace) -> int:
    from workstation.errors import RouteError  # noqa: PLC0415
    from workstation.route import RouteGate  # noqa: PLC0415
    from workstation.route.exit_identity import parse_echo_url  # noqa: PLC0415
    from workstation.settings import Settings  # noqa: PLC0415

    route = route_from_args(args)
    echo_url = args.echo_url if args.echo_url is not None else Settings.load().exit_echo_url
    if echo_url:
        parse_echo_url(echo_url)  # a bad URL is an input error, before anything starts
    gate = RouteGate(route)
    gate.echo_url = echo_url or None
    gate.add_status_observer(ProgressPrinter())
    gate.start()
    try:
        gate.wait_ready(args.timeout)
        health = gate.check_health(timeout=IDENTITY_TIMEOUT)
        if not health.ok:
            raise RouteError(health.detail)
        identity = gate.exit_identity(args.persona, timeout=IDENTITY_TIMEOUT)
    except RouteError as exc:
        return report_failure(args, route.describe(), str(exc))
    finally:
        gate.stop()
    report_identity(args, route.describe(), health.detail, identity)
    return EXIT_OK


def report_failure(args: argparse.Namespace, route: str, reason: str) -> int:
    if args.json:
        print_json({"ok": False, "route": route, "persona": args.persona, "error": reason})
    print(f"error: the route cannot carry traffic: {reason}", file=sys.stderr)
    return EXIT_ERROR


def report_identity(
    args: argparse.Namespace, route: str, health: str, identity: "ExitIdentity"
) -> None:
    if args.json:
        print_json(
            {
                "ok": True,
                "route": route,
                "persona": args.persona,
                "health": health,
                "exit": identity.as_dict(),
            }
        )
        return
    country = identity.country or "unknown"
    address = f"{identity.address} (country: {country})" if identity.address else "unknown"
    print(f"Route:    {route}")
    print(f"Health:   {health}")
    if args.persona:
        print(f"Persona:  {args.persona}")
    print(f"Exit:     {address}")
    print(f"Via:      {identity.via}")
    print(f"Detail:   {identity.detail}")
