"""`capture`: load URLs headless through the route and seal each into the case."""

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.cli.route_cmds import ProgressPrinter, add_route_arguments, route_from_args
from workstation.errors import InputError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    capture = sub.add_parser("capture", help="load URLs headless through the route and seal them")
    capture.add_argument("--case", required=True, type=Path, dest="case_path")
    add_route_arguments(capture)
    capture.add_argument("--officer", default="")
    capture.add_argument("--note", default="", help="note stored in every manifest")
    capture.add_argument(
        "--load-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="a page still loading after this long is captured as it is, labelled partial",
    )
    capture.add_argument("--json", action="store_true", help="machine-readable output")
    add_tsa_arguments(capture)
    capture.add_argument(
        "--ca-file",
        metavar="PEM",
        help="extra root certificates the route gate trusts for sites, beside the system's "
        "(default: origin_ca_file in settings)",
    )
    capture.add_argument("urls", nargs="+", metavar="URL")
    capture.set_defaults(handler=cmd_capture)


def cmd_capture(args: argparse.Namespace) -> int:
    from workstation.browser.headless import capture_urls  # noqa: PLC0415
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.settings import Settings  # noqa: PLC0415

    route = route_from_args(args)
    tsa = tsa_from_args(args)
    if not 1 <= args.load_timeout <= 3600:
        raise InputError("--load-timeout must be between 1 and 3600 seconds.")
    settings = Settings.load()
    origin_cafile = args.ca_file or settings.origin_ca_file or None
    if origin_cafile is not None and not Path(origin_cafile).is_file():
        raise InputError(f"The certificate file {origin_cafile} does not exist.")
    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase, officer=args.officer) as case:
        outcomes = capture_urls(
            case,
            route,
            args.urls,
            officer=args.officer,
            note=args.note,
            persona=args.persona,
            on_status=ProgressPrinter(),
            tsa=tsa,
            origin_cafile=origin_cafile,
            allow_local_destinations=settings.allow_local_destinations or None,
            load_timeout=args.load_timeout,
        )
    if args.json:
        print_json([outcome_json(o) for o in outcomes])
    else:
        for outcome in outcomes:
            if outcome.exhibit is not None:
                stamp = outcome.timestamp or {}
                note = f"  (timestamp {stamp['status']})" if stamp else ""
                print(f"{outcome.exhibit.control_number}  {outcome.url}{note}")
            else:
                print(f"error: {outcome.url} was not captured: {outcome.error}", file=sys.stderr)
    return EXIT_PROBLEM if any(o.exhibit is None for o in outcomes) else EXIT_OK


def outcome_json(outcome: Any) -> dict[str, Any]:
    exhibit = outcome.exhibit
    if exhibit is None:
        return {"url": outcome.url, "ok": False, "error": outcome.error}
    return {
        "url": outcome.url,
        "ok": True,
        "control_number": exhibit.control_number,
        "item_id": exhibit.item_id,
        "site_error_status": exhibit.manifest.as_dict().get("site_error_status"),
        "timestamp": outcome.timestamp,
        "artifacts": {
            entry["name"]: f"exhibit {exhibit.item_id}/{entry['name']}"
            for entry in exhibit.manifest.as_dict().get("artifacts", [])
        },
        "recorded_exchanges": exhibit.manifest.as_dict().get("recorded_exchanges"),
        "partial": bool(exhibit.warnings),
        "warnings": list(exhibit.warnings),
    }


def add_tsa_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tsa", metavar="URL", help="RFC 3161 timestamp authority, asked through the route"
    )
    parser.add_argument(
        "--tsa-cert",
        metavar="FILE",
        type=Path,
        help="PEM certificate(s) the authority's replies must chain to",
    )


def tsa_roots(args: argparse.Namespace) -> list[Any]:
    from workstation.evidence.timestamp import load_certificates  # noqa: PLC0415

    if args.tsa_cert is None:
        return []
    try:
        pem = args.tsa_cert.read_bytes()
    except OSError as exc:
        raise InputError(f"The certificate file {args.tsa_cert} cannot be read: {exc}.") from exc
    return load_certificates(pem)


def tsa_from_args(args: argparse.Namespace) -> Any:
    from workstation.evidence.timestamping import TsaConfig  # noqa: PLC0415

    if not args.tsa:
        return None
    return TsaConfig(args.tsa, tuple(tsa_roots(args)))
