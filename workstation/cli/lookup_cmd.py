"""`lookup`: ask the Internet's registries about a target through the route; keep the answer.

`lookup KIND TARGET` runs one lookup (or, for `profile`, every lookup relevant to the
target, in parallel, printing each result as it arrives). With --case each result is
saved as evidence, and the changes since the previous saved run of the same lookup are
shown. Phone numbers are looked up in data shipped with the workstation: no route is
started for them.
"""

import argparse
import json
import ssl
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase
from workstation.cli.route_cmds import (
    IDENTITY_TIMEOUT,
    READY_TIMEOUT,
    ProgressPrinter,
    add_route_arguments,
    route_from_args,
)
from workstation.errors import (
    InputError,
    LookupFailed,
    LookupInputError,
    RouteError,
    WorkstationError,
)

if TYPE_CHECKING:
    from workstation.casefile import Case
    from workstation.lookup import LookupContext, LookupResult
    from workstation.lookup.context import Connector
    from workstation.lookup.profile import ProfileResult
    from workstation.lookup.storage import Saved
    from workstation.lookup.targets import Target
    from workstation.route import RouteSpec

KIND_CHOICES = (
    "dns",
    "whois",
    "rdap",
    "registration",
    "asn",
    "cert",
    "headers",
    "email",
    "phone",
    "profile",
)
DNS_PORT = 53
WHOIS_PORT = 43


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from workstation.lookup.context import DEFAULT_TIMEOUT  # noqa: PLC0415

    lookup = sub.add_parser(
        "lookup",
        help="look up a domain, IP address, e-mail address, URL, phone or AS number",
        description="Ask DNS, WHOIS, RDAP and web servers about a target, through the route. "
        "KIND 'registration' is RDAP with a WHOIS fallback; 'profile' runs every lookup "
        "that fits the target at once.",
    )
    lookup.add_argument("kind", choices=KIND_CHOICES, metavar="KIND", help=" | ".join(KIND_CHOICES))
    lookup.add_argument("target", metavar="TARGET")
    add_route_arguments(lookup)
    lookup.add_argument(
        "--resolver", metavar="ADDR[:PORT]", help="DNS resolver to ask over TCP through the route"
    )
    lookup.add_argument(
        "--whois-server", metavar="HOST:PORT", help="WHOIS server to ask first (default: IANA's)"
    )
    lookup.add_argument(
        "--rdap-bootstrap", metavar="DIR", type=Path, help="folder of IANA RDAP bootstrap files"
    )
    lookup.add_argument(
        "--ca-file", metavar="PEM", type=Path, help="trust only these CA certificates for TLS"
    )
    lookup.add_argument(
        "--case", type=Path, dest="case_path", help="save every result as evidence in this case"
    )
    lookup.add_argument("--officer", default="", help="who saves the results (with --case)")
    lookup.add_argument("--json", action="store_true", help="machine-readable output")
    lookup.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds to wait for each answer (default {DEFAULT_TIMEOUT:g})",
    )
    lookup.set_defaults(handler=cmd_lookup)


