"""The SLT coordinator's forms on the calendar page: manage one meeting, edit or add an arena."""

from __future__ import annotations

import zlib
from datetime import date

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from dashboard.state import bound
from dashboard.ui import attempt, conflict_panel, snapshot
from data_access.domain.fields import ARENA, MEETING
from data_access.domain.meetings import STATES, MeetingUpdate, next_meeting_index
from data_access.domain.planner import WEEKDAY_NAMES, Preference
from data_access.domain.validation import format_date
from data_access.domain.vocabulary import ARENA_LEVELS
from data_access.writes.arenas import create_arena, set_retired, update_arena
from data_access.writes.meetings import add_meeting, update_meeting


def meeting_form(ctx: PageContext, meetings: pl.DataFrame, year: int) -> None:
    if meetings.is_empty():
        st.caption("Ingen møter å endre.")
        return
    arenas = meetings.select("arena_id", "arena").unique().sort("arena")
    names = dict(zip(arenas["arena_id"].to_list(), arenas["arena"].to_list(), strict=True))
    by_date = meetings.sort("date")
    coming = by_date["arena_id"][next_meeting_index(by_date["date"].to_list(), date.today())]
    arena_id = st.selectbox("Møtearena", list(names), format_func=names.get, key=f"meeting_arena_{year}",
                            index=list(names).index(coming))
    rows = meetings.filter(pl.col("arena_id") == arena_id).sort("date").to_dicts()
    by_planned = {r["planned_date"]: r for r in rows}  # a meeting is its planned date: moving it keeps it
    labels = {p: f"{format_date(r['date'])} ({STATES[r['state']].lower()})" for p, r in by_planned.items()}
    chosen_key = f"_meeting_chosen_{year}_{arena_id}"
    chosen = st.session_state.get(chosen_key)
    if chosen not in by_planned:
        chosen = rows[next_meeting_index([r["date"] for r in rows], date.today())]["planned_date"]
    # The key carries the labels: after «Lagre møtet» moves or marks the meeting, the picker is drawn anew on the
    # same meeting with its new date and status, not left showing the label from before the save.
    signature = zlib.crc32("\x1f".join(labels.values()).encode())
    pick = st.selectbox("Møte", list(labels), format_func=labels.get, index=list(labels).index(chosen),
                        key=f"meeting_pick_{year}_{arena_id}_{signature}")
    st.session_state[chosen_key] = pick
    key = f"meeting_{arena_id}_{pick}"
    m = snapshot(key, by_planned[pick])
    version = int(m["version"] or 0)
    with st.form(f"meeting_{m['arena_id']}_{m['planned_date']}_{version}"):
        c1, c2 = st.columns(2)
        new_date = c1.date_input("Dato", value=m["date"], format="DD.MM.YYYY", min_value=date(year, 1, 1),
                                 max_value=date(year, 12, 31))
        state = c2.selectbox("Status", list(STATES), index=list(STATES).index(m["state"]), format_func=STATES.get)
        note = st.text_input("Kort notat (systemnivå, ingen opplysninger om enkeltbarn)", value=m["note"] or "",
                             max_chars=MEETING.max_chars("note"))
        if st.form_submit_button("Lagre møtet"):
            update = MeetingUpdate(m["arena_id"], m["planned_date"], version, date=new_date, state=state, note=note)
            attempt(lambda: update_meeting(ctx.engine, ctx.actor, update), "Møtet er oppdatert.", conflicts=key)
    conflict_panel(key, lambda c: update_meeting(ctx.engine, ctx.actor, MeetingUpdate(
        m["arena_id"], m["planned_date"], c.current_version, **c.yours)), labels=MEETING.label)


def extra_meeting_form(ctx: PageContext, arenas: pl.DataFrame) -> None:
    names = dict(zip(arenas["id"].to_list(), arenas["name"].to_list(), strict=True))
    if not names:
        return
    with st.form("extra_meeting"):
        c1, c2 = st.columns([2, 1])
        arena_id = c1.selectbox("Møtearena", list(names), format_func=names.get)
        day = c2.date_input("Dato", value=date.today(), format="DD.MM.YYYY")
        note = st.text_input("Kort notat", max_chars=MEETING.max_chars("note"))
        if st.form_submit_button("Registrer møte"):
            attempt(lambda: add_meeting(ctx.engine, ctx.actor, arena_id, day, note), "Møtet er registrert.")


