"""Turning query rows into polars DataFrames with a fixed schema, even when there are no rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl


def to_frame(rows: Iterable[Mapping[str, Any] | Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    data = [tuple(r.values()) if isinstance(r, Mapping) else tuple(r) for r in rows]
    return pl.DataFrame(data, schema=schema, orient="row")
