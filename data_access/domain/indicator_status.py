"""Where an indicator stands, as leaders read it: latest value, change, target and the national figure.

Like the Folkehelseprofil's dots, but every judgement is a word as well as a colour, and the better
direction (lower or higher) is taken into account. Pure functions over the values frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

GOOD, NEUTRAL, BAD, NONE = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"
SAME_BAND = 0.05  # within ±5 % of the national figure counts as «omtrent som landet»


@dataclass(frozen=True)
class Judgement:
    label: str
    color: str


@dataclass(frozen=True)
class IndicatorStatus:
    latest_period: str | None
    latest_value: float | None
    latest_is_example: bool
    previous_period: str | None
    change: float | None
    trend: Judgement
    vs_target: Judgement
    vs_land: Judgement
    land_value: float | None


def _better(delta: float, better: str) -> bool:
    return delta < 0 if better == "lower" else delta > 0


def status(values: pl.DataFrame, better: str, target: float | None) -> IndicatorStatus:
    """``values``: one indicator's rows (period, period_order, geo, value, is_example)."""
    kommune = values.filter((pl.col("geo") == "kommune") & pl.col("value").is_not_null()).sort("period_order")
    if kommune.is_empty():
        none = Judgement("Ingen data", NONE)
        return IndicatorStatus(None, None, False, None, None, none, Judgement("Ingen mål", NONE), none, None)
    last = kommune.row(-1, named=True)
    prev = kommune.row(-2, named=True) if kommune.height > 1 else None
    change = last["value"] - prev["value"] if prev else None
    if change is None:
        trend = Judgement("Bare ett tall", NONE)
    elif change == 0:
        trend = Judgement("Uendret", NEUTRAL)
    elif _better(change, better):
        trend = Judgement("Bedre enn forrige", GOOD)
    else:
        trend = Judgement("Verre enn forrige", BAD)
    if target is None:
        vs_target = Judgement("Ingen mål", NONE)
    elif (last["value"] <= target) if better == "lower" else (last["value"] >= target):
        vs_target = Judgement("Nådd målet", GOOD)
    else:
        vs_target = Judgement("Ikke nådd målet", BAD)
    land = values.filter((pl.col("geo") == "land") & (pl.col("period") == last["period"])
                         & pl.col("value").is_not_null())
    land_value = land["value"][0] if land.height else None
    if land_value is None:
        vs_land = Judgement("Mangler landstall", NONE)
    elif land_value == 0 or abs(last["value"] - land_value) / abs(land_value) <= SAME_BAND:
        vs_land = Judgement("Omtrent som landet", NEUTRAL)
    elif _better(last["value"] - land_value, better):
        vs_land = Judgement("Bedre enn landet", GOOD)
    else:
        vs_land = Judgement("Dårligere enn landet", BAD)
    return IndicatorStatus(last["period"], last["value"], bool(last["is_example"]),
                           prev["period"] if prev else None, change, trend, vs_target, vs_land, land_value)


def overview(indicators: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    """One row per indicator with its status words, for the overview table."""
    by_id = values.partition_by("indicator_id", as_dict=True) if values.height else {}
    rows = []
    for ind in indicators.iter_rows(named=True):
        part = by_id.get((ind["id"],), values.clear())
        st = status(part, ind["better"], ind["target_value"])
        example_target = ind["target_value"] is not None and bool(ind.get("target_is_example"))
        rows.append({"id": ind["id"], "Indikator": ind["name"], "Siste periode": st.latest_period,
                     "Siste verdi": st.latest_value, "Endring": st.change, "Utvikling": st.trend.label,
                     "Mot mål": st.vs_target.label + (" (eksempelmål)" if example_target else ""),
                     "Mot landet": st.vs_land.label,
                     "Eksempeldata": example_target or (bool(part["is_example"].any()) if part.height else False)})
    return pl.DataFrame(rows, schema={"id": pl.Int64, "Indikator": pl.String, "Siste periode": pl.String,
                                      "Siste verdi": pl.Float64, "Endring": pl.Float64, "Utvikling": pl.String,
                                      "Mot mål": pl.String, "Mot landet": pl.String, "Eksempeldata": pl.Boolean})


WORSE = ("Verre enn forrige", "Dårligere enn landet")


def needs_attention(table: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``overview`` that are worse than the period before or than landet: what a leader asks about
    first (issue 20.3). Worse on both counts first, then in the plan's order."""
    worse = (pl.col("Utvikling") == WORSE[0]).cast(pl.Int8) + (pl.col("Mot landet") == WORSE[1]).cast(pl.Int8)
    return (table.with_columns(worse.alias("_worse")).filter(pl.col("_worse") > 0)
            .with_row_index("_order").sort("_worse", "_order", descending=[True, False]).drop("_worse", "_order"))
