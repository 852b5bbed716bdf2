"""`case ...`: create (and later manage) encrypted case files."""

import argparse
from pathlib import Path

from workstation.cli.common import EXIT_OK, read_passphrase


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


def cmd_case_create(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase for the new case: ", confirm=True)
    with Case.create(args.path, passphrase, title=args.title, officer=args.officer) as case:
        print(f"Created case {case.path} ({case.case_id})")
    return EXIT_OK
