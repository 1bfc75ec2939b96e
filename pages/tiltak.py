"""Tiltak: the pyramid as the front door, the tiltak of each level, editing for the implementation group."""

import polars as pl
import streamlit as st

from dashboard.auth import fresh_context
from dashboard.charts import protective_factor_matrix
from dashboard.context import page_context
from dashboard.state import bind, bound, changed, changed_and_reset
from dashboard.tables import grid, readable_table
from dashboard.tiltak_detail import new_tiltak_form, tiltak_detail
from dashboard.tiltak_editor import tiltak_grid
from dashboard.ui import (
    example_note,
    excel_download,
    filter_multiselect,
    meeting_banner,
    plain,
    plan_header,
    pyramid_spec,
)
from data_access.domain.permissions import Permission
from data_access.domain.vocabulary import STATUS_LABELS
from data_access.formats.chart_specs import pyramid_data
from data_access.reads.plans import levels_frame, protective_factors_frame, services_frame
from data_access.reads.tiltak import filter_tiltak, tiltak_frame

ctx = page_context()
plan_header(ctx, "Tiltak")
meeting_banner(ctx)


@st.fragment
def tiltak_body() -> None:
    """Filters, pyramid, grids and forms: a click here reruns only this part (see dashboard.ui.rerun).

    Every choice lives in the address too (``dashboard.state``), so a link opens the same view."""
    ctx = fresh_context()
    levels = ctx.read(levels_frame, ctx.plan_id)
    level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
    services = ctx.read(services_frame)["name"].to_list()
    factors = ctx.read(protective_factors_frame, ctx.plan_id)["name"].to_list()

    f1, f2, f3 = st.columns([2, 2, 1])
    with f1:
        chosen_services = filter_multiselect("Ansvarlig tjeneste", services, key="filter_services",
                                             param="tjeneste", placeholder="Alle tjenester")
    with f2:
        chosen_statuses = filter_multiselect("Status", list(STATUS_LABELS), key="filter_statuses", param="status",
                                             format_func=STATUS_LABELS.get, placeholder="Alle statuser")
    with f3:
        show_archived = bound(st.toggle, "Vis arkiverte", key="filter_archived", param="arkiverte", kind=bool,
                              default=False)
    tiltak = ctx.read(tiltak_frame, ctx.plan_id, include_archived=show_archived)
    shown = filter_tiltak(tiltak, services=chosen_services, statuses=chosen_statuses)

    level_options = ["alle", *level_labels]
    bind("filter_level", "niva", options=level_options, default="alle", label="Vis nivå")
    tiers = pyramid_data(shown.filter(~pl.col("archived")), levels)
    event = st.vega_lite_chart(pyramid_spec(tuple(tiers.iter_rows()), tuple(tiers.columns)), width="stretch",
                               on_select="rerun", key=f"pyramid_{st.session_state.get('_pyramid_gen', 0)}")
    readable_table(tiers.select(pl.col("label").alias("Nivå"), pl.col("count").alias("Tiltak"),
                                pl.col("statuses").alias("Status")), "Tiltak per nivå i pyramiden",
                   row_header="Nivå", label="Les tallene i pyramiden som tabell")
    picked = [p.get("level") for p in (event.selection.get("niva") or [])] if event and event.selection else []
    if picked and picked[0] != st.session_state["filter_level"]:  # a click in the pyramid sets the level below
        st.session_state["filter_level"] = picked[0]
        changed("filter_level", "niva", "alle")
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    chosen = c1.selectbox("Vis nivå", level_options, key="filter_level",
                          format_func=lambda s: level_labels.get(s, "Alle nivåer"),
                          on_change=changed_and_reset, args=("filter_level", "niva", "alle", "_pyramid_gen"))
    chosen_level = None if chosen == "alle" else chosen
    caption = "Grønn = universell, gul = selektiv, rød = indikativ. Klikk på et nivå eller velg det i listen."
    c2.caption(f"Viser bare **{plain(level_labels[chosen_level])}**. {caption}" if chosen_level else caption)

    if ctx.plan["uses_protective_factors"]:
        with st.expander("Beskyttelsesfaktor × nivå", expanded=False):
            grid(protective_factor_matrix(shown.filter(~pl.col("archived")), levels),
                 caption="Tiltak per beskyttelsesfaktor og nivå")

    for level in levels.iter_rows(named=True):
        if chosen_level and level["slug"] != chosen_level:
            continue
        part = shown.filter(pl.col("level") == level["slug"])
        with st.expander(f"{plain(level['label'])} ({part.filter(~pl.col('archived')).height} tiltak)",
                         expanded=True):
            if part.is_empty():
                st.caption("Ingen tiltak med disse filtrene.")
            else:
                tiltak_grid(ctx, part, key=f"{ctx.plan_id}_{level['slug']}", services=services)

    listed = shown.filter(pl.col("level") == chosen_level) if chosen_level else shown
    excel_download(listed.select(
        pl.col("level_label").alias("Nivå"), pl.col("name").alias("Tiltak"), pl.col("status_label").alias("Status"),
        pl.col("status_note").alias("Statusnotat"), pl.col("services").alias("Ansvar"),
        pl.col("next_step").alias("Neste steg"), pl.col("next_evaluation").alias("Neste evaluering"),
        example_note(), pl.col("archived").alias("Arkivert")), "tiltak.xlsx", label="Last ned tiltakene som Excel")
    if shown["next_evaluation_is_example"].any():
        st.caption(":material/science: Evalueringsdatoene står ikke i planen; de er eksempeldata.")

    st.header("Tiltak i detalj")
    tiltak_detail(ctx, shown, levels, factors)


@st.fragment
def new_tiltak() -> None:
    """Its own fragment, so that filter and pyramid clicks do not redraw the form."""
    ctx = fresh_context()
    with st.expander("Nytt tiltak"):
        new_tiltak_form(ctx, ctx.read(levels_frame, ctx.plan_id), ctx.read(services_frame)["name"].to_list(),
                        ctx.read(protective_factors_frame, ctx.plan_id)["name"].to_list())


tiltak_body()
if ctx.can(Permission.EDIT_TILTAK):
    new_tiltak()
