"""Dates as registries write them, turned into ISO 8601 UTC strings.

"2019-09-09T15:39:04Z", "2019-09-09T08:39:04-0700", "05-Dec-2020", "18.7.2012 04:04:23",
"19990518 #162310", "2003-12-11": the date is kept exactly to the precision given (a day
stays a day) and a time with an offset is converted to UTC. Unreadable text gives None.
"""

import re
from datetime import UTC, datetime

_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
_DATE_ONLY_FORMATS = (
    "%Y-%m-%d",
    "%d-%b-%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%Y.%m.%d",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%b %d %Y",
)
_DATE_TIME_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d-%b-%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
)
MAX_DATE_TEXT = 64


def iso_date(text: str) -> str | None:
    """ "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) for a registry's date, else None."""
    cleaned = text.strip()[:MAX_DATE_TEXT]
    if not cleaned:
        return None
    first_token = cleaned.split()[0]
    return _iso_timestamp(cleaned) or _formatted(cleaned) or _formatted(first_token)


def _iso_timestamp(text: str) -> str | None:
    candidate = text.split(maxsplit=1)[0] if "T" in text.split(maxsplit=1)[0] else text
    candidate = candidate.replace("Z", "+00:00").replace("z", "+00:00")
    candidate = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", candidate)
    if "T" not in candidate:
        return None
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return _utc_text(moment)


def _formatted(text: str) -> str | None:
    for pattern in _DATE_TIME_FORMATS:
        moment = _strptime(text, pattern)
        if moment is not None:
            return _utc_text(moment)
    for pattern in _DATE_ONLY_FORMATS:
        moment = _strptime(text, pattern)
        if moment is not None:
            return moment.strftime("%Y-%m-%d")
    return None


def _strptime(text: str, pattern: str) -> datetime | None:
    try:
        moment = datetime.strptime(text, pattern)
    except ValueError:
        return None
    return moment if 1900 <= moment.year <= 2200 else None


def _utc_text(moment: datetime) -> str | None:
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC)
        except (OverflowError, ValueError):
            return None
    if not 1900 <= moment.year <= 2200:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
