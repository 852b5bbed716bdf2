"""What the officer typed, classified and normalised: domain, IP, e-mail, URL, phone or ASN.

Every lookup starts from text typed by a person, so this module is strict about what it
accepts and plain about what it refuses: anything that is not clearly one of the six kinds
raises LookupInputError with a sentence the officer can act on, never another exception.

Domain names are normalised to the ASCII form the DNS and the registries use: lower case,
no trailing dot, internationalised labels as punycode. Python's idna codec implements
IDNA 2003, which maps "ß" and final "ς" to other letters ("straße" -> "strasse", a
different domain); registries today follow IDNA 2008, which keeps them, so those two
letters are kept here and the rest of the label is prepared as the codec does.
"""

import encodings.idna
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass
from typing import Literal

from workstation.errors import LookupInputError

TargetKind = Literal["domain", "ip", "email", "url", "phone", "asn"]

MAX_DOMAIN_LENGTH = 253
MAX_LABEL_LENGTH = 63
MAX_LOCAL_PART_LENGTH = 64
MAX_ASN = 2**32 - 1
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 5, 17
MAX_ECHO = 80  # how much of a refused input is quoted back

ACE_PREFIX = "xn--"
IDNA2008_DEVIATIONS = frozenset("ßς")  # letters IDNA 2003 would replace
DOTS = re.compile("[.\u3002\uff0e\uff61]")  # the full stops IDNA treats as label separators
HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
SERVICE_LABEL = re.compile(r"_[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?")  # _dmarc, _sip, _tcp
ASN_TEXT = re.compile(r"(?i)asn?\s*([0-9]{1,12})")
NETWORK_TEXT = re.compile(
    r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)/[0-9]{1,3}"
)
DOTTED_QUAD = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,4}){3}")
PHONE_TEXT = re.compile(r"(?:\+|00)?[0-9 ()./-]+")
LOCAL_PART = re.compile(r"[^\s@\"(),:;<>\[\]\\]+")
BARE_URL = re.compile(r"(?P<authority>[^/?#\s]+)(?P<rest>[/?#].*)?", re.DOTALL)
PORT_DIGITS = re.compile(r"[0-9]{1,5}")
URL_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Target:
    """A classified target: value is what lookups use, display what the officer reads."""

    kind: TargetKind
    value: str
    display: str


def classify(text: str) -> Target:
    """The kind and normalised form of what the officer typed; LookupInputError if none."""
    stripped = text.strip()
    if not stripped:
        raise LookupInputError(
            "Type a domain, IP address, e-mail address, web address, "
            "phone number or AS number to look up."
        )
    for recognise in (_as_url, _as_email, _as_asn, _as_ip, _as_phone, _as_bare_url, _as_domain):
        target = recognise(stripped)
        if target is not None:
            return target
    raise LookupInputError(
        f"{echo_input(stripped)} is not a domain, IP address, e-mail address, web address, "
        "phone number or AS number."
    )


def normalise_domain(text: str) -> str:
    """The ASCII (punycode) form of a domain name, lower case, without a trailing dot."""
    return _domain_labels(text)[0]


def domain_display(ascii_name: str) -> str:
    """The Unicode form of a normalised domain name, for showing to the officer."""
    return ".".join(_label_to_unicode(label) for label in ascii_name.split("."))


def normalise_url(text: str) -> str:
    """An http(s) URL with its host normalised (punycode, lower case), the default port
    and fragment left out and the path percent-encoded; LookupInputError otherwise."""
    try:
        parts = urllib.parse.urlsplit(text.strip())
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise LookupInputError(f"{echo_input(text)} is not a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise LookupInputError(
            f"{echo_input(text)} is not a web address: only http:// and https:// can be looked up."
        )
    if not host:
        raise LookupInputError(f"{echo_input(text)} has no host name.")
    if port == 0:
        raise LookupInputError(f"{echo_input(text)} has port 0, which cannot be reached.")
    authority = _url_host(host, text)
    if port is not None and port != (443 if scheme == "https" else 80):
        authority += f":{port}"
    path = urllib.parse.quote(parts.path or "/", safe=URL_SAFE, errors="replace")
    query = parts.query and "?" + urllib.parse.quote(
        parts.query, safe=URL_SAFE + "?", errors="replace"
    )
    return f"{scheme}://{authority}{path}{query}"


# --- recognisers: None means "not this kind", LookupInputError "this kind, but wrong" ---


