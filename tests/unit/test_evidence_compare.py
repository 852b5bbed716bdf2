"""Comparing two captures of the same page, stored in a real case."""

from pathlib import Path

import pytest

from tests.support.cases import fast_case
from tests.unit.test_manifest import CONTEXT, page
from workstation.errors import InputError
from workstation.evidence.compare import compare, exhibit_view, render
from workstation.evidence.snapshot import seal_page


def test_a_recapture_shows_what_changed_and_what_did_not(tmp_path: Path) -> None:
    with fast_case(tmp_path / "c.case") as case:
        first = seal_page(
            case,
            page(
                page_text=b"Offer: 100 tablets\nContact: seller-7731\nShipping: EU\n",
                response_headers={"Server": ["nginx"], "X-Price": ["350"]},
            ),
            CONTEXT,
        )
        second = seal_page(
            case,
            page(
                page_text=b"Offer: 100 tablets\nContact: seller-9920\nShipping: EU\n",
                response_headers={"Server": ["nginx"], "X-Price": ["390"]},
                title="Shop (updated)",
            ),
            CONTEXT,
        )
        result = compare(exhibit_view(case, first.item_id), exhibit_view(case, second.item_id))
    assert "page.txt" in result.changed_artifacts
    assert "screenshot.png" in result.same_artifacts
    assert "-Contact: seller-7731" in result.text_diff
    assert "+Contact: seller-9920" in result.text_diff
    assert " Shipping: EU" in result.text_diff
    assert [(c.name, c.older, c.newer) for c in result.header_changes] == [
        ("x-price", ["350"], ["390"])
    ]
    assert any(c.name == "title" and c.newer == "Shop (updated)" for c in result.facts)
    shown = "\n".join(render(result))
    assert "seller-9920" in shown and second.control_number in shown
    assert result.as_json()["newer"]["item_id"] == second.item_id


def test_identical_captures_have_no_text_diff(tmp_path: Path) -> None:
    with fast_case(tmp_path / "c.case") as case:
        one = seal_page(case, page(), CONTEXT)
        view = exhibit_view(case, one.item_id)
    result = compare(view, view)
    assert result.text_diff == () and result.changed_artifacts == ()
    assert "Visible text: unchanged" in render(result)


def test_an_unknown_exhibit_is_a_clear_error(tmp_path: Path) -> None:
    with fast_case(tmp_path / "c.case") as case, pytest.raises(InputError, match="no exhibit 9"):
        exhibit_view(case, 9)
