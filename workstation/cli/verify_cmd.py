"""`verify`: re-check a case (every hash, control number, the audit chain), or an evidence
package folder or archive (the standalone checks, signed heads and timestamp tokens)."""

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli.capture_cmd import tsa_roots
from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.version import build_hash, tool_version


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verify = sub.add_parser(
        "verify",
        help="re-check a case, or an evidence package (folder or .zip): every hash, "
        "control number, the audit log",
    )
    verify.add_argument("path", type=Path, help="a case folder, a package folder or archive")
    verify.add_argument("--json", action="store_true")
    verify.add_argument(
        "--tsa-cert",
        metavar="FILE",
        type=Path,
        help="PEM certificate(s) timestamp replies must chain to (else signatures go unchecked)",
    )
    verify.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    from workstation.package.verify import is_package  # noqa: PLC0415

    if is_package(args.path):
        return verify_package_command(args)
    return verify_case_command(args)


def verify_case_command(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.evidence.verify import verify_case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.path, passphrase) as case:
        report = verify_case(case, tsa_roots(args))
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "exhibits": [
                    {
                        "control_number": i.control_number,
                        "ok": i.ok,
                        "timestamps": i.timestamps,
                        "problems": i.problems,
                    }
                    for i in report.items
                ],
                "audit_events": report.audit_events,
                "storage_problems": report.storage_problems,
                "problems": report.problems(),
                "tool": {"version": tool_version(), "build": build_hash()},
            }
        )
    else:
        for item in report.items:
            stamps = f"  ({item.timestamps} timestamp(s))" if item.timestamps else ""
            print(f"{'OK      ' if item.ok else 'MISMATCH'} {item.control_number}{stamps}")
        state = "chain intact" if not report.audit_problems else "BROKEN"
        print(f"Audit log: {report.audit_events} events, {state}")
        for problem in report.problems():
            print(f"problem: {problem}", file=sys.stderr)
        print("Verified: everything matches." if report.ok else "NOT VERIFIED.")
    return EXIT_OK if report.ok else EXIT_PROBLEM


def verify_package_command(args: argparse.Namespace) -> int:
    """A package needs no passphrase: everything in it is meant to be checked by anyone."""
    from workstation.package.verify import verify_package  # noqa: PLC0415

    report = verify_package(args.path, tsa_roots(args))
    if args.json:
        print_json(package_json(report))
        return EXIT_OK if report.ok else EXIT_PROBLEM
    print(f"Evidence package: {args.path}")
    for what, number in report.findings.counts.items():
        print(f"  {what}: {number}")
    print(f"  Ed25519 signatures checked: {report.heads_checked}")
    print(f"  timestamp tokens checked: {report.timestamps_checked}")
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("VERIFIED: everything matches." if report.ok else "NOT VERIFIED.")
    return EXIT_OK if report.ok else EXIT_PROBLEM


def package_json(report: Any) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "kind": "package",
        "path": str(report.path),
        "counts": report.findings.counts,
        "signatures_checked": report.heads_checked,
        "timestamps_checked": report.timestamps_checked,
        "timestamp_roots": report.timestamp_roots,
        "notes": report.notes,
        "problems": report.problems,
        "tool": {"version": tool_version(), "build": build_hash()},
    }
