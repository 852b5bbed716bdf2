"""The command line: every core action, scriptable, over the same core as the GUI.

Exit codes: 0 success, 1 the action ran and found a problem (a URL not
captured, a case that does not verify), 2 bad usage or an error the officer
must fix (wrong passphrase, unreachable route).
"""

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workstation import APP_NAME
from workstation.errors import InputError, WorkstationError
from workstation.version import build_hash, tool_version, version_line

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_ERROR = 2


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

    case = sub.add_parser("case", help="create case files")
    case_sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    create = case_sub.add_parser(
        "create", help="create an encrypted case (passphrase from stdin or a prompt)"
    )
    create.add_argument("path", type=Path)
    create.add_argument("--title", default="", help="case reference")
    create.add_argument("--officer", default="", help="officer creating the case")

    capture = sub.add_parser("capture", help="load URLs headless through the route and seal them")
    capture.add_argument("--case", required=True, type=Path, dest="case_path")
    capture.add_argument("--route", required=True, help="socks5://HOST:PORT")
    capture.add_argument("--officer", default="")
    capture.add_argument("--note", default="", help="note stored in every manifest")
    capture.add_argument("--json", action="store_true", help="machine-readable output")
    capture.add_argument("urls", nargs="+", metavar="URL")

    verify = sub.add_parser("verify", help="re-check every hash, control number and the audit log")
    verify.add_argument("path", type=Path)
    verify.add_argument("--json", action="store_true")
    return parser


def read_passphrase(prompt: str, *, confirm: bool = False) -> str:
    """From standard input when it is not a terminal, else from a hidden prompt."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise InputError("No passphrase on standard input.")
        return line.rstrip("\r\n")
    passphrase = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the passphrase: ") != passphrase:
        raise InputError("The two passphrases differ.")
    return passphrase


def cmd_case_create(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase for the new case: ", confirm=True)
    with Case.create(args.path, passphrase, title=args.title, officer=args.officer) as case:
        print(f"Created case {case.path} ({case.case_id})")
    return EXIT_OK


def cmd_capture(args: argparse.Namespace) -> int:
    from workstation.browser.headless import capture_urls  # noqa: PLC0415
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.route import parse_route  # noqa: PLC0415

    route = parse_route(args.route)
    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase, officer=args.officer) as case:
        outcomes = capture_urls(case, route, args.urls, officer=args.officer, note=args.note)
    failed = [o for o in outcomes if o.exhibit is None]
    if args.json:
        print(json.dumps([outcome_json(o) for o in outcomes], indent=2))
    else:
        for outcome in outcomes:
            if outcome.exhibit is not None:
                print(f"{outcome.exhibit.control_number}  {outcome.url}")
            else:
                print(f"error: {outcome.url} was not captured: {outcome.error}", file=sys.stderr)
    return EXIT_PROBLEM if failed else EXIT_OK


def outcome_json(outcome: Any) -> dict[str, Any]:
    exhibit = outcome.exhibit
    if exhibit is None:
        return {"url": outcome.url, "ok": False, "error": outcome.error}
    return {
        "url": outcome.url,
        "ok": True,
        "control_number": exhibit.control_number,
        "item_id": exhibit.item_id,
        "site_error_status": exhibit.manifest.as_dict().get("site_error_status"),
        "partial": bool(exhibit.warnings),
        "warnings": list(exhibit.warnings),
    }


def cmd_verify(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.evidence.verify import verify_case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.path, passphrase) as case:
        report = verify_case(case)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "exhibits": [
                        {"control_number": i.control_number, "ok": i.ok, "problems": i.problems}
                        for i in report.items
                    ],
                    "audit_events": report.audit_events,
                    "problems": report.problems(),
                    "tool": {"version": tool_version(), "build": build_hash()},
                },
                indent=2,
            )
        )
    else:
        for item in report.items:
            print(f"{'OK      ' if item.ok else 'MISMATCH'} {item.control_number}")
        print(
            f"Audit log: {report.audit_events} events, "
            f"{'chain intact' if not report.audit_problems else 'BROKEN'}"
        )
        for problem in report.problems():
            print(f"problem: {problem}", file=sys.stderr)
        print("Verified: everything matches." if report.ok else "NOT VERIFIED.")
    return EXIT_OK if report.ok else EXIT_PROBLEM


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return dispatch(args)
    except WorkstationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR


def dispatch(args: argparse.Namespace) -> int:
    if args.command in (None, "gui"):
        from workstation.app import run_gui  # noqa: PLC0415

        return run_gui(getattr(args, "route", None))
    if args.command == "case":
        return cmd_case_create(args)
    if args.command == "capture":
        return cmd_capture(args)
    if args.command == "verify":
        return cmd_verify(args)
    raise InputError(f"Unknown command {args.command!r}.")
