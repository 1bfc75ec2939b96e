"""dashboard.reads: frames cached per data version, refreshed after writes on SQLite and PostgreSQL alike."""

from datetime import date

import polars as pl
import pytest
from sqlalchemy import event

from dashboard import reads
from data_access.db.changelog import data_version
from data_access.db.engine import get_engine
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.reads.group_meetings import open_meeting
from data_access.reads.plans import levels_frame, plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.group_meetings import start_meeting
from data_access.writes.tiltak import create_tiltak, save_changes, set_archived

EDITOR = Actor("redaktor", "redaktor", "Redaktør")


@pytest.fixture
def stange(demo_url):
    reads.clear()
    engine = get_engine(demo_url)
    plans = plans_frame(engine)
    return demo_url, engine, plans.filter(pl.col("key") == "stange-2023-2026")["id"][0]


class Statements:
    def __init__(self, engine):
        self.engine, self.count, self.sql = engine, 0, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):  # SQLite's explicit BEGIN
            self.count += 1
            self.sql.append(statement)


def read(url, engine, fn, *args, **kwargs):
    return reads.cached_read(url, data_version(engine), fn, *args, **kwargs)


def test_same_version_reads_once(stange):
    url, engine, plan_id = stange
    first = read(url, engine, tiltak_frame, plan_id)
    with Statements(engine) as s:
        again = reads.cached_read(url, data_version(engine), tiltak_frame, plan_id)
    assert again is first
    assert s.count == 1, s.sql  # the version query only


def test_saved_status_is_patched_in_and_equals_a_full_read(stange):
    url, engine, plan_id = stange
    before = read(url, engine, tiltak_frame, plan_id)
    levels = read(url, engine, levels_frame, plan_id)
    row = before.row(3, named=True)
    new_status = "avsluttet" if row["status"] != "avsluttet" else "i_gang"
    save_changes(engine, EDITOR, plan_id, [Change(row["id"], row["version"],
                                                        {"status": new_status, "services": ["PPT"]})])
    with Statements(engine) as s:
        after = read(url, engine, tiltak_frame, plan_id)
        assert read(url, engine, levels_frame, plan_id) is levels  # not written: kept
    # version ×2, change log, the changed tiltak and its services; not the whole plan
    assert s.count <= 5, s.sql
    assert any("tiltak.id IN" in q for q in s.sql), s.sql
    assert after.equals(tiltak_frame(engine, plan_id))
    assert after.filter(pl.col("id") == row["id"])["status"][0] == new_status


@pytest.mark.parametrize("write", ["create", "archive"])
def test_added_or_archived_tiltak_gives_a_full_read(stange, write):
    url, engine, plan_id = stange
    before = read(url, engine, tiltak_frame, plan_id)
    if write == "create":
        create_tiltak(engine, EDITOR, plan_id, level="selektiv", name="Nytt i testen")
    else:
        row = before.row(0, named=True)
        set_archived(engine, EDITOR, row["id"], row["version"], True)
    after = read(url, engine, tiltak_frame, plan_id)
    assert after.equals(tiltak_frame(engine, plan_id))
    assert after.height == before.height + (1 if write == "create" else -1)


def test_group_meeting_started_elsewhere_is_seen(stange):
    url, engine, plan_id = stange
    assert read(url, engine, open_meeting, plan_id) is None
    start_meeting(engine, EDITOR, plan_id, date.today(), "SLT-koordinator")
    assert read(url, engine, open_meeting, plan_id) is not None
