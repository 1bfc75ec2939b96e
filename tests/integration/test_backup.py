"""Backup and restore: SQLite (demo) → backup → restore into PostgreSQL → backup again gives the same content;
a restore refuses a non-empty database and a backup of another schema revision, and is all or nothing."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select, text

from data_access.db.backup import backup, restore
from data_access.db.engine import make_engine, session_scope
from data_access.db.models import Base
from data_access.domain.errors import ValidationError
from data_access.domain.meetings import MeetingUpdate
from data_access.domain.permissions import Actor
from data_access.domain.users import SYSTEM
from data_access.reads.indicators import indicators_frame
from data_access.reads.plans import plans_frame
from data_access.reads.users import verify
from data_access.writes.group_meetings import end_meeting, start_meeting
from data_access.writes.indicators import set_value
from data_access.writes.meetings import update_meeting
from data_access.writes.plans import create_plan

RED = Actor("redaktor", "redaktor")
SLT = Actor("slt", "planlegger")


def _lines(data: bytes) -> tuple[dict, list[str]]:
    header, *rows = gzip.decompress(data).decode().splitlines()
    return json.loads(header), rows


def _backup(engine) -> bytes:
    out = io.BytesIO()
    backup(engine, SYSTEM, out)
    return out.getvalue()


def _fill_every_kind_of_row(engine) -> None:
    """Meetings, minutes and values on top of the demo, so every table the issue names has rows."""
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    meeting_id = start_meeting(engine, RED, plan_id, date(2026, 3, 2), "SLT, PPT – «sitat» 😀")
    end_meeting(engine, RED, meeting_id, {}, summary="Første linje\nAndre linje")
    from data_access.reads.arenas import arenas_frame

    arena = arenas_frame(engine, plan_id).row(0, named=True)
    update_meeting(engine, SLT, MeetingUpdate(arena["id"], date(2026, 6, 1), 0, state="avlyst", note="Ferie"))
    ind = indicators_frame(engine, plan_id).row(0, named=True)
    set_value(engine, RED, ind["id"], period="2025", geo="kommune", value=12.345678901234, source="SSB",
              version=0)


def test_sqlite_demo_to_postgres_and_back_gives_the_same_content(templates, tmp_path):
    from tests.conftest import _require_pg

    _require_pg()
    sqlite = make_engine(templates.sqlite_copy("demo", tmp_path / "demo.db"))
    _fill_every_kind_of_row(sqlite)
    first = _backup(sqlite)
    header, rows = _lines(first)
    for table in ("plans", "users", "change_log", "meetings", "group_meetings", "indicator_values", "tiltak",
                  "arenas", "indicators", "levels", "protective_factors", "app_meta"):
        assert header["tables"][table] > 0, table
    assert set(header["tables"]) == {t.name for t in Base.metadata.sorted_tables}, "every table, generically"
    assert len(rows) == sum(header["tables"].values())

    pg = make_engine(templates.pg_copy("empty"))
    counts = restore(pg, SYSTEM, io.BytesIO(first))
    assert counts == header["tables"]
    second_header, second_rows = _lines(_backup(pg))
    assert second_rows == rows, "the same content, row for row"
    assert {k: v for k, v in second_header.items() if k != "created_at"} == \
        {k: v for k, v in header.items() if k != "created_at"}

    assert verify(pg, "redaktor", "laget-demo") is not None, "password hashes came along"
    new_id = create_plan(pg, Actor("admin", "admin"), name="Ny plan", kommune="Hamar")
    assert new_id > max(plans_frame(sqlite)["id"].to_list()), "PostgreSQL's id sequences were moved on"
    sqlite.dispose()
    pg.dispose()


def test_restore_into_a_new_sqlite_file(demo_engine, tmp_path):
    data = _backup(demo_engine)
    target = make_engine(f"sqlite:///{tmp_path / 'new.db'}")  # does not exist yet: created and migrated
    restore(target, SYSTEM, io.BytesIO(data))
    assert _lines(_backup(target))[1] == _lines(data)[1]
    target.dispose()


def test_restore_refuses_a_database_that_is_not_empty(demo_engine):
    data = _backup(demo_engine)
    with pytest.raises(ValidationError, match="Databasen er ikke tom"):
        restore(demo_engine, SYSTEM, io.BytesIO(data))


def _rewrite(data: bytes, change) -> bytes:
    header, rows = _lines(data)
    header, rows = change(header, rows)
    return gzip.compress("\n".join([json.dumps(header), *rows]).encode() + b"\n")


def _count(engine) -> int:
    with session_scope(engine) as s:
        return sum(s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables)


def test_restore_refuses_another_schema_revision(demo_engine, empty_engine):
    data = _rewrite(_backup(demo_engine), lambda h, r: (h | {"alembic_revision": "0000_old"}, r))
    with pytest.raises(ValidationError, match="skjemaversjon «0000_old»"):
        restore(empty_engine, SYSTEM, io.BytesIO(data))
    assert _count(empty_engine) == 0


def test_restore_is_all_or_nothing(demo_engine, empty_engine):
    broken = _rewrite(_backup(demo_engine), lambda h, r: (h, r[:-5]))  # the last rows are missing
    with pytest.raises(ValidationError, match="ufullstendig"):
        restore(empty_engine, SYSTEM, io.BytesIO(broken))
    assert _count(empty_engine) == 0
    with pytest.raises(ValidationError, match="ikke en sikkerhetskopi"):
        restore(empty_engine, SYSTEM, io.BytesIO(b"plan;kommune\n"))


def test_too_long_value_from_sqlite_is_named_not_a_raw_error(templates, tmp_path, empty_engine):
    sqlite = make_engine(templates.sqlite_copy("demo", tmp_path / "long.db"))
    with sqlite.begin() as conn:  # SQLite does not enforce VARCHAR lengths; PostgreSQL does
        conn.execute(text("UPDATE users SET name = :n WHERE username = 'leder'"), {"n": "x" * 151})
    with pytest.raises(ValidationError, match=r"tabellen «users».*kolonnen «name».*har 151 tegn, men kan ha høyst 150"):
        restore(empty_engine, SYSTEM, io.BytesIO(_backup(sqlite)))
    assert _count(empty_engine) == 0
    sqlite.dispose()


def test_cli_backup_and_restore(templates, tmp_path, monkeypatch, capsys):
    from dashboard.cli import main

    source = templates.sqlite_copy("demo", tmp_path / "source.db")
    monkeypatch.setenv("DATABASE_URL", source)
    assert main(["backup", str(tmp_path / "laget.backup.gz")]) == 0
    assert "Sikkerhetskopi skrevet" in capsys.readouterr().out
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'target.db'}")
    assert main(["restore", str(tmp_path / "laget.backup.gz")]) == 0
    assert "Gjenopprettet" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "laget.backup.gz")]) == 1
    assert "Databasen er ikke tom" in capsys.readouterr().err
