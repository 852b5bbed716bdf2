"""Classifying and normalising what the officer types: every kind, the edge cases, fuzzing."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.errors import LookupInputError
from workstation.lookup.targets import Target, classify, domain_display, normalise_domain

KINDS = {"domain", "ip", "email", "url", "phone", "asn"}


@pytest.mark.parametrize(
    ("typed", "kind", "value", "display"),
    [
        ("example.com", "domain", "example.com", "example.com"),
        ("  WWW.Example.COM.  ", "domain", "www.example.com", "www.example.com"),
        ("bücher.de", "domain", "xn--bcher-kva.de", "bücher.de"),
        ("BÜCHER.DE", "domain", "xn--bcher-kva.de", "bücher.de"),
        ("xn--bcher-kva.de", "domain", "xn--bcher-kva.de", "bücher.de"),
        # IDNA 2008 keeps ß; IDNA 2003 (Python's codec) would turn it into "strasse.de".
        ("straße.de", "domain", "xn--strae-oqa.de", "straße.de"),
        ("пример.рф", "domain", "xn--e1afmkfd.xn--p1ai", "пример.рф"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "domain", "example.com", "example.com"),  # full-width
        ("例え。テスト", "domain", "xn--r8jz45g.xn--zckzah", "例え.テスト"),  # ideographic stop
        ("_dmarc.example.com", "domain", "_dmarc.example.com", "_dmarc.example.com"),
        ("_sip._tcp.example.com", "domain", "_sip._tcp.example.com", "_sip._tcp.example.com"),
        ("r3---sn-abc.googlevideo.com", "domain", "r3---sn-abc.googlevideo.com", None),
        ("com.", "domain", "com", "com"),
        ("192.0.2.10", "ip", "192.0.2.10", "192.0.2.10"),
        ("2001:DB8:0::1", "ip", "2001:db8::1", "2001:DB8:0::1"),
        ("[2001:db8::1]", "ip", "2001:db8::1", "[2001:db8::1]"),
        ("Seller.7731@Bücher.de", "email", "Seller.7731@xn--bcher-kva.de", "Seller.7731@bücher.de"),
        ("a+tag@example.co.uk", "email", "a+tag@example.co.uk", None),
        ("http://Example.COM", "url", "http://example.com/", None),
        (
            "https://shop.example:443/a b?q=ü#top",
            "url",
            "https://shop.example/a%20b?q=%C3%BC",
            None,
        ),
        ("HTTPS://user:secret@bücher.de:8443/x", "url", "https://xn--bcher-kva.de:8443/x", None),
        ("http://[2001:db8::1]:8080/", "url", "http://[2001:db8::1]:8080/", None),
        ("example.com/path?x=1", "url", "https://example.com/path?x=1", "example.com/path?x=1"),
        ("example.com:8443", "url", "https://example.com:8443/", None),
        ("192.0.2.1:8080", "url", "https://192.0.2.1:8080/", None),
        ("[2001:db8::1]:8443", "url", "https://[2001:db8::1]:8443/", None),
        ("+44 20 7946 0958", "phone", "+442079460958", "+44 20 7946 0958"),
        ("0049 (30) 123-4567", "phone", "+49301234567", None),
        ("030/1234567", "phone", "0301234567", None),
        ("01.23.45.67.89", "phone", "0123456789", None),
        ("AS13335", "asn", "AS13335", "AS13335"),
        ("as 64500", "asn", "AS64500", "as 64500"),
        ("ASN4294967295", "asn", "AS4294967295", None),
    ],
)
def test_classifies_and_normalises(typed: str, kind: str, value: str, display: str | None) -> None:
    target = classify(typed)
    assert (target.kind, target.value) == (kind, value)
    assert target.display == (display if display is not None else typed.strip())


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "foo bar",
            "'foo bar' is not a domain, IP address, e-mail address, web address, "
            "phone number or AS number.",
        ),
        ("seller", "is not a domain, IP address"),
        ("   ", "Type a domain"),
        ("my_host.example.com", "underscores only begin service labels"),
        ("-shop.example.com", "letters, digits and hyphens"),
        ("a..example.com", "empty part"),
        ("." + "a" * 64 + ".com", "empty part"),
        ("a" * 64 + ".com", "longer than 63 characters"),
        (".".join(["a" * 60] * 5), "longer than 253 characters"),
        ("xn--zzzz.com", "not valid punycode"),
        ("xn--a.com", "not valid punycode"),
        ("a\u200fb.com", "cannot be part of an internationalised domain name"),
        ("1.2.3", "the last part cannot be a number"),
        ("192.0.2.256", "not a valid IPv4 address"),
        ("010.0.0.1", "not a valid IPv4 address"),
        ("198.51.100.0/24", "network range"),
        ("fe80::1%eth0", "link-local"),
        ("@example.com", "not a valid e-mail address"),
        ("a b@example.com", "not a valid e-mail address"),
        ("a..b@example.com", "dots cannot"),
        ("seller@localhost", "needs a dot"),
        ("seller@exa_mple.com", "not a valid e-mail address"),
        ("ftp://example.com/", "only http:// and https://"),
        ("https://", "has no host name"),
        ("https://example.com:99999/", "not a valid web address"),
        ("https://exa mple.com/", "not a valid web address"),
        ("+49", "has 2 digits"),
        ("+49 1234 5678 9012 3456 78", "has 20 digits"),
        ("AS99999999999", "AS numbers"),
    ],
)
def test_refuses_with_a_message_the_officer_understands(typed: str, message: str) -> None:
    with pytest.raises(LookupInputError) as raised:
        classify(typed)
    assert message.replace("AS numbers", "from 0 to 4294967295") in str(raised.value)


def test_long_input_is_quoted_shortened() -> None:
    with pytest.raises(LookupInputError) as raised:
        classify("x " * 500)
    assert len(str(raised.value)) < 200
    assert "…" in str(raised.value)


def test_normalise_domain_and_display_round_trip() -> None:
    assert normalise_domain("Bücher.Example.") == "xn--bcher-kva.example"
    assert domain_display("xn--bcher-kva.example") == "bücher.example"
    assert normalise_domain("a" * 63 + ".com") == "a" * 63 + ".com"
    assert len(normalise_domain(".".join(["a" * 63] * 3) + "." + "b" * 61)) == 253
    with pytest.raises(LookupInputError, match="empty"):
        normalise_domain(".")


# --- fuzzing: any text is a Target or a LookupInputError, and a Target is stable ---

# Placeholders stand for whole tokens, so that a plain character alphabet (cheap for
# hypothesis to generate) still builds URLs, punycode, phone prefixes and AS numbers.
TOKENS = {"!": "xn--", "~": "https://", "^": "bücher", "$": "AS", "=": "00", "&": "example"}
ALPHABET = "abcxyz019.-_@:/+ ()[]%ßü例Ａ。" + "".join(TOKENS)


def expand_tokens(text: str) -> str:
    for placeholder, token in TOKENS.items():
        text = text.replace(placeholder, token)
    return text


name_text = st.text(alphabet="ab1-_.üß例", min_size=1, max_size=20)
typed_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=ALPHABET, max_size=40).map(expand_tokens),
    name_text.map(lambda name: name + ".example"),
    name_text.map(lambda name: f"https://{name}.de:8443/{name}?q={name}"),
    name_text.map(lambda name: f"Seller.{name}@{name}.example"),
    st.text(alphabet="0123456789 -()/.", max_size=22).map(lambda digits: "+4" + digits),
)


def check_target(target: Target) -> None:
    assert target.kind in KINDS
    single_label = target.kind == "domain" and "." not in target.value
    again = classify(target.value + "." if single_label else target.value)  # "com." is "com"
    assert (again.kind, again.value) == (target.kind, target.value)
    if target.kind == "domain":
        assert target.value.isascii() and len(target.value) <= 253
        assert all(1 <= len(label) <= 63 for label in target.value.split("."))


@settings(max_examples=10_000, deadline=None)
@given(typed_text)
def test_fuzz_classify_never_raises_anything_else(text: str) -> None:
    try:
        target = classify(text)
    except LookupInputError as exc:
        assert str(exc)
        return
    check_target(target)


def test_fuzz_run_is_fast() -> None:
    """The parser itself (without hypothesis's generation) handles 10,000 inputs quickly."""
    samples = [f"{index}-shop-{index % 7}.bücher.example" for index in range(5000)]
    samples += [f"+49 30 {index:07d}" for index in range(5000)]
    start = time.monotonic()
    kinds = {classify(sample).kind for sample in samples}
    assert kinds == {"domain", "phone"}
    assert time.monotonic() - start < 5
