"""Oversikt: the state of the plan at a glance."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.tables import grid
from dashboard.ui import date_column, joined, plan_header
from data_access.arenas import arenas_frame, next_dates
from data_access.tiltak import overdue, status_counts, tiltak_frame
from data_access.vocabulary import ARENA_LEVELS

ctx = page_context()
plan_header(ctx, "Oversikt")
today = date.today()
tiltak = tiltak_frame(ctx.engine, ctx.plan_id)

st.header("Tiltak per nivå og status")
counts = status_counts(tiltak)
cols = st.columns(1 + len(counts))
cols[0].metric("Tiltak i alt", tiltak.height)
for col, (label, n) in zip(cols[1:], counts, strict=True):
    col.metric(label, n)
if tiltak.is_empty():
    st.info("Planen har ingen tiltak ennå.")
else:
    table = (tiltak.group_by("level_order", "level_label", "status_order", "status_label").agg(pl.len().alias("n"))
             .sort("status_order")
             .pivot(on="status_label", index=["level_order", "level_label"], values="n", sort_columns=False)
             .sort("level_order").drop("level_order").fill_null(0).rename({"level_label": "Nivå"}))
    grid(table, caption="Tiltak per nivå og status")

left, right = st.columns(2)
with left:
    st.header("Neste møter")
    arenas = arenas_frame(ctx.engine, ctx.plan_id)
    upcoming = sorted(((d, a) for a, ds in next_dates(arenas, today, count=2).items() for d in ds))[:10]
    by_id = {r["id"]: r for r in arenas.iter_rows(named=True)}
    if upcoming:
        grid(pl.DataFrame({"Dato": [d for d, _ in upcoming],
                                   "Møtearena": [by_id[a]["name"] for _, a in upcoming],
                                   "Nivå": [ARENA_LEVELS.get(by_id[a]["level"], "") for _, a in upcoming]}),
                     caption="Neste møter", column_config={"Dato": date_column("Dato")})
    else:
        st.info("Ingen planlagte møter med fast hyppighet.")
with right:
    st.header("Evalueringsdato passert")
    late = overdue(tiltak, today)
    if late.is_empty():
        st.success("Ingen tiltak har passert evalueringsdatoen.")
    else:
        grid(joined(late, "services").select(
            pl.col("next_evaluation").alias("Evalueres"), pl.col("name").alias("Tiltak"),
            pl.col("level_label").alias("Nivå"), pl.col("status_label").alias("Status"),
            pl.col("services").alias("Ansvar")),
            caption="Tiltak med passert evalueringsdato", column_config={"Evalueres": date_column("Evalueres")})
