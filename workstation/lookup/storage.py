"""Keeping lookup results in the case, and what changed since the last time (Qt-free).

The bridge the command line and the GUI's lookup pane share: save a result as evidence
(Case.save_lookup: record, raw exchanges and audit event in one transaction) and compare
it with the previous saved run of the same kind and target.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from workstation.lookup.diff import Change, diff_results
from workstation.lookup.result import LookupResult


class SavedRun(Protocol):
    """What this module reads of a saved lookup (casefile.lookups.SavedLookup)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def record_sha256(self) -> str: ...
    @property
    def finished_utc(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


class LookupStore(Protocol):
    """The part of casefile.Case used here."""

    def save_lookup(self, result: LookupResult) -> SavedRun: ...
    def previous_lookup(
        self, kind: str, target: str, before_id: int | None = None
    ) -> SavedRun | None: ...


@dataclass(frozen=True)
class Comparison:
    """The previous saved run of a lookup and what changed since; changes is None when
    there was no previous run."""

    previous_id: int | None
    previous_utc: str | None
    changes: list[Change] | None


@dataclass(frozen=True)
class Saved:
    """A result just saved in the case, compared with the previous saved run."""

    lookup_id: int
    record_sha256: str
    comparison: Comparison

    def as_json(self) -> dict[str, Any]:
        changes = self.comparison.changes
        return {
            "lookup_id": self.lookup_id,
            "record_sha256": self.record_sha256,
            "previous_lookup_id": self.comparison.previous_id,
            "previous_utc": self.comparison.previous_utc,
            "changes": [c.as_dict() for c in changes] if changes is not None else None,
        }


def compare_with_previous(
    store: LookupStore, result: LookupResult, before_id: int | None = None
) -> Comparison:
    """What changed since the latest saved run of this lookup (before ``before_id``)."""
    previous = store.previous_lookup(result.kind, result.target, before_id)
    if previous is None:
        return Comparison(None, None, None)
    return Comparison(previous.id, previous.finished_utc, diff_results(previous.data, result.data))


def save_and_compare(store: LookupStore, result: LookupResult) -> Saved:
    """Save the result as evidence and compare it with the run saved before it."""
    saved = store.save_lookup(result)
    return Saved(saved.id, saved.record_sha256, compare_with_previous(store, result, saved.id))