def _as_url(text: str) -> Target | None:
    if "://" not in text:
        return None
    return Target("url", normalise_url(text), text)


def _as_email(text: str) -> Target | None:
    if "@" not in text or "/" in text:
        return None
    local, _, domain = text.rpartition("@")
    if not local or not LOCAL_PART.fullmatch(local) or len(local) > MAX_LOCAL_PART_LENGTH:
        raise LookupInputError(
            f"{echo_input(text)} is not a valid e-mail address: the part before @ is empty, "
            "too long or contains spaces or characters an address cannot have."
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise LookupInputError(
            f"{echo_input(text)} is not a valid e-mail address: dots cannot start or end the "
            "part before @ or follow each other."
        )
    try:
        ascii_domain, unicode_domain = _domain_labels(domain)
    except LookupInputError as exc:
        raise LookupInputError(f"{echo_input(text)} is not a valid e-mail address: {exc}") from None
    if "." not in ascii_domain:
        raise LookupInputError(
            f"{echo_input(text)} is not a valid e-mail address: the domain after @ needs a dot."
        )
    return Target("email", f"{local}@{ascii_domain}", f"{local}@{unicode_domain}")


def _as_asn(text: str) -> Target | None:
    match = ASN_TEXT.fullmatch(text)
    if match is None:
        return None
    number = int(match.group(1))
    if number > MAX_ASN:
        raise LookupInputError(
            f"{echo_input(text)} is not an AS number: they go from 0 to {MAX_ASN}."
        )
    return Target("asn", f"AS{number}", text)


def _as_ip(text: str) -> Target | None:
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if NETWORK_TEXT.fullmatch(bare):
        raise LookupInputError(
            f"{echo_input(text)} is a network range; look up one address in it, e.g. its first."
        )
    if "%" in bare:
        if ":" in bare:
            raise LookupInputError(
                f"{echo_input(text)} is a link-local IPv6 address with a zone; it only exists on "
                "one computer's network and cannot be looked up."
            )
        return None
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        if DOTTED_QUAD.fullmatch(bare):
            raise LookupInputError(
                f"{echo_input(text)} is not a valid IPv4 address: four numbers from 0 to 255 "
                "without leading zeros, e.g. 192.0.2.10."
            ) from None
        return None
    return Target("ip", str(address), text)


def _as_phone(text: str) -> Target | None:
    if not PHONE_TEXT.fullmatch(text):
        return None
    compact = "".join(char for char in text if char == "+" or char.isdigit())
    international = compact.startswith(("+", "00"))
    digits = compact[1 if compact.startswith("+") else 2 :] if international else compact
    if international and digits.startswith("0"):
        raise LookupInputError(
            f"{echo_input(text)} is not a phone number: after + or 00 comes the country "
            "code, and no country code starts with 0."
        )
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        if not international and len(digits) < MIN_PHONE_DIGITS:
            return None  # a short number is more likely something else mistyped
        raise LookupInputError(
            f"{echo_input(text)} is not a phone number: it has {len(digits)} digits, a phone "
            f"number has {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS}."
        )
    return Target("phone", ("+" if international else "") + digits, text)


def _as_bare_url(text: str) -> Target | None:
    """example.com/path or example.com:8080: a web address typed without its scheme."""
    match = BARE_URL.fullmatch(text)
    if match is None or "@" in match.group("authority"):
        return None
    split = _split_authority(match.group("authority"))
    if split is None:
        return None
    host, has_port = split
    if (match.group("rest") is None and not has_port) or not _looks_like_host(host):
        return None
    return Target("url", normalise_url("https://" + text), text)


def _split_authority(authority: str) -> tuple[str, bool] | None:
    """(host, whether a port follows) of "host", "host:port" or "[v6]:port"; None if neither."""
    if authority.startswith("["):
        host, _, after = authority[1:].partition("]")
        port = after.removeprefix(":")
        if after and (not after.startswith(":") or not PORT_DIGITS.fullmatch(port)):
            return None
        return host, bool(after)
    host, colon, port = authority.partition(":")
    if colon and not PORT_DIGITS.fullmatch(port):
        return None
    return host, bool(colon)


def _as_domain(text: str) -> Target | None:
    if any(char.isspace() for char in text):
        return None
    if DOTS.search(text.rstrip(".\u3002\uff0e\uff61")) is None and not _ends_with_dot(text):
        return None  # a single word: a typo as often as a top-level domain
    ascii_name, unicode_name = _domain_labels(text)
    return Target("domain", ascii_name, unicode_name)


# --- domain names ---


def _domain_labels(text: str) -> tuple[str, str]:
    """(ASCII form, Unicode form) of a domain name; LookupInputError with the reason."""
    name = text.strip()
    if _ends_with_dot(name):
        name = name[:-1]
    if not name:
        raise LookupInputError("The domain name is empty.")
    labels = [_label_to_ascii(label, text) for label in DOTS.split(name)]
    ascii_name = ".".join(labels)
    if len(ascii_name) > MAX_DOMAIN_LENGTH:
        raise _bad_domain(text, f"it is longer than {MAX_DOMAIN_LENGTH} characters.")
    if labels[-1].isdigit():
        raise _bad_domain(text, "the last part cannot be a number.")
    return ascii_name, domain_display(ascii_name)


def _label_to_ascii(label: str, text: str) -> str:
    if not label:
        raise _bad_domain(text, "it has an empty part (two dots in a row, or a dot at the start).")
    ascii_label = label.lower() if label.isascii() else _encode_idn_label(label, text)
    if len(ascii_label) > MAX_LABEL_LENGTH:
        raise _bad_domain(
            text, f"the part {echo_input(label)} is longer than {MAX_LABEL_LENGTH} characters."
        )
    if not (HOST_LABEL.fullmatch(ascii_label) or SERVICE_LABEL.fullmatch(ascii_label)):
        raise _bad_domain(
            text,
            f"{echo_input(label)} may only use letters, digits and hyphens (not at its start "
            "or end); underscores only begin service labels such as _dmarc.",
        )
    if ascii_label.startswith(ACE_PREFIX):
        _check_ace_label(ascii_label, text)
    return ascii_label


def _encode_idn_label(label: str, text: str) -> str:
    try:
        prepared = _nameprep_keeping_deviations(label)
        if prepared.isascii():
            return prepared  # full-width Latin letters and the like map to plain ASCII
        return ACE_PREFIX + prepared.encode("punycode").decode("ascii")
    except UnicodeError:
        raise _bad_domain(
            text,
            f"{echo_input(label)} contains characters that cannot be part of an "
            "internationalised domain name.",
        ) from None


def _nameprep_keeping_deviations(label: str) -> str:
    """nameprep (IDNA 2003's mapping) applied around ß and ς, which IDNA 2008 keeps."""
    pieces: list[str] = []
    start = 0
    for index, char in enumerate(label):
        if char in IDNA2008_DEVIATIONS:
            pieces += [_nameprep(label[start:index]), char]
            start = index + 1
    pieces.append(_nameprep(label[start:]))
    prepared = "".join(pieces)
    if not prepared:
        raise UnicodeError("the label is empty after preparation")
    return prepared


def _nameprep(piece: str) -> str:
    return encodings.idna.nameprep(piece) if piece else ""


def _check_ace_label(label: str, text: str) -> None:
    """An xn-- label must be punycode that encodes back to itself."""
    try:
        decoded = label[len(ACE_PREFIX) :].encode("ascii").decode("punycode")
        valid = bool(decoded) and not decoded.isascii()
        valid = valid and _encode_idn_label(decoded, text) == label
    except (UnicodeError, LookupInputError):
        valid = False
    if not valid:
        raise _bad_domain(text, f"{echo_input(label)} is not valid punycode.")


def _bad_domain(text: str, why: str) -> LookupInputError:
    return LookupInputError(f"{echo_input(text)} is not a valid domain name: {why}")


def _label_to_unicode(label: str) -> str:
    if not label.startswith(ACE_PREFIX):
        return label
    try:
        return label[len(ACE_PREFIX) :].encode("ascii").decode("punycode")
    except UnicodeError:
        return label


def _ends_with_dot(text: str) -> bool:
    return bool(text) and DOTS.fullmatch(text[-1]) is not None


# --- helpers ---


def _url_host(host: str, text: str) -> str:
    if "%" in host:
        raise LookupInputError(f"{echo_input(text)} names a link-local address with a zone.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            return normalise_domain(host)
        except LookupInputError as exc:
            raise LookupInputError(
                f"{echo_input(text)} is not a valid web address: {exc}"
            ) from None
    return f"[{address}]" if address.version == 6 else str(address)


def _looks_like_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return DOTS.search(host) is not None and not any(char.isspace() for char in host)
    return True


def echo_input(text: str) -> str:
    """The officer's input, quoted and shortened, for messages about it."""
    shown = text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"
    return repr(shown)
