"""Reading WHOIS answers: decoding, key/value fields, referrals, "no match" and rate limits.

WHOIS (RFC 3912) has no format: every registry writes its own. This module pulls out what
an officer needs (registrar, dates, status, name servers, abuse contacts, registrant,
network ranges) from the common shapes ("Key: value", "key:   value", "key.....: value",
Nominet's indented blocks) and never raises on odd input: anything it cannot read is
simply absent from the result.
"""

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from workstation.lookup.whois_dates import iso_date
from workstation.route.hosts import check_host

MAX_LINES = 20_000  # beyond this an answer is not a registration record
MAX_VALUE = 1_000
WHOIS_PORT = 43

_KEY_VALUE = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9 _/().#&'-]{0,60}?)\s*(?:\.{2,})?\s*:(?!//)\s*(.*)$"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")
_ABUSE_COMMENT = re.compile(r"(?im)^%\s*abuse contact for .*? is '([^']*)'")
_HOSTNAME_TOKEN = re.compile(r"[A-Za-z0-9._-]+")

NO_MATCH_PATTERNS = (
    "no match for",
    "no match found",
    "no matching record",
    "no entries found",
    "no data found",
    "no object found",
    "not found",
    "object does not exist",
    "domain not found",
    "status: free",
    "status:\tfree",
    "this query returned 0 objects",
    "is available for registration",
    "no such domain",
)
RATE_LIMIT_PATTERNS = (
    "limit exceeded",
    "limit reached",
    "rate limit",
    "query rate",
    "too many",
    "too fast",
    "try again later",
    "access control limit",
    "connection limit",
    "quota",
    "not permitted",
    "denied",
    "temporarily blocked",
    "excessive",
)


@dataclass(frozen=True)
class Fields:
    """The key/value pairs of an answer, keys folded to lower case, in order."""

    pairs: tuple[tuple[str, str], ...]

    def all(self, *keys: str) -> list[str]:
        wanted = set(keys)
        return [value for key, value in self.pairs if key in wanted and value]

    def first(self, *keys: str) -> str | None:
        """The first non-empty value under the first key (in the order given) that has one."""
        for key in keys:
            for name, value in self.pairs:
                if name == key and value:
                    return value
        return None