def arena_form(ctx: PageContext, arenas: pl.DataFrame, prefs: dict[int, Preference] | None = None) -> None:
    """Edit an existing arena, or add a new one when «Ny møtearena» is chosen. ``?arena=<id>`` opens one (the
    calendar's conflict links point here)."""
    options = {0: "Ny møtearena", **dict(zip(arenas["id"].to_list(), arenas["name"].to_list(), strict=True))}
    st.subheader("Rediger møtearena", anchor="rediger-motearena")
    chosen = bound(st.selectbox, "Møtearena", key="arena_pick", param="arena", options=list(options), default=0,
                   kind=int, format_func=options.get)
    key = f"arena_{chosen}"
    row = snapshot(key, arenas.filter(pl.col("id") == chosen).row(0, named=True)) if chosen else {}
    levels = list(ARENA_LEVELS)
    with st.form(f"arena_{chosen}_{row.get('version', 0)}"):
        name = st.text_input("Navn", value=row.get("name", ""), max_chars=ARENA.max_chars("name"))
        c1, c2 = st.columns(2)
        level = c1.selectbox("Nivå", levels, index=levels.index(row.get("level", "tjeneste")),
                             format_func=ARENA_LEVELS.get)
        frequency = c2.text_input("Hyppighet", value=row.get("frequency_text", ""),
                                  help="F.eks. «Ukentlig», «Hver 14. dag», «Månedlig», «5 ganger i året», "
                                       "«1–2 ganger i året», «Årlig», «Minimum 4 ganger i året og ved behov», "
                                       "«Ved behov». Legg gjerne til ukedag: «Månedlig, tirsdager».")
        purpose = st.text_area("Agenda/målsetting", value=row.get("purpose", ""), max_chars=ARENA.max_chars("purpose"))
        leader = c1.text_input("Leder", value=row.get("leader", ""), max_chars=ARENA.max_chars("leader"))
        participants = c2.text_input("Deltakere (skilt med komma)", value=", ".join(row.get("participants") or []))
        d1, d2, d3 = st.columns(3)
        start = d1.date_input("Startdato", value=row.get("start_date"), format="DD.MM.YYYY")
        end = d2.date_input("Sluttdato", value=row.get("end_date"), format="DD.MM.YYYY")
        is_new = d3.checkbox("Ny arena", value=bool(row.get("is_new")))
        suggested = (prefs or {}).get(chosen)
        if suggested and not suggested.chosen:
            st.caption(f"Møteplanleggeren bruker nå: {WEEKDAY_NAMES[suggested.weekday]}"
                       + (f", {suggested.week_of_month}. uke i måneden" if suggested.week_of_month else "")
                       + f", kl. {suggested.time}. {suggested.why}")
        p1, p2, p3 = st.columns(3)
        weekdays = [None, 0, 1, 2, 3, 4]
        weekday = p1.selectbox("Foretrukket ukedag", weekdays, index=weekdays.index(row.get("pref_weekday")),
                               format_func=lambda d: "La planleggeren velge" if d is None else WEEKDAY_NAMES[d])
        weeks = [None, 1, 2, 3, 4]
        week = p2.selectbox("Uke i måneden", weeks, index=weeks.index(row.get("pref_week_of_month")),
                            format_func=lambda w: "La planleggeren velge" if w is None else f"{w}. uke",
                            help="For månedlige møter og møter noen ganger i året.")
        time = p3.text_input("Klokkeslett", value=row.get("pref_time") or "", placeholder="09:00", max_chars=5)
        b1, b2 = st.columns(2)
        save = b1.form_submit_button("Lagre møtearena" if chosen else "Legg til møtearena", type="primary")
        retire = b2.form_submit_button("Avvikle" if not row.get("retired") else "Gjenopprett") if chosen else False
    fields = {"name": name, "level": level, "purpose": purpose, "leader": leader,
              "participants": [p for p in participants.split(",") if p.strip()], "frequency_text": frequency,
              "is_new": is_new, "start_date": start, "end_date": end, "pref_weekday": weekday,
              "pref_week_of_month": week, "pref_time": time}
    if save and chosen:
        attempt(lambda: update_arena(ctx.engine, ctx.actor, chosen, row["version"], fields), "Møtearenaen er lagret.",
                conflicts=key)
    elif save:
        attempt(lambda: create_arena(ctx.engine, ctx.actor, ctx.plan_id, **fields), f"«{name.strip()}» er lagt til.")
    if retire:
        attempt(lambda: set_retired(ctx.engine, ctx.actor, chosen, row["version"], not row.get("retired")),
                "Møtearenaen er avviklet." if not row.get("retired") else "Møtearenaen er gjenopprettet.",
                conflicts=key)
    if chosen:
        conflict_panel(key, lambda c: set_retired(ctx.engine, ctx.actor, chosen, c.current_version, c.yours["retired"])
                       if "retired" in c.yours else update_arena(ctx.engine, ctx.actor, chosen, c.current_version,
                                                                 c.yours), labels=ARENA.label)
