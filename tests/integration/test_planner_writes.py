"""The year planner's writes on both backends: drafts stay out of the calendar until accepted (issue 19.3)."""

from datetime import date

import polars as pl
import pytest

from data_access.db.changelog import log_frame
from data_access.domain.errors import ValidationError
from data_access.domain.meetings import MeetingUpdate, find_conflicts, merge_meetings
from data_access.domain.permissions import Actor
from data_access.domain.planner import SchoolBreak, check_plan, plan_arena
from data_access.reads.arenas import arenas_frame
from data_access.reads.meetings import stored_meetings
from data_access.reads.planner import draft_frame, school_breaks_frame
from data_access.reads.plans import plans_frame
from data_access.writes.arenas import update_arena
from data_access.writes.meetings import update_meeting
from data_access.writes.planner import propose_year, publish, replace_school_breaks, set_locked

SLT = Actor("slt", "planlegger")
LEDER = Actor("leder", "leder")
YEAR = 2028  # the demo publishes next year itself; the tests plan the year after


def _plan(engine) -> int:
    return plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]


def _calendar(engine, plan_id, year):
    arenas = arenas_frame(engine, plan_id)
    return arenas, merge_meetings(arenas, stored_meetings(engine, plan_id, year), year)


def test_the_demo_calendar_for_next_year_has_no_shared_person(demo_engine):
    plan_id = _plan(demo_engine)
    year = date.today().year + 1
    arenas, meetings = _calendar(demo_engine, plan_id, year)
    assert find_conflicts(meetings, arenas["leader"].to_list()).is_empty()
    assert meetings.group_by("date").len()["len"].max() <= 2
    people = [plan_arena(r, None) for r in arenas.iter_rows(named=True)]
    counts = check_plan(people, meetings.select("arena_id", "date").iter_rows())
    assert counts["person_conflicts"] == 0 and counts["service_overloads"] == 0
    again = propose_year(demo_engine, SLT, plan_id, year)
    assert again.drafts == 0 and again.kept == meetings.height, "a published year needs no new dates"
    breaks = school_breaks_frame(demo_engine, plan_id)
    assert breaks.height and breaks["is_example"].all() and breaks["name"].str.contains("eksempel").all()


def test_propose_lock_move_and_publish(demo_engine):
    plan_id = _plan(demo_engine)
    _, before = _calendar(demo_engine, plan_id, YEAR)
    result = propose_year(demo_engine, SLT, plan_id, YEAR)
    assert result.drafts > 50 and not result.conflicts
    drafts = draft_frame(demo_engine, plan_id, YEAR)
    assert drafts.height == result.drafts
    _, unchanged = _calendar(demo_engine, plan_id, YEAR)
    assert unchanged.equals(before), "drafts are not in the calendar"

    first = drafts.row(0, named=True)
    set_locked(demo_engine, SLT, first["meeting_id"], first["version"], True)
    moved = drafts.row(1, named=True)
    update_meeting(demo_engine, SLT, MeetingUpdate(moved["arena_id"], moved["planned_date"], moved["version"],
                                                   date=date(YEAR, 3, 1)))
    again = propose_year(demo_engine, SLT, plan_id, YEAR)
    after = draft_frame(demo_engine, plan_id, YEAR)
    assert first["meeting_id"] in after["meeting_id"].to_list(), "a locked date survives a new proposal"
    assert moved["meeting_id"] in after["meeting_id"].to_list(), "a moved date is the coordinator's choice too"
    assert after.filter(pl.col("meeting_id") == moved["meeting_id"])["date"].to_list() == [date(YEAR, 3, 1)]
    assert again.kept == 2

    assert publish(demo_engine, SLT, plan_id, YEAR, [first["meeting_id"]]) == 1
    n = publish(demo_engine, SLT, plan_id, YEAR)
    assert n == after.height - 1 and draft_frame(demo_engine, plan_id, YEAR).is_empty()
    arenas, published = _calendar(demo_engine, plan_id, YEAR)
    assert find_conflicts(published, arenas["leader"].to_list()).is_empty()
    assert published.height == after.height
    with pytest.raises(ValidationError, match="ingen forslag"):
        publish(demo_engine, SLT, plan_id, YEAR)
    assert "publisert" in log_frame(demo_engine, entity="meeting")["new_value"].to_list()


def test_skoleruta_and_preferences_steer_the_proposal(demo_engine):
    plan_id = _plan(demo_engine)
    replace_school_breaks(demo_engine, SLT, plan_id, [SchoolBreak("Høstferie", date(YEAR, 10, 2), date(YEAR, 10, 6))])
    assert school_breaks_frame(demo_engine, plan_id)["name"].to_list() == ["Høstferie"]
    arenas = arenas_frame(demo_engine, plan_id)
    politirad = arenas.filter(pl.col("name") == "Politiråd").row(0, named=True)
    update_arena(demo_engine, SLT, politirad["id"], politirad["version"], {"pref_weekday": 3, "pref_time": "8.30"})
    row = arenas_frame(demo_engine, plan_id).filter(pl.col("id") == politirad["id"]).row(0, named=True)
    assert (row["pref_weekday"], row["pref_time"]) == (3, "08:30")
    propose_year(demo_engine, SLT, plan_id, YEAR)
    drafts = draft_frame(demo_engine, plan_id, YEAR)
    assert not drafts.filter(pl.col("date").is_between(date(YEAR, 10, 2), date(YEAR, 10, 6))).height
    assert set(drafts.filter(pl.col("arena_id") == politirad["id"])["date"].dt.weekday().to_list()) == {4}


@pytest.mark.parametrize("fields, message", [({"pref_weekday": 6}, "Foretrukket ukedag"),
                                             ({"pref_time": "25:00"}, "Klokkeslett")])
def test_bad_preferences_save_nothing(demo_engine, fields, message):
    plan_id = _plan(demo_engine)
    arena = arenas_frame(demo_engine, plan_id).row(0, named=True)
    with pytest.raises(ValidationError, match=message):
        update_arena(demo_engine, SLT, arena["id"], arena["version"], fields)


def test_only_planners_plan(demo_engine):
    plan_id = _plan(demo_engine)
    with pytest.raises(PermissionError):
        propose_year(demo_engine, LEDER, plan_id, YEAR)
    with pytest.raises(PermissionError):
        replace_school_breaks(demo_engine, LEDER, plan_id, [SchoolBreak("X", date(YEAR, 1, 4), date(YEAR, 1, 5))])
    assert draft_frame(demo_engine, plan_id, YEAR).is_empty()
