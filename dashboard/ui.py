"""Small reusable Streamlit pieces shared by the pages."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from data_access.validation import format_date
from data_access.vocabulary import EXAMPLE_LABEL


def plan_header(ctx: PageContext, title: str) -> None:
    st.title(title)
    plan = ctx.plan
    years = f" {plan['start_year']}–{plan['end_year']}" if plan.get("start_year") else ""
    st.caption(f"{plan['kommune']} kommune · {plan['name']}{years if years.strip() not in plan['name'] else ''}")
    if plan.get("is_demo"):
        st.caption(":material/info: Demodata bygd på kommunens plan. Tall merket «eksempeldata» er ikke offisielle.")


def example_badge() -> None:
    st.badge(EXAMPLE_LABEL, icon=":material/science:", color="orange")


def date_column(label: str) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format="DD.MM.YYYY")


def joined(frame: pl.DataFrame, column: str, sep: str = ", ") -> pl.DataFrame:
    """Show a list column as readable text in a table."""
    return frame.with_columns(pl.col(column).list.join(sep))


def filter_multiselect(label: str, options: list, key: str, param: str, **kwargs) -> list:
    """A multiselect kept in the address (``param``) and across page switches; unknown values are dropped."""
    from dashboard.state import bound

    return bound(st.multiselect, label, key=key, param=param, options=options, multi=True, default=[], **kwargs)


def flash(message: str, icon: str | None = ":material/check_circle:") -> None:
    """Queue a toast for the next run, so it survives the ``st.rerun()`` that follows a save."""
    st.session_state.setdefault("_flash", []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop("_flash", []):
        st.toast(message, icon=icon)


def current_meeting_id(ctx: PageContext) -> int | None:
    """The open group meeting a change belongs to; asked only when something is saved."""
    from data_access.group_meetings import open_meeting

    meeting = open_meeting(ctx.engine, ctx.plan_id)
    return meeting["id"] if meeting else None


def meeting_banner(ctx: PageContext) -> None:
    """Tell everyone that a meeting of the implementation group is open and that edits belong to it."""
    from data_access.group_meetings import open_meeting

    meeting = open_meeting(ctx.engine, ctx.plan_id)
    if meeting:
        st.info(f":material/groups: Møte i implementeringsgruppa pågår ({format_date(meeting['meeting_date'])}). "
                "Endringer du lagrer nå, kommer med i referatet.")


@st.cache_data(max_entries=50, show_spinner=False)
def cached_pdf(markdown: str, title: str) -> bytes:
    """Render minutes to PDF once per text, not on every rerun."""
    from data_access.minutes_pdf import minutes_pdf

    return minutes_pdf(markdown, title)


@st.cache_data(max_entries=256, show_spinner=False)
def pyramid_spec(rows: tuple[tuple, ...], columns: tuple[str, ...]) -> dict:
    """The pyramid's Vega-Lite spec. Building and validating an altair chart costs ~70 ms, more than the rest
    of the page, so it is built once per distinct set of counts."""
    import polars as pl

    from dashboard.charts import pyramid_chart

    return pyramid_chart(pl.DataFrame(list(rows), schema=list(columns), orient="row"), selectable=True).to_dict()


def show_error(exc: Exception, where=None) -> None:
    """The one way to show a refused write: the data layer's Norwegian message, as plain text, never a trace.

    ``where`` is a Streamlit container (defaults to the page). A ``LagetError`` is shown as it is; anything
    else means a bug, so the user gets a calm sentence and the details go to the server log.
    """
    import logging

    from data_access.errors import LagetError

    target = where or st
    if isinstance(exc, LagetError):
        target.error(str(exc), icon=":material/error:")
    else:
        logging.getLogger("laget").exception("Unexpected error", exc_info=exc)
        target.error("Noe gikk galt, og ingenting ble lagret. Prøv igjen, eller kontakt administrator.",
                     icon=":material/error:")
