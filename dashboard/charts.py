"""Tables derived for the pages' charts; the chart specs themselves live in ``data_access.formats.chart_specs``."""

from __future__ import annotations

import polars as pl


def protective_factor_matrix(tiltak: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """Protective factor × level: the tiltak names in each cell, with a count, for plans like Bamble's."""
    rows = []
    factors = tiltak["protective_factor"].fill_null("(uten faktor)").unique(maintain_order=True).to_list()
    for factor in factors:
        part = tiltak.filter(pl.col("protective_factor").fill_null("(uten faktor)") == factor)
        row = {"Beskyttelsesfaktor": factor}
        for level in levels.iter_rows(named=True):
            names = part.filter(pl.col("level") == level["slug"])["name"].to_list()
            row[level["label"]] = f"{len(names)}: " + "; ".join(names) if names else "–"
        rows.append(row)
    return pl.DataFrame(rows)
