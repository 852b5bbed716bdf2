"""What changed between two runs of the same lookup.

Compares the parsed ``data`` of two results. Objects are compared key by key and
recursively; lists are compared as multisets, because servers return the same
records in varying order (DNS round robin, RDAP entity lists) and a new order alone
is not a change an officer needs to see. A list element that differs is reported as
one removed element and one added element, except for two objects at the same index
that share a field, whose differences are reported field by field.

Times of the run itself (keys named "utc" or ending in "_utc", e.g. when each hop of a
redirect chain was answered) differ on every run and are not compared.

Paths name where a change is: object keys as strings, list elements as the element's
index in the list it is in (the older list for removed values, the newer one for
added values).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

ChangeKind = Literal["added", "removed", "changed"]
PathPart = str | int
MAX_VALUE_CHARS = 160  # rendering only: long values are cut for the screen


@dataclass(frozen=True)
class Change:
    """One difference: ``old`` is None for added values, ``new`` for removed ones."""

    change: ChangeKind
    path: tuple[PathPart, ...]
    old: Any = None
    new: Any = None

    def where(self) -> str:
        """The path as the officer reads it: ``records.MX[1]``; ``(top)`` for the whole."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text or "(top)"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for --json output)."""
        return {"change": self.change, "path": list(self.path), "old": self.old, "new": self.new}


def diff_results(older: Mapping[str, Any], newer: Mapping[str, Any]) -> list[Change]:
    """The changes from ``older`` to ``newer``: the ``data`` of two runs of one lookup."""
    changes: list[Change] = []
    _diff_objects(older, newer, (), changes)
    return changes


def _diff(old: Any, new: Any, path: tuple[PathPart, ...], changes: list[Change]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        _diff_objects(old, new, path, changes)
    elif _is_list(old) and _is_list(new):
        _diff_lists(old, new, path, changes)
    elif not _same(old, new):
        changes.append(Change("changed", path, old, new))


def _diff_objects(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    path: tuple[PathPart, ...],
    changes: list[Change],
) -> None:
    for key in sorted(k for k in old.keys() | new.keys() if not _is_run_time(k)):
        if key not in new:
            changes.append(Change("removed", (*path, key), old[key], None))
        elif key not in old:
            changes.append(Change("added", (*path, key), None, new[key]))
        else:
            _diff(old[key], new[key], (*path, key), changes)


def _diff_lists(
    old: Sequence[Any], new: Sequence[Any], path: tuple[PathPart, ...], changes: list[Change]
) -> None:
    surplus_old = Counter(_key(item) for item in old) - Counter(_key(item) for item in new)
    surplus_new = Counter(_key(item) for item in new) - Counter(_key(item) for item in old)
    added = dict(_take(new, surplus_new))
    for index, item in _take(old, surplus_old):
        if _same_record(item, added.get(index)):
            _diff(item, added.pop(index), (*path, index), changes)
        else:
            changes.append(Change("removed", (*path, index), item, None))
    for index, item in added.items():
        changes.append(Change("added", (*path, index), None, item))


def _same_record(old: Any, new: Any) -> bool:
    """Two objects in the same place of a list that agree on some field (a redirect hop
    with the same URL, an MX record with the same host) are one record that changed:
    showing what changed inside reads better than one removed and one added."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return False
    return any(
        key in new and not _is_run_time(key) and _same(value, new[key])
        for key, value in old.items()
    )


def _take(items: Sequence[Any], surplus: Counter[str]) -> list[tuple[int, Any]]:
    """The elements that make up the surplus, with their indexes, in list order."""
    wanted = Counter(surplus)
    taken = []
    for index, item in enumerate(items):
        key = _key(item)
        if wanted[key] > 0:
            wanted[key] -= 1
            taken.append((index, item))
    return taken


def _is_run_time(key: Any) -> bool:
    return isinstance(key, str) and (key == "utc" or key.endswith("_utc"))


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _same(old: Any, new: Any) -> bool:
    # type() too: True == 1 in Python, but a flag turning into a number is a change.
    return type(old) is type(new) and old == new


def _key(value: Any) -> str:
    """An order-insensitive identity of a value, for counting list elements."""
    return _text(_normalised(value))


def _normalised(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _normalised(v) for k, v in value.items() if not _is_run_time(k)}
    if _is_list(value):
        return sorted((_normalised(v) for v in value), key=_text)
    return value


def _text(value: Any) -> str:
    # Like canonical JSON, but tolerant: diffing must not fail on what a parser produced.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def normalised(value: Any) -> Any:
    """The value with every list sorted: equal for two runs that diff_results calls equal."""
    return _normalised(value)


def render_changes(changes: Sequence[Change]) -> list[str]:
    """One line per change for the command line: ``changed  status: 200 -> 404``."""
    lines = []
    for change in changes:
        if change.change == "changed":
            text = f"{_show(change.old)} -> {_show(change.new)}"
        elif change.change == "added":
            text = _show(change.new)
        else:
            text = _show(change.old)
        lines.append(f"{change.change:<8} {change.where()}: {text}")
    return lines


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
