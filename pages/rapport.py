"""Rapport: the yearly status report to kommunestyret, as PDF and Word."""

from datetime import date

import streamlit as st

from dashboard.context import page_context
from dashboard.open_data_ui import open_data_links
from dashboard.report_ui import contents, deferred_file, report_model, show_failures
from dashboard.tables import grid
from dashboard.ui import download, example_badge, plain, plan_header, show_error
from data_access.domain.errors import LagetError
from data_access.domain.formatting import fmt_date
from data_access.formats.report_files import FORMATS, file_name
from data_access.reads.report import make_period

ctx = page_context()
plan_header(ctx, "Rapport")
st.caption("Statusrapporten SLT-koordinator legger ved saken til kommunestyret: tiltak, møter og indikatorer for "
           "et år eller en periode. Word-filen kan redigeres.")
today = date.today()
c1, c2 = st.columns([1, 2])
mode = c1.radio("Periode", ["Kalenderår", "Fra og til dato"], horizontal=True, key="report_mode")
try:
    if mode == "Kalenderår":
        first = min(ctx.plan.get("start_year") or today.year, today.year) - 1
        years = list(range(today.year, first - 1, -1))
        year = c2.selectbox("År", years, key="report_year")
        period = make_period(year)
    else:
        chosen = c2.date_input("Fra og til", value=(date(today.year, 1, 1), today), format="DD.MM.YYYY",
                               key="report_range")
        if not isinstance(chosen, tuple) or len(chosen) != 2:
            st.info("Velg både fra- og til-dato.")
            st.stop()
        period = make_period(start=chosen[0], end=chosen[1])
    report = report_model(ctx, period)
except LagetError as exc:
    show_error(exc)
    st.stop()

show_failures()
d1, d2 = st.columns(2)
download("Last ned PDF", deferred_file(ctx, period, "pdf"), file_name=file_name(report, "pdf"),
         mime=FORMATS["pdf"], icon=":material/picture_as_pdf:", key="report_pdf", where=d1)
download("Last ned Word", deferred_file(ctx, period, "docx"), file_name=file_name(report, "docx"),
         mime=FORMATS["docx"], icon=":material/description:", key="report_docx", where=d2)

st.header("Innhold")
st.caption(plain(f"{report.title} · periode {report.period.label} · status per {fmt_date(report.as_of)}"))
if report.has_example:
    example_badge()
preview = contents(report)
grid(preview, caption="Innholdet i rapporten", height=min(35 * (preview.height + 1) + 3, 1400))
open_data_links(ctx, ctx.plan["key"])
