"""Phone numbers: parsed, normalised and described from the phonenumbers package's own data.

Nothing leaves the workstation: the country, area, time zones and the carrier a number
range was allocated to all come from the data shipped inside phonenumbers, so the result
names that data (and its version) instead of a server. The carrier is the one the range
was given to; a number may have been ported since, which only the operators know.
"""

from typing import Any

import phonenumbers
from phonenumbers import (
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
    carrier,
    geocoder,
    timezone,
)

from workstation.errors import LookupInputError
from workstation.lookup.context import LookupContext
from workstation.lookup.result import LookupResult, utc_now
from workstation.lookup.targets import echo_input

LANGUAGE = "en"
MAX_INPUT_LENGTH = 100  # phonenumbers itself stops at 250; no real number comes close
NON_GEOGRAPHIC_REGION = "001"  # phonenumbers' region for +800, +882 and the like
UNKNOWN_TIME_ZONE = "Etc/Unknown"
DATA_SOURCE = f"offline data, phonenumbers {phonenumbers.__version__}"

NUMBER_TYPES = {
    PhoneNumberType.FIXED_LINE: "fixed line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed line or mobile",
    PhoneNumberType.TOLL_FREE: "toll-free",
    PhoneNumberType.PREMIUM_RATE: "premium rate",
    PhoneNumberType.SHARED_COST: "shared cost",
    PhoneNumberType.VOIP: "VoIP",
    PhoneNumberType.PERSONAL_NUMBER: "personal number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "company number (UAN)",
    PhoneNumberType.VOICEMAIL: "voicemail access",
}

PARSE_PROBLEMS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "it does not start with a known country calling code"
    ),
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it is not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: (
        "it is too short after the international prefix"
    ),
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "it is too short",
    phonenumbers.NumberParseException.TOO_LONG: "it is too long",
}

LENGTH_PROBLEMS = {
    ValidationResult.INVALID_COUNTRY_CODE: "its country calling code is not in use",
    ValidationResult.TOO_SHORT: "it is too short for a number of that country",
    ValidationResult.TOO_LONG: "it is too long for a number of that country",
    ValidationResult.INVALID_LENGTH: "it has a length no number of that country has",
}


def lookup_phone(target: str, context: LookupContext, region: str | None = None) -> LookupResult:
    """Describe a phone number. region (two letters, e.g. "DE") lets the officer type a
    national number; without it the number must be international (+49..., 0049...)."""
    started = utc_now()
    context.check_cancelled()
    text = target.strip()
    number = parse_phone(text, region)
    data = describe_number(number, text, normalise_region(region))
    warnings: list[str] = []
    if not data["valid"]:
        warnings.append(
            "The number has a possible length but lies in no range the phonenumbers data "
            "lists as allocated: it may be new, unallocated or mistyped."
        )
    return LookupResult(
        kind="phone",
        target=text,
        route=context.route,
        started_utc=started,
        finished_utc=utc_now(),
        data=data,
        warnings=tuple(warnings),
        summary=_summary(data),
    )


def normalise_region(region: str | None) -> str | None:
    """The region as phonenumbers knows it (upper case ISO 3166 letters), or None."""
    if region is None or not region.strip():
        return None
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise LookupInputError(
            f"{region!r} is not a country phonenumbers knows; give its two-letter code, "
            "e.g. DE, GB or FR."
        )
    return code


def parse_phone(text: str, region: str | None = None) -> PhoneNumber:
    """The parsed number; LookupInputError with the reason if it is not a usable number."""
    text = text.strip()
    default_region = normalise_region(region)
    shown = echo_input(text)
    if not text:
        raise LookupInputError("Type a phone number to look up.")
    if len(text) > MAX_INPUT_LENGTH:
        raise LookupInputError(f"{shown} is too long to be a phone number.")
    if not any(char.isdigit() for char in text):
        raise LookupInputError(f"{shown} is not a phone number: it has no digits.")
    if default_region is None:
        text = _international_form(text, shown)
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        problem = PARSE_PROBLEMS.get(exc.error_type, "it is not a phone number")
        raise LookupInputError(f"{shown} is not a valid phone number: {problem}.") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in LENGTH_PROBLEMS:
        raise LookupInputError(f"{shown} is not a valid phone number: {LENGTH_PROBLEMS[reason]}.")
    return number


def _international_form(text: str, shown: str) -> str:
    """00 is the international prefix almost everywhere; anything else needs a country."""
    if text.startswith("00"):
        return "+" + text[2:]
    if not text.startswith("+"):
        raise LookupInputError(
            f"{shown} is written as a national number. Write it in international form "
            "(+ or 00, then the country code, e.g. +49 30 1234567) or choose the country "
            "it belongs to."
        )
    return text


def describe_number(number: PhoneNumber, text: str, region: str | None) -> dict[str, Any]:
    """Everything the offline data says about a parsed number, as canonical-JSON data."""
    region_code = phonenumbers.region_code_for_number(number)
    zones = [zone for zone in timezone.time_zones_for_number(number) if zone != UNKNOWN_TIME_ZONE]
    return {
        "input": text,
        "default_region": region,
        "valid": phonenumbers.is_valid_number(number),
        "possible": phonenumbers.is_possible_number(number),
        "e164": phonenumbers.format_number(number, PhoneNumberFormat.E164),
        "international": phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        "national": phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        "rfc3966": phonenumbers.format_number(number, PhoneNumberFormat.RFC3966),
        "country_code": int(number.country_code or 0),
        "national_number": phonenumbers.national_significant_number(number),
        "extension": number.extension or None,
        "region_code": region_code if region_code not in {None, NON_GEOGRAPHIC_REGION} else None,
        "calling_code_regions": [
            code
            for code in phonenumbers.region_codes_for_country_code(number.country_code or 0)
            if code != NON_GEOGRAPHIC_REGION
        ],
        "non_geographic": region_code == NON_GEOGRAPHIC_REGION,
        "country": geocoder.country_name_for_number(number, LANGUAGE) or None,
        "area": geocoder.description_for_number(number, LANGUAGE) or None,
        "carrier": carrier.name_for_number(number, LANGUAGE) or None,
        "number_type": NUMBER_TYPES.get(phonenumbers.number_type(number), "unknown"),
        "time_zones": sorted(zones),
        "source": DATA_SOURCE,
    }


def _summary(data: dict[str, Any]) -> tuple[str, ...]:
    lines = [
        f"{data['international']}: {data['number_type']}, {_place(data)}",
        f"E.164 {data['e164']}; national form {data['national']}",
        "Valid number" if data["valid"] else "Possible length, but not an allocated range",
    ]
    if data["carrier"]:
        lines.append(f"Carrier the range was allocated to: {data['carrier']} (may be ported)")
    if data["time_zones"]:
        lines.append("Time zones: " + _first(data["time_zones"]))
    lines.append(f"Source: {DATA_SOURCE}; nothing was sent over the network.")
    return tuple(lines)


def _place(data: dict[str, Any]) -> str:
    if data["non_geographic"]:
        return "no country (an international, non-geographic number)"
    place = data["area"] or data["country"]
    if place and data["region_code"]:
        return f"{place} ({data['region_code']})"
    if place:
        return str(place)
    regions = data["calling_code_regions"]
    if not regions:
        return "no country known"
    return f"country code +{data['country_code']} ({_first(regions)})"


def _first(items: list[str], shown: int = 5) -> str:
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {more} more" if more > 0 else "")
