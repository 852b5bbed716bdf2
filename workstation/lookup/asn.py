"""Origin AS and prefix of an IP address, and the name and registry of an AS number.

Team Cymru's IP-to-ASN WHOIS service (whois.cymru.com, port 43) answers " -v <address>"
with "AS | IP | BGP Prefix | CC | Registry | Allocated | AS Name" and " -v AS<n>" with
"AS | CC | Registry | Allocated | AS Name", one line per origin. For an AS number the RDAP
autnum record is asked too, where the bootstrap files list a server.
"""

import re
from typing import Any

from workstation.errors import LookupFailed, RouteError
from workstation.lookup.context import Cancelled, LookupContext
from workstation.lookup.rdap import lookup_rdap
from workstation.lookup.result import Exchange, LookupResult, Pivot, utc_now
from workstation.lookup.whois_parse import decode_answer
from workstation.lookup.whois_protocol import ask
from workstation.lookup.whois_targets import Target, classify_target

CYMRU_WHOIS = ("whois.cymru.com", 43)
MAX_ROWS = 200
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REGISTRIES = {"arin", "ripencc", "apnic", "lacnic", "afrinic", "other"}

IP_COLUMNS = ("asn", "ip", "prefix", "country", "registry", "allocated", "as_name")
AS_COLUMNS = ("asn", "country", "registry", "allocated", "as_name")
SHORT_COLUMNS = ("asn", "ip", "as_name")


def lookup_asn(target: str, context: LookupContext) -> LookupResult:
    """Origin AS(es) and prefix of an IP address, or the name and registry of an AS."""
    started = utc_now()
    wanted = classify_target(target, allowed=("ip", "asn"))
    query = f" -v {wanted.query}"
    exchange = ask(context, CYMRU_WHOIS[0], CYMRU_WHOIS[1], query)
    rows, errors = parse_cymru(decode_answer(exchange.response))
    data: dict[str, Any] = {"target_kind": wanted.kind, "query": wanted.query, "origins": rows}
    data["found"] = any(row.get("asn") is not None for row in rows)
    warnings = [f"Team Cymru: {error}" for error in errors]
    exchanges: list[Exchange] = [exchange]
    if wanted.kind == "asn":
        _add_rdap_autnum(wanted, context, data, exchanges, warnings)
    return LookupResult(
        kind="asn",
        target=wanted.shown,
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        exchanges=tuple(exchanges),
        pivots=_pivots(wanted, rows),
        warnings=tuple(warnings),
        summary=_summary(wanted, rows),
    )


def parse_cymru(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a Cymru answer (verbose, short or bulk mode) and its error lines."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    columns: tuple[str, ...] | None = None
    for line in text.splitlines()[:10_000]:
        stripped = line.strip()
        if not stripped or stripped.lower().startswith(("bulk mode", "warning")):
            continue
        if stripped.lower().startswith("error"):
            errors.append(stripped[:300])
            continue
        cells = [cell.strip() for cell in stripped.split("|")]
        if cells[0].upper() == "AS" and len(cells) > 1:
            columns = _columns_from_header(cells)
            continue
        row = _row(cells, columns)
        if row is not None and len(rows) < MAX_ROWS:
            rows.append(row)
    return rows, errors


def _columns_from_header(cells: list[str]) -> tuple[str, ...] | None:
    count = len(cells)
    return {7: IP_COLUMNS, 5: AS_COLUMNS, 3: SHORT_COLUMNS}.get(count)


def _row(cells: list[str], columns: tuple[str, ...] | None) -> dict[str, Any] | None:
    layout = columns or _guess_layout(len(cells))
    if layout is None or len(cells) < len(layout):
        return None
    values = [*cells[: len(layout) - 1], "|".join(cells[len(layout) - 1 :])]  # names may hold |
    row: dict[str, Any] = {}
    for name, value in zip(layout, values, strict=True):
        cleaned = _value(name, value)
        if cleaned is not None:
            row[name] = cleaned
    if not row:
        return None
    row.setdefault("asn", None)
    return row


def _guess_layout(count: int) -> tuple[str, ...] | None:
    if count >= 7:
        return IP_COLUMNS
    return {5: AS_COLUMNS, 6: AS_COLUMNS, 3: SHORT_COLUMNS, 4: SHORT_COLUMNS}.get(count)


def _value(name: str, value: str) -> Any:
    if not value or value.upper() == "NA":
        return None
    if name == "asn":
        digits = value.upper().removeprefix("AS")
        return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 10 else None
    if name == "allocated":
        return value if _DATE.fullmatch(value) else None
    if name == "registry":
        lowered = value.lower()
        return lowered if lowered in _REGISTRIES else None
    if name == "country":
        return value.upper() if len(value) == 2 and value.isalpha() else None
    return value[:300]


def _add_rdap_autnum(
    target: Target,
    context: LookupContext,
    data: dict[str, Any],
    exchanges: list[Exchange],
    warnings: list[str],
) -> None:
    """The RDAP autnum record beside Cymru's line; its absence is only a warning."""
    try:
        rdap = lookup_rdap(target.query, context)
    except Cancelled:
        raise
    except (LookupFailed, RouteError) as exc:
        warnings.append(f"No RDAP record for {target.shown}: {exc}")
        return
    exchanges.extend(rdap.exchanges)
    warnings.extend(rdap.warnings)
    data["rdap"] = dict(rdap.data)


def _pivots(target: Target, rows: list[dict[str, Any]]) -> tuple[Pivot, ...]:
    pivots: list[Pivot] = []
    for row in rows:
        if row.get("asn") is not None and target.kind == "ip":
            pivots.append(Pivot("asn", f"AS{row['asn']}", "origin AS"))
        if row.get("prefix"):
            pivots.append(Pivot("rdap", str(row["prefix"]).split("/")[0], "announced prefix"))
    pivots.append(Pivot("rdap", target.query, "RDAP record"))
    return tuple(pivots)


def _summary(target: Target, rows: list[dict[str, Any]]) -> tuple[str, ...]:
    if not rows:
        return (f"{target.shown}: Team Cymru knows no origin AS.",)
    return tuple(
        f"{target.shown}: AS{row.get('asn', '?')} {row.get('as_name', '')} "
        f"{row.get('prefix', '')} {row.get('country', '')} {row.get('registry', '')}".strip()
        for row in rows[:5]
    )
