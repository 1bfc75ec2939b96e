"""No silent loss: 20 editors × 50 saves of the same row, for every versioned entity, on SQLite and PostgreSQL.

Each editor reads the row (as a page does), then saves a value of its own naming the version it read. Whatever the
interleaving, the change log must then form one unbroken chain from the first value to the stored one: every
successful save logged exactly once with the true old value, and no save that overwrote another without a
conflict. Every refused save must be a ``ConflictError`` carrying the other person's value, never a raw error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import polars as pl
import pytest
from sqlalchemy import select

from data_access.db.changelog import as_text, log_frame
from data_access.db.engine import session_scope
from data_access.db.models import GroupMeeting
from data_access.db.uow import Change
from data_access.domain.errors import ConflictError
from data_access.domain.meetings import MeetingUpdate, merge_meetings
from data_access.domain.permissions import Actor
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.meetings import stored_meetings
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.arenas import update_arena
from data_access.writes.group_meetings import start_meeting
from data_access.writes.indicators import set_value, update_indicator
from data_access.writes.meetings import update_meeting
from data_access.writes.tiltak import save_changes

EDITORS, SAVES = 20, 50
ADMIN = Actor("admin", "admin", "Ola")


def _plan(engine) -> int:
    return plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]


def _hammer(read: Callable[[], tuple[int, object]], save: Callable[[int, str], bool]) -> tuple[int, int, list]:
    """Run EDITORS threads that each read then save SAVES times; returns (saved, conflicts, unexpected errors)."""
    saved = conflicts = 0
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(EDITORS)

    def editor(n: int) -> None:
        nonlocal saved, conflicts
        start.wait()
        for i in range(SAVES):
            try:
                version, _ = read()
                ok = save(version, f"e{n}-{i}")
            except ConflictError as exc:
                assert exc.conflicts and exc.conflicts[0].current_version > 0, "a conflict shows the other's save"
                ok = False
            except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
                with lock:
                    errors.append(exc)
                continue
            with lock:
                saved += ok
                conflicts += not ok

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(EDITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return saved, conflicts, errors


def _assert_chain(log: pl.DataFrame, first: str | None, last: str | None, saved: int) -> None:
    entries = log.sort("id")
    assert entries.height == saved, "every successful save is logged exactly once"
    previous = first
    for old, new in entries.select("old_value", "new_value").iter_rows():
        assert old == previous, "the log's old value is the value that was really overwritten"
        previous = new
    assert previous == last, "the stored value is the last logged one"


def _check(saved: int, conflicts: int, errors: list) -> None:
    assert errors == [], f"unexpected errors: {errors[:3]}"
    assert saved + conflicts == EDITORS * SAVES
    assert saved > 0


def test_tiltak(demo_engine):
    plan_id = _plan(demo_engine)
    tiltak_id = tiltak_frame(demo_engine, plan_id)["id"][0]
    initial = tiltak_frame(demo_engine, plan_id).filter(pl.col("id") == tiltak_id).row(0, named=True)

    def read():
        row = tiltak_frame(demo_engine, plan_id).filter(pl.col("id") == tiltak_id).row(0, named=True)
        return row["version"], row["next_step"]

    def save(version, value):
        result = save_changes(demo_engine, ADMIN, plan_id, [Change(tiltak_id, version, {"next_step": value})])
        if result.conflicts:
            assert result.conflicts[0].theirs["next_step"] != value
        return bool(result.saved)

    saved, conflicts, errors = _hammer(read, save)
    _check(saved, conflicts, errors)
    log = log_frame(demo_engine, entity="tiltak", entity_ids=[tiltak_id]).filter(pl.col("field") == "next_step")
    _assert_chain(log, as_text(initial["next_step"]), read()[1], saved)
    assert read()[0] == initial["version"] + saved, "the version moved once per successful save"


def test_arena(demo_engine):
    plan_id = _plan(demo_engine)
    arena = arenas_frame(demo_engine, plan_id).row(0, named=True)

    def read():
        row = arenas_frame(demo_engine, plan_id).filter(pl.col("id") == arena["id"]).row(0, named=True)
        return row["version"], row["leader"]

    saved, conflicts, errors = _hammer(read, lambda v, value: update_arena(demo_engine, ADMIN, arena["id"], v,
                                                                            {"leader": value}) == 1)
    _check(saved, conflicts, errors)
    log = log_frame(demo_engine, entity="arena", entity_ids=[arena["id"]]).filter(pl.col("field") == "leader")
    _assert_chain(log, as_text(arena["leader"]), read()[1], saved)


def test_meeting(demo_engine):
    plan_id = _plan(demo_engine)
    year = date.today().year
    arenas = arenas_frame(demo_engine, plan_id)
    planned = merge_meetings(arenas, stored_meetings(demo_engine, plan_id, year), year)
    target = planned.filter(pl.col("state") == "planlagt").row(0, named=True)

    def read():
        stored = stored_meetings(demo_engine, plan_id, year).filter(
            (pl.col("arena_id") == target["arena_id"]) & (pl.col("planned_date") == target["planned_date"]))
        return (stored["version"][0], stored["note"][0]) if stored.height else (0, "")

    def save(version, value):
        update_meeting(demo_engine, ADMIN, MeetingUpdate(target["arena_id"], target["planned_date"], version,
                                                         note=value))
        return True

    saved, conflicts, errors = _hammer(read, save)
    _check(saved, conflicts, errors)
    log = log_frame(demo_engine, entity="meeting").filter(pl.col("field") == "note")
    _assert_chain(log, "", read()[1], saved)


def test_indicator_value(demo_engine):
    plan_id = _plan(demo_engine)
    ind_id = indicators_frame(demo_engine, plan_id)["id"][0]

    def read():
        v = values_frame(demo_engine, plan_id, [ind_id]).filter((pl.col("period") == "2030")
                                                                & (pl.col("geo") == "kommune"))
        return (v["version"][0], v["value"][0]) if v.height else (0, None)

    counter = iter(range(1, 10**6))
    lock = threading.Lock()

    def save(version, _value):
        with lock:
            value = float(next(counter))
        return set_value(demo_engine, ADMIN, ind_id, period="2030", geo="kommune", value=value,
                         version=version) in {"ny", "endret"}

    saved, conflicts, errors = _hammer(read, save)
    _check(saved, conflicts, errors)
    log = log_frame(demo_engine, entity="indicator_value").filter(pl.col("new_value").str.starts_with("2030 "))
    _assert_chain(log, None, f"2030 kommune: {read()[1]}", saved)


def test_indicator_registry(demo_engine):
    plan_id = _plan(demo_engine)
    ind = indicators_frame(demo_engine, plan_id).row(0, named=True)

    def read():
        row = indicators_frame(demo_engine, plan_id).filter(pl.col("id") == ind["id"]).row(0, named=True)
        return row["version"], row["description"]

    saved, conflicts, errors = _hammer(read, lambda v, value: update_indicator(
        demo_engine, ADMIN, ind["id"], {"description": value}, version=v) == 1)
    _check(saved, conflicts, errors)
    log = log_frame(demo_engine, entity="indicator", entity_ids=[ind["id"]]).filter(pl.col("field") == "description")
    _assert_chain(log, as_text(ind["description"]), read()[1], saved)


def test_one_open_group_meeting_per_plan(demo_engine):
    """20 people press «Start møtet» at once: exactly one meeting opens, the others get a Norwegian refusal."""
    from data_access.domain.errors import ValidationError

    plan_id = _plan(demo_engine)
    opened, refused, errors = [], [], []
    start = threading.Barrier(EDITORS)

    def press(n: int) -> None:
        start.wait()
        try:
            opened.append(start_meeting(demo_engine, ADMIN, plan_id, date.today(), f"Deltaker {n}"))
        except ValidationError as exc:
            refused.append(str(exc))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=press, args=(n,)) for n in range(EDITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 1 and len(refused) == EDITORS - 1
    assert all("pågår allerede" in m for m in refused)
    with session_scope(demo_engine) as s:
        assert len(s.scalars(select(GroupMeeting.id).where(GroupMeeting.plan_id == plan_id,
                                                           GroupMeeting.ended_at.is_(None))).all()) == 1


def test_database_refuses_a_second_open_meeting_even_bypassing_the_code(demo_engine):
    from datetime import datetime

    from sqlalchemy.exc import IntegrityError

    plan_id = _plan(demo_engine)
    start_meeting(demo_engine, ADMIN, plan_id, date.today(), "")
    with pytest.raises(IntegrityError), session_scope(demo_engine) as s:
        s.add(GroupMeeting(plan_id=plan_id, meeting_date=date.today(), participants="", started_by="x",
                           started_at=datetime.now()))


def test_sqlite_lock_held_too_long_is_a_norwegian_fault_and_saves_nothing(templates, tmp_path, monkeypatch):
    """A writer that holds the lock past the busy timeout: the save waits, then says so; nothing is half-saved."""
    import sqlite3

    from data_access.db import engine as db
    from data_access.domain.errors import DatabaseFault

    monkeypatch.setattr(db, "SQLITE_BUSY_MS", 300)
    url = templates.sqlite_copy("demo", tmp_path / "locked.db")
    engine = db.make_engine(url)
    plan_id = _plan(engine)
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    blocker = sqlite3.connect(str(tmp_path / "locked.db"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseFault, match="opptatt") as err:
            save_changes(engine, ADMIN, plan_id, [Change(row["id"], row["version"], {"next_step": "x"})])
        assert "Ingenting ble lagret" in str(err.value)
    finally:
        blocker.rollback()
        blocker.close()
    after = tiltak_frame(engine, plan_id).filter(pl.col("id") == row["id"]).row(0, named=True)
    assert after["version"] == row["version"]
    assert save_changes(engine, ADMIN, plan_id, [Change(row["id"], row["version"], {"next_step": "x"})]).saved
    engine.dispose()


def test_many_people_adding_the_same_tiltak_at_once_store_it_once(demo_engine):
    """Names are unique in the schema (issue 17.8): whoever loses the race gets a Norwegian refusal or conflict,
    never a raw IntegrityError, and the tiltak is stored once."""
    from data_access.db.models import Tiltak
    from data_access.domain.errors import ConflictError, ValidationError
    from data_access.writes.tiltak import create_tiltak

    plan_id = _plan(demo_engine)
    start = threading.Barrier(EDITORS)
    created, refused, errors = [], [], []

    def add(n: int) -> None:
        start.wait()
        try:
            created.append(create_tiltak(demo_engine, ADMIN, plan_id, level="universell",
                                         name=f"Samme tiltak{' ' * (n % 3)}"))
        except (ValidationError, ConflictError) as exc:
            refused.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(EDITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(created) == 1 and len(refused) == EDITORS - 1, errors
    assert all("Det finnes allerede et tiltak som heter «Samme tiltak»" in m or
               m.startswith("Et tiltak med samme navn ble lagret av en annen samtidig") for m in refused), refused
    with session_scope(demo_engine) as s:
        assert len(s.scalars(select(Tiltak.id).where(Tiltak.plan_id == plan_id,
                                                     Tiltak.name_key == "samme tiltak")).all()) == 1
