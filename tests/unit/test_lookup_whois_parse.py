"""WHOIS text reading: recorded registry answers, referrals, no-match, rate limits, fuzzing."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.errors import LookupFailed, LookupInputError
from workstation.lookup.asn import parse_cymru
from workstation.lookup.targets import normalise_domain
from workstation.lookup.whois import interpret
from workstation.lookup.whois_parse import (
    decode_answer,
    domain_facts,
    find_referral,
    network_facts,
    no_match_line,
    rate_limit_line,
)
from workstation.lookup.whois_targets import Target, classify_target

DATA = Path(__file__).resolve().parent.parent / "data" / "whois"


def recorded(name: str) -> str:
    return decode_answer((DATA / name).read_bytes())


def test_verisign_thin_record_refers_to_the_registrar() -> None:
    text = recorded("whois.verisign-grs.com__domain_google.com.txt")
    assert find_referral(text, "whois.verisign-grs.com") == ("whois.markmonitor.com", 43)
    facts = domain_facts(text)
    assert facts["registrar"] == "MarkMonitor Inc."
    assert facts["created"] == "1997-09-15T04:00:00Z"
    assert facts["expires"] == "2028-09-14T04:00:00Z"
    assert facts["name_servers"] == [
        "ns1.google.com",
        "ns2.google.com",
        "ns3.google.com",
        "ns4.google.com",
    ]
    assert "clientDeleteProhibited" in facts["status"]
    assert facts["abuse_emails"] == ["abusecomplaints@markmonitor.com"]


def test_registrar_record_dates_with_offsets_become_utc() -> None:
    facts = domain_facts(recorded("whois.markmonitor.com__google.com.txt"))
    assert facts["updated"] == "2024-08-02T02:17:33Z"
    assert facts["registrant"]["organization"] == "Google LLC"
    assert facts["registrant"]["country"] == "US"


def test_iana_and_arin_referrals() -> None:
    assert find_referral(recorded("whois.iana.org__google.com.txt"), "whois.iana.org") == (
        "whois.verisign-grs.com",
        43,
    )
    arin = recorded("whois.arin.net__n_plus_170.0.0.1.txt")
    assert find_referral(arin, "whois.arin.net") == ("whois.lacnic.net", 43)
    assert network_facts(arin)["cidr"] == ["170.0.0.0/22"]


def test_no_match_and_rate_limit_answers_are_recognised() -> None:
    assert "No match for u34jedzcq.br" in (
        no_match_line(recorded("whois.registro.br__u34jedzcq.br.txt")) or ""
    )
    assert rate_limit_line(recorded("whois.pir.org__google.org.txt")) is not None
    assert rate_limit_line(recorded("whois.markmonitor.com__google.com.txt")) is None


def test_latin1_answer_decodes_without_loss() -> None:
    raw = (DATA / "whois.lacnic.net__2801_10_c000__.txt").read_bytes()
    text = decode_answer(raw)
    assert "Garc\u00eda Mu\u00f1oz" in text
    assert network_facts(text)["range"] == "2801:10:c000:: - 2801:10:c000:ffff:ffff:ffff:ffff:ffff"


def test_cymru_verbose_and_bulk_answers() -> None:
    rows, errors = parse_cymru(recorded("whois.cymru.com__-v_8.8.8.8.txt"))
    assert errors == []
    assert rows == [
        {
            "asn": 15169,
            "ip": "8.8.8.8",
            "prefix": "8.8.8.0/24",
            "country": "US",
            "registry": "arin",
            "allocated": "2023-12-28",
            "as_name": "GOOGLE, US",
        }
    ]
    bulk = (
        "Bulk mode; whois.cymru.com [2017-07-30 23:02:21 +0000]\n"
        "15169   | 74.125.225.229   | 74.125.225.0/24     | US | arin     | 2007-03-13 | GOOGLE - Google Inc., US\n"  # noqa: E501
        "NA      | 2801:10:c000::                           | NA                  | CO | lacnic   | 2013-10-29 | NA\n"  # noqa: E501
    )
    rows, _ = parse_cymru(bulk)
    assert rows[0]["asn"] == 15169 and rows[1]["asn"] is None and rows[1]["country"] == "CO"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "http://example.com/x",
        "user@example.com",
        "com",
        "exa mple.com",
        "AS99999999999",
        "fe80::1%eth0",
        "-bad-.com" * 40,
    ],
)
def test_invalid_input_gets_a_clear_message(typed: str) -> None:
    with pytest.raises(LookupInputError):
        classify_target(typed)


def test_idn_names_go_out_in_punycode() -> None:
    target = classify_target("B\u00fccher.Example.")
    assert target.query == "xn--bcher-kva.example"
    assert target.shown == "b\u00fccher.example"


def test_registration_lookups_ask_about_the_same_domain_as_dns() -> None:
    # IDNA 2008: "straße.de" is its own domain, not "strasse.de" (Python's idna codec).
    target = classify_target("stra\u00dfe.de")
    assert target.query == normalise_domain("stra\u00dfe.de") == "xn--strae-oqa.de"
    assert target.shown == "stra\u00dfe.de"


SAMPLES = [p.read_bytes() for p in sorted(DATA.glob("*.txt"))]
DOMAIN = classify_target("google.com")
ADDRESS = classify_target("170.0.0.1")


def _mutated(sample: bytes, cuts: list[int], junk: bytes) -> bytes:
    data = bytearray(sample)
    for cut in cuts:
        if data:
            position = cut % len(data)
            data[position : position + len(junk)] = junk
    return bytes(data)


answers = st.one_of(
    st.binary(max_size=2000),
    st.builds(
        _mutated,
        st.sampled_from(SAMPLES),
        st.lists(st.integers(0, 10**6), max_size=4),
        st.binary(max_size=20),
    ),
)


@settings(max_examples=10_000, deadline=None)
@given(answers, st.sampled_from([DOMAIN, ADDRESS]))
def test_fuzz_whois_text_parser(raw: bytes, target: Target) -> None:
    text = decode_answer(raw)
    try:
        data, warnings = interpret(
            target, [("whois.iana.org", 43, "q", text), ("whois.example.net", 43, "q", text)]
        )
    except LookupFailed:
        return
    assert isinstance(data, dict) and isinstance(warnings, list)


@settings(max_examples=10_000, deadline=None)
@given(answers)
def test_fuzz_referral_extractor(raw: bytes) -> None:
    server = find_referral(decode_answer(raw), "whois.iana.org")
    assert server is None or (isinstance(server[0], str) and 0 < server[1] < 65536)


@settings(max_examples=10_000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from("0123456789ASNaz |-./:\n"), max_size=400),
        answers.map(decode_answer),
    )
)
def test_fuzz_cymru_parser(text: str) -> None:
    rows, errors = parse_cymru(text)
    assert all(row["asn"] is None or isinstance(row["asn"], int) for row in rows)
    assert all(isinstance(error, str) for error in errors)
