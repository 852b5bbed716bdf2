"""`export`: the evidence package for a court or the requesting unit, or its redacted
disclosure copy: report, evidence, audit log with signed heads, contact log, lookups,
CASE/UCO, Merkle tree, standalone verifier, SHA256SUMS (and DIR.zip with --archive).

With --encrypt-to KEYFILE (or --to NAME, or --passphrase), `export --case PATH --out FILE`
writes the encrypted case transfer for another workstation instead: the same code path as
`transfer export` (cli/transfer_cmds.py). Options of the one that mean nothing to the
other are refused with a message naming them.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.errors import InputError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    export = sub.add_parser(
        "export",
        help="write the evidence package (or a redacted disclosure copy) into a new folder; "
        "with --encrypt-to, the encrypted case transfer for another workstation",
    )
    export.add_argument("--case", required=True, type=Path, dest="case_path")
    export.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR|FILE",
        help="a new or empty folder (the package), or a new file (the transfer)",
    )
    export.add_argument(
        "--exhibit",
        action="append",
        default=[],
        metavar="ID",
        help="an exhibit to include (repeatable; default: every exhibit)",
    )
    export.add_argument(
        "--redact-contacts",
        action="store_true",
        help="withhold the contact log's contents, counterparts and attachments",
    )
    export.add_argument(
        "--withhold-persona",
        action="append",
        default=[],
        metavar="ALIAS",
        help="leave out this persona, its contact entries and what names it",
    )
    export.add_argument(
        "--withhold-exhibit",
        action="append",
        default=[],
        metavar="ID",
        help="leave out this exhibit (its leaf stays proven in the Merkle tree)",
    )
    export.add_argument("--archive", action="store_true", help="also write DIR.zip of the folder")
    export.add_argument("--no-pdf", action="store_true", help="skip report.pdf (report.html stays)")
    export.add_argument("--officer", default="", help="who exports (default: from settings)")
    transfer = export.add_argument_group(
        "encrypted transfer to another workstation (instead of the package; --out is then a "
        "new FILE)"
    )
    transfer.add_argument(
        "--encrypt-to",
        action="append",
        default=[],
        metavar="KEYFILE",
        help="a partner's key card file, or a partner's name in the address book (repeatable)",
    )
    transfer.add_argument(
        "--to", action="append", default=[], metavar="NAME", help="a partner in the address book"
    )
    transfer.add_argument(
        "--passphrase", action="store_true", help="encrypt to a passphrase instead (stdin)"
    )
    transfer.add_argument(
        "--lookup", action="append", default=[], type=int, metavar="ID", help="only this lookup"
    )
    transfer.add_argument(
        "--include",
        action="append",
        default=[],
        choices=PARTS,
        help="with --exhibit/--lookup: also send this part",
    )
    export.add_argument("--json", action="store_true", help="machine-readable output")
    export.set_defaults(handler=cmd_export)


PARTS = ("contacts", "personas", "notes")
# Options that only the package knows, and only the transfer: (flag, attribute, unset value).
_PACKAGE_ONLY: tuple[tuple[str, str, object], ...] = (
    ("--redact-contacts", "redact_contacts", False),
    ("--withhold-persona", "withhold_persona", []),
    ("--withhold-exhibit", "withhold_exhibit", []),
    ("--archive", "archive", False),
    ("--no-pdf", "no_pdf", False),
    ("--officer", "officer", ""),
)
_TRANSFER_ONLY: tuple[tuple[str, str, object], ...] = (
    ("--lookup", "lookup", []),
    ("--include", "include", []),
)


def is_transfer(args: argparse.Namespace) -> bool:
    return bool(args.encrypt_to or args.to or args.passphrase)


def _given(args: argparse.Namespace, options: Sequence[tuple[str, str, object]]) -> list[str]:
    return [flag for flag, attribute, unset in options if getattr(args, attribute) != unset]


def cmd_export(args: argparse.Namespace) -> int:
    if is_transfer(args):
        given = _given(args, _PACKAGE_ONLY)
        if given:
            raise InputError(
                f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for the evidence "
                "package only, not for an encrypted transfer (--encrypt-to, --to, "
                "--passphrase). Leave it out, or export the package without those."
            )
        return _transfer(args)
    given = _given(args, _TRANSFER_ONLY)
    if given:
        raise InputError(
            f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for an encrypted "
            "transfer only: add --encrypt-to KEYFILE (or --to NAME, or --passphrase), or "
            "leave it out."
        )
    return cmd_export_package(args)


def _transfer(args: argparse.Namespace) -> int:
    from workstation.cli.evidence_cmds import item_numbers  # noqa: PLC0415
    from workstation.cli.transfer_cmds import (  # noqa: PLC0415
        TransferRequest,
        card_or_name,
        run_transfer_export,
    )

    names, cards = card_or_name(args.encrypt_to)
    return run_transfer_export(
        TransferRequest(
            case_path=args.case_path,
            out=args.out,
            names=[*args.to, *names],
            card_files=cards,
            by_passphrase=args.passphrase,
            exhibits=item_numbers(args.exhibit) or [],
            lookups=list(args.lookup),
            include=list(args.include),
            as_json=args.json,
        )
    )


def cmd_export_package(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.cli.contact_cmds import officer_name  # noqa: PLC0415
    from workstation.cli.evidence_cmds import item_numbers  # noqa: PLC0415
    from workstation.evidence.export import check_export_folder  # noqa: PLC0415
    from workstation.package import (  # noqa: PLC0415
        PackageRequest,
        WithholdRequest,
        build_package,
    )

    request = PackageRequest(
        item_ids=item_numbers(args.exhibit),
        withhold=WithholdRequest(
            personas=tuple(_aliases(args.withhold_persona)),
            exhibits=tuple(item_numbers(args.withhold_exhibit) or ()),
            redact_contacts=args.redact_contacts,
        ),
        archive=args.archive,
    )
    check_export_folder(args.out)  # before the passphrase: nothing to type in vain
    passphrase = read_passphrase("Passphrase: ")
    officer = officer_name(args.officer)
    tools = report_tools(officer, pdf=not args.no_pdf)
    with Case.open(args.case_path, passphrase, officer=officer) as case:
        summary = build_package(case, args.out, request, tools)
    if args.json:
        print_json(summary_json(summary))
    else:
        print_summary(summary)
    return EXIT_PROBLEM if summary.problems else EXIT_OK


def _aliases(values: list[str]) -> list[str]:
    aliases = [value.strip() for value in values]
    if any(not alias for alias in aliases):
        raise InputError("--withhold-persona needs a persona's alias.")
    return aliases


def report_tools(officer: str, *, pdf: bool) -> Any:
    """Thumbnails and the PDF come from QtWebEngine (an offscreen application)."""
    from workstation.browser.pdf_render import html_to_pdf, screenshot_thumbnail  # noqa: PLC0415
    from workstation.package import ReportTools  # noqa: PLC0415

    return ReportTools(
        thumbnails=screenshot_thumbnail, to_pdf=html_to_pdf if pdf else None, officer=officer
    )


def summary_json(summary: Any) -> dict[str, Any]:
    return {
        "ok": not summary.problems,
        "out": str(summary.out_dir),
        "archive": str(summary.archive) if summary.archive else None,
        "files": summary.files,
        "sha256sums_sha256": summary.sums_sha256,
        "merkle_root": summary.merkle_root,
        "leaves": summary.leaves,
        "disclosed_leaves": summary.disclosed_leaves,
        "audit_head": {"seq": summary.head_seq, "hash": summary.head_hash},
        "redacted": summary.redacted,
        "withheld": summary.withheld,
        "exhibits": [
            {
                "item_id": e.item_id,
                "control_number": e.control_number,
                "folder": f"evidence/{e.folder}",
            }
            for e in summary.exhibits
        ],
        "notes": list(summary.notes),
        "problems": list(summary.problems),
    }


def print_summary(summary: Any) -> None:
    kind = "Redacted disclosure copy" if summary.redacted else "Evidence package"
    print(f"{kind}: {summary.out_dir} ({summary.files} files)")
    if summary.archive:
        print(f"Archive: {summary.archive}")
    print(f"Exhibits: {len(summary.exhibits)}")
    print(
        f"Merkle root: {summary.merkle_root} ({summary.disclosed_leaves} of {summary.leaves} items)"
    )
    print(f"Audit head: event {summary.head_seq}, {summary.head_hash}")
    for name, number in summary.withheld.items():
        if number:
            print(f"Withheld {name.replace('_', ' ')}: {number}")
    for note in summary.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in summary.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("Check it with: sha256sum -c SHA256SUMS, or python3 verify_package.py (see README.txt)")
