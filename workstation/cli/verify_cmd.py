"""`verify`: re-check every hash, control number and the audit chain of a case."""

import argparse
import sys
from pathlib import Path

from workstation.cli.capture_cmd import tsa_roots
from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.version import build_hash, tool_version


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verify = sub.add_parser("verify", help="re-check every hash, control number and the audit log")
    verify.add_argument("path", type=Path)
    verify.add_argument("--json", action="store_true")
    verify.add_argument(
        "--tsa-cert",
        metavar="FILE",
        type=Path,
        help="PEM certificate(s) timestamp replies must chain to (else signatures go unchecked)",
    )
    verify.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
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
