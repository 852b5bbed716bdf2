"""`persona ...`: add and list the undercover identities of a case."""

import argparse
import dataclasses
from pathlib import Path

from workstation.cli.common import EXIT_OK, print_json, read_passphrase
from workstation.errors import InputError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    persona = sub.add_parser("persona", help="add and list the personas of a case")
    actions = persona.add_subparsers(dest="persona_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a persona (passphrase from stdin or a prompt)")
    add.add_argument("--case", required=True, type=Path, dest="case_path")
    add.add_argument("alias")
    add.add_argument(
        "--account", action="append", default=[], metavar="PLATFORM:HANDLE", help="repeatable"
    )
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    add.add_argument("--notes", default="")
    add.add_argument("--officer", default="", help="who is adding it (default: from settings)")
    add.set_defaults(handler=cmd_persona_add)
    listing = actions.add_parser("list", help="list the personas")
    listing.add_argument("--case", required=True, type=Path, dest="case_path")
    listing.add_argument("--all", action="store_true", help="include retired personas")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=cmd_persona_list)


def parse_account(text: str) -> tuple[str, str]:
    platform, sep, handle = text.partition(":")
    if not sep or not platform.strip() or not handle.strip():
        raise InputError(f"--account {text!r} must look like PLATFORM:HANDLE, e.g. telegram:@name.")
    return platform.strip(), handle.strip()


def cmd_persona_add(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.cli.contact_cmds import officer_name  # noqa: PLC0415

    accounts = [parse_account(text) for text in args.account]
    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase, officer=officer_name(args.officer)) as case:
        persona = case.add_persona(
            args.alias, accounts=accounts, email=args.email, phone=args.phone, notes=args.notes
        )
    print(f"Added persona {persona.alias} ({persona.id}).")
    return EXIT_OK


def cmd_persona_list(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase) as case:
        personas = case.personas(include_retired=args.all)
    if args.json:
        print_json([dataclasses.asdict(persona) for persona in personas])
        return EXIT_OK
    for persona in personas:
        accounts = ", ".join(f"{a.platform}:{a.handle}" for a in persona.accounts)
        parts = [persona.alias, persona.email, persona.phone, accounts]
        line = "  ".join(part for part in parts if part)
        print(line + ("  (retired)" if persona.retired else ""))
    return EXIT_OK
