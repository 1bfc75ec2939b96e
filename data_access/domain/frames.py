"""Turning query rows into polars DataFrames with a fixed schema, even when there are no rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl


def to_frame(rows: Iterable[Mapping[str, Any] | Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    data = [tuple(r.values()) if isinstance(r, Mapping) else tuple(r) for r in rows]
    return pl.DataFrame(data, schema=schema, orient="row")


def python_column(frame: pl.DataFrame, name: str, fn: Callable[..., Any], *columns: str,
                  dtype: pl.DataType | type[pl.DataType] = pl.String) -> pl.Series:
    """A column computed row by row by a Python function, in the calling thread, outside polars.

    Never ``map_elements``/``map_batches``: a Python function inside a polars expression runs on polars' thread
    pool and needs the GIL there, while another session's thread may hold the GIL waiting for that same pool
    (``to_pandas``, ``collect``). In a web server that deadlocks the whole process (issue 23;
    ``tests/unit/test_no_polars_callbacks.py`` keeps them out)."""
    values = zip(*(frame.get_column(c).to_list() for c in columns), strict=True)
    return pl.Series(name, [fn(*row) for row in values], dtype=dtype)
