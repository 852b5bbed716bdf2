"""Telling what a CONNECT tunnel carries from its first bytes."""

import pytest

from workstation.route.sniff import TunnelContent, classify


@pytest.mark.parametrize(
    ("first", "content"),
    [
        (b"\x16\x03\x01\x02\x00\x01\x00\x01", TunnelContent.TLS),  # a ClientHello record
        (b"GET /cha", TunnelContent.HTTP),
        (b"OPTIONS ", TunnelContent.HTTP),
        (b"GE", TunnelContent.HTTP),  # a short first segment: the start of a method
        (b"SSH-2.0-", TunnelContent.OTHER),
        (b"get / HT", TunnelContent.OTHER),  # methods are upper case
        (b"\x00\x01bin", TunnelContent.OTHER),
        (b"", TunnelContent.SILENT),
    ],
)
def test_first_bytes_say_what_the_tunnel_carries(first: bytes, content: TunnelContent) -> None:
    assert classify(first) is content
