"""Indikatorer: one trend chart per indicator, kommune against fylke and land."""

import polars as pl
import streamlit as st

from dashboard.charts import indicator_chart
from dashboard.context import page_context
from dashboard.ui import example_badge, plan_header
from data_access.indicators import indicators_frame, values_frame
from data_access.vocabulary import BETTER, UNITS

ctx = page_context()
plan_header(ctx, "Indikatorer")
indicators = indicators_frame(ctx.engine, ctx.plan_id)
values = values_frame(ctx.engine, ctx.plan_id)

if indicators.is_empty():
    st.info("Planen har ingen indikatorer ennå.")
for ind in indicators.iter_rows(named=True):
    series = values.filter(pl.col("indicator_id") == ind["id"])
    with st.container(border=True):
        st.markdown(f"#### {ind['name']}")
        unit = UNITS.get(ind["unit"], ind["unit"])
        st.caption(f"Enhet: {unit} · {BETTER.get(ind['better'], '')} · Kilde: {ind['source'] or 'ikke oppgitt'}")
        if ind["description"]:
            st.write(ind["description"])
        if series["is_example"].any():
            example_badge()
        if series.filter(pl.col("value").is_not_null()).is_empty():
            st.caption("Ingen verdier ennå.")
            continue
        st.altair_chart(indicator_chart(series, unit, ind["target_value"]), width="stretch")
