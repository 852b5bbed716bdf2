"""Phone lookups: parsed and described from phonenumbers' offline data, never the network."""

import socket

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation import canonjson
from workstation.errors import LookupInputError
from workstation.lookup import LookupContext, LookupResult
from workstation.lookup.context import Cancelled
from workstation.lookup.phone import lookup_phone

ROUTE = "socks5://127.0.0.1:9 (test route that must stay unused)"


class RecordingConnector:
    """A connector that records (and refuses) every attempt: a phone lookup makes none."""

    route = ROUTE

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        self.attempts.append((host, port))
        raise AssertionError(f"a phone lookup tried to connect to {host}:{port}")


@pytest.fixture
def connector() -> RecordingConnector:
    return RecordingConnector()


@pytest.fixture
def context(connector: RecordingConnector) -> LookupContext:
    return LookupContext(connector=connector)


def check_offline_result(result: LookupResult, connector: RecordingConnector) -> None:
    assert result.kind == "phone"
    assert result.route == ROUTE
    assert result.exchanges == ()
    assert connector.attempts == []
    assert result.data["source"] == f"offline data, phonenumbers {phonenumbers.__version__}"
    canonjson.dumps(result.record())  # only JSON types, no floats


def test_berlin_fixed_line_in_international_form(
    context: LookupContext, connector: RecordingConnector
) -> None:
    result = lookup_phone(" +49 (30) 1234-567 ", context)
    check_offline_result(result, connector)
    data = result.data
    assert data["valid"] is True and data["possible"] is True
    assert data["e164"] == "+49301234567"
    assert data["international"] == "+49 30 1234567"
    assert data["national"] == "030 1234567"
    assert data["rfc3966"] == "tel:+49-30-1234567"
    assert (data["country_code"], data["region_code"]) == (49, "DE")
    assert data["country"] == "Germany"
    assert data["area"] == "Berlin"
    assert data["number_type"] == "fixed line"
    assert data["time_zones"] == ["Europe/Berlin"]
    assert data["carrier"] is None
    assert result.target == "+49 (30) 1234-567"
    assert result.warnings == ()
    assert result.summary[0] == "+49 30 1234567: fixed line, Berlin (DE)"
    assert "nothing was sent over the network" in result.summary[-1]


def test_mobile_number_names_the_carrier_it_was_allocated_to(
    context: LookupContext, connector: RecordingConnector
) -> None:
    result = lookup_phone("+33 6 12 34 56 78", context)
    check_offline_result(result, connector)
    assert result.data["number_type"] == "mobile"
    assert result.data["region_code"] == "FR"
    assert result.data["carrier"]  # the data names the operator of this range
    assert any("may be ported" in line for line in result.summary)


@pytest.mark.parametrize(
    ("typed", "number_type"),
    [
        ("+44 909 879 0000", "premium rate"),
        ("+44 56 1234 5678", "VoIP"),
        ("+1 800 253 0000", "toll-free"),
        ("+800 1234 5678", "toll-free"),
    ],
)
def test_number_types(typed: str, number_type: str, context: LookupContext) -> None:
    assert lookup_phone(typed, context).data["number_type"] == number_type


def test_shared_and_non_geographic_calling_codes(context: LookupContext) -> None:
    north_america = lookup_phone("+1 800 253 0000", context).data
    assert north_america["country"] is None  # +1 800 is valid in every NANP country
    assert {"US", "CA"} <= set(north_america["calling_code_regions"])
    international = lookup_phone("+800 1234 5678", context)
    assert international.data["non_geographic"] is True
    assert international.data["region_code"] is None
    assert "non-geographic" in international.summary[0]


def test_national_number_with_the_officers_region(context: LookupContext) -> None:
    data = lookup_phone("030 1234567", context, region="de").data
    assert data["e164"] == "+49301234567"
    assert data["default_region"] == "DE"


def test_00_prefix_counts_as_international(context: LookupContext) -> None:
    assert lookup_phone("0044 20 7946 0958", context).data["area"] == "London"


def test_extension_is_kept(context: LookupContext) -> None:
    data = lookup_phone("+49 30 1234567 ext. 12", context).data
    assert data["extension"] == "12"
    assert data["e164"] == "+49301234567"


def test_possible_but_unallocated_number_is_a_result_with_a_warning(
    context: LookupContext,
) -> None:
    result = lookup_phone("+44 7700 900123", context)  # Ofcom's range reserved for drama
    assert result.data["valid"] is False and result.data["possible"] is True
    assert result.data["calling_code_regions"][0] == "GB"
    assert result.warnings and "no range" in result.warnings[0]


@pytest.mark.parametrize(
    ("typed", "region", "message"),
    [
        ("030 1234567", None, "written as a national number"),
        ("030 1234567", "XX", "'XX' is not a country phonenumbers knows"),
        ("hello", None, "it has no digits"),
        ("", None, "Type a phone number"),
        ("+999 1234567", None, "known country calling code"),
        ("+49 30 123456789012345", None, "too long"),
        ("+44 12", None, "too short"),
        ("+" + "1" * 120, None, "too long to be a phone number"),
    ],
)
def test_invalid_numbers_are_refused_plainly(
    typed: str, region: str | None, message: str, context: LookupContext
) -> None:
    with pytest.raises(LookupInputError, match=message):
        lookup_phone(typed, context, region=region)


def test_cancelled_lookup_stops_before_parsing(context: LookupContext) -> None:
    context.cancel_event.set()
    with pytest.raises(Cancelled):
        lookup_phone("+49 30 1234567", context)


# The prefix is picked from the length, so one cheap text strategy covers several countries.
PREFIXES = ("+49 ", "+44 7", "+1 ", "0033 6", "+800 ", "030 ", "+", "00")


def phone_like(digits: str) -> str:
    """A prefix picked from the length, so one cheap draw covers several countries."""
    return PREFIXES[len(digits) % len(PREFIXES)] + digits


typed = st.one_of(
    st.text(max_size=24),
    st.text(alphabet="+0123456789 ()-./ext", max_size=24),
    st.text(alphabet="0123456789 -", min_size=4, max_size=16).map(phone_like),
)
REGIONS = (None, "DE", "gb", None, "US", "FR", "XX", "")
FUZZ_CONNECTOR = RecordingConnector()  # shared: one context per example costs more than the lookup
FUZZ_CONTEXT = LookupContext(connector=FUZZ_CONNECTOR)


@settings(max_examples=10_000, deadline=None)
@given(typed)
def test_fuzz_any_text_is_a_result_or_a_clear_refusal(text: str) -> None:
    region = REGIONS[len(text) % len(REGIONS)]  # chosen from the text: one draw, not two
    try:
        result = lookup_phone(text, FUZZ_CONTEXT, region=region)
    except LookupInputError as exc:
        assert str(exc)
        return
    check_offline_result(result, FUZZ_CONNECTOR)
    assert result.data["e164"].startswith("+")
