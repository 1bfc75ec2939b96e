"""Administrasjon: the empty template, the upload, the preview per sheet and the all-or-nothing import.

The preview is made once per file and target and kept in the session, and «Importer» writes that very preview
(``apply_import`` names the versions it compared), so what is written is what the user saw; a row someone saved
meanwhile stops the import with a message naming it, and the file must be uploaded again to see the changes.
"""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.tables import grid
from dashboard.ui import XLSX_MIME, download, flash, plain, show_error
from data_access.domain.errors import ConflictError, LagetError
from data_access.formats.excel_export import template_workbook
from data_access.reads.plans import plans_frame
from data_access.writes.plan_import import NewPlan, Preview, apply_import, preview


def _new_plan_fields() -> tuple[NewPlan | None, dict[str, str]]:
    c1, c2 = st.columns(2)
    kommune = c1.text_input("Kommune", key="import_kommune")
    name = c2.text_input("Navn på planen", key="import_name", placeholder="Plan for forebygging av omsorgssvikt og …")
    c3, c4, c5 = st.columns(3)
    key = c3.text_input("Nøkkel (valgfri)", key="import_key", help="Små bokstaver, tall og bindestrek, f.eks. "
                                                                   "hamar-2025-2028. Tom = lages av kommune og år.")
    start = c4.number_input("Fra år", value=None, min_value=2000, max_value=2100, step=1, key="import_from")
    end = c5.number_input("Til år", value=None, min_value=2000, max_value=2100, step=1, key="import_to")
    l1, l2, l3 = st.columns(3)
    labels = {"universell": l1.text_input("Navn på grønt nivå", value="Universell", key="import_l1"),
              "selektiv": l2.text_input("Navn på gult nivå", value="Selektiv", key="import_l2"),
              "indikativ": l3.text_input("Navn på rødt nivå", value="Indikativ", key="import_l3")}
    if not kommune.strip() or not name.strip():
        return None, labels
    return NewPlan(kommune=kommune.strip(), name=name.strip(), key=key.strip() or None,
                   start_year=int(start) if start else None, end_year=int(end) if end else None,
                   level_labels=labels), labels


def _preview(ctx: PageContext, data: bytes, plan_id: int | None, labels: dict[str, str] | None) -> Preview:
    """The preview of this file for this target, made once and kept: reruns show it, and the import writes it."""
    key = (hashlib.sha256(data).hexdigest(), plan_id, tuple(sorted((labels or {}).items())))
    kept = st.session_state.get("_import_preview")
    if kept is None or kept[0] != key:
        kept = (key, preview(ctx.engine, data, plan_id=plan_id, level_labels=labels))
        st.session_state["_import_preview"] = kept
    return kept[1]


def _start_over(generation: int, message: list[str]) -> None:
    """Forget the file and its preview (they no longer show the plan) and say why on the next run."""
    st.session_state.pop("_import_preview", None)
    st.session_state["_import_gen"] = generation + 1
    st.session_state["_import_conflict"] = message
    st.rerun()


def import_section(ctx: PageContext) -> None:
    st.header("Importer en plan fra Excel")
    st.caption("Importmalen har samme ark og kolonner som Excel-eksporten av en plan. Arket «Veiledning» forklarer "
               "hver kolonne, nivåene, statusene og hyppighetene Laget forstår. Importen skjer helt eller ikke i det "
               "hele tatt, og alt kommer i endringsloggen.")
    download("Last ned tom importmal (Excel)", template_workbook, file_name="laget-importmal.xlsx", mime=XLSX_MIME,
             icon=":material/download:", key="xlsx_template")
    generation = st.session_state.setdefault("_import_gen", 0)
    for line in st.session_state.get("_import_conflict", []):  # quotes names from the file: plain text
        st.error(plain(line), icon=":material/sync_problem:")
    # The target and a new plan's level names come first: the file is checked against the plan's own level
    # names, so an upload before they are entered would fail on every row that uses them.
    target = st.radio("Importer som", ["ny", "eksisterende"], horizontal=True, key="import_target",
                      format_func={"ny": "Ny plan", "eksisterende": "Inn i en eksisterende plan"}.get)
    new_plan, plan_id, labels = None, None, None
    if target == "ny":
        st.caption("Skriv nivånavnene slik planen bruker dem før du laster opp filen. Kolonnen «Nivå» i filen "
                   "kontrolleres mot disse navnene.")
        new_plan, labels = _new_plan_fields()
    else:
        plans = plans_frame(ctx.engine)
        names = dict(zip(plans["id"].to_list(), (plans["kommune"] + ": " + plans["name"]).to_list(), strict=True))
        plan_id = st.selectbox("Plan", list(names), format_func=names.get, key="import_plan")
    upload = st.file_uploader("Arbeidsbok (.xlsx)", type=["xlsx"], key=f"plan_upload_{generation}")
    if upload is None:
        return
    st.session_state.pop("_import_conflict", None)
    data = upload.getvalue()
    seen = _preview(ctx, data, plan_id, labels)
    plan, changes = seen.plan, seen.changes
    for note in plan.notes:  # notes quote the file's own sheet and column names: shown as plain text
        st.text(f"Merk: {note}")
    if not plan.ok:
        st.error(f"Filen kan ikke importeres: {len(plan.errors)} feil må rettes først. Ingenting er endret.",
                 icon=":material/error:")
        grid(plan.error_frame(), caption="Feil i arbeidsboken")
    st.markdown("**Hva importen gjør, per ark**")
    grid(changes.summary(), caption="Endringer importen vil gjøre")
    tiltak_tab, arena_tab, change_tab = st.tabs(["Tiltak per nivå og status", "Hyppigheter", "Endringer"])
    with tiltak_tab:
        grid(plan.counts(seen.level_labels), caption="Tiltak per nivå og status")
        if changes.new_services:
            st.markdown("**Tjenester som blir opprettet**")
            st.text(", ".join(changes.new_services))
        if changes.new_factors:
            st.markdown("**Beskyttelsesfaktorer som blir opprettet**")
            st.text(", ".join(changes.new_factors))
    with arena_tab:
        grid(plan.frequencies(), caption="Hyppighetene slik Laget forsto dem")
    with change_tab:
        detail = changes.detail()
        if detail.is_empty():
            st.caption("Ingen nye eller endrede rader.")
        else:
            grid(detail, caption="Endringer i detalj")
    ready = plan.ok and not changes.is_empty and (target == "eksisterende" or new_plan is not None)
    if target == "ny" and new_plan is None:
        st.caption("Fyll ut kommune og navn på planen for å importere.")
    if st.button("Importer", type="primary", disabled=not ready, key="import_go"):
        try:
            result = apply_import(ctx.engine, ctx.actor, seen, new_plan=new_plan)
        except ConflictError as exc:
            _start_over(generation, [str(exc)] + [e.text() for e in getattr(exc, "row_errors", [])[1:]])
        except LagetError as exc:
            show_error(exc)
            if getattr(exc, "row_errors", None):
                grid(pl.DataFrame([e.text() for e in exc.row_errors], schema=["Feil"], orient="row"),
                     caption="Feil som stoppet importen")
        else:
            st.cache_data.clear()
            st.session_state.pop("_import_preview", None)
            st.session_state["_import_gen"] = generation + 1
            flash(result.summary())
            st.rerun()
