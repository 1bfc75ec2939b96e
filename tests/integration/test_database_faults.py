"""Database faults give a Norwegian message that says what happened and that nothing was saved, and the app
recovers by itself when the database is back.

PostgreSQL is stopped for real, in a private throw-away cluster (never the shared server); SQLite is made
read-only, locked by another writer and full for real."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from data_access.db import engine as db
from data_access.db.bootstrap import prepare_database
from data_access.db.engine import DatabaseUnavailable, database_fault, fault_kind, make_engine, upgrade
from data_access.domain.errors import DatabaseFault
from data_access.domain.permissions import Actor
from data_access.reads.plans import plans_frame
from data_access.writes.plans import create_plan
from tests.private_postgres import private_postgres

ADMIN = Actor("admin", "admin")
NOTHING = "Ingenting ble lagret"


def _plan(engine, name: str = "Plan") -> int:
    return create_plan(engine, ADMIN, name=name, kommune="Hamar")


def test_postgres_stopped_and_started_again():
    with private_postgres() as cluster:
        admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE laget"))
        admin.dispose()
        engine = make_engine(cluster.url("laget"))
        upgrade(engine)
        _plan(engine, "Før stopp")

        cluster.stop()
        with pytest.raises(DatabaseFault) as err:
            _plan(engine, "Under stopp")
        assert err.value.kind == "unavailable"
        assert str(err.value).startswith("Databasen er ikke tilgjengelig") and NOTHING in str(err.value)
        with pytest.raises(DatabaseFault, match="Databasen er ikke tilgjengelig"):
            plans_frame(engine)

        from config.settings import load_settings

        with pytest.raises(DatabaseUnavailable, match="DATABASE_URL"):
            prepare_database(load_settings(env={"DATABASE_URL": cluster.url("laget")}))

        cluster.start()
        assert plans_frame(engine)["name"].to_list() == ["Før stopp"], "the same engine recovers; nothing half-saved"
        _plan(engine, "Etter start")
        assert plans_frame(engine).height == 2
        engine.dispose()


def test_sqlite_read_only(tmp_path, templates):
    path = tmp_path / "ro.db"
    templates.sqlite_copy("demo", path)
    engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert plans_frame(engine).height == 2, "reading still works"
    with pytest.raises(DatabaseFault) as err:
        _plan(engine)
    assert err.value.kind == "read_only"
    assert str(err.value).startswith("Databasen er skrivebeskyttet") and NOTHING in str(err.value)
    assert "Får ikke kontakt" not in str(err.value)
    engine.dispose()


def test_read_only_sqlite_at_start_up_names_the_cause(tmp_path):
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()  # rollback journal, not yet WAL
    engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(DatabaseUnavailable) as err:
        db.check_connection(engine)
    assert "skrivebeskyttet" in str(err.value) and "Får ikke kontakt" not in str(err.value)
    assert "DATABASE_URL" in str(err.value)


def test_sqlite_locked_by_another_writer(tmp_path, templates, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_MS", 300)
    path = tmp_path / "locked.db"
    url = templates.sqlite_copy("demo", path)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock past our busy timeout
    engine = make_engine(url)
    try:
        with pytest.raises(DatabaseFault) as err:
            _plan(engine)
        assert err.value.kind == "busy"
        assert str(err.value).startswith("Databasen er opptatt") and NOTHING in str(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    _plan(engine)  # the lock is gone: the same engine writes again
    engine.dispose()


def test_sqlite_disk_full(tmp_path, templates):
    url = templates.sqlite_copy("empty", tmp_path / "full.db")
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _no_room(dbapi_conn, _record):  # the file may not grow: what SQLite reports when the disk is full
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    with pytest.raises(DatabaseFault) as err:
        for i in range(500):
            _plan(engine, f"Plan {i} " + "x" * 250)
    assert err.value.kind == "full"
    assert str(err.value).startswith("Disken er full") and NOTHING in str(err.value)
    engine.dispose()


def test_postgres_read_only_database(templates):
    from tests.conftest import _require_pg

    _require_pg()
    url = templates.pg_copy("empty")
    engine = make_engine(url)
    with engine.connect() as conn:
        name = conn.execute(text("SELECT current_database()")).scalar()
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        conn.commit()
    engine.dispose()
    engine = make_engine(url)
    with pytest.raises(DatabaseFault) as err:
        _plan(engine)
    assert err.value.kind == "read_only" and str(err.value).startswith("Databasen er skrivebeskyttet")
    engine.dispose()


@pytest.mark.parametrize("error, kind, start", [
    ("DiskFull", "full", "Disken er full"),
    ("ReadOnlySqlTransaction", "read_only", "Databasen er skrivebeskyttet"),
    ("LockNotAvailable", "busy", "Databasen er opptatt"),
    ("AdminShutdown", "unavailable", "Databasen er ikke tilgjengelig"),
    ("UniqueViolation", None, None),
])
def test_postgres_errors_are_classified_by_sqlstate(error, kind, start):
    import psycopg.errors
    from sqlalchemy.exc import DBAPIError

    exc = DBAPIError.instance("INSERT …", {}, getattr(psycopg.errors, error)("boom"), psycopg.Error)
    assert fault_kind(exc) == kind
    fault = database_fault(exc)
    assert (fault is None) if kind is None else str(fault).startswith(start)


def test_other_errors_pass_unchanged(tmp_path, templates):
    """A bug (or a constraint the caller handles) is not dressed up as a database fault."""
    from sqlalchemy.exc import IntegrityError

    engine = make_engine(templates.sqlite_copy("empty", tmp_path / "x.db"))
    with pytest.raises(IntegrityError), db.session_scope(engine) as s:
        s.execute(text("INSERT INTO app_meta (key, value) VALUES ('a', '1'), ('a', '2')"))
    engine.dispose()
