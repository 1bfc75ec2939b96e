"""Per tjeneste: what each service owns in the plan, where it stands, what is forsinket, and who to ask."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.contact_ui import contact_form
from dashboard.context import page_context
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.ui import date_column, example_note, excel_download, plain, plan_header
from data_access.domain.actions import for_service, overdue_actions
from data_access.reads.actions import actions_frame, actions_table
from data_access.reads.contacts import service_contacts
from data_access.reads.tiltak import service_overview, tiltak_frame

ctx = page_context()
plan_header(ctx, "Per tjeneste")
today = date.today()
tiltak = ctx.read(tiltak_frame, ctx.plan_id)
overview = service_overview(tiltak)
if overview.is_empty():
    st.info("Ingen tiltak har ansvarlig tjeneste ennå.")
    st.stop()
actions = ctx.read(actions_frame, ctx.plan_id, open_only=True)
late_actions = overdue_actions(actions, today).group_by(pl.col("service").alias("Tjeneste")).agg(
    pl.len().alias("Forsinkede oppfølgingspunkter"))
overview = overview.join(late_actions, on="Tjeneste", how="left").with_columns(
    pl.col("Forsinkede oppfølgingspunkter").fill_null(0))
grid(overview, caption="Tiltak per tjeneste og status")
excel_download(overview, "per-tjeneste.xlsx")

services = overview["Tjeneste"].to_list()
service = bound(st.selectbox, "Vis tiltakene til", key="service_view", param="tjeneste", options=services,
                default=services[0])
contact = ctx.read(service_contacts).get(service)
st.caption(plain(f"Kontaktperson: {contact[0]} ({contact[1]})") if contact else "Kontaktperson: ikke registrert")
mine = tiltak.filter(pl.col("services").list.contains(service)).with_columns(
    pl.when(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today)
            & (pl.col("status") != "avsluttet")).then(pl.lit("Forsinket")).otherwise(pl.lit("")).alias("Forsinket"))
grid(mine.select(pl.col("level_label").alias("Nivå"), pl.col("name").alias("Tiltak"),
                         pl.col("status_label").alias("Status"), pl.col("status_note").alias("Statusnotat"),
                         pl.col("next_step").alias("Neste steg"), pl.col("next_evaluation").alias("Neste evaluering"),
                         "Forsinket", pl.col("services").list.join(", ").alias("Ansvar (alle)"), example_note()),
     caption=f"Tiltakene til {service}", column_config={"Neste evaluering": date_column("Neste evaluering")})
st.markdown("**Åpne oppfølgingspunkter**")
theirs = for_service(actions, service)
if theirs.is_empty():
    st.caption("Ingen åpne oppfølgingspunkter for tjenesten.")
else:
    grid(actions_table(theirs, today), caption=f"Åpne oppfølgingspunkter for {service}")
contact_form(ctx, service=service, current=contact)
