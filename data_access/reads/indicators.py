"""Queries over indicators and their values per period and geography."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Indicator, IndicatorValue, Level, Tiltak
from data_access.domain.frames import to_frame
from data_access.domain.periods import sort_key

INDICATOR_SCHEMA = {
    "id": pl.Int64, "key": pl.String, "name": pl.String, "description": pl.String, "unit": pl.String,
    "better": pl.String, "source": pl.String, "target_value": pl.Float64, "target_year": pl.Int64,
    "target_is_example": pl.Boolean,
    "level": pl.String, "tiltak_id": pl.Int64, "tiltak": pl.String, "version": pl.Int64,
}
VALUE_SCHEMA = {
    "indicator_id": pl.Int64, "period": pl.String, "geo": pl.String, "geo_name": pl.String,
    "value": pl.Float64, "source": pl.String, "is_example": pl.Boolean, "version": pl.Int64, "marker": pl.String,
}


def indicators_frame(source: Source, plan_id: int) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(Indicator.id, Indicator.key, Indicator.name, Indicator.description,
                                Indicator.unit, Indicator.better, Indicator.source, Indicator.target_value,
                                Indicator.target_year, Indicator.target_is_example, Level.label, Indicator.tiltak_id,
                                Tiltak.name, Indicator.version)
                         .outerjoin(Level, Indicator.level_id == Level.id)
                         .outerjoin(Tiltak, Indicator.tiltak_id == Tiltak.id)
                         .where(Indicator.plan_id == plan_id).order_by(Indicator.sort_order, Indicator.id)).all()
    return to_frame(rows, INDICATOR_SCHEMA)


def values_frame(source: Source, plan_id: int, indicator_ids: list[int] | None = None) -> pl.DataFrame:
    """Values of a plan's indicators (or of the given ones) with a ``period_order`` for sorting."""
    q = (select(IndicatorValue.indicator_id, IndicatorValue.period, IndicatorValue.geo, IndicatorValue.geo_name,
                IndicatorValue.value, IndicatorValue.source, IndicatorValue.is_example, IndicatorValue.version,
                IndicatorValue.marker)
         .join(Indicator, Indicator.id == IndicatorValue.indicator_id).where(Indicator.plan_id == plan_id))
    if indicator_ids is not None:
        q = q.where(IndicatorValue.indicator_id.in_(indicator_ids))
    with reading(source) as s:
        rows = s.execute(q).all()
    frame = to_frame(rows, VALUE_SCHEMA)
    order = {p: i for i, p in enumerate(sorted(set(frame["period"].to_list()), key=sort_key))}
    return frame.with_columns(
        pl.col("period").replace_strict(order, default=0, return_dtype=pl.Int64).alias("period_order")
    ).sort("indicator_id", "period_order", "geo")



def _shown(v: dict[str, Any] | IndicatorValue | None) -> str:
    """How a value is written in the change log: «2024 kommune: 5.1»."""
    if v is None:
        return ""
    get = v.get if isinstance(v, dict) else lambda k: getattr(v, k)
    value = get("value")
    return f"{get('period')} {get('geo')}: {value if value is not None else get('marker')}"
