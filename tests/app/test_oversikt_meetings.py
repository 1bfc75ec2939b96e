"""Oversikt «Neste møter» shows meetings as they are: a moved meeting on its new date, a cancelled one not at all."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from data_access.db.engine import get_engine
from data_access.domain.frequency import is_working_day
from data_access.domain.meetings import MeetingUpdate
from data_access.domain.permissions import Actor
from data_access.writes.meetings import update_meeting

SLT = Actor("slt", "planlegger")


def _upcoming(at) -> list[tuple[date, str]]:
    table = next(d for d in at.dataframe if "Møtearena" in d.value.columns)
    return [(d.date() if hasattr(d, "date") else d, a) for d, a in zip(table.value["Dato"], table.value["Møtearena"],
                                                                       strict=True)]


def test_next_meetings_show_moves_and_leave_out_cancelled(open_page, app_env):
    at = open_page("leder", "oversikt")
    before = _upcoming(at)
    (first_date, first_arena), (second_date, second_arena) = before[0], next(
        row for row in before[1:] if row[1] != before[0][1])
    engine = get_engine(app_env)
    from data_access.reads.arenas import arenas_frame

    plan_id = at.session_state["plan_id"]
    ids = dict(zip(*arenas_frame(engine, plan_id).select("name", "id").to_dict(as_series=False).values(),
                   strict=True))
    moved_to = first_date + timedelta(days=1)
    while not is_working_day(moved_to) or (moved_to, first_arena) in before:
        moved_to += timedelta(days=1)
    assert moved_to.year == first_date.year
    update_meeting(engine, SLT, MeetingUpdate(ids[first_arena], first_date, 0, date=moved_to))
    update_meeting(engine, SLT, MeetingUpdate(ids[second_arena], second_date, 0, state="avlyst"))

    at.run()
    after = _upcoming(at)
    assert (first_date, first_arena) not in after, "the moved meeting is not listed on its planned date"
    assert (moved_to, first_arena) in after, "it is listed on its new date"
    assert (second_date, second_arena) not in after, "the cancelled meeting is left out"
    assert after == sorted(after, key=lambda r: r[0])


def test_next_meetings_pure():
    from data_access.domain.meetings import MEETING_SCHEMA
    from data_access.reads.meetings import next_meetings

    arenas = pl.DataFrame({"id": [1], "name": ["Politiråd"], "level": ["kommune"], "leader": [""],
                           "participants": [[]], "frequency": ['{"kind": "monthly"}'], "start_date": [None],
                           "end_date": [None]}, schema_overrides={"start_date": pl.Date, "end_date": pl.Date})
    today = date(2026, 11, 1)
    planned = next_meetings(arenas, pl.DataFrame(schema=MEETING_SCHEMA), today, per_arena=3)
    assert planned.height == 3 and planned["date"].min() >= today
    first, second = planned["date"][0], planned["date"][1]
    stored = pl.DataFrame([(1, 1, first, first + timedelta(days=1), "planlagt", "", 1),
                           (2, 1, second, second, "avlyst", "", 1)], schema=MEETING_SCHEMA, orient="row")
    real = next_meetings(arenas, stored, today, per_arena=3)["date"].to_list()
    assert first not in real and first + timedelta(days=1) in real and second not in real
