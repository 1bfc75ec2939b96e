"""The Rapport page's data: the report model and its files, cached per plan, period and data version.

Building the files takes a second or two (charts through vl-convert), so they are made only when a
download button is clicked, and kept until the plan's data change (``PageContext.version``, already read this run).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from data_access.db.engine import get_engine
from data_access.formats.report_files import render_report
from data_access.reads.report import Report, ReportPeriod, build_report


@st.cache_data(max_entries=16, show_spinner=False)
def _report(url: str, plan_id: int, start: date, end: date, today: date, token: tuple) -> Report:
    return build_report(get_engine(url), period=ReportPeriod(start, end), plan_id=plan_id, today=today)


@st.cache_data(max_entries=16, show_spinner="Lager rapporten …")
def _file(url: str, plan_id: int, start: date, end: date, today: date, token: tuple, fmt: str) -> bytes:
    return render_report(_report(url, plan_id, start, end, today, token), fmt)


def _key(ctx: PageContext, period: ReportPeriod) -> tuple:
    return (ctx.settings.database_url, ctx.plan_id, period.start, period.end, date.today(), ctx.version)


def report_model(ctx: PageContext, period: ReportPeriod) -> Report:
    return _report(*_key(ctx, period))


def report_file(ctx: PageContext, period: ReportPeriod, fmt: str) -> bytes:
    return _file(*_key(ctx, period), fmt)


FAILED = "_report_failed"


def deferred_file(ctx: PageContext, period: ReportPeriod, fmt: str):
    """The download button's callable. It runs outside the page run, where nothing can be drawn and Streamlit
    would only log a failure (the click «did nothing»), so a failure is kept in the session's own dict and
    shown the one way (``show_failures``) on the page's next run; the click still fails in the browser."""
    failures = st.session_state.setdefault(FAILED, {})  # the dict itself: reachable from the download thread

    def build() -> bytes:
        try:
            data = report_file(ctx, period, fmt)
        except Exception as exc:
            failures[fmt] = exc
            raise
        failures.pop(fmt, None)
        return data

    return build


def show_failures() -> None:
    """A report file that failed since the last run, with its Norwegian message (``show_error``)."""
    from dashboard.ui import show_error

    for exc in list(st.session_state.get(FAILED, {}).values()):
        show_error(exc)
    st.session_state.get(FAILED, {}).clear()


def contents(report: Report) -> pl.DataFrame:
    """The preview: each chapter and what it holds, as plain text rows (user text is never Markdown)."""
    from data_access.domain.formatting import fmt_int
    from data_access.formats.report_text import SECTIONS
    from data_access.reads.report import meetings_held_text

    rows = [(SECTIONS["numbers"], f"{f.label}: {f.value}" + (" (Eksempeldata)" if f.example else ""))
            for f in report.key_figures]
    rows.append((SECTIONS["pyramid"], "Figur: tiltakspyramiden; tabell: nivå × status"))
    rows += [(SECTIONS["tiltak"], f"{lv.label} ({lv.color_word}): {fmt_int(len(lv.tiltak))} tiltak")
             for lv in report.level_sections]
    rows.append((SECTIONS["overdue"], f"{fmt_int(report.overdue.height)} tiltak"))
    rows += [(SECTIONS["meetings"], f"{r['Nivå']}: avholdt / planlagt hittil "
              + meetings_held_text(r["Avholdt"], r["Planlagt hittil"], report.held_registered))
             for r in report.meetings_by_level.iter_rows(named=True)]
    rows += [(SECTIONS["indicators"], f"{i.name}: {i.latest} · {i.status_words}"
              + (" (Eksempeldata)" if i.has_example else "")) for i in report.indicators]
    if report.coverage is not None:
        rows.append((SECTIONS["coverage"], f"{fmt_int(len(report.coverage.gaps))} av "
                     f"{fmt_int(len(report.coverage.cells))} ruter uten tiltak"))
        rows += [(SECTIONS["coverage"], f"Hull: {line}") for line in report.coverage.gap_lines()]
    return pl.DataFrame(rows, schema={"Kapittel": pl.String, "Innhold": pl.String}, orient="row")
