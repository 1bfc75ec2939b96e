"""Merging planned and stored meetings, conflicts and progress, without a database."""

import json
from datetime import date

import polars as pl

from data_access.arenas import ARENA_SCHEMA
from data_access.frequency import Frequency, expand
from data_access.meetings import MEETING_SCHEMA, find_conflicts, merge_meetings, progress


def arenas(*rows):
    base = {k: None for k in ARENA_SCHEMA}
    data = [base | r | {"frequency": json.dumps(r.get("frequency") or {})} for r in rows]
    return pl.DataFrame(data, schema=ARENA_SCHEMA)


A = arenas(
    {"id": 1, "name": "Politiråd", "level": "kommune", "leader": "Ordfører", "participants": ["Politiet"],
     "frequency": Frequency("per_year", 5).to_dict()},
    {"id": 2, "name": "Tverrfaglig team", "level": "tjeneste", "leader": "Rektor", "participants": ["PPT", "Politiet"],
     "frequency": Frequency("per_year", 5).to_dict()},
    {"id": 3, "name": "Ansvarsgruppe", "level": "individ", "leader": "Skolen", "participants": ["Foreldre"],
     "frequency": Frequency("as_needed", as_needed=True).to_dict()},
    {"id": 4, "name": "Uten hyppighet", "level": "kommune", "leader": "X", "participants": [], "frequency": {}},
)


def stored(*rows):
    return pl.DataFrame([dict(zip(MEETING_SCHEMA, r, strict=True)) for r in rows], schema=MEETING_SCHEMA)


def test_merge_plans_from_frequency_and_applies_overrides():
    planned = expand(Frequency("per_year", 5), 2026)
    s = stored((10, 1, planned[0], date(2026, 2, 12), "avholdt", "OK", 2),
               (11, 3, date(2026, 3, 3), date(2026, 3, 3), "planlagt", "", 1))
    m = merge_meetings(A, s, 2026)
    assert m.filter(pl.col("arena_id") == 1).height == 5
    first = m.filter((pl.col("arena_id") == 1) & (pl.col("planned_date") == planned[0])).row(0, named=True)
    assert (first["date"], first["state"], first["version"]) == (date(2026, 2, 12), "avholdt", 2)
    assert m.filter(pl.col("arena_id") == 3)["date"].to_list() == [date(2026, 3, 3)], "ved behov: only added ones"
    assert m.filter(pl.col("arena_id") == 4).is_empty()
    assert m["date"].is_sorted()


def test_conflicts_when_sharing_leader_or_participant_on_same_day():
    m = merge_meetings(A, stored(), 2026)
    conflicts = find_conflicts(m)
    assert conflicts.height == 5  # same frequency, same default weekday: every date collides
    assert set(conflicts["shared"]) == {"politiet"}
    cancelled = m.with_columns(pl.when(pl.col("arena_id") == 2).then(pl.lit("avlyst")).otherwise(pl.col("state"))
                               .alias("state"))
    assert find_conflicts(cancelled).is_empty()


def test_progress_counts_held_against_planned_so_far():
    planned = expand(Frequency("per_year", 5), 2026)
    s = stored((10, 1, planned[0], planned[0], "avholdt", "", 1), (11, 1, planned[1], planned[1], "avlyst", "", 1))
    m = merge_meetings(A, s, 2026)
    row = progress(m, date(2026, 6, 30)).filter(pl.col("arena_id") == 1).row(0, named=True)
    assert (row["planned_so_far"], row["held"], row["cancelled"], row["remaining"]) == (2, 1, 1, 2)


def test_calendar_export_from_the_page_frames_matches_the_meetings_shown():
    from icalendar import Calendar
    from recurring_ical_events import of

    from data_access.ics import build_calendar, calendars_from_frames

    planned = expand(Frequency("per_year", 5), 2026)
    s = stored((10, 1, planned[0], date(2026, 2, 12), "planlagt", "", 2),
               (11, 2, planned[1], planned[1], "avlyst", "", 1))
    m = merge_meetings(A, s, 2026)
    ics = build_calendar(calendars_from_frames(A, m), 2026, name="Møtekalender 2026")
    events = of(Calendar.from_ical(ics)).between(date(2026, 1, 1), date(2027, 1, 1))
    shown = sorted((str(e["SUMMARY"]).removeprefix("Avlyst: "), e["DTSTART"].dt.date()) for e in events
                   if str(e.get("STATUS", "")) != "CANCELLED")
    expected = sorted((r["arena"], r["date"]) for r in m.filter(pl.col("state") != "avlyst").iter_rows(named=True))
    assert shown == expected
