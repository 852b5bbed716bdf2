"""`evidence export`: write chosen (or all) exhibits to a folder checkable with standard
tools: a WACZ, the manifests, the artifacts, the timestamp replies, SHA256SUMS, README."""

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.errors import InputError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    evidence = sub.add_parser("evidence", help="export a case's exhibits")
    actions = evidence.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write exhibits (WACZ, manifests, artifacts, timestamps, SHA256SUMS) to a folder",
    )
    export.add_argument("--case", required=True, type=Path, dest="case_path")
    export.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="a new or empty folder"
    )
    export.add_argument(
        "items", nargs="*", metavar="ITEM", help="exhibit numbers to export (default: all)"
    )
    export.add_argument("--json", action="store_true", help="machine-readable output")
    export.set_defaults(handler=cmd_export)


def item_numbers(values: list[str]) -> list[int] | None:
    """Exhibit numbers as typed; None (all) when none were given."""
    if not values:
        return None
    numbers = []
    for value in values:
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            raise InputError(f"{value!r} is not an exhibit number (1, 2, 3 ...).")
        numbers.append(int(value))
    return numbers


def cmd_export(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.evidence.export import check_export_folder, export_evidence  # noqa: PLC0415
    from workstation.evidence.wacz import check_wacz  # noqa: PLC0415

    items = item_numbers(args.items)
    check_export_folder(args.out)  # before the passphrase: nothing to type in vain
    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase) as case:
        summary = export_evidence(case, args.out, items)
    problems = list(summary.problems)
    if summary.wacz_path is not None:
        problems += [f"{summary.wacz_path.name}: {p}" for p in check_wacz(summary.wacz_path)]
    if args.json:
        print_json(summary_json(summary, problems))
    else:
        print_summary(summary, problems)
    return EXIT_PROBLEM if problems else EXIT_OK


def summary_json(summary: Any, problems: list[str]) -> dict[str, Any]:
    return {
        "ok": not problems,
        "out": str(summary.out_dir),
        "files": summary.files,
        "wacz": {
            "path": str(summary.wacz_path),
            "bytes": summary.wacz_bytes,
            "warc_files": summary.wacz.warc_files,
            "indexed_records": summary.wacz.indexed_records,
            "pages": summary.wacz.pages,
        }
        if summary.wacz is not None
        else None,
        "exhibits": [
            {
                "item_id": e.item_id,
                "control_number": e.control_number,
                "kind": e.kind,
                "url": e.url,
                "folder": e.folder,
                "files": list(e.files),
                "timestamps": list(e.timestamps),
                "in_wacz": e.in_wacz,
                "renamed": [{"case_name": old, "file_name": new} for old, new in e.renamed],
            }
            for e in summary.exhibits
        ],
        "warnings": list(summary.warnings),
        "problems": problems,
    }


def print_summary(summary: Any, problems: list[str]) -> None:
    for exhibit in summary.exhibits:
        print(f"{exhibit.control_number}  {exhibit.folder}")
    print(
        f"Exported {len(summary.exhibits)} exhibit(s), {summary.files} files, to {summary.out_dir}"
    )
    if summary.wacz is not None:
        print(
            f"WACZ: {summary.wacz_path} ({_size(summary.wacz_bytes)}, "
            f"{summary.wacz.pages} page(s), {summary.wacz.indexed_records} indexed response(s))"
        )
    else:
        print("No WACZ: none of these exhibits holds recorded web traffic.")
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("Check it with: sha256sum -c SHA256SUMS (see README.txt in the folder)")


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"