def cmd_lookup(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.lookup.kinds import check_target  # noqa: PLC0415
    from workstation.lookup.targets import classify  # noqa: PLC0415

    target = classify(args.target)  # bad input is refused before anything starts
    check_target(args.kind, target)
    options = context_options(args)
    route = None if _is_offline(args.kind, target) else route_from_args(args)
    case = None
    if args.case_path is not None:
        passphrase = read_passphrase("Passphrase: ")
        case = Case.open(args.case_path, passphrase, officer=args.officer)
    try:
        return _run(args, target.value, options, route, case)
    except LookupInputError:
        raise
    except (RouteError, LookupFailed) as exc:
        return _failed(args, str(exc))
    finally:
        if case is not None:
            case.close()


def _run(
    args: argparse.Namespace,
    target: str,
    options: dict[str, Any],
    route: "RouteSpec | None",
    case: "Case | None",
) -> int:
    from workstation.lookup import LookupContext  # noqa: PLC0415
    from workstation.lookup.kinds import OfflineConnector  # noqa: PLC0415

    if route is None:
        return _dispatch(args, target, LookupContext(OfflineConnector(), **options), case)
    with route_connector(route, args.persona) as connector:
        return _dispatch(args, target, LookupContext(connector, **options), case)


def _dispatch(
    args: argparse.Namespace, target: str, context: "LookupContext", case: "Case | None"
) -> int:
    if args.kind == "profile":
        return _profile(args, target, context, case)
    return _single(args, target, context, case)


def _is_offline(kind: str, target: "Target") -> bool:
    from workstation.lookup.kinds import OFFLINE_KINDS  # noqa: PLC0415

    return kind in OFFLINE_KINDS or (kind == "profile" and target.kind == "phone")


def context_options(args: argparse.Namespace) -> dict[str, Any]:
    """The LookupContext settings the options ask for; InputError naming a bad option."""
    options: dict[str, Any] = {}
    if args.timeout is None or not 0 < args.timeout <= 3600:
        raise InputError("--timeout must be a number of seconds from 0 to 3600.")
    options["timeout"] = args.timeout
    if args.resolver:
        options["resolver"] = _host_port(args.resolver, DNS_PORT, "--resolver")
    if args.whois_server:
        options["whois_server"] = _host_port(args.whois_server, WHOIS_PORT, "--whois-server")
    if args.rdap_bootstrap is not None:
        if not args.rdap_bootstrap.is_dir():
            raise InputError(f"--rdap-bootstrap: {args.rdap_bootstrap} is not a folder.")
        options["rdap_bootstrap"] = args.rdap_bootstrap
    if args.ca_file is not None:
        options["tls_context"] = _tls_context(args.ca_file)
    return options


def _host_port(text: str, default_port: int, option: str) -> tuple[str, int]:
    from workstation.route.hosts import split_host_port  # noqa: PLC0415

    try:
        return split_host_port(text.strip(), default_port)
    except ValueError as exc:
        raise InputError(f"{option} {text!r}: {exc}.") from None


def _tls_context(ca_file: Path) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as exc:
        raise InputError(
            f"--ca-file: the certificates in {ca_file} cannot be used ({exc})."
        ) from None


@contextmanager
def route_connector(route: "RouteSpec", persona: str | None) -> Iterator["Connector"]:
    """A started gate on the route, ready and healthy; its connector; stopped afterwards."""
    from workstation.route import RouteGate  # noqa: PLC0415
    from workstation.route.exits import GateConnector  # noqa: PLC0415
    from workstation.settings import Settings  # noqa: PLC0415

    # A unit's own servers (a resolver, a WHOIS server) may sit on its local network.
    allow_local = Settings.load().allow_local_destinations or None
    gate = RouteGate(route, allow_local_destinations=allow_local)
    gate.add_status_observer(ProgressPrinter())
    gate.start()
    try:
        gate.wait_ready(READY_TIMEOUT)
        health = gate.check_health(timeout=IDENTITY_TIMEOUT)
        if not health.ok:
            raise RouteError(f"The route cannot carry traffic: {health.detail}")
        described = route.describe()
        if persona is None:
            yield GateConnector(gate.port, described)
        else:
            access = gate.add_persona(persona)
            yield GateConnector(
                gate.port,
                f"{described} (persona {persona})",
                credentials=(access.username, access.password),
                persona=persona,
            )
    finally:
        gate.stop()


def _failed(args: argparse.Namespace, reason: str) -> int:
    if args.json:
        print_json({"ok": False, "kind": args.kind, "target": args.target, "error": reason})
    print(f"error: {reason}", file=sys.stderr)
    return EXIT_PROBLEM


# -- one lookup ---------------------------------------------------------------------------


def _single(
    args: argparse.Namespace, target: str, context: "LookupContext", case: "Case | None"
) -> int:
    from workstation.lookup.kinds import run_lookup  # noqa: PLC0415
    from workstation.lookup.storage import save_and_compare  # noqa: PLC0415

    result = run_lookup(args.kind, target, context)
    saved = save_and_compare(case, result) if case is not None else None
    if args.json:
        print_json({"ok": True, **result_json(result, saved)})
    else:
        print("\n".join(report_lines(result, saved)))
    return EXIT_OK


def result_json(result: "LookupResult", saved: "Saved | None") -> dict[str, Any]:
    document: dict[str, Any] = {"record": result.record()}
    if saved is not None:
        document.update(saved.as_json())
    return document


def report_lines(result: "LookupResult", saved: "Saved | None") -> list[str]:
    """A readable report of one result: summary, warnings, pivots, data, exchanges."""
    lines = [
        f"== {result.kind} lookup of {result.target}",
        f"Route:     {result.route}",
        f"Time:      {result.started_utc} to {result.finished_utc} (UTC)",
        f"Servers:   {', '.join(result.servers()) or 'none (offline data)'}",
        *(f"  {line}" for line in result.summary),
    ]
    lines += [f"Warning:   {warning}" for warning in result.warnings]
    lines += [f"Pivot:     {p.kind} {p.target} ({p.label})" for p in result.pivots]
    lines.append("Data:")
    lines += [
        f"  {line}" for line in json.dumps(result.data, indent=2, ensure_ascii=False).split("\n")
    ]
    for number, exchange in enumerate(result.exchanges, 1):
        described = exchange.describe()
        lines.append(
            f"Exchange {number}: {exchange.server} ({exchange.protocol}) at {exchange.utc}: "
            f"{described['request_bytes']} bytes sent, {described['response_bytes']} received, "
            f"SHA-256 {described['response_sha256']}"
        )
    if saved is not None:
        lines += _saved_lines(saved)
    return lines


def _saved_lines(saved: "Saved") -> list[str]:
    from workstation.lookup.diff import render_changes  # noqa: PLC0415

    lines = [f"Saved as lookup {saved.lookup_id} (record SHA-256 {saved.record_sha256})"]
    comparison = saved.comparison
    since = f"lookup {comparison.previous_id} ({comparison.previous_utc})"
    if comparison.changes is None:
        lines.append("First saved run of this lookup in the case.")
    elif not comparison.changes:
        lines.append(f"No changes since {since}.")
    else:
        lines.append(f"Changes since {since}:")
        lines += [f"  {line}" for line in render_changes(comparison.changes)]
    return lines


# -- a profile ----------------------------------------------------------------------------


class _ProfilePrinter:
    """Prints (and saves) each result as it arrives; called from the profile's workers."""

    def __init__(self, args: argparse.Namespace, case: "Case | None") -> None:
        self._args = args
        self._case = case
        self._lock = threading.Lock()
        self.documents: list[dict[str, Any]] = []
        self.save_errors: list[str] = []

    def result(self, result: "LookupResult") -> None:
        with self._lock:
            saved = self._save(result)
            self.documents.append(result_json(result, saved))
            if not self._args.json:
                print("\n".join(report_lines(result, saved)), flush=True)
                print(flush=True)

    def _save(self, result: "LookupResult") -> "Saved | None":
        if self._case is None:
            return None
        from workstation.lookup.storage import save_and_compare  # noqa: PLC0415

        try:
            return save_and_compare(self._case, result)
        except (WorkstationError, OSError) as exc:
            self.save_errors.append(f"{result.kind}: {exc}")
            return None

    def error(self, kind: str, exc: Exception) -> None:
        with self._lock:
            print(f"error: the {kind} lookup failed: {exc}", file=sys.stderr, flush=True)


def _profile(
    args: argparse.Namespace, target: str, context: "LookupContext", case: "Case | None"
) -> int:
    from workstation.lookup.profile import run_profile  # noqa: PLC0415

    printer = _ProfilePrinter(args, case)
    try:
        outcome = run_profile(target, context, printer.result, printer.error)
    except KeyboardInterrupt:
        context.cancel_event.set()  # running lookups stop at their next exchange
        raise
    for problem in printer.save_errors:
        print(f"error: a result could not be saved: {problem}", file=sys.stderr)
    if args.json:
        print_json(_profile_json(outcome, printer.documents))
    else:
        print("\n".join(_profile_lines(outcome)))
    ok = outcome.ok and not printer.save_errors
    return EXIT_OK if ok else EXIT_PROBLEM


def _profile_json(outcome: "ProfileResult", documents: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "target": outcome.target.value,
        "target_kind": outcome.target.kind,
        "lookups": [{"kind": s.kind, "target": s.target} for s in outcome.steps],
        "results": documents,
        "failures": outcome.failures,
        "not_run": outcome.not_run,
        "cancelled": outcome.cancelled,
        "pivots": [{"kind": p.kind, "target": p.target, "label": p.label} for p in outcome.pivots],
    }


def _profile_lines(outcome: "ProfileResult") -> list[str]:
    lines = [
        f"== Profile of {outcome.target.display} ({outcome.target.kind}): "
        f"{len(outcome.results)} of {len(outcome.steps)} lookups answered"
    ]
    lines += [f"Failed:    {kind}: {message}" for kind, message in outcome.failures.items()]
    lines += [f"Not run:   {kind} (cancelled)" for kind in outcome.not_run]
    lines += [f"Pivot:     {p.kind} {p.target} ({p.label})" for p in outcome.pivots]
    return lines
