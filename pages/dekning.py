"""Dekningskart: risk and protective factors × level, filled from the tiltak; empty cells are gaps to discuss."""

import streamlit as st

from dashboard.context import page_context
from dashboard.factor_ui import coverage_section, factor_editor, factor_tags
from dashboard.ui import plan_header
from data_access.domain.permissions import Permission
from data_access.reads.tiltak import tiltak_frame

ctx = page_context()
plan_header(ctx, "Dekningskart")
st.caption("Hvilke risiko- og beskyttelsesfaktorer planens tiltak virker på, per nivå. En tom rute er ikke en "
           "feil, men et tema for drøfting i implementeringsgruppa.")
coverage_section(ctx)
factor_editor(ctx)
if ctx.can(Permission.EDIT_TILTAK):
    st.header("Knytt et tiltak til faktorer")
    tiltak = ctx.read(tiltak_frame, ctx.plan_id)
    if tiltak.is_empty():
        st.caption("Planen har ingen tiltak ennå.")
    else:
        rows = {r["id"]: r for r in tiltak.iter_rows(named=True)}
        chosen = st.selectbox("Tiltak", list(rows), key="coverage_tiltak",
                              format_func=lambda i: f"{rows[i]['name']} ({rows[i]['level_label']})")
        factor_tags(ctx, rows[chosen], key="coverage")
