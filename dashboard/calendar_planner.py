"""The SLT coordinator's year planner on the calendar page: skoleruta, «Foreslå møteplan», accept/move/lock.

The rules are in ``data_access/domain/planner.py``; the writes in ``data_access/writes/planner.py``.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.tables import grid
from dashboard.ui import attempt, date_column, download, plain
from data_access.domain import formatting as fmt
from data_access.domain.arenas import arena_frequency
from data_access.domain.meetings import MeetingUpdate, find_conflicts
from data_access.domain.planner import WEEKDAY_NAMES, Preference, default_preferences, plan_arena
from data_access.formats.skoleruta import TEMPLATE, read_skoleruta
from data_access.reads.planner import draft_frame, school_breaks_frame
from data_access.writes.meetings import update_meeting
from data_access.writes.planner import ProposalResult, propose_year, publish, replace_school_breaks, set_locked


def preferences(arenas: pl.DataFrame) -> dict[int, Preference]:
    """The planner's weekday, week and time for each arena with fixed meetings (chosen or default, and why)."""
    rows = [plan_arena(r, arena_frequency(r["frequency"])) for r in arenas.iter_rows(named=True)]
    return default_preferences(rows)


def preference_table(arenas: pl.DataFrame, prefs: dict[int, Preference]) -> None:
    st.markdown("**Ønsket ukedag, uke og tid per møtearena** – planleggeren følger disse; endre dem under "
                "«Rediger møtearenaer».")
    rows = [{"Møtearena": r["name"], "Hyppighet": r["frequency_text"] or "Ikke oppgitt",
             "Ukedag": WEEKDAY_NAMES[p.weekday], "Uke i måneden": f"{p.week_of_month}." if p.week_of_month else "",
             "Klokkeslett": p.time, "Valgt av": "Koordinator" if p.chosen else "Planleggeren", "Hvorfor": p.why}
            for r in arenas.iter_rows(named=True) if (p := prefs.get(r["id"]))]
    frame = pl.DataFrame(rows, schema={k: pl.String for k in ("Møtearena", "Hyppighet", "Ukedag", "Uke i måneden",
                                                                "Klokkeslett", "Valgt av", "Hvorfor")})
    grid(frame, caption="Ønsket ukedag, uke og tid per møtearena",
         column_config={"Møtearena": st.column_config.TextColumn(width="medium"),
                        "Hvorfor": st.column_config.TextColumn(width="large")})


def skoleruta_section(ctx: PageContext) -> None:
    breaks = ctx.read(school_breaks_frame, ctx.plan_id)
    st.markdown("**Skoleruta** – skolens ferier og fridager; planleggeren legger ingen møter i dem.")
    if breaks.is_empty():
        st.caption("Ingen skolerute er lagt inn ennå. Planleggeren bruker bare helligdager og fellesferie.")
    else:
        if breaks["is_example"].any():
            st.caption(":material/info: Eksempeldata: ferieukene under er typiske uker, ikke kommunens egen "
                       "skolerute. Last opp kommunens skolerute for å erstatte dem.")
        grid(breaks.select(pl.col("name").alias("Ferie/fridager"), pl.col("start_date").alias("Fra"),
                           pl.col("end_date").alias("Til")), caption="Skoleruta",
             column_config={"Fra": date_column("Fra"), "Til": date_column("Til")})
    upload = st.file_uploader("Last opp skolerute (.csv eller .xlsx med kolonnene Navn, Fra, Til)",
                              type=["csv", "xlsx"], key="skoleruta_file")
    download("Last ned mal for skolerute (.csv)", lambda: TEMPLATE.encode("utf-8"), file_name="skolerute-mal.csv",
             mime="text/csv", key="skoleruta_template")
    if upload is None:
        return
    read = read_skoleruta(upload.getvalue(), upload.name)
    for message in read.errors:
        st.error(plain(message), icon=":material/error:")
    if read.breaks:
        st.markdown(f"**Forhåndsvisning:** {len(read.breaks)} perioder leses fra «{plain(upload.name)}».")
        grid(pl.DataFrame([{"Ferie/fridager": b.name, "Fra": b.start, "Til": b.end,
                            "Dager": (b.end - b.start).days + 1} for b in read.breaks]),
             caption="Forhåndsvisning av skoleruta",
             column_config={"Fra": date_column("Fra"), "Til": date_column("Til")})
    if read.ok and st.button("Importer skoleruta (erstatter den gamle)", key="skoleruta_import", type="primary"):
        attempt(lambda: replace_school_breaks(ctx.engine, ctx.actor, ctx.plan_id, read.breaks),
                lambda n: f"Skoleruta er lagret: {n} perioder.")


def _proposed(result: ProposalResult) -> str:
    if not result.drafts:
        return (f"Ingenting nytt å foreslå: alle arenaer med fast hyppighet har alt sine datoer ({result.kept} står "
                "fast). Flytt enkeltmøter under «Flytt, avlys eller marker møte».")
    text = f"Forslaget har {result.drafts} datoer"
    text += f" rundt {result.kept} som allerede står fast." if result.kept else "."
    if result.conflicts:
        text += f" {len(result.conflicts)} kollisjoner lot seg ikke unngå; se listen."
    return text + " Ingenting er publisert ennå."


