"""The calendar's derived data, computed once per data version and shared by all sessions.

Merging a thousand arenas' frequencies and finding conflicts takes a few hundred milliseconds, too slow for
every rerun; ``data_version`` changes on every logged write, so the cache is never stale after an edit. While
the database is down the last version is used, so the page is drawn from the cache and edits stay.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.context import PageContext, last_good
from data_access.db.engine import get_engine
from data_access.domain.meetings import find_conflicts, merge_meetings
from data_access.reads.arenas import arenas_frame
from data_access.reads.meetings import stored_meetings

# Arenaer tab: the coordinator checks Hyppighet against the name, so both come first with fixed widths (px) and
# stay in view without scrolling sideways from a 500 px wide grid; the long agenda text comes last.
ARENA_WIDTHS = {"Møtearena": 260, "Hyppighet": 220}


@st.cache_data(max_entries=32, show_spinner=False)
def _calendar(url: str, plan_id: int, year: int, token: tuple) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    engine = get_engine(url)
    arenas = arenas_frame(engine, plan_id)
    meetings = merge_meetings(arenas, stored_meetings(engine, plan_id, year), year)
    return arenas, meetings, find_conflicts(meetings, arenas["leader"].to_list())


def calendar_data(ctx: PageContext, year: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(arenas, meetings of the year, conflicts) for the plan, at the current data version."""
    return _calendar(ctx.settings.database_url, ctx.plan_id, year, ctx.version or _token(ctx))


@st.cache_data(max_entries=64, show_spinner=False)
def _wheel_spec(url: str, plan_id: int, year: int, token: tuple, arena_ids: tuple[int, ...]) -> dict:
    from dashboard.calendar_charts import year_wheel

    _, meetings, _ = _calendar(url, plan_id, year, token)
    shown = meetings.filter(pl.col("arena_id").is_in(list(arena_ids)) & (pl.col("state") != "avlyst"))
    from dashboard.ui import arrow_datasets

    return arrow_datasets(year_wheel(shown, year).to_dict(validate=False))


def wheel_spec(ctx: PageContext, year: int, arena_ids: list[int]) -> dict:
    """The årshjul's Vega-Lite spec; building and validating it is the slow part, so it is cached too."""
    return _wheel_spec(ctx.settings.database_url, ctx.plan_id, year, ctx.version or _token(ctx),
                       tuple(sorted(arena_ids)))


def _token(ctx: PageContext) -> tuple:
    from data_access.db.changelog import data_version

    return last_good(data_version, ctx.engine)
