"""Checks for what officers type, shared by the record kinds.

Each function returns the value to store (trimmed where that is harmless) or
raises InputError with a sentence that names the field and says what is wrong.
Verbatim fields (contact content, notes) are never trimmed or rewritten.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from workstation.errors import InputError

LINE_MAX = 200
TEXT_MAX = 1_000_000
FUTURE_TOLERANCE = timedelta(minutes=10)  # clock skew between the PC and a device; no more

_EMAIL = re.compile(r"\A[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\Z")
_PHONE = re.compile(r"\A\+?[0-9][0-9 ().\-/]*\Z")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


# C0 and C1 controls (Unicode category Cc), line and paragraph separators, surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates


def line(value: Any, what: str, *, required: bool = True, max_chars: int = LINE_MAX) -> str:
    """A single line of text: trimmed, no control characters, not too long."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text.")
    text = value.strip()
    if required and not text:
        raise InputError(f"{what} must not be empty.")
    if _CONTROL.search(text):
        raise InputError(f"{what} must be a single line without control characters.")
    if len(text) > max_chars:
        raise InputError(f"{what} is longer than {max_chars} characters.")
    return text


def text(value: Any, what: str, *, required: bool = True, max_chars: int = TEXT_MAX) -> str:
    """Free text kept verbatim (line breaks and spacing included); only NUL is refused."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text.")
    if required and not value.strip():
        raise InputError(f"{what} must not be empty.")
    if _UNSTORABLE.search(value):
        raise InputError(
            f"{what} contains characters that cannot be stored (NUL or a lone surrogate)."
        )
    if len(value) > max_chars:
        raise InputError(f"{what} is longer than {max_chars} characters.")
    return value


def email(value: Any, what: str = "The e-mail address", *, required: bool = True) -> str:
    """Roughly an e-mail address: something@domain.tld, no spaces."""
    address = line(value, what, required=required)
    if address and not _EMAIL.match(address):
        raise InputError(f"{what} {address!r} does not look like name@domain.tld.")
    return address


def phone(value: Any, what: str = "The phone number", *, required: bool = True) -> str:
    """Digits with an optional leading +, spaces and the usual separators ( ) . - /."""
    number = line(value, what, required=required, max_chars=40)
    if number and not (_PHONE.match(number) and sum(c.isdigit() for c in number) >= 3):
        raise InputError(
            f"{what} {number!r} is not a phone number: use digits, a leading + and spaces."
        )
    return number


def url(value: Any, what: str = "The URL", *, required: bool = True) -> str:
    """An http(s) URL with a host."""
    address = line(value, what, required=required, max_chars=4000)
    if not address:
        return address
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not host:
        raise InputError(f"{what} {address!r} is not an http:// or https:// address with a host.")
    if any(char.isspace() for char in address):
        raise InputError(f"{what} {address!r} contains spaces.")
    return address


def format_utc(moment: datetime) -> str:
    """The stored form: ISO 8601, UTC, microseconds, 'Z' (sorts as it reads)."""
    return moment.astimezone(UTC).strftime(_UTC_FORMAT)


def utc_time(value: Any, what: str, *, end_of_day: bool = False, allow_future: bool = False) -> str:
    """An ISO 8601 time with a zone (or a date, taken as UTC) in the stored form.

    A date alone means the start of that day, or its end with ``end_of_day``
    (for "until" filters). Times without a zone are refused: on a workstation
    that shows local time, guessing would shift entries by hours.
    """
    moment = _parse_time(value, what, end_of_day)
    if not allow_future and moment > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise InputError(f"{what} {value!r} is in the future; times are in UTC.")
    return format_utc(moment)


def _parse_time(value: Any, what: str, end_of_day: bool) -> datetime:
    raw = line(value, what, max_chars=64)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = datetime.fromisoformat(raw).replace(tzinfo=UTC)
            return day + timedelta(days=1, microseconds=-1) if end_of_day else day
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"{what} {raw!r} is not a time like 2024-05-01T14:30:00Z or a date like 2024-05-01."
        ) from None
    if moment.tzinfo is None:
        raise InputError(f"{what} {raw!r} has no time zone: add Z for UTC, e.g. {raw}Z.")
    return moment.astimezone(UTC)


def choice(value: Any, what: str, allowed: tuple[str, ...]) -> str:
    """One of a fixed set of words."""
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"{what} must be one of: {', '.join(allowed)} (got {value!r}).")
    return value
