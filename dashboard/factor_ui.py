"""The coverage map on screen (Dekningskart), the plan's factor list editor, and tagging a tiltak with factors.

Gaps are named in words («Ingen tiltak – tema for drøfting») in the grid, in its HTML table and in a list, so
nobody needs to see a colour to find them (WCAG 1.4.1).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.tables import grid
from dashboard.ui import attempt, excel_download, plain
from data_access.domain.coverage import GAP_TEXT, KINDS, CoverageMap
from data_access.domain.fields import FACTOR
from data_access.domain.formatting import fmt_int
from data_access.domain.permissions import Permission
from data_access.reads.coverage import coverage_map, plan_factors, tiltak_factor_ids
from data_access.writes.factors import add_default_factors, add_factor, remove_factor, rename_factor, tag_tiltak


def map_frame(cmap: CoverageMap) -> pl.DataFrame:
    columns = ["Type", "Faktor", *[label for _, label in cmap.levels]]
    return pl.DataFrame(cmap.rows(), schema={c: pl.String for c in columns}, orient="row")


def coverage_section(ctx: PageContext) -> CoverageMap:
    """Summary, the grid and the gaps in words; returns the map for the caller."""
    cmap = ctx.read(coverage_map, ctx.plan_id)
    gaps = cmap.gaps
    st.markdown(f"**{fmt_int(len(gaps))} av {fmt_int(len(cmap.cells))} ruter har ingen tiltak.** Hver rute er en "
                "faktor på et nivå; tiltakene i ruta er de som er knyttet til faktoren.")
    if cmap.is_default_list:
        st.info("Planen har ingen egen faktorliste ennå, så kartet bruker standardlista (faktorene Bamble kommunes "
                "plan nevner). Ingen tiltak er knyttet til en faktor. En redaktør kan knytte tiltak til faktorer "
                "her eller i Møtemodus og endre lista.", icon=":material/info:")
    frame = map_frame(cmap)
    grid(frame, caption="Dekningskart: faktorer per nivå", row_header="Faktor")
    excel_download(frame, f"dekningskart-{ctx.plan['key']}.xlsx", key="coverage_xlsx")
    st.header(f"Hull i dekningen ({fmt_int(len(gaps))})")
    if not gaps:
        st.success("Alle faktorer har minst ett tiltak på hvert nivå.", icon=":material/check_circle:")
    else:
        st.caption(f"Ruter uten tiltak: {GAP_TEXT.lower()}.")
        st.markdown("\n".join(f"- {plain(line)}: {GAP_TEXT}" for line in cmap.gap_lines()))
    return cmap


def factor_editor(ctx: PageContext) -> None:
    """Add, rename or remove the plan's factors (editors only; data_access refuses others too)."""
    if not ctx.can(Permission.EDIT_TILTAK):
        return
    factors = ctx.read(plan_factors, ctx.plan_id)
    with st.expander("Endre faktorlista"):
        with st.form("factor_add", clear_on_submit=True):
            c1, c2 = st.columns([3, 1])
            name = c1.text_input("Ny faktor", max_chars=FACTOR.max_chars("name"))
            kind = c2.selectbox("Type", list(KINDS), format_func=KINDS.get)
            if st.form_submit_button("Legg til faktoren"):
                attempt(lambda: add_factor(ctx.engine, ctx.actor, ctx.plan_id, name, kind),
                        f"Faktoren «{name.strip()}» er lagt til.")
        stored = [f for f in factors if f.id is not None]
        if not stored:
            st.caption("Endringer lagrer standardlista som planens egen liste først.")
            return
        by_id = {f.id: f for f in stored}
        with st.form("factor_rename"):
            chosen = st.selectbox("Faktor", list(by_id), format_func=lambda i: by_id[i].name, key="factor_pick")
            new = st.text_input("Nytt navn", max_chars=FACTOR.max_chars("name"))
            c1, c2 = st.columns(2)
            if c1.form_submit_button("Gi nytt navn"):
                attempt(lambda: rename_factor(ctx.engine, ctx.actor, ctx.plan_id, chosen, new),
                        "Faktoren har fått nytt navn.")
            if c2.form_submit_button("Fjern faktoren fra kartet"):
                attempt(lambda: remove_factor(ctx.engine, ctx.actor, ctx.plan_id, chosen),
                        f"«{by_id[chosen].name}» er fjernet fra kartet.")
        if st.button("Legg til standardfaktorene som mangler", key="factor_defaults"):
            attempt(lambda: add_default_factors(ctx.engine, ctx.actor, ctx.plan_id),
                    lambda n: f"{fmt_int(n)} faktorer er lagt til.")


def factor_tags(ctx: PageContext, row: dict, *, key: str = "walk") -> None:
    """Tag one tiltak with the factors it addresses (the agenda walk and the Dekningskart page)."""
    if not ctx.can(Permission.EDIT_TILTAK):
        return
    factors = ctx.read(plan_factors, ctx.plan_id)
    filed, tagged = ctx.read(tiltak_factor_ids, row["id"])
    names = {f.id: f.name for f in factors if f.id is not None}
    options = [f.name for f in factors if f.id is None or f.id != filed]
    current = [names[i] for i in tagged if i in names]
    with st.form(f"{key}_factors_{row['id']}"):
        if filed in names:
            st.caption(plain(f"Planen plasserer tiltaket under «{names[filed]}»."))
        chosen = st.multiselect("Faktorer tiltaket virker på (dekningskartet)", options, default=current,
                                help="Risiko- og beskyttelsesfaktorer fra planens liste.")
        if st.form_submit_button("Lagre faktorene"):
            attempt(lambda: tag_tiltak(ctx.engine, ctx.actor, ctx.plan_id, row["id"], chosen),
                    "Faktorene er lagret.")
