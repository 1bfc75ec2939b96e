"""Per tjeneste: what each service owns in the plan, and where it stands."""

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.ui import date_column, plan_header
from data_access.tiltak import service_overview, tiltak_frame

ctx = page_context()
plan_header(ctx, "Per tjeneste")
tiltak = tiltak_frame(ctx.engine, ctx.plan_id)
overview = service_overview(tiltak)
if overview.is_empty():
    st.info("Ingen tiltak har ansvarlig tjeneste ennå.")
    st.stop()
grid(overview, caption="Tiltak per tjeneste og status")

services = overview["Tjeneste"].to_list()
service = bound(st.selectbox, "Vis tiltakene til", key="service_view", param="tjeneste", options=services,
                default=services[0])
mine = tiltak.filter(pl.col("services").list.contains(service))
grid(mine.select(pl.col("level_label").alias("Nivå"), pl.col("name").alias("Tiltak"),
                         pl.col("status_label").alias("Status"), pl.col("status_note").alias("Statusnotat"),
                         pl.col("next_step").alias("Neste steg"), pl.col("next_evaluation").alias("Neste evaluering"),
                         pl.col("services").list.join(", ").alias("Ansvar (alle)")),
             caption=f"Tiltakene til {service}", column_config={"Neste evaluering": date_column("Neste evaluering")})
