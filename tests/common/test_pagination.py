"""One pagination contract: bounded arguments in, the documented envelope out."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from services.common.pagination import (
    MAX_PAGE,
    MAX_PER_PAGE,
    PageArgsSchema,
    page_envelope,
    page_slice,
)


def test_page_arguments_default_to_the_first_page_of_twenty() -> None:
    assert PageArgsSchema().load({}) == {"page": 1, "per_page": 20}


@pytest.mark.parametrize(
    "args",
    [{"page": 0}, {"page": MAX_PAGE + 1}, {"per_page": 0}, {"per_page": MAX_PER_PAGE + 1}],
)
def test_page_arguments_out_of_bounds_are_rejected_not_clamped(args: dict) -> None:
    with pytest.raises(ValidationError) as error:
        PageArgsSchema().load(args)
    assert set(error.value.messages) == set(args)


def test_envelope_carries_items_page_and_total() -> None:
    assert page_envelope(("a", "b"), 2, 2, 7) == {
        "items": ["a", "b"],
        "page": 2,
        "per_page": 2,
        "total": 7,
    }


def test_slice_past_the_end_is_an_empty_page_with_the_real_total() -> None:
    items = list(range(5))
    assert page_slice(items, 2, 3)["items"] == [3, 4]
    assert page_slice(items, 9, 3) == {"items": [], "page": 9, "per_page": 3, "total": 5}
