"""The command line: every core action, scriptable, over the same core as the GUI.

Each subcommand lives in its own module with a `register(subparsers)` that adds
its parser and sets `handler`; COMMANDS lists them in --help order. Exit codes
are in cli.common: 0 success, 1 a problem found, 2 an error to fix first.
"""

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from workstation import APP_NAME
from workstation.cli import (
    capture_cmd,
    case_cmds,
    contact_cmds,
    evidence_cmds,
    lookup_cmd,
    package_cmds,
    persona_cmds,
    report_cmd,
    route_cmds,
    selftest_cmd,
    timestamp_cmds,
    transfer_cmds,
    verify_cmd,
)
from workstation.cli.common import EXIT_ERROR, EXIT_OK, EXIT_PROBLEM, read_passphrase
from workstation.errors import WorkstationError
from workstation.version import version_line

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_PROBLEM", "build_parser", "main", "read_passphrase"]

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
COMMANDS: list[Registrar] = [
    case_cmds.register,
    persona_cmds.register,
    contact_cmds.register,
    capture_cmd.register,
    evidence_cmds.register,
    lookup_cmd.register,
    timestamp_cmds.register,
    route_cmds.register,
    package_cmds.register,
    verify_cmd.register,
    report_cmd.register,
    transfer_cmds.register,
    selftest_cmd.register,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description=f"{APP_NAME}: routed browsing, sealed snapshots, encrypted case files. "
        "Without a subcommand the GUI starts.",
    )
    parser.add_argument("--version", action="version", version=version_line())
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (to stderr)")
    parser.add_argument("--route", help="for the GUI: upstream route, e.g. socks5://127.0.0.1:1080")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = sub.add_parser("gui", help="start the workstation window (the default)")
    gui.add_argument(
        "--route", default=argparse.SUPPRESS, help="upstream route, e.g. socks5://127.0.0.1:1080"
    )
    gui.set_defaults(handler=run_gui_command)
    for register in COMMANDS:
        register(sub)
    return parser


def run_gui_command(args: argparse.Namespace) -> int:
    from workstation.app import run_gui  # noqa: PLC0415  (Qt loads only for the GUI)

    return run_gui(args.route)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler = getattr(args, "handler", run_gui_command)
    try:
        code: int = handler(args)
    except WorkstationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    return code
