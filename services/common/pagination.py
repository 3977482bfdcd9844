"""The platform's one pagination contract (docs/architecture.md, "Lists"): `page`/`per_page` in,
an envelope out.

`{"items": [...], "page": 1, "per_page": 20, "total": N}`; `per_page` above the cap is a 422
(never silently clamped), and `page` is bounded so the offset fits a database integer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import marshmallow as ma
from marshmallow import validate

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


class PageArgsSchema(ma.Schema):
    """`page` (from 1) and `per_page` (1 to 100) query arguments."""

    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = ma.fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"1-{MAX_PER_PAGE}; larger values are rejected (422)"},
    )


class PageSchema(ma.Schema):
    """The envelope of one page; subclasses declare `items`."""

    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


def page_envelope(items: Sequence[Any], page: int, per_page: int, total: int) -> dict[str, Any]:
    """One page of `items` out of `total`, as every list route answers it."""
    return {"items": list(items), "page": page, "per_page": per_page, "total": total}


def page_slice(items: Sequence[Any], page: int, per_page: int) -> dict[str, Any]:
    """The envelope for a page cut from a list already held in memory."""
    start = (page - 1) * per_page
    return page_envelope(items[start : start + per_page], page, per_page, len(items))
