"""Møtekalender: the arenas of the cross-service cooperation by level, with their next dates."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.ui import fmt_dates, plan_header
from data_access.arenas import arenas_frame, next_dates
from data_access.vocabulary import ARENA_LEVELS

ctx = page_context()
plan_header(ctx, "Møtekalender")
arenas = arenas_frame(ctx.engine, ctx.plan_id)
upcoming = next_dates(arenas, date.today(), count=3)

if arenas.is_empty():
    st.info("Planen har ingen møtearenaer ennå.")
for slug, label in ARENA_LEVELS.items():
    part = arenas.filter(pl.col("level") == slug)
    if part.is_empty():
        continue
    st.subheader(f"{label} ({part.height})")
    table = pl.DataFrame({
        "Møtearena": part["name"],
        "Ny arena": ["Ny" if n else "" for n in part["is_new"]],
        "Agenda/målsetting": part["purpose"],
        "Leder": part["leader"],
        "Deltakere": part["participants"].list.join(", "),
        "Hyppighet": part["frequency_text"],
        "Neste møter": [fmt_dates(upcoming[i]) if i in upcoming else "Ved behov" for i in part["id"]],
    })
    st.dataframe(table, hide_index=True, width="stretch")
