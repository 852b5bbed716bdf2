"""RDAP JSON reading and bootstrap lookups: recorded answers, odd shapes, fuzzing."""

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation import canonjson
from workstation.errors import LookupFailed
from workstation.lookup import rdap_bootstrap
from workstation.lookup.rdap_parse import load_rdap_json, summarize

DATA = Path(__file__).resolve().parent.parent / "data" / "rdap"
VERISIGN = (DATA / "rdap.verisign.com__com_v1_domain_google.com.json").read_bytes()
ARIN = (DATA / "rdap.arin.net__registry_ip_8.8.8.8.json").read_bytes()


def test_thin_registry_domain_record() -> None:
    summary = summarize(load_rdap_json(VERISIGN, "test"))
    assert summary["ldh_name"] == "google.com"
    assert summary["registrar"] == {"name": "MarkMonitor Inc.", "handle": "292", "iana_id": "292"}
    assert summary["abuse"] == {
        "emails": ["abusecomplaints@markmonitor.com"],
        "phones": ["+1.2086851750"],
    }
    assert summary["events"]["expiration"] == "2028-09-14T04:00:00Z"
    assert summary["related_links"] == ["https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM"]
    assert summary["secure_dns"] == "unsigned"
    canonjson.dumps(summary)


def test_ip_network_record() -> None:
    summary = summarize(load_rdap_json(ARIN, "test"))
    assert summary["network"]["cidr"] == ["8.8.8.0/24"]
    assert summary["events"]["registration"] == "2014-03-14T20:52:05Z"
    assert summary["registrant"]["name"] == "Google LLC"
    assert summary["abuse"]["emails"] == ["network-abuse@google.com"]


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'"text"', b"{" * 100_000])
def test_malformed_answers_fail_clearly(body: bytes) -> None:
    with pytest.raises(LookupFailed):
        load_rdap_json(body, "rdap.example")


def test_shipped_bootstrap_finds_servers() -> None:
    folder = rdap_bootstrap.default_folder()
    assert (
        rdap_bootstrap.base_url_for_domain(folder, "google.com")
        == "https://rdap.verisign.com/com/v1/"
    )
    assert (
        rdap_bootstrap.base_url_for_ip(folder, ipaddress.ip_address("8.8.8.8"))
        == "https://rdap.arin.net/registry/"
    )
    assert (
        rdap_bootstrap.base_url_for_ip(folder, ipaddress.ip_address("2a00::1"))
        == "https://rdap.db.ripe.net/"
    )
    assert rdap_bootstrap.base_url_for_asn(folder, 16276) == "https://rdap.db.ripe.net/"
    assert rdap_bootstrap.base_url_for_domain(folder, "example.invalid") is None


LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
KEYS = st.sampled_from(
    [
        "entities",
        "roles",
        "vcardArray",
        "events",
        "eventAction",
        "eventDate",
        "links",
        "rel",
        "href",
        "status",
        "nameservers",
        "ldhName",
        "startAddress",
        "startAutnum",
        "errorCode",
        "publicIds",
        "cidr0_cidrs",
        "x",
    ]
)
SMALL = LEAVES | st.lists(LEAVES, max_size=3)
json_values = st.one_of(
    SMALL, st.lists(SMALL, max_size=3), st.dictionaries(KEYS, SMALL, max_size=4)
)


def _mutate(document: Any, path: list[int], value: Any) -> Any:
    if isinstance(document, dict) and document and path:
        key = sorted(document)[path[0] % len(document)]
        return {**document, key: _mutate(document[key], path[1:], value)}
    if isinstance(document, list) and document and path:
        index = path[0] % len(document)
        return [
            *document[:index],
            _mutate(document[index], path[1:], value),
            *document[index + 1 :],
        ]
    return value


SAMPLES = [json.loads(VERISIGN), json.loads(ARIN)]
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.builds(
        _mutate, st.sampled_from(SAMPLES), st.lists(st.integers(0, 50), max_size=6), json_values
    ).map(lambda value: json.dumps(value).encode()),
)


@settings(max_examples=10_000, deadline=None)
@given(bodies)
def test_fuzz_rdap_json_parser(body: bytes) -> None:
    try:
        summary = summarize(load_rdap_json(body, "fuzz"))
    except LookupFailed:
        return
    canonjson.dumps(summary)
