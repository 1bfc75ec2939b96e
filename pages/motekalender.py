"""Møtekalender: the arenas by level, the year's meetings as årshjul, month and list, and .ics export."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard.calendar_charts import month_grid
from dashboard.calendar_data import ARENA_WIDTHS, calendar_data, wheel_spec
from dashboard.calendar_forms import arena_form, extra_meeting_form, meeting_form
from dashboard.calendar_planner import preference_table, preferences, skoleruta_section, year_planner
from dashboard.context import page_context
from dashboard.navigation import PAGES
from dashboard.state import bound
from dashboard.tables import grid
from dashboard.ui import (
    chart,
    date_column,
    download,
    excel_download,
    filter_multiselect,
    per_version,
    plain,
    plan_header,
)
from data_access.domain.arenas import filter_arenas
from data_access.domain.meetings import STATES, default_year, progress
from data_access.domain.permissions import Permission
from data_access.domain.vocabulary import ARENA_LEVELS
from data_access.formats.ics import build_calendar, calendars_from_frames
from data_access.reads.arenas import arenas_frame

PAGE = next(p.path for p in PAGES if p.url_path == "motekalender")
ctx = page_context()
plan_header(ctx, "Møtekalender")
today = date.today()

c0, c1, c2, c3 = st.columns([1, 2, 2, 2])
opening = default_year(today)
years = [opening - 1, opening, opening + 1]
year = bound(c0.selectbox, "År", key="cal_year", param="aar", options=years, default=opening)
all_arenas, all_meetings, all_conflicts = calendar_data(ctx, year)
with c1:
    levels = filter_multiselect("Nivå", list(ARENA_LEVELS), key="cal_levels", param="niva",
                                format_func=ARENA_LEVELS.get,
                                placeholder="Alle nivåer")
with c2:
    leaders = filter_multiselect("Leder", sorted(set(all_arenas["leader"].to_list()) - {""}), key="cal_leaders",
                                 param="leder",
                                 placeholder="Alle ledere")
with c3:
    people = sorted({p for ps in all_arenas["participants"].to_list() for p in ps or []})
    participants = filter_multiselect("Deltakende tjeneste", people, key="cal_participants", param="deltaker",
                                      placeholder="Alle")

arenas = filter_arenas(all_arenas, levels=levels, leaders=leaders, participants=participants)
meetings = all_meetings.filter(pl.col("arena_id").is_in(arenas["id"].implode()))
names_shown = arenas["name"].implode()
conflicts = all_conflicts.filter(pl.col("arena_a").is_in(names_shown) | pl.col("arena_b").is_in(names_shown))
can_plan = ctx.can(Permission.EDIT_ARENAS)
if conflicts.height:
    with st.expander(f":material/warning: {conflicts.height} mulige kollisjoner (samme dag og samme person: leder "
                     "eller deltaker som leder en annen arena)", expanded=False):
        if conflicts.height > 200:
            st.caption("Viser de 200 første. Filtrer på nivå, leder eller tjeneste for å se færre.")
        grid(conflicts.head(200).select(pl.col("date").alias("Dato"), pl.col("arena_a").alias("Møtearena"),
                                        pl.col("arena_b").alias("Kolliderer med"), pl.col("shared").alias("Felles")),
             caption="Mulige kollisjoner", column_config={"Dato": date_column("Dato")})
        if can_plan:
            st.caption("Rett opp: gi den ene arenaen en annen foretrukket ukedag eller uke i skjemaet, og bruk "
                       "«Foreslå møteplan for neste år», eller flytt møtet under «Planlegging».")
            pairs = conflicts.unique(["arena_id_a", "arena_id_b"], keep="first", maintain_order=True)
            for c in pairs.head(20).iter_rows(named=True):
                st.page_link(PAGE, label=f"Endre «{c['arena_b']}» (kolliderer med «{c['arena_a']}», felles: "
                                         f"{c['shared']})", icon=":material/edit_calendar:",
                             query_params={"aar": str(year), "arena": str(c["arena_id_b"])})

wheel, month_tab, list_tab, arena_tab = st.tabs(["Årshjul", "Måned", "Liste", "Arenaer"])
with wheel, st.container(key="year_wheel"):
    # 560 px square: on a narrower screen (a 390 px phone) it shrinks to fit instead of widening the page
    st.html("<style>.st-key-year_wheel [data-testid='stVegaLiteChart'], .st-key-year_wheel .vega-embed,"
            ".st-key-year_wheel canvas, .st-key-year_wheel svg{max-width:100% !important;height:auto !important}"
            "</style>")
    st.vega_lite_chart(wheel_spec(ctx, year, arenas["id"].to_list()), width="content")
    st.caption("Ytterst kommunenivå (sirkel), så tjenestenivå (firkant), innerst individnivå (trekant). "
               "Alle møtene står som tabell i fanen «Liste».")
with month_tab:
    names = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember"]
    month = bound(st.selectbox, "Måned", key="cal_month", param="maaned", options=list(range(1, 13)),
                  default=today.month if year == today.year else 1, format_func=lambda m: names[m - 1])
    chart(lambda: month_grid(meetings, year, month), "month", year, month, arenas["id"].to_list(), width="stretch")
    st.caption("K = kommunenivå, T = tjenestenivå, I = individnivå. ✓ avholdt, ✕ avlyst. Grå dager er helg "
               "eller helligdag. Alle møtene står som tabell i fanen «Liste».")
with list_tab:
    meeting_list = meetings.select(
        pl.col("date").alias("Dato"), pl.col("arena").alias("Møtearena"),
        pl.col("level").replace_strict(ARENA_LEVELS, default="").alias("Nivå"), pl.col("leader").alias("Leder"),
        pl.col("state").replace_strict(STATES, default="").alias("Status"), pl.col("note").alias("Notat"))
    grid(meeting_list, caption="Møtene i året", column_config={"Dato": date_column("Dato")})
    excel_download(meeting_list, f"moter-{year}.xlsx")
    st.markdown("**Holdt mot planlagt hittil i år**")
    grid(progress(meetings, today).select(
        pl.col("arena").alias("Møtearena"), pl.col("planned_so_far").alias("Planlagt hittil"),
        pl.col("held").alias("Avholdt"), pl.col("cancelled").alias("Avlyst"),
        pl.col("remaining").alias("Gjenstår")), caption="Holdt mot planlagt hittil i år")
with arena_tab:
    counts = meetings.filter(pl.col("state") != "avlyst").group_by("arena_id").len("n")
    dated = arenas.join(counts, left_on="id", right_on="arena_id", how="left").with_columns(pl.col("n").fill_null(0))
    for slug, label in ARENA_LEVELS.items():
        part = dated.filter(pl.col("level") == slug)
        if part.is_empty():
            continue
        st.header(f"{label} ({part.height})")
        # Hyppighet right after the name, so the coordinator sees it without scrolling sideways
        grid(part.select(
            pl.col("name").alias("Møtearena"),
            pl.when(pl.col("frequency_text") == "").then(pl.lit("Ikke oppgitt i planen"))
            .otherwise(pl.col("frequency_text")).alias("Hyppighet"),
            pl.col("n").alias(f"Møter {year}"),
            pl.col("leader").alias("Leder"),
            pl.col("participants").list.join(", ").alias("Deltakere"),
            pl.when(pl.col("is_new")).then(pl.lit("Ny")).otherwise(pl.lit("")).alias("Ny arena"),
            pl.col("purpose").alias("Agenda/målsetting")), caption=f"Møtearenaer på {label.lower()}",
            column_config={"Møtearena": st.column_config.TextColumn(width=ARENA_WIDTHS["Møtearena"], pinned=True),
                           "Hyppighet": st.column_config.TextColumn(width=ARENA_WIDTHS["Hyppighet"]),
                           f"Møter {year}": st.column_config.NumberColumn(width="small"),
                           "Agenda/målsetting": st.column_config.TextColumn(width="large")})
    as_needed = dated.filter(pl.col("n") == 0)
    if as_needed.height:
        st.markdown(f"**Ved behov eller uten fast hyppighet** – har ingen datoer i kalenderen for {year}:")
        st.markdown(plain(", ".join(as_needed["name"].to_list())))

st.divider()
d1, d2 = st.columns(2)
download("Last ned kalenderen (.ics)", lambda: build_calendar(calendars_from_frames(arenas, meetings), year,
                                                               name=f"Møtekalender {year}"),
         file_name=f"motekalender-{year}.ics", mime="text/calendar", key="ics_all", where=d1)
names_by_id = dict(zip(arenas["id"].to_list(), arenas["name"].to_list(), strict=True))
if names_by_id:
    one = d2.selectbox("Én arena", list(names_by_id), format_func=names_by_id.get, key="ics_arena")
    download("Last ned arenaen (.ics)", lambda: build_calendar(
        calendars_from_frames(arenas.filter(pl.col("id") == one), meetings.filter(pl.col("arena_id") == one)),
        year, name=names_by_id[one]), file_name=f"arena-{one}-{year}.ics", mime="text/calendar", key="ics_arena_file",
        where=d2)

if can_plan:
    st.divider()
    st.header("Planlegging")
    tab_names = ["Møteplan for neste år", "Flytt, avlys eller marker møte", "Registrer ekstra møte",
                 "Rediger møtearenaer"]
    # A conflict link (?arena=…) opens the arena form: a new key makes the tabs take their default again; the
    # key is kept in the session so the next rerun (e.g. saving the form) stays on that tab.
    asked = st.query_params.get("arena")
    if asked and asked != st.session_state.get("_arena_asked"):
        st.session_state["_arena_asked"] = asked
        st.session_state["_arena_link"] = st.session_state.get("_arena_link", 0) + 1
    link = st.session_state.get("_arena_link", 0)
    m0, m1, m2, m3 = st.tabs(tab_names, default=tab_names[3] if link else None, key=f"planning_tabs_{link}")
    prefs = per_version(lambda: preferences(all_arenas), "planner_preferences", ctx.plan_id)
    with m0:
        next_year = today.year + 1
        planned = all_meetings if year == next_year else calendar_data(ctx, next_year)[1]
        year_planner(ctx, all_arenas, planned, today)
        preference_table(all_arenas, prefs)
        skoleruta_section(ctx)
    with m1:
        meeting_form(ctx, meetings, year)
    with m2:
        extra_meeting_form(ctx, arenas)
    with m3:
        arena_form(ctx, ctx.read(arenas_frame, ctx.plan_id, include_retired=True), prefs)
