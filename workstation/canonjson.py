"""Canonical JSON: one byte sequence per value, so that hashes are reproducible.

Rules (a subset of RFC 8785 that needs no float formatting): objects with keys
sorted by code point, no insignificant white space, UTF-8 without escaping of
non-ASCII characters, and only str, int, bool, None, list and dict values.
Floats are refused because their text form is not stable across tools.
"""

import json
from typing import Any

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def _check(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise TypeError(f"floats are not allowed in canonical JSON (at {where})")
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"object keys must be strings (at {where})")
            _check(item, f"{where}.{key}")
        return
    raise TypeError(f"{type(value).__name__} is not a JSON value (at {where})")


def dumps(value: Any) -> bytes:
    """Serialise a JSON value canonically as UTF-8 bytes."""
    _check(value, "$")
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def loads(data: bytes) -> Any:
    """Parse JSON bytes, refusing duplicate keys and non-finite numbers."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in pairs:
            if key in result:
                raise ValueError(f"duplicate key {key!r}")
            result[key] = item
        return result

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")

    return json.loads(
        data.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constants
    )


def is_canonical(data: bytes) -> bool:
    """True when the bytes are exactly the canonical form of what they encode."""
    try:
        return dumps(loads(data)) == data
    except (ValueError, TypeError, UnicodeDecodeError):
        return False
