"""Merging planned and stored meetings, conflicts and progress, without a database."""

import json
from datetime import date

import polars as pl

from data_access.domain.arenas import ARENA_SCHEMA
from data_access.domain.frequency import Frequency, expand
from data_access.domain.meetings import (
    MEETING_SCHEMA,
    default_year,
    find_conflicts,
    merge_meetings,
    next_meeting_index,
    progress,
)


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


def test_a_shared_service_on_the_same_day_is_not_a_conflict():
    m = merge_meetings(A, stored(), 2026)
    assert m.filter(pl.col("arena_id") == 1)["date"].to_list() == m.filter(pl.col("arena_id") == 2)["date"].to_list()
    assert find_conflicts(m).is_empty(), "both invite Politiet, a service that can send different people"


def test_conflicts_when_a_leader_is_needed_in_both():
    more = pl.concat([A, arenas(
        {"id": 5, "name": "Kommunestyret", "level": "kommune", "leader": "Ordfører (kaller inn)", "participants": [],
         "frequency": Frequency("per_year", 5).to_dict()},
        {"id": 6, "name": "Rektormøte", "level": "tjeneste", "leader": "Kommunalsjef", "participants": ["rektor "],
         "frequency": Frequency("per_year", 5).to_dict()})])
    conflicts = find_conflicts(merge_meetings(more, stored(), 2026))
    pairs = set(zip(conflicts["arena_a"], conflicts["arena_b"], conflicts["shared"], strict=True))
    assert pairs == {("Politiråd", "Kommunestyret", "Ordfører"), ("Tverrfaglig team", "Rektormøte", "Rektor")}
    assert conflicts.height == 10  # five shared dates for each pair
    cancelled = merge_meetings(more, stored(), 2026).with_columns(
        pl.when(pl.col("arena_id").is_in([5, 6])).then(pl.lit("avlyst")).otherwise(pl.col("state")).alias("state"))
    assert find_conflicts(cancelled).is_empty()


def test_a_participant_who_leads_another_arena_counts_as_a_person():
    two = arenas(
        {"id": 1, "name": "A", "level": "kommune", "leader": "Kommunalsjef", "participants": ["SLT-koordinator"],
         "frequency": Frequency("per_year", 5).to_dict()},
        {"id": 2, "name": "B", "level": "kommune", "leader": "Rektor", "participants": ["SLT-koordinator", "Skole"],
         "frequency": Frequency("per_year", 5).to_dict()})
    meetings = merge_meetings(two, stored(), 2026)
    assert find_conflicts(meetings).is_empty(), "nobody says the SLT-koordinator is one person"
    conflicts = find_conflicts(meetings, ["Kommunalsjef", "Rektor", "SLT-koordinator"])
    assert set(conflicts["shared"]) == {"SLT-koordinator"} and conflicts.height == 5


def test_calendar_opens_on_next_year_from_november():
    assert default_year(date(2026, 10, 31)) == 2026
    assert default_year(date(2026, 11, 1)) == 2027
    assert default_year(date(2026, 12, 31)) == 2027
    assert default_year(date(2027, 1, 1)) == 2027


def test_pickers_start_at_the_next_coming_meeting():
    dates = [date(2026, 2, 1), date(2026, 6, 1), date(2026, 9, 1)]
    assert next_meeting_index(dates, date(2026, 1, 1)) == 0
    assert next_meeting_index(dates, date(2026, 6, 1)) == 1
    assert next_meeting_index(dates, date(2026, 6, 2)) == 2
    assert next_meeting_index(dates, date(2026, 10, 1)) == 2
    assert next_meeting_index([], date(2026, 10, 1)) == 0


def test_progress_counts_held_against_planned_so_far():
    planned = expand(Frequency("per_year", 5), 2026)
    s = stored((10, 1, planned[0], planned[0], "avholdt", "", 1), (11, 1, planned[1], planned[1], "avlyst", "", 1))
    m = merge_meetings(A, s, 2026)
    row = progress(m, date(2026, 6, 30)).filter(pl.col("arena_id") == 1).row(0, named=True)
    assert (row["planned_so_far"], row["held"], row["cancelled"], row["remaining"]) == (2, 1, 1, 2)


def test_calendar_export_from_the_page_frames_matches_the_meetings_shown():
    from icalendar import Calendar
    from recurring_ical_events import of

    from data_access.formats.ics import build_calendar, calendars_from_frames

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
