"""`self-test`: prove this installation works end to end, offline, without touching real data."""

import argparse

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    selftest = sub.add_parser(
        "self-test",
        help="capture a built-in page through a test route into a throw-away case and verify it",
        description="Runs offscreen and offline: a throw-away case in a private temporary "
        "folder, a built-in page and a test SOCKS5 route on loopback, the headless browser "
        "through the route gate, a sealed and verified snapshot. Exit 0 when every step "
        "passes, 1 naming the step that failed.",
    )
    selftest.add_argument("--json", action="store_true", help="machine-readable report")
    selftest.add_argument(
        "--keep", action="store_true", help="leave the temporary workspace (and case) in place"
    )
    selftest.set_defaults(handler=cmd_self_test)


def cmd_self_test(args: argparse.Namespace) -> int:
    from workstation import selftest  # noqa: PLC0415

    options = selftest.SelfTestOptions(keep=args.keep)
    if args.json:
        report = selftest.run_self_test(options)
        print_json(report.as_json())
    else:
        from workstation.version import build_hash, built_utc, tool_version  # noqa: PLC0415

        print(selftest.version_header(tool_version(), build_hash(), built_utc()), flush=True)
        report = selftest.run_self_test(
            options, progress=lambda step: print(selftest.step_line(step), flush=True)
        )
        for line in selftest.closing_lines(report):
            print(line)
    return EXIT_OK if report.ok else EXIT_PROBLEM