def year_planner(ctx: PageContext, arenas: pl.DataFrame, calendar: pl.DataFrame, today: date) -> None:
    """«Foreslå møteplan for neste år», then the drafts to accept, move or lock. ``calendar``: the published
    meetings of the planning year (the drafts are planned around them)."""
    year = today.year + 1
    st.caption(f"Planleggeren foreslår datoer for {year} for alle arenaer med fast hyppighet: ingen møter på "
               "helligdager, i fellesferien eller i skoleruta, hyppigheten holdes, ingen leder i to arenaer "
               "samme dag og høyst to møter om dagen for samme tjeneste. Forslaget er et utkast: det kommer i "
               "kalenderen og .ics-filen først når du godtar det. Låste og flyttede datoer beholdes når du "
               "foreslår på nytt.")
    if st.button("Foreslå møteplan for neste år", key="propose_year", type="primary", icon=":material/event_upcoming:"):
        attempt(lambda: propose_year(ctx.engine, ctx.actor, ctx.plan_id, year), _proposed)
    drafts = ctx.read(draft_frame, ctx.plan_id, year)
    if drafts.is_empty():
        st.caption(f"Ingen forslag venter for {year}.")
        return
    info = arenas.select(pl.col("id").alias("arena_id"), "level", "leader", "participants")
    draft_meetings = drafts.join(info, on="arena_id").select(
        "date", "arena_id", "arena", "level", "leader", "participants", pl.lit("planlagt").alias("state"))
    others = calendar.filter(~pl.col("arena_id").is_in(drafts["arena_id"].implode()))  # drafts replace their dates
    both = pl.concat([draft_meetings, others.select(draft_meetings.columns)], how="vertical_relaxed")
    clashes = find_conflicts(both, arenas["leader"].to_list())
    clashes = clashes.filter(pl.col("arena_id_a").is_in(drafts["arena_id"].implode())
                             | pl.col("arena_id_b").is_in(drafts["arena_id"].implode()))
    st.markdown(f"**Forslag for {year}: {drafts.height} datoer, {clashes.height} kollisjoner med samme person**")
    if clashes.height:
        grid(clashes.select(pl.col("date").alias("Dato"), pl.col("arena_a").alias("Møtearena"),
                            pl.col("arena_b").alias("Kolliderer med"), pl.col("shared").alias("Felles")),
             caption="Kollisjoner i forslaget", column_config={"Dato": date_column("Dato")})
    grid(drafts.select(pl.col("date").alias("Dato"),
                       pl.col("date").dt.weekday().replace_strict({i + 1: d for i, d in enumerate(
                           ("mandag", *WEEKDAY_NAMES[1:], "lørdag", "søndag"))}, default="").alias("Ukedag"),
                       pl.col("arena").alias("Møtearena"),
                       pl.when(pl.col("locked")).then(pl.lit("Låst")).otherwise(pl.lit("")).alias("Låst")),
         caption=f"Foreslåtte datoer for {year}", column_config={"Dato": date_column("Dato")})
    rows = drafts.to_dicts()
    labels = {r["meeting_id"]: f"{fmt.day(r['date'])} – {r['arena']}" + (" (låst)" if r["locked"] else "")
              for r in rows}
    picked = st.selectbox("Dato i forslaget", list(labels), format_func=labels.get, key="draft_pick")
    row = next(r for r in rows if r["meeting_id"] == picked)
    with st.form(f"draft_{picked}_{row['version']}"):
        new_date = st.date_input("Ny dato", value=row["date"], format="DD.MM.YYYY", min_value=date(year, 1, 1),
                                 max_value=date(year, 12, 31))
        c1, c2, c3 = st.columns(3)
        move = c1.form_submit_button("Flytt")
        lock = c2.form_submit_button("Lås opp" if row["locked"] else "Lås datoen")
        accept = c3.form_submit_button("Godta denne datoen")
    if move:
        attempt(lambda: update_meeting(ctx.engine, ctx.actor, MeetingUpdate(row["arena_id"], row["planned_date"],
                                                                            row["version"], date=new_date)),
                f"Datoen er flyttet til {fmt.day(new_date)}.")
    if lock:
        attempt(lambda: set_locked(ctx.engine, ctx.actor, picked, row["version"], not row["locked"]),
                "Datoen er låst." if not row["locked"] else "Datoen er låst opp.")
    if accept:
        attempt(lambda: publish(ctx.engine, ctx.actor, ctx.plan_id, year, [picked]),
                "Datoen er publisert i kalenderen.")
    if st.button(f"Godta og publiser alle {drafts.height} datoer for {year}", key="publish_all"):
        attempt(lambda: publish(ctx.engine, ctx.actor, ctx.plan_id, year),
                lambda n: f"{n} datoer er publisert i kalenderen for {year}.")
