"""Indikatorer: small multiples of every indicator's state, a detail view, and upkeep for editors."""

import math

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.indicator_ui import (
    attention,
    card,
    detail,
    indicator_data,
    overview_table,
    registry_form,
    value_form,
)
from dashboard.source_ui import (
    catalogue_form,
    failures,
    freshness,
    refresh_button,
    region_codes_form,
    source_form,
    source_row,
    sources_table,
)
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.ui import excel_download, plan_header
from data_access.domain.permissions import Permission
from data_access.reads.plans import levels_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.sources import sources_frame

PER_PAGE = 12
ctx = page_context()
plan_header(ctx, "Indikatorer")
indicators, values, table = indicator_data(ctx)
if indicators.is_empty():
    st.info("Planen har ingen indikatorer ennå.")
by_id = {r["id"]: r for r in indicators.iter_rows(named=True)}
sources = ctx.read(sources_frame, ctx.plan_id, ctx.actor)
failures(sources)
if ctx.can(Permission.EDIT_INDICATORS):
    refresh_button(ctx, sources)

attention(ctx, indicators, table, limit=4)  # on a phone the first screen says which figures are worse (issue 20.2)
# A link to one indicator (from Oversikt) opens its detail view.
overview_tab, detail_tab, table_tab = st.tabs(["Oversikt", "Detaljer", "Tabell"],
                                              default="Detaljer" if "indikator" in st.query_params else None)
with overview_tab:
    st.caption("Farge og ord viser utviklingen siden forrige periode, status mot mål og mot landet – med retningen "
               "som er bedre tatt med.")
    pages = max(1, math.ceil(indicators.height / PER_PAGE))
    page = 1
    if pages > 1:
        page = bound(st.selectbox, f"Side (av {pages})", key="ind_page", param="side",
                     options=list(range(1, pages + 1)), default=1)
    shown = indicators.slice((page - 1) * PER_PAGE, PER_PAGE)
    part_values = values.filter(pl.col("indicator_id").is_in(shown["id"].implode()))
    grouped = part_values.partition_by("indicator_id", as_dict=True) if part_values.height else {}
    cols = st.columns(3)
    for i, ind in enumerate(shown.iter_rows(named=True)):
        with cols[i % 3]:
            card(ind, grouped.get((ind["id"],), values.clear()))
    sources_table(sources)
with detail_tab:
    if by_id:
        chosen = bound(st.selectbox, "Indikator", key="ind_detail", param="indikator", options=list(by_id),
                       default=next(iter(by_id)), format_func=lambda i: by_id[i]["name"])
        detail(by_id[chosen], values.filter(pl.col("indicator_id") == chosen))
        freshness(source_row(sources, chosen))
    if ctx.can(Permission.EDIT_INDICATORS):
        levels = ctx.read(levels_frame, ctx.plan_id)
        level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
        tiltak = ctx.read(tiltak_frame, ctx.plan_id)
        tiltak_names = dict(zip(tiltak["id"].to_list(), tiltak["name"].to_list(), strict=True))
        if by_id:
            with st.expander("Legg til eller rett verdier"):
                value_form(ctx, by_id[chosen], values.filter(pl.col("indicator_id") == chosen))
            with st.expander("Rediger indikatoren (navn, enhet, retning, kilde, mål, nivå, tiltak)"):
                registry_form(ctx, by_id[chosen], level_labels, tiltak_names)
            with st.expander("Kilde for automatisk henting (SSB eller FHI)"):
                catalogue_form(ctx, by_id[chosen], source_row(sources, chosen))
            with st.expander("Avansert: kilde med egne koder (PxWebApi og FHI)"):
                source_form(ctx, by_id[chosen], source_row(sources, chosen))
        with st.expander("Ny indikator"):
            registry_form(ctx, None, level_labels, tiltak_names)
    if ctx.can(Permission.MANAGE_PLANS):
        with st.expander("Planens regionkoder for henting fra SSB og FHI"):
            region_codes_form(ctx)
with table_tab:
    shown_table = overview_table(table, indicators).drop("id")
    grid(shown_table, caption="Alle indikatorer med siste verdi og status")
    excel_download(table.drop("id"), "indikatorer.xlsx")
