"""Host names, IP literals and "host:port" authorities, checked without resolving anything.

Shared by the route spec (the proxy's address) and the gate (the browser's targets).
Errors are ValueError with a short reason; callers turn them into their own errors.
"""

import ipaddress
import re

IpLiteral = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_HOST_LENGTH = 253
_LABEL = re.compile(r"[A-Za-z0-9_-]{1,63}")
_PORT = re.compile(r"[0-9]{1,5}")
_DOTTED_NUMBERS = re.compile(r"[0-9.]+")


def ip_literal(host: str) -> IpLiteral | None:
    """The address if host is an IPv4 or IPv6 literal (no brackets, no zone), else None."""
    if "%" in host:
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_host(host: str) -> str:
    """host itself if it is an IP literal or a plain ASCII host name; ValueError otherwise."""
    if ip_literal(host) is not None:
        return host
    name = host.removesuffix(".")
    if not name or len(name) > MAX_HOST_LENGTH:
        raise ValueError("the host name is not valid")
    # Numbers with dots that are not a valid IPv4 address (e.g. 01.2.3.4) are ambiguous.
    if _DOTTED_NUMBERS.fullmatch(name):
        raise ValueError("the IP address is not valid")
    if not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise ValueError("the host name is not valid")
    return host


def parse_port(text: str) -> int:
    if not _PORT.fullmatch(text) or not 1 <= int(text) <= 65535:
        raise ValueError("the port must be a number from 1 to 65535")
    return int(text)


def split_host_port(authority: str, default_port: int | None = None) -> tuple[str, int]:
    """Split "host:port" or "[v6]:port"; the port may be left out only if a default is given."""
    if authority.startswith("["):
        host, rest = _split_bracketed(authority)
    elif authority.count(":") > 1:
        raise ValueError("an IPv6 address must be written in brackets, e.g. [::1]:1080")
    else:
        host, colon, port_text = authority.partition(":")
        rest = colon + port_text
        check_host(host)
    if rest in ("", ":"):
        if default_port is None:
            raise ValueError("the port is missing")
        return host, default_port
    if not rest.startswith(":"):
        raise ValueError("write the address as HOST:PORT")
    return host, parse_port(rest[1:])


def _split_bracketed(authority: str) -> tuple[str, str]:
    end = authority.find("]")
    host = authority[1:end] if end > 0 else ""
    if not isinstance(ip_literal(host), ipaddress.IPv6Address):
        raise ValueError("the IPv6 address is not valid")
    return host, authority[end + 1 :]


def join_host_port(host: str, port: int) -> str:
    """The inverse of split_host_port: brackets around IPv6 literals."""
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


# Names that only ever mean a machine near the workstation, never a site on the Internet.
_LOCAL_SUFFIXES = (".localhost", ".local", ".home.arpa", ".internal", ".lan")


def is_local_destination(host: str) -> bool:
    """True for loopback, private, link-local and other non-global addresses and for
    names that can only mean the local network (localhost, *.local, ...).

    Decided on the text alone: names are never resolved here (DNS goes through the
    route, which applies its own policy, e.g. Tor exits refuse private addresses).
    """
    literal = ip_literal(host.strip("[]"))
    if literal is not None:
        mapped = getattr(literal, "ipv4_mapped", None)
        address = mapped if mapped is not None else literal
        return not address.is_global or address.is_multicast
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(_LOCAL_SUFFIXES)
