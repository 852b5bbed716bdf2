"""`timestamp retry`: ask again, through the route, for every queued timestamp of a case."""

import argparse
import sys
from pathlib import Path

from workstation.cli.capture_cmd import tsa_roots
from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.cli.route_cmds import ProgressPrinter, add_route_arguments, route_from_args

READY_TIMEOUT = 300.0


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    timestamp = sub.add_parser("timestamp", help="RFC 3161 timestamps of a case's exhibits")
    actions = timestamp.add_subparsers(dest="timestamp_command", metavar="ACTION", required=True)
    retry = actions.add_parser("retry", help="ask again for every queued timestamp")
    retry.add_argument("--case", required=True, type=Path, dest="case_path")
    add_route_arguments(retry)
    retry.add_argument(
        "--tsa-cert", metavar="FILE", type=Path, help="PEM certificate(s) replies must chain to"
    )
    retry.add_argument("--json", action="store_true")
    retry.set_defaults(handler=cmd_retry)


def cmd_retry(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.evidence.timestamping import retry_pending  # noqa: PLC0415
    from workstation.route import RouteGate  # noqa: PLC0415

    route = route_from_args(args)
    roots = tsa_roots(args)
    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase) as case:
        gate = RouteGate(route)
        gate.add_status_observer(ProgressPrinter())
        gate.start()
        try:
            gate.wait_ready(READY_TIMEOUT)
            results = retry_pending(case, roots, gate_port=gate.port)
        finally:
            gate.stop()
    if args.json:
        print_json(results)
    else:
        for result in results:
            print(f"{result['control_number']}  {result['status']}")
        if not results:
            print("No timestamps are waiting.", file=sys.stderr)
    return EXIT_OK if all(r["status"] == "granted" for r in results) else EXIT_PROBLEM
