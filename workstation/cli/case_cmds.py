"""`case ...`: create encrypted case files, change their passphrase, show what they hold."""

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from workstation.cli.common import EXIT_OK, print_json, read_passphrase


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    case = sub.add_parser("case", help="create and manage case files")
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create", help="create an encrypted case (passphrase from stdin or a prompt)"
    )
    create.add_argument("path", type=Path)
    create.add_argument("--title", default="", help="case reference")
    create.add_argument("--officer", default="", help="officer creating the case")
    create.set_defaults(handler=cmd_case_create)
    passwd = actions.add_parser(
        "passwd", help="change the passphrase (old, then new, one per line on stdin)"
    )
    passwd.add_argument("path", type=Path)
    passwd.set_defaults(handler=cmd_case_passwd)
    info = actions.add_parser("info", help="show the case's metadata and what it holds")
    info.add_argument("path", type=Path)
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(handler=cmd_case_info)
    change = actions.add_parser("set", help="change the case's metadata or capture settings")
    change.add_argument("path", type=Path)
    for name in ("reference", "requesting-unit", "legal-basis", "officer", "commodity", "status"):
        change.add_argument(f"--{name}", help=f"new {name.replace('-', ' ')}")
    change.add_argument(
        "--auto-capture",
        choices=("on", "off"),
        help="seal every page visited in the browser into the case (on by default)",
    )
    change.set_defaults(handler=cmd_case_set)


def cmd_case_create(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase for the new case: ", confirm=True)
    with Case.create(args.path, passphrase, title=args.title, officer=args.officer) as case:
        print(f"Created case {case.path} ({case.case_id})")
    return EXIT_OK


def cmd_case_passwd(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    old = read_passphrase("Current passphrase: ")
    new = read_passphrase("New passphrase: ", confirm=True)
    with Case.open(args.path, old) as case:
        case.change_passphrase(old, new)
        print(f"Changed the passphrase of case {case.path} ({case.case_id}).")
    return EXIT_OK


def cmd_case_info(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.path, passphrase) as case:
        summary = case_summary(case)
    if args.json:
        print_json(summary)
    else:
        for key, value in summary["metadata"].items():
            print(f"{key.replace('_', ' '):16} {value if value is not None else ''}")
        for key, value in summary["counts"].items():
            print(f"{key.replace('_', ' '):16} {value}")
        print(f"{'case id':16} {summary['case_id']}")
        print(f"{'signing key':16} {summary['public_key']}")
    return EXIT_OK


def cmd_case_set(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.casefile.metadata import EDITABLE  # noqa: PLC0415
    from workstation.errors import InputError  # noqa: PLC0415

    changes = {name: getattr(args, name) for name in EDITABLE if getattr(args, name) is not None}
    if not changes:
        raise InputError("Say what to change, e.g. --auto-capture off or --reference REF.")
    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.path, passphrase) as case:
        meta = case.update_metadata(**changes)
    for name in sorted(changes):
        print(f"{name.replace('_', ' '):16} {_shown(getattr(meta, name))}")
    return EXIT_OK


def _shown(value: Any) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def case_summary(case: Any) -> dict[str, Any]:
    meta = dataclasses.asdict(case.metadata())
    return {
        "case_id": case.case_id,
        "path": str(case.path),
        "metadata": {key: str(value) if value is not None else None for key, value in meta.items()},
        "counts": case.counts(),
        "public_key": case.public_key_hex(),
    }
