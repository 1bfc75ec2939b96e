"""Fetching indicator figures from SSB and FHI into Laget: source definitions, preview, refresh, freshness.

This part holds the rules (pure); the module docstring of ``data_access/writes/sources.py`` tells the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from data_access.domain.indicators import ImportResult
from data_access.domain.permissions import Actor

FETCHER = Actor("system", "admin", "Henting av tall")
SOURCE_SCHEMA = {
    "indicator_id": pl.Int64, "name": pl.String, "kind": pl.String, "table": pl.String, "label": pl.String,
    "definition": pl.String, "last_fetched_at": pl.Datetime, "last_ok_at": pl.Datetime, "last_error": pl.String,
    "latest_source_period": pl.String, "latest_period": pl.String, "new_figures": pl.Boolean,
}


@dataclass(frozen=True)
class Outcome:
    indicator_id: int
    name: str
    ok: bool
    message: str
    result: ImportResult | None = None
