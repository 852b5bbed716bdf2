"""Two captures of the same page, side by side: what changed between them.

An officer re-captures a shop over weeks (prices, stock, the seller's contact). The
comparison says which artifacts are byte-identical, how the visible text changed (a
unified diff, line by line), which response headers and manifest facts differ, and, for
the screenshot, whether it changed at all; the GUI shows both screenshots beside it.
"""

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workstation import canonjson
from workstation.errors import InputError
from workstation.evidence.verify import StoredArtifactLike

MAX_TEXT_LINES = 20000
FACTS = ("kind", "requested_url", "final_url", "title", "started_utc", "route", "persona")


@dataclass(frozen=True)
class ExhibitView:
    """One exhibit as the comparison needs it."""

    item_id: int
    control_number: str
    manifest: Mapping[str, Any]
    artifacts: Mapping[str, StoredArtifactLike]


@dataclass(frozen=True)
class FactChange:
    name: str
    older: Any
    newer: Any


@dataclass(frozen=True)
class Comparison:
    older: ExhibitView
    newer: ExhibitView
    same_artifacts: tuple[str, ...]
    changed_artifacts: tuple[str, ...]
    only_older: tuple[str, ...]
    only_newer: tuple[str, ...]
    facts: tuple[FactChange, ...]
    header_changes: tuple[FactChange, ...]
    text_diff: tuple[str, ...]  # unified diff lines of page.txt; empty when equal

    @property
    def text_changed(self) -> bool:
        return bool(self.text_diff)

    def as_json(self) -> dict[str, Any]:
        def facts(changes: Sequence[FactChange]) -> list[dict[str, Any]]:
            return [{"name": c.name, "older": c.older, "newer": c.newer} for c in changes]

        return {
            "older": {"item_id": self.older.item_id, "control_number": self.older.control_number},
            "newer": {"item_id": self.newer.item_id, "control_number": self.newer.control_number},
            "same_artifacts": list(self.same_artifacts),
            "changed_artifacts": list(self.changed_artifacts),
            "only_older": list(self.only_older),
            "only_newer": list(self.only_newer),
            "facts": facts(self.facts),
            "header_changes": facts(self.header_changes),
            "text_diff": list(self.text_diff),
        }


def exhibit_view(case: Any, item_id: int) -> ExhibitView:
    """Load one exhibit of an open case; InputError if there is none with that id."""
    records = {record.id: record for record in case.evidence_items()}
    record = records.get(item_id)
    if record is None:
        raise InputError(f"There is no exhibit {item_id} in this case.")
    manifest = canonjson.loads(bytes(record.manifest))
    artifacts = {artifact.name: artifact for artifact in case.artifacts(item_id)}
    return ExhibitView(item_id, record.control_number, manifest, artifacts)


def compare(older: ExhibitView, newer: ExhibitView) -> Comparison:
    names_old, names_new = set(older.artifacts), set(newer.artifacts)
    shared = sorted(names_old & names_new)
    same = tuple(n for n in shared if older.artifacts[n].sha256 == newer.artifacts[n].sha256)
    changed = tuple(n for n in shared if n not in same)
    return Comparison(
        older=older,
        newer=newer,
        same_artifacts=same,
        changed_artifacts=changed,
        only_older=tuple(sorted(names_old - names_new)),
        only_newer=tuple(sorted(names_new - names_old)),
        facts=_fact_changes(older.manifest, newer.manifest),
        header_changes=_header_changes(older.manifest, newer.manifest),
        text_diff=_text_diff(older, newer),
    )


def _fact_changes(older: Mapping[str, Any], newer: Mapping[str, Any]) -> tuple[FactChange, ...]:
    return tuple(
        FactChange(name, older.get(name), newer.get(name))
        for name in FACTS
        if older.get(name) != newer.get(name)
    )


def _header_changes(older: Mapping[str, Any], newer: Mapping[str, Any]) -> tuple[FactChange, ...]:
    old = {k.lower(): v for k, v in (older.get("response_headers") or {}).items()}
    new = {k.lower(): v for k, v in (newer.get("response_headers") or {}).items()}
    return tuple(
        FactChange(name, old.get(name), new.get(name))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    )


def _lines(view: ExhibitView) -> list[str]:
    artifact = view.artifacts.get("page.txt")
    if artifact is None:
        return []
    text = artifact.data.decode("utf-8", "replace")
    return text.splitlines()[:MAX_TEXT_LINES]


def _text_diff(older: ExhibitView, newer: ExhibitView) -> tuple[str, ...]:
    diff = difflib.unified_diff(
        _lines(older),
        _lines(newer),
        fromfile=f"exhibit {older.item_id} page.txt",
        tofile=f"exhibit {newer.item_id} page.txt",
        lineterm="",
    )
    return tuple(diff)


def render(comparison: Comparison) -> list[str]:
    """The comparison as lines for the command line."""
    old, new = comparison.older, comparison.newer
    lines = [
        f"Older: exhibit {old.item_id}  {old.control_number}  {old.manifest.get('started_utc')}",
        f"Newer: exhibit {new.item_id}  {new.control_number}  {new.manifest.get('started_utc')}",
    ]
    lines += [f"  {c.name}: {c.older!r} -> {c.newer!r}" for c in comparison.facts]
    if comparison.same_artifacts:
        lines.append("Identical: " + ", ".join(comparison.same_artifacts))
    if comparison.changed_artifacts:
        lines.append("Changed:   " + ", ".join(comparison.changed_artifacts))
    for label, names in (
        ("Only older", comparison.only_older),
        ("Only newer", comparison.only_newer),
    ):
        if names:
            lines.append(f"{label}: " + ", ".join(names))
    if comparison.header_changes:
        lines.append("Response headers:")
        lines += [f"  {c.name}: {c.older!r} -> {c.newer!r}" for c in comparison.header_changes]
    lines.append("Visible text:" if comparison.text_diff else "Visible text: unchanged")
    lines += [f"  {line}" for line in comparison.text_diff]
    return lines