def decode_answer(raw: bytes) -> str:
    """UTF-8 if the bytes are UTF-8, else Latin-1 (every byte maps to a character)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_fields(text: str) -> Fields:
    """Key/value pairs from the usual WHOIS shapes; comment lines (%, #, >>>) are skipped."""
    pairs: list[tuple[str, str]] = []
    open_key: str | None = None  # a "Key:" line with its values on the indented lines below
    for line in text.splitlines()[:MAX_LINES]:
        stripped = line.strip()
        if not stripped or stripped[0] in "%#" or stripped.startswith(">>>"):
            open_key = None if not stripped else open_key
            continue
        match = _KEY_VALUE.match(line)
        if match is not None:
            key = " ".join(match.group(1).lower().split())
            value = match.group(2).strip()[:MAX_VALUE]
            pairs.append((key, value))
            open_key = key if not value else None
        elif open_key is not None and line[:1].isspace():
            pairs.append((open_key, stripped[:MAX_VALUE]))
    return Fields(tuple(pairs))


def find_referral(text: str, current: str) -> tuple[str, int] | None:
    """The next WHOIS server an answer points to (IANA's refer:/whois:, a registry's
    Registrar WHOIS Server:, ARIN's ReferralServer: whois://...), unless it is current."""
    fields = parse_fields(text)
    candidates = fields.all("refer", "whois", "registrar whois server", "whois server")
    candidates += [_strip_scheme(value) for value in fields.all("referralserver")]
    for candidate in candidates:
        server = _server_from(candidate)
        if server is not None and server[0] != current.lower():
            return server
    return None


def _strip_scheme(value: str) -> str:
    lowered = value.lower()
    if lowered.startswith("whois://"):
        return value[len("whois://") :]
    return ""  # rwhois:// and http(s):// point to other protocols


def _server_from(value: str) -> tuple[str, int] | None:
    token = value.split(maxsplit=1)[0] if value.split() else ""
    token = token.rstrip("/").lower()
    if token.startswith(("http://", "https://")) or "/" in token:
        return None
    host, _, port_text = token.partition(":")
    if port_text and not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
        return None
    port = int(port_text) if port_text and 0 < int(port_text) < 65536 else WHOIS_PORT
    try:
        check_host(host)
    except ValueError:
        return None
    if "." not in host:
        return None
    return host.rstrip("."), port


def _has_record(fields: Fields) -> bool:
    return bool(
        fields.first(
            "domain name",
            "domain",
            "registrar",
            "netrange",
            "inetnum",
            "inet6num",
            "netname",
            "aut-num",
            "asnumber",
            "creation date",
            "created",
            "nserver",
            "name server",
        )
    )


def no_match_line(text: str) -> str | None:
    """The line saying the registry holds no such object, if the answer is only that."""
    fields = parse_fields(text)
    if _has_record(fields) and "status: free" not in text.lower():
        return None
    return _line_with(text, NO_MATCH_PATTERNS)


def rate_limit_line(text: str) -> str | None:
    """The registry's own words when it refuses to answer because of query limits."""
    if _has_record(parse_fields(text)):
        return None
    return _line_with(text, RATE_LIMIT_PATTERNS)


def _line_with(text: str, patterns: Iterable[str]) -> str | None:
    for line in text.splitlines()[:MAX_LINES]:
        lowered = line.lower()
        if any(pattern in lowered for pattern in patterns):
            return line.strip(" %#\t")[:MAX_VALUE]
    return None


def emails_in(values: Iterable[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        for email in _EMAIL.findall(value):
            if email.lower() not in found:
                found.append(email.lower())
    return found


def abuse_emails(text: str, fields: Fields) -> list[str]:
    """Abuse addresses: ICANN's registrar abuse field, ARIN's OrgAbuseEmail, RIPE-style
    abuse-mailbox and the "% Abuse contact for ... is" comment."""
    values = fields.all(
        "registrar abuse contact email",
        "orgabuseemail",
        "rabuseemail",
        "abuse-mailbox",
        "abuse email",
        "abuse-email",
    )
    values += _ABUSE_COMMENT.findall(text[:2_000_000])
    return emails_in(values)


def abuse_phones(fields: Fields) -> list[str]:
    phones: list[str] = []
    for value in fields.all("registrar abuse contact phone", "orgabusephone", "rabusephone"):
        if value not in phones:
            phones.append(value)
    return phones


def domain_facts(text: str) -> dict[str, Any]:
    """What a domain WHOIS answer says, in the workstation's own keys."""
    fields = parse_fields(text)
    facts: dict[str, Any] = {
        "domain_name": _lower(fields.first("domain name", "domain")),
        "registrar": fields.first("registrar", "sponsoring registrar", "registrar name"),
        "registrar_iana_id": fields.first("registrar iana id", "sponsoring registrar iana id"),
        "registrar_whois_server": fields.first("registrar whois server", "whois server"),
        "registrar_url": fields.first("registrar url", "referral url"),
        "created": _date_of(
            fields,
            "creation date",
            "created",
            "registered on",
            "registered",
            "created on",
            "registration time",
            "record created",
        ),
        "expires": _date_of(
            fields,
            "registry expiry date",
            "registrar registration expiration date",
            "expiry date",
            "expiration date",
            "expires",
            "expires on",
            "paid-till",
            "expire date",
            "renewal date",
        ),
        "updated": _date_of(
            fields,
            "updated date",
            "last updated",
            "last-update",
            "last modified",
            "changed",
            "modified",
            "last-modified",
        ),
        "status": _statuses(fields),
        "name_servers": _name_servers(fields),
        "dnssec": fields.first("dnssec"),
        "abuse_emails": abuse_emails(text, fields),
        "abuse_phones": abuse_phones(fields),
        "registrant": _registrant(fields),
    }
    return {key: value for key, value in facts.items() if value not in (None, [], {})}


def network_facts(text: str) -> dict[str, Any]:
    """What an IP WHOIS answer (ARIN, RIPE, APNIC, LACNIC, AFRINIC) says about the network."""
    fields = parse_fields(text)
    start, end = _range_of(fields)
    facts: dict[str, Any] = {
        "range": f"{start} - {end}" if start and end else fields.first("inetnum", "inet6num"),
        "cidr": _cidrs(fields, start, end),
        "netname": fields.first("netname", "ownerid"),
        "organization": fields.first("orgname", "organization", "org-name", "owner", "descr"),
        "country": _country(fields),
        "origin_as": fields.first("originas", "origin", "aut-num"),
        "created": _date_of(fields, "regdate", "created"),
        "updated": _date_of(fields, "updated", "last-modified", "changed"),
        "abuse_emails": abuse_emails(text, fields),
        "abuse_phones": abuse_phones(fields),
        "source": fields.first("source"),
    }
    return {key: value for key, value in facts.items() if value not in (None, [], {}, "")}


def asn_facts(text: str) -> dict[str, Any]:
    """What an AS number's WHOIS answer says (aut-num objects, ARIN ASNumber records)."""
    fields = parse_fields(text)
    facts: dict[str, Any] = {
        "aut_num": fields.first("aut-num", "asnumber"),
        "as_name": fields.first("as-name", "asname"),
        "organization": fields.first("orgname", "org-name", "owner", "organization", "descr"),
        "country": _country(fields),
        "created": _date_of(fields, "regdate", "created"),
        "updated": _date_of(fields, "updated", "last-modified", "changed"),
        "abuse_emails": abuse_emails(text, fields),
        "source": fields.first("source"),
    }
    return {key: value for key, value in facts.items() if value not in (None, [], {}, "")}


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _date_of(fields: Fields, *keys: str) -> str | None:
    for value in (fields.first(key) for key in keys):
        if value:
            return iso_date(value) or value[:64]
    return None


def _statuses(fields: Fields) -> list[str]:
    statuses: list[str] = []
    for value in fields.all("domain status", "status", "registration status", "state"):
        status = value.split(" http")[0].split(" (http")[0].strip()
        if status and status not in statuses:
            statuses.append(status)
    return statuses[:50]


def _name_servers(fields: Fields) -> list[str]:
    servers: list[str] = []
    for value in fields.all(
        "name server", "nserver", "name servers", "nameservers", "nameserver", "host name"
    ):
        token = _HOSTNAME_TOKEN.match(value.strip())
        name = token.group(0).lower().rstrip(".") if token else ""
        if "." in name and name not in servers and not name.replace(".", "").isdigit():
            servers.append(name)
    return servers[:50]


def _registrant(fields: Fields) -> dict[str, str]:
    registrant = {
        "name": fields.first("registrant name", "registrant", "holder", "person"),
        "organization": fields.first(
            "registrant organization", "registrant organisation", "owner", "org"
        ),
        "country": fields.first("registrant country"),
        "email": fields.first("registrant email"),
    }
    return {key: value for key, value in registrant.items() if value}


def _country(fields: Fields) -> str | None:
    value = fields.first("country")
    return value.upper()[:64] if value else None


def _range_of(fields: Fields) -> tuple[str | None, str | None]:
    text = fields.first("netrange", "inetnum", "inet6num")
    if not text:
        return None, None
    if "-" in text:
        left, _, right = text.partition(" - ") if " - " in text else text.partition("-")
        return _address(left), _address(right)
    try:
        network = ipaddress.ip_network(text.split()[0], strict=False)
    except ValueError:
        return None, None
    return str(network.network_address), str(network.broadcast_address)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _cidrs(fields: Fields, start: str | None, end: str | None) -> list[str]:
    given = fields.first("cidr")
    if given:
        return [part.strip() for part in given.split(",") if part.strip()][:32]
    if start is None or end is None:
        return []
    first, last = ipaddress.ip_address(start), ipaddress.ip_address(end)
    try:
        if isinstance(first, ipaddress.IPv4Address) and isinstance(last, ipaddress.IPv4Address):
            networks: Iterator[Any] = ipaddress.summarize_address_range(first, last)
        elif isinstance(first, ipaddress.IPv6Address) and isinstance(last, ipaddress.IPv6Address):
            networks = ipaddress.summarize_address_range(first, last)
        else:
            return []
        return [str(network) for network, _ in zip(networks, range(32), strict=False)]
    except (ValueError, TypeError):  # the range runs backwards
        return []
