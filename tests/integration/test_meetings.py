"""Meetings and arenas written by the SLT coordinator, on both backends."""

from datetime import date

import polars as pl
import pytest

from data_access.db.changelog import log_frame
from data_access.domain.arenas import arena_frequency
from data_access.domain.errors import ConflictError, ValidationError
from data_access.domain.frequency import Frequency
from data_access.domain.meetings import MeetingUpdate, merge_meetings
from data_access.domain.permissions import Actor
from data_access.reads.arenas import arenas_frame
from data_access.reads.meetings import stored_meetings
from data_access.reads.plans import plans_frame
from data_access.writes.arenas import create_arena, set_retired, update_arena
from data_access.writes.meetings import add_meeting, update_meeting

SLT = Actor("slt", "planlegger")
REDAKTOR = Actor("redaktor", "redaktor")
YEAR = 2026


def _setup(engine):
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    arenas = arenas_frame(engine, plan_id)
    politirad = arenas.filter(pl.col("name") == "Politiråd").row(0, named=True)
    meetings = merge_meetings(arenas, stored_meetings(engine, plan_id, YEAR), YEAR)
    return plan_id, politirad, meetings.filter(pl.col("arena_id") == politirad["id"])


def test_move_cancel_and_hold_are_stored_and_logged(demo_engine):
    plan_id, arena, meetings = _setup(demo_engine)
    first = meetings.row(0, named=True)
    update_meeting(demo_engine, SLT, MeetingUpdate(arena["id"], first["planned_date"], 0, date=date(2026, 2, 12)))
    _, _, after = _setup(demo_engine)
    moved = after.filter(pl.col("planned_date") == first["planned_date"]).row(0, named=True)
    assert moved["date"] == date(2026, 2, 12) and moved["version"] == 1
    update_meeting(demo_engine, SLT, MeetingUpdate(arena["id"], first["planned_date"], 1, state="avholdt",
                                                   note="Gjennomgått årsrapport"), today=date(2026, 12, 1))
    second = meetings.row(1, named=True)
    update_meeting(demo_engine, SLT, MeetingUpdate(arena["id"], second["planned_date"], 0, state="avlyst"))
    _, _, after = _setup(demo_engine)
    states = dict(zip(after["planned_date"].to_list(), after["state"].to_list(), strict=True))
    assert states[first["planned_date"]] == "avholdt" and states[second["planned_date"]] == "avlyst"
    log = log_frame(demo_engine, entity="meeting")
    assert set(log["field"]) == {"date", "state", "note"} and set(log["username"]) == {"slt"}


def test_stale_version_is_refused(demo_engine):
    _, arena, meetings = _setup(demo_engine)
    first = meetings.row(0, named=True)
    update_meeting(demo_engine, SLT, MeetingUpdate(arena["id"], first["planned_date"], 0, note="A"))
    with pytest.raises(ConflictError, match="endret av"):
        update_meeting(demo_engine, SLT, MeetingUpdate(arena["id"], first["planned_date"], 0, note="B"))


@pytest.mark.parametrize("update, message", [
    ({"date": date(2027, 1, 12)}, "utenfor året"),
    ({"date": date(2026, 5, 17)}, "helg- eller helligdag"),
    ({"state": "kanskje"}, "Ukjent status «kanskje»"),
    ({"note": "Gjaldt 01010012356"}, "fødselsnummer"),
    ({"state": "avholdt"}, "før datoen"),
])
def test_bad_meeting_input_changes_nothing(demo_engine, update, message):
    plan_id, arena, meetings = _setup(demo_engine)
    last = meetings.row(-1, named=True)
    with pytest.raises(ValidationError, match=message):
        update_meeting(demo_engine, SLT, MeetingUpdate(arena["id"], last["planned_date"], 0, **update),
                       today=date(2026, 1, 1))
    assert stored_meetings(demo_engine, plan_id, YEAR).is_empty()


def test_only_planners_write_meetings_and_arenas(demo_engine):
    plan_id, arena, meetings = _setup(demo_engine)
    with pytest.raises(PermissionError):
        update_meeting(demo_engine, REDAKTOR, MeetingUpdate(arena["id"], meetings["planned_date"][0], 0,
                                                            state="avlyst"))
    with pytest.raises(PermissionError):
        create_arena(demo_engine, REDAKTOR, plan_id, name="X", level="kommune")


def test_arena_create_edit_retire(demo_engine):
    plan_id, _, _ = _setup(demo_engine)
    arena_id = create_arena(demo_engine, SLT, plan_id, name="Ungdomsråd", level="kommune", leader="Ordfører",
                            participants=["Kultur", "SLT-koordinator"], frequency_text="4 ganger i året")
    row = arenas_frame(demo_engine, plan_id).filter(pl.col("id") == arena_id).row(0, named=True)
    assert arena_frequency(row["frequency"]) == Frequency("per_year", 4)
    assert update_arena(demo_engine, SLT, arena_id, row["version"], {"frequency_text": "Månedlig, torsdager"}) == 1
    row = arenas_frame(demo_engine, plan_id).filter(pl.col("id") == arena_id).row(0, named=True)
    assert arena_frequency(row["frequency"]) == Frequency("monthly", weekday=3)
    with pytest.raises(ConflictError, match="endret av"):
        update_arena(demo_engine, SLT, arena_id, row["version"] - 1, {"leader": "Varaordfører"})
    set_retired(demo_engine, SLT, arena_id, row["version"], True)
    assert arena_id not in arenas_frame(demo_engine, plan_id)["id"].to_list()
    log = log_frame(demo_engine, entity="arena", entity_ids=[arena_id])
    assert log["action"].to_list() == ["archive", "update", "create"]


@pytest.mark.parametrize("fields, message", [
    ({"frequency_text": "hver fullmåne"}, "Forstår ikke hyppigheten"),
    ({"start_date": date(2026, 6, 1), "end_date": date(2026, 3, 1)}, "før startdato"),
    ({"name": " "}, "må fylles ut"),
    ({"level": "fylke"}, "Ukjent nivå «fylke»"),
    ({"purpose": "Oppfølging av 01010012356"}, "fødselsnummer"),
])
def test_bad_arena_input_saves_nothing(demo_engine, fields, message):
    plan_id, arena, _ = _setup(demo_engine)
    with pytest.raises(ValidationError, match=message):
        update_arena(demo_engine, SLT, arena["id"], arena["version"], fields)
    assert log_frame(demo_engine, entity="arena").is_empty()


def test_extra_meeting_for_as_needed_arena(demo_engine):
    plan_id, _, _ = _setup(demo_engine)
    arenas = arenas_frame(demo_engine, plan_id)
    beredskap = arenas.filter(pl.col("name") == "Beredskapsteam")["id"][0]
    add_meeting(demo_engine, SLT, beredskap, date(2026, 3, 4), "Drøftet rutiner for fravær")
    with pytest.raises(ValidationError, match="allerede et møte"):
        add_meeting(demo_engine, SLT, beredskap, date(2026, 3, 4))
    merged = merge_meetings(arenas, stored_meetings(demo_engine, plan_id, YEAR), YEAR)
    assert merged.filter(pl.col("arena_id") == beredskap)["date"].to_list() == [date(2026, 3, 4)]
