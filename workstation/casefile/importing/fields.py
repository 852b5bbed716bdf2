"""Typed access to the transfer's parsed JSON: every field read with its type checked."""

from __future__ import annotations

import re
from typing import Any, cast

from workstation import canonjson
from workstation.casefile.importing.limits import Limits, TransferRejected

SHA256_HEX = re.compile(r"\A[0-9a-f]{64}\Z")
_UTC = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z\Z")


def load_json(data: bytes, what: str, limits: Limits) -> Any:
    if len(data) > limits.max_json_bytes:
        raise TransferRejected(f"The transfer's {what} is larger than an import accepts.")
    try:
        return canonjson.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise TransferRejected(f"The transfer's {what} is not valid JSON ({exc}).") from exc


def is_canonical(data: bytes) -> bool:
    try:
        return canonjson.is_canonical(data)
    except RecursionError:  # absurdly nested JSON is not something the workstation wrote
        return False


def is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


def as_text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TransferRejected(f"The transfer holds {what} that is not text.")
    return value


def rows_of(value: Any, where: str) -> list[Fields]:
    if not isinstance(value, list):
        raise TransferRejected(f"The transfer's {where} is malformed (not a list).")
    return [Fields(row, where) for row in value]


class Fields:
    """A JSON object from the transfer, read field by field with types checked."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise TransferRejected(f"The transfer's {where} is malformed (not an object).")
        self.value: dict[str, Any] = value
        self.where = where

    def _get(self, key: str) -> Any:
        if key not in self.value:
            raise self._bad(key, "is missing")
        return self.value[key]

    def _bad(self, key: str, why: str) -> TransferRejected:
        return TransferRejected(f"The transfer's {self.where} is malformed: {key!r} {why}.")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._bad(key, "is not text")
        return value

    def maybe_text(self, key: str) -> str | None:
        return None if self._get(key) is None else self.text(key)

    def utc(self, key: str) -> str:
        value = self.text(key)
        if not _UTC.match(value):
            raise self._bad(key, "is not a UTC time")
        return value

    def maybe_utc(self, key: str) -> str | None:
        return None if self._get(key) is None else self.utc(key)

    def integer(self, key: str) -> int:
        value = self._get(key)
        if not is_count(value):
            raise self._bad(key, "is not a whole number")
        return cast(int, value)

    def maybe_int(self, key: str) -> int | None:
        return None if self._get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "is not true or false")
        return value

    def sha256(self, key: str) -> str:
        value = self.text(key)
        if not SHA256_HEX.match(value):
            raise self._bad(key, "is not a SHA-256")
        return value

    def hex64(self, key: str) -> str:
        return self.sha256(key)  # a 32-byte key in hex has the same form

    def array(self, key: str) -> list[Any]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._bad(key, "is not a list")
        return value

    def rows(self, key: str) -> list[Fields]:
        return [Fields(row, f"{self.where} {key}") for row in self.array(key)]

    def row(self, key: str) -> Fields:
        return Fields(self._get(key), f"{self.where} {key}")
