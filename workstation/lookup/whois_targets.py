"""What the officer typed, checked and put in the form registries expect.

A registration lookup is about a domain name, an IP address or an autonomous system
number. Domain names go out in ASCII (punycode, lower case, no trailing dot) and are
shown in Unicode; addresses in their canonical text form; AS numbers as plain integers.
Nothing here touches the network.
"""

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from workstation.errors import LookupInputError
from workstation.lookup.targets import domain_display, normalise_domain
from workstation.route.hosts import check_host

TargetKind = Literal["domain", "ip", "asn"]
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_ASN = 4_294_967_295  # 32-bit AS numbers (RFC 6793)
MAX_INPUT = 300
_ASN = re.compile(r"(?i)as ?([0-9]{1,10})")
_DIGITS = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    query: str  # domain in punycode, canonical address, or "AS<n>"
    shown: str  # what the officer sees: the Unicode domain name, the address, "AS<n>"
    ip: IpAddress | None = None
    asn: int | None = None

    @property
    def domain(self) -> str:
        return self.query if self.kind == "domain" else ""


def classify_target(text: str, allowed: tuple[TargetKind, ...] = ("domain", "ip", "asn")) -> Target:
    """The target as a domain, address or AS number; LookupInputError with a plain reason."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise LookupInputError(
            "Nothing to look up: give a domain name, an IP address or an AS number."
        )
    if len(cleaned) > MAX_INPUT:
        raise LookupInputError("That is too long to be a domain name, IP address or AS number.")
    target = _as_asn(cleaned) or _as_ip(cleaned) or _as_domain(cleaned)
    if target.kind not in allowed:
        wanted = " or ".join(_KIND_WORDS[kind] for kind in allowed)
        raise LookupInputError(
            f"{cleaned!r} is {_KIND_WORDS[target.kind]}; this lookup needs {wanted}."
        )
    return target


_KIND_WORDS: dict[TargetKind, str] = {
    "domain": "a domain name",
    "ip": "an IP address",
    "asn": "an AS number",
}


def _as_asn(text: str) -> Target | None:
    match = _ASN.fullmatch(text) or _DIGITS.fullmatch(text)
    if match is None:
        return None
    number = int(match.group(1) if match.groups() else match.group(0))
    if number > MAX_ASN:
        raise LookupInputError(f"AS{number} is not a valid AS number (the largest is {MAX_ASN}).")
    return Target("asn", f"AS{number}", f"AS{number}", asn=number)


def _as_ip(text: str) -> Target | None:
    candidate = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if "%" in candidate:
        raise LookupInputError(
            "IP addresses with a zone (such as fe80::1%eth0) cannot be looked up."
        )
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    return Target("ip", str(address), str(address), ip=address)


def _as_domain(text: str) -> Target:
    if "://" in text or "/" in text:
        raise LookupInputError(f"{text!r} looks like a web address; give only the domain name.")
    if "@" in text:
        raise LookupInputError(
            f"{text!r} looks like an e-mail address; give only the part after @."
        )
    # The one normaliser every lookup uses (IDNA 2008 for ß and ς: "straße.de" is not
    # "strasse.de"), so WHOIS and RDAP ask about the same domain as DNS does.
    ascii_name = normalise_domain(text)
    try:
        check_host(ascii_name)
    except ValueError:
        raise LookupInputError(f"{text!r} is not a valid domain name.") from None
    if "." not in ascii_name:
        raise LookupInputError(
            f"{text!r} is only a top-level name; give a domain such as example.com."
        )
    return Target("domain", ascii_name, domain_display(ascii_name))
