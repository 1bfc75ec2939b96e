"""Oversikt: how the plan is going, at a glance. First the pyramid in status colours and the indicators that need
attention, each linking to its page (issue 20.3); then the details: meetings, what is late, open points."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.indicator_ui import attention, indicator_data
from dashboard.navigation import PAGES_DIR
from dashboard.tables import grid, readable_table
from dashboard.ui import XLSX_MIME, chart, date_column, download, example_note, joined, plan_header, status_legend
from data_access.domain.actions import late_per_service
from data_access.domain.vocabulary import ARENA_LEVELS
from data_access.formats.chart_specs import status_pyramid_chart, status_pyramid_data
from data_access.formats.excel_export import plan_workbook
from data_access.reads.actions import actions_frame, actions_table
from data_access.reads.contacts import service_contacts
from data_access.reads.meetings import upcoming_meetings
from data_access.reads.plans import levels_frame
from data_access.reads.tiltak import overdue, status_counts, tiltak_frame

ctx = page_context()
plan_header(ctx, "Oversikt")
today = date.today()
tiltak = ctx.read(tiltak_frame, ctx.plan_id)
levels = ctx.read(levels_frame, ctx.plan_id)

st.header("Slik går tiltakene")
if tiltak.is_empty():
    st.info("Planen har ingen tiltak ennå.")
else:
    tiers = status_pyramid_data(tiltak, levels)
    chart(lambda: status_pyramid_chart(tiers), "status_pyramid", ctx.plan_id, width="stretch")
    status_legend()
    table = (tiltak.group_by("level_order", "level_label", "status_order", "status_label").agg(pl.len().alias("n"))
             .sort("status_order")
             .pivot(on="status_label", index=["level_order", "level_label"], values="n", sort_columns=False)
             .sort("level_order").drop("level_order").fill_null(0).rename({"level_label": "Nivå"}))
    readable_table(table, "Tiltak per nivå og status", row_header="Nivå", label="Les tallene i pyramiden som tabell")
st.page_link(str(PAGES_DIR / "tiltak.py"), label="Se og følg opp tiltakene", icon=":material/arrow_forward:",
             query_params={"plan": str(ctx.plan_id)})

st.header("Indikatorer som trenger oppmerksomhet")
indicators, _values, indicator_table = indicator_data(ctx)
if indicators.is_empty():
    st.info("Planen har ingen indikatorer ennå.")
attention(ctx, indicators, indicator_table)
st.page_link(str(PAGES_DIR / "indikatorer.py"), label="Se alle indikatorene", icon=":material/arrow_forward:",
             query_params={"plan": str(ctx.plan_id)})

st.header("Tiltak i tall")
counts = status_counts(tiltak)
cols = st.columns(1 + len(counts))
cols[0].metric("Tiltak i alt", tiltak.height)
for col, (label, n) in zip(cols[1:], counts, strict=True):
    col.metric(label, n)

left, right = st.columns(2)
with left:
    st.header("Neste møter")
    upcoming = ctx.read(upcoming_meetings, ctx.plan_id, today)
    if upcoming.height:
        grid(upcoming.select(pl.col("date").alias("Dato"), pl.col("arena").alias("Møtearena"),
                             pl.col("level").replace_strict(ARENA_LEVELS, default="").alias("Nivå")),
             caption="Neste møter", column_config={"Dato": date_column("Dato")})
    else:
        st.info("Ingen kommende møter.")
with right:
    st.header("Evalueringsdato passert")
    late = overdue(tiltak, today)
    if late.is_empty():
        st.success("Ingen tiltak har passert evalueringsdatoen.")
    else:
        grid(joined(late, "services").select(
            pl.col("next_evaluation").alias("Evalueres"), pl.col("name").alias("Tiltak"),
            pl.col("level_label").alias("Nivå"), pl.col("status_label").alias("Status"),
            pl.col("services").alias("Ansvar"), example_note()),
            caption="Tiltak med passert evalueringsdato", column_config={"Evalueres": date_column("Evalueres")})

st.header("Forsinket per tjeneste")
st.caption("Et tiltak er forsinket når evalueringsdatoen er passert, et oppfølgingspunkt når fristen er passert.")
actions = ctx.read(actions_frame, ctx.plan_id, open_only=True)
late = late_per_service(tiltak, actions, today)
if late.is_empty():
    st.success("Ingenting er forsinket.")
else:
    contacts = ctx.read(service_contacts)
    grid(late.with_columns(pl.col("Tjeneste").replace_strict(
        {k: f"{n} ({e})" for k, (n, e) in contacts.items()}, default="–").alias("Kontaktperson")),
        caption="Forsinket per tjeneste")

st.header(f"Åpne oppfølgingspunkter ({actions.height})")
if actions.is_empty():
    st.caption("Ingen åpne oppfølgingspunkter.")
else:
    grid(actions_table(actions, today), caption="Åpne oppfølgingspunkter")

st.divider()
st.header("Last ned planen")
c1, c2 = st.columns([1, 3])
year = c1.selectbox("Møter for år", [today.year - 1, today.year, today.year + 1], index=1, key="export_year")
download("Last ned hele planen (Excel)", lambda: plan_workbook(ctx.engine, ctx.plan_id, year), mime=XLSX_MIME,
         file_name=f"laget-{ctx.plan['key']}-{year}.xlsx", icon=":material/download:", key="plan_xlsx", where=c2)
c2.caption("Tiltak, møtearenaer, årets møter, indikatorer, verdier og endringslogg – i samme format som "
           "importmalen under Administrasjon.")
