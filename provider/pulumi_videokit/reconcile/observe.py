"""Fold what the API returned into the shape of the last applied inputs; decide nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..specs import ResourceSpec
from .diff import comparable


def merge_observed(
    spec: ResourceSpec, last: Mapping[str, Any], observed: Mapping[str, Any]
) -> dict[str, Any]:
    """The inputs a refresh should record.

    Only fields the user declared are compared; fields the API never returns keep
    their last applied value; a value equal to the last one up to normalization
    (``Z`` vs ``+00:00``, URL case) keeps the user's spelling.
    """
    merged = dict(last)
    for key, value in observed.items():
        if key not in last or key in spec.never_returned:
            continue
        same = comparable(spec, {key: last[key]}) == comparable(spec, {key: value})
        merged[key] = last[key] if same else value
    return merged
