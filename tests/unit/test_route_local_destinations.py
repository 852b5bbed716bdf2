"""Which destinations the gate treats as the local network (refused unless allowed)."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.route.hosts import is_local_destination


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1", "127.8.9.10", "::1", "[::1]", "10.1.2.3", "172.16.0.9", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "::", "fe80::1", "fc00::5",
        "::ffff:192.168.0.1", "224.0.0.251", "localhost", "LOCALHOST.", "app.localhost",
        "printer.local", "nas.home.arpa", "git.internal", "router.lan",
    ],
)  # fmt: skip
def test_local_addresses_and_names(host: str) -> None:
    assert is_local_destination(host)


@pytest.mark.parametrize(
    "host",
    ["93.184.216.34", "2606:4700::6810:85e5", "example.com", "shop.example", "localhost.com",
     "mylocal", "internal.example.org", "local"],
)  # fmt: skip
def test_public_addresses_and_names(host: str) -> None:
    assert not is_local_destination(host)


@given(st.text(max_size=300))
def test_any_text_gets_an_answer_without_resolving(text: str) -> None:
    assert isinstance(is_local_destination(text), bool)


@given(st.ip_addresses(v=4, network="10.0.0.0/8") | st.ip_addresses(v=6, network="fe80::/10"))
def test_private_and_link_local_ranges_are_local(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    assert is_local_destination(str(address))
