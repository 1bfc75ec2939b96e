"""Endringslogg: every change to the plan's tiltak, filtered by period, person, service and level."""

from datetime import date, datetime, timedelta

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.state import EARLIEST, LATEST, bind_range, range_changed
from dashboard.tables import grid
from dashboard.tiltak_detail import history_table
from dashboard.ui import excel_download, filter_multiselect, plan_header
from data_access.db.changelog import log_frame
from data_access.reads.plans import levels_frame, services_frame
from data_access.reads.tiltak import filter_tiltak, tiltak_frame
from data_access.reads.users import users_frame

ctx = page_context()
plan_header(ctx, "Endringslogg")
levels = ctx.read(levels_frame, ctx.plan_id)
level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
tiltak = ctx.read(tiltak_frame, ctx.plan_id, include_archived=True)
users = ctx.read(users_frame)
people = dict(zip(users["username"].to_list(), users["name"].to_list(), strict=True))

c1, c2, c3, c4 = st.columns(4)
default_period = (date.today() - timedelta(days=90), date.today())
period = c1.date_input("Periode", format="DD.MM.YYYY", min_value=EARLIEST, max_value=LATEST,
                       key=bind_range("log_period", ("fra", "til"), default_period, "Periode"),
                       on_change=range_changed, args=("log_period", ("fra", "til"), default_period))
with c2:
    who = filter_multiselect("Person", list(people), key="log_people", param="person",
                             format_func=lambda u: people.get(u, u),
                             placeholder="Alle")
with c3:
    chosen_services = filter_multiselect("Tjeneste", ctx.read(services_frame)["name"].to_list(),
                                         key="log_services", param="tjeneste", placeholder="Alle")
with c4:
    chosen_levels = filter_multiselect("Nivå", list(level_labels), key="log_levels", param="niva",
                                       format_func=level_labels.get,
                                       placeholder="Alle")

start, end = (period + (period[0],))[:2] if isinstance(period, tuple) and period else (None, None)
scope = filter_tiltak(tiltak, services=chosen_services, levels=chosen_levels)
log = ctx.read(log_frame, plan_id=ctx.plan_id, entity="tiltak",
                entity_ids=scope["id"].to_list() if (chosen_services or chosen_levels) else None,
                since=datetime.combine(start, datetime.min.time()) if start else None,
                until=datetime.combine(end + timedelta(days=1), datetime.min.time()) if end else None,
                usernames=who, limit=2000)
names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
st.caption(f"{log.height} endringer" + (" (de 2 000 nyeste)" if log.height == 2000 else ""))
if log.is_empty():
    st.info("Ingen endringer med disse filtrene.")
else:
    table = history_table(log).with_columns(pl.Series("Tiltak", [names.get(i, "") for i in log["entity_id"]]))
    table = table.select("Tidspunkt", "Tiltak", "Hvem", "Handling", "Felt", "Fra", "Til", "Møte")
    grid(table, caption="Endringer i tiltakene")
    excel_download(table, "endringslogg.xlsx")
