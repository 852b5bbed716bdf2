"""`export`: the evidence package for a court or the requesting unit, or its redacted
disclosure copy: report, evidence, audit log with signed heads, contact log, lookups,
CASE/UCO, Merkle tree, standalone verifier, SHA256SUMS (and DIR.zip with --archive)."""

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.errors import InputError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    export = sub.add_parser(
        "export",
        help="write the evidence package (or a redacted disclosure copy) into a new folder",
    )
    export.add_argument("--case", required=True, type=Path, dest="case_path")
    export.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="a new or empty folder"
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
    export.add_argument("--json", action="store_true", help="machine-readable output")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
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
