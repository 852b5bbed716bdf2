"""What changed between two runs of a lookup: examples, and properties over random JSON."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.lookup.diff import Change, diff_results, normalised, render_changes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=3), json_values, max_size=5)

RUN_1: dict[str, Any] = {
    "name": "webshop.example",
    "records": {
        "A": ["192.0.2.10", "192.0.2.11"],
        "MX": [{"preference": 10, "exchange": "mx1.webshop.example."}],
    },
    "dnssec": {"signed": True},
}


def test_same_records_in_another_order_are_no_change() -> None:
    reordered = {**RUN_1, "records": {**RUN_1["records"], "A": ["192.0.2.11", "192.0.2.10"]}}
    assert diff_results(RUN_1, reordered) == []


def test_a_changed_run_shows_every_change_with_its_path() -> None:
    later = {
        "name": "webshop.example",
        "records": {
            "A": ["192.0.2.10", "198.51.100.7"],
            "MX": [{"preference": 10, "exchange": "mx1.webshop.example."}],
            "TXT": ["v=spf1 -all"],
        },
        "dnssec": {"signed": False},
    }
    assert diff_results(RUN_1, later) == [
        Change("changed", ("dnssec", "signed"), True, False),
        Change("removed", ("records", "A", 1), "192.0.2.11", None),
        Change("added", ("records", "A", 1), None, "198.51.100.7"),
        Change("added", ("records", "TXT"), None, ["v=spf1 -all"]),
    ]
    assert render_changes(diff_results(RUN_1, later)) == [
        "changed  dnssec.signed: true -> false",
        'removed  records.A[1]: "192.0.2.11"',
        'added    records.A[1]: "198.51.100.7"',
        'added    records.TXT: ["v=spf1 -all"]',
    ]


def test_a_flag_turning_into_a_number_is_a_change() -> None:
    assert diff_results({"x": True}, {"x": 1}) == [Change("changed", ("x",), True, 1)]


def test_long_values_are_cut_when_rendered() -> None:
    (line,) = render_changes([Change("added", ("body",), None, "x" * 1000)])
    assert len(line) < 200 and line.endswith("…")


def test_as_dict_is_json_ready() -> None:
    change = Change("removed", ("records", "A", 0), "192.0.2.1", None)
    assert change.as_dict() == {
        "change": "removed",
        "path": ["records", "A", 0],
        "old": "192.0.2.1",
        "new": None,
    }
    assert Change("changed", (), 1, 2).where() == "(top)"


@settings(max_examples=500, deadline=None)
@given(json_objects)
def test_a_run_compared_with_itself_has_no_changes(run: dict[str, Any]) -> None:
    assert diff_results(run, run) == []


def _at(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _mirrored(change: Change) -> Change:
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    return Change(swap[change.change], change.path, change.new, change.old)  # type: ignore[arg-type]


@settings(max_examples=1_000, deadline=None)
@given(json_objects, json_objects)
def test_changes_between_random_runs_are_consistent(
    older: dict[str, Any], newer: dict[str, Any]
) -> None:
    changes = diff_results(older, newer)
    # None exactly when the runs are equal up to the order of lists.
    assert (changes == []) == (normalised(older) == normalised(newer))
    # Every change names values that are really there.
    for change in changes:
        assert change.path, change
        if change.change in ("removed", "changed"):
            assert _at(older, change.path) == change.old
        if change.change in ("added", "changed"):
            assert _at(newer, change.path) == change.new
    # Comparing backwards mirrors every change.
    backwards = sorted(repr(c) for c in diff_results(newer, older))
    assert sorted(repr(_mirrored(c)) for c in changes) == backwards


def test_a_changed_object_in_a_list_is_shown_field_by_field() -> None:
    older = {"hops": [{"url": "https://shop.example/", "status": 200, "headers": [["X", "v1"]]}]}
    newer = {"hops": [{"url": "https://shop.example/", "status": 200, "headers": [["X", "v2"]]}]}
    assert diff_results(older, newer) == [
        Change("removed", ("hops", 0, "headers", 0), ["X", "v1"], None),
        Change("added", ("hops", 0, "headers", 0), None, ["X", "v2"]),
    ]


def test_objects_with_nothing_in_common_are_removed_and_added() -> None:
    older = {"mx": [{"preference": 10, "exchange": "mx1.example."}]}
    newer = {"mx": [{"preference": 20, "exchange": "mx9.example."}]}
    assert [c.change for c in diff_results(older, newer)] == ["removed", "added"]


def test_times_of_the_run_itself_are_not_changes() -> None:
    older = {"hops": [{"url": "https://shop.example/", "utc": "2024-06-01T10:00:00.000Z"}]}
    newer = {"hops": [{"url": "https://shop.example/", "utc": "2024-06-02T11:00:00.000Z"}]}
    assert diff_results(older, newer) == []
    assert diff_results(
        {"checked_utc": "a", "expires": "b"}, {"checked_utc": "c", "expires": "d"}
    ) == [Change("changed", ("expires",), "b", "d")]
