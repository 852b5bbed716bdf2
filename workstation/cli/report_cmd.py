"""`report`: write a case's final report as one HTML file or a PDF rendered from it."""

import argparse
import hashlib
import os
import sys
from pathlib import Path

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.errors import InputError

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
_FILE_MODE = 0o600  # the report holds case data: for the people the officer hands it to


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    report = sub.add_parser(
        "report", help="write the case's final report (FILE.html, or FILE.pdf rendered from it)"
    )
    report.add_argument("--case", required=True, type=Path, dest="case_path")
    report.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="FILE.html or FILE.pdf"
    )
    report.add_argument(
        "--exhibit",
        action="append",
        default=[],
        metavar="ID",
        help="an exhibit to include (repeatable; default: every exhibit)",
    )
    report.add_argument(
        "--redact-contacts",
        action="store_true",
        help="withhold the contact log's contents and counterparts (times, personas, "
        "channels, directions and each entry's hash stay)",
    )
    report.add_argument(
        "--withhold-persona",
        action="append",
        default=[],
        metavar="ALIAS",
        help="show this persona as 'withheld' and remove its names everywhere (repeatable)",
    )
    report.add_argument("--officer", default="", help="who generates it (default: from settings)")
    report.add_argument("--force", action="store_true", help="replace an existing FILE")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.set_defaults(handler=cmd_report)


def output_format(path: Path) -> str:
    """html or pdf, from the file name; InputError for anything else."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"The report file {path} must end in .html or .pdf (which says the format)."
        )
    return kind


def check_output(path: Path, force: bool) -> None:
    """Refuse, before the passphrase is asked for, a file that cannot or may not be written."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the report file's name, e.g. report.pdf.")
    if path.exists() and not force:
        raise InputError(
            f"{path} already exists. Choose another name, or add --force to replace it."
        )
    if not path.parent.is_dir():
        raise InputError(f"The folder {path.parent} does not exist.")


def write_output(path: Path, data: bytes, force: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        with os.fdopen(
            os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), _FILE_MODE), "wb"
        ) as out:
            out.write(data)
    except FileExistsError as exc:
        raise InputError(f"{path} already exists; add --force to replace it.") from exc
    except OSError as exc:
        raise InputError(f"The report could not be written to {path}: {exc.strerror}.") from exc


def cmd_report(args: argparse.Namespace) -> int:
    from workstation.browser.pdf_render import html_to_pdf, screenshot_thumbnail  # noqa: PLC0415
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.cli.contact_cmds import officer_name  # noqa: PLC0415
    from workstation.cli.evidence_cmds import item_numbers  # noqa: PLC0415
    from workstation.report import build_report, record_report  # noqa: PLC0415

    kind = output_format(args.out)
    items = item_numbers(args.exhibit)
    check_output(args.out, args.force)
    passphrase = read_passphrase("Passphrase: ")
    officer = officer_name(args.officer)
    with Case.open(args.case_path, passphrase, officer=officer) as case:
        report = build_report(
            case,
            item_ids=items,
            redact_contacts=args.redact_contacts,
            withheld_personas=frozenset(args.withhold_persona),
            thumbnails=screenshot_thumbnail,
            generated_by=officer,
            record_in_audit=False,  # recorded below, with the hash of the file written
        )
        data = report.html if kind == "html" else html_to_pdf(report.html)
        write_output(args.out, data, args.force)
        digest = hashlib.sha256(data).hexdigest()
        record_report(case, report, file_sha256=digest, file_format=kind)
    if args.json:
        print_json(
            {
                "ok": not report.problems,
                "path": str(args.out),
                "format": kind,
                "sha256": digest,
                "html_sha256": report.sha256,
                "title": report.title,
                "exhibits": len(report.exhibit_ids),
                "exhibit_ids": report.exhibit_ids,
                "control_numbers": report.control_numbers,
                "problems": report.problems,
            }
        )
    else:
        print(f"Report: {args.out}")
        print(f"SHA-256: {digest}")
        print(f"Exhibits: {len(report.exhibit_ids)}")
        for problem in report.problems:
            print(f"problem: {problem}", file=sys.stderr)
    return EXIT_PROBLEM if report.problems else EXIT_OK
