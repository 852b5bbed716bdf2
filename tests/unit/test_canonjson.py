import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation import canonjson

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_known_bytes() -> None:
    value = {"b": [1, True, None], "a": "ü", "c": {"z": 1, "y": 2}}
    assert canonjson.dumps(value) == '{"a":"ü","b":[1,true,null],"c":{"y":2,"z":1}}'.encode()


def test_known_hash_is_stable() -> None:
    # The same value hashes the same on any machine: this is what control numbers rest on.
    data = canonjson.dumps({"url": "http://example.test/", "n": 3})
    assert (
        hashlib.sha256(data).hexdigest()
        == hashlib.sha256(b'{"n":3,"url":"http://example.test/"}').hexdigest()
    )


@given(json_values)
def test_round_trip_is_canonical(value: object) -> None:
    data = canonjson.dumps(value)
    assert canonjson.loads(data) == value
    assert canonjson.is_canonical(data)


@given(st.dictionaries(st.text(max_size=5), st.integers(), min_size=2, max_size=6))
def test_key_order_does_not_matter(value: dict[str, int]) -> None:
    reordered = dict(reversed(list(value.items())))
    assert canonjson.dumps(value) == canonjson.dumps(reordered)


@pytest.mark.parametrize("bad", [1.5, {"a": float("nan")}, {1: "x"}, b"bytes", {"s": {1, 2}}])
def test_non_json_values_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        canonjson.dumps(bad)


@pytest.mark.parametrize(
    "data", [b'{"a":1,"a":2}', b"NaN", b'{"a":Infinity}', b"\xff\xfe", b'{"a": 1}']
)
def test_loads_refuses_or_flags_non_canonical_input(data: bytes) -> None:
    assert not canonjson.is_canonical(data)
