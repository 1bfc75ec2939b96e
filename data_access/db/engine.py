"""Engines, sessions and schema upgrades for SQLite and PostgreSQL alike.

Database faults (server down, locked, disk full, read-only) never reach the user raw: ``reading`` and the unit
of work turn them into ``DatabaseFault`` with a Norwegian message saying what happened and that nothing was
saved. The engine is never left broken: PostgreSQL connections are pinged before use (``pool_pre_ping``), so
once the server is back the next request simply works.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data_access.domain.errors import DatabaseFault

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 15_000  # a writer waits this long for another writer before "Databasen er opptatt"
NOTHING_SAVED = "Ingenting ble lagret, og endringene dine står fortsatt på skjermen."
FAULT_MESSAGES = {
    "unavailable": "Databasen er ikke tilgjengelig akkurat nå. {nothing} Prøv igjen om litt; Laget kobler seg til "
                   "på nytt av seg selv når databasen er tilbake. Kontakt IT hvis det varer.",
    "busy": "Databasen er opptatt med andre lagringer. {nothing} Prøv igjen om et øyeblikk.",
    "full": "Disken er full, så databasen kan ikke lagre noe. {nothing} Kontakt IT: det må frigjøres plass på "
            "tjeneren.",
    "read_only": "Databasen er skrivebeskyttet, så Laget kan ikke lagre noe. {nothing} Kontakt IT: Laget må ha "
                 "skrivetilgang til databasen (filen eller databasebrukeren).",
}
# PostgreSQL SQLSTATEs (Appendix A of its manual); class 08 (connection exceptions) is handled by prefix
PG_STATES = {"25006": "read_only", "53100": "full", "55P03": "busy", "40P01": "busy", "40001": "busy",
             "53300": "busy", "57014": "busy", "57P01": "unavailable", "57P02": "unavailable",
             "57P03": "unavailable", "58030": "unavailable"}
# SQLite result codes (sqlite3.Error.sqlite_errorname), then the messages for older drivers
SQLITE_CODES = {"SQLITE_BUSY": "busy", "SQLITE_LOCKED": "busy", "SQLITE_READONLY": "read_only",
                "SQLITE_FULL": "full", "SQLITE_CANTOPEN": "unavailable", "SQLITE_IOERR": "unavailable"}
SQLITE_TEXTS = (("readonly database", "read_only"), ("read-only", "read_only"), ("disk is full", "full"),
                ("database is locked", "busy"), ("table is locked", "busy"), ("unable to open", "unavailable"),
                ("disk i/o error", "unavailable"))


def fault_kind(exc: BaseException) -> str | None:
    """What kind of database fault ``exc`` is ("unavailable", "busy", "full", "read_only"), or None for a bug."""
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return "unavailable" if sqlstate.startswith("08") else PG_STATES.get(sqlstate)
    code = getattr(orig, "sqlite_errorname", "") or ""
    for prefix, kind in SQLITE_CODES.items():
        if code == prefix or code.startswith(prefix + "_"):
            return kind
    text = str(orig).lower()
    for needle, kind in SQLITE_TEXTS:
        if needle in text:
            return kind
    if type(orig).__module__.startswith("psycopg") and type(orig).__name__ == "OperationalError":
        return "unavailable"  # no SQLSTATE: connection refused, closed or lost
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "unavailable"
    return None


def database_fault(exc: BaseException) -> DatabaseFault | None:
    """The Norwegian ``DatabaseFault`` for a driver error, or None when it is not a fault of the database."""
    kind = fault_kind(exc)
    return DatabaseFault(FAULT_MESSAGES[kind].format(nothing=NOTHING_SAVED), kind) if kind else None


class DatabaseUnavailable(DatabaseFault, RuntimeError):
    """The configured database cannot be used at start-up; the message names the cause and the setting."""


def fault_from(exc: BaseException) -> DatabaseFault:
    """The Norwegian ``DatabaseFault`` for a driver error met by a write; an unclassified one counts as unavailable."""
    return database_fault(exc) or DatabaseFault(FAULT_MESSAGES["unavailable"].format(nothing=NOTHING_SAVED))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # SQLAlchemy, not the driver, starts transactions (see _sqlite_begin), so writers can ask for IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    _journal_mode_wal(cur)
    cur.close()


def _journal_mode_wal(cur) -> None:
    """Switch to WAL, retrying while the file is locked: when several processes open a new database at the same
    moment (replicas on rollout), SQLite answers "database is locked" at once, without the busy wait, to avoid a
    lock deadlock. The mode persists in the file, so whoever wins, every retry then finds it set."""
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_begin(conn) -> None:
    """A write unit of work takes the write lock up front, so it waits on the busy timeout instead of failing
    with "database is locked" half-way, after it has read data that another writer then changes."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL (readers don't block the writer), foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    return engine


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL and process, shared by every Streamlit session."""
    return make_engine(url)


def unavailable_message(url: str, error: Exception | None = None) -> str:
    """Start-up message: names the cause (a read-only or full database is not "no contact") and the setting."""
    safe = _mask_password(url)
    kind = fault_kind(error) if error is not None else None
    if kind in {"read_only", "full", "busy"}:
        return (FAULT_MESSAGES[kind].format(nothing="Ingenting ble lagret.")
                + f" (Innstillingen DATABASE_URL: {safe}.)")
    detail = f" ({type(error).__name__})" if error else ""
    return (
        f"Får ikke kontakt med databasen i innstillingen DATABASE_URL ({safe}){detail}. "
        "Sjekk at adressen, brukernavnet og passordet stemmer og at databasetjeneren kjører."
    )


def _mask_password(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(unavailable_message(str(engine.url.render_as_string(False)), exc),
                                  fault_kind(exc) or "unavailable") from exc


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


SCHEMA_LOCK_KEY = 7_358_246_501  # pg_advisory_lock key of Laget's schema upgrade and first demo load


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """One process at a time upgrades the schema or loads the demo: replicas that start together (a rollout)
    queue here, and the ones after the first find the work done. PostgreSQL: a session advisory lock on a
    connection of its own; SQLite: an exclusive ``flock`` on a file beside the database (one host). Not
    re-entrant: never nest it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
            conn.commit()  # the lock belongs to the session; no transaction stays open while we wait
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SCHEMA_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; concurrent callers queue on ``schema_lock``)."""
    check_connection(engine)
    cfg = alembic_config(engine)
    with schema_lock(engine), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_current(engine: Engine) -> bool:
    """True when the schema is at head, so the app can skip alembic on every rerun."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


Source = Engine | Session  # what a read takes: an engine (it reads on its own) or the session of a reading or a write


@lru_cache(maxsize=8)
def _snapshot_engine(engine: Engine) -> Engine:
    """On PostgreSQL the same pool with REPEATABLE READ, READ ONLY set on the connection: psycopg puts it in the
    BEGIN it sends anyway, so a snapshot costs no extra statement. SQLite's deferred transaction is a snapshot."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


@contextmanager
def reading(source: Source) -> Iterator[Session]:
    """One consistent snapshot for every read inside it: ``with reading(engine) as r:`` and pass ``r`` to each
    read, so a report, an import preview or the minutes show one state of the database, not several.

    Given a session (an outer reading, or a unit of work's ``uow.s``), the reads join that transaction. Given an
    engine, a read-only transaction is opened (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: one deferred
    transaction, whose WAL snapshot holds from its first read) and always rolled back: a reading never writes.
    A database fault becomes ``DatabaseFault``."""
    if isinstance(source, Session):
        yield source
        return
    session = sessionmaker(_snapshot_engine(source), expire_on_commit=False)()
    try:
        yield session
    except DBAPIError as exc:
        if (fault := database_fault(exc)) is not None:
            raise fault from exc
        raise
    finally:
        with suppress(SQLAlchemyError):
            session.expunge_all()  # rows read here keep their values after the rollback (detached, not expired)
            session.rollback()
            session.close()


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A plain connection for fast reads; a database fault becomes ``DatabaseFault`` as in ``reading``."""
    try:
        with engine.connect() as conn:
            yield conn
    except DBAPIError as exc:
        if (fault := database_fault(exc)) is not None:
            raise fault from exc
        raise


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A raw read-write transaction for tests, benchmarks and tools that set up data outside the app's rules.

    App code never uses it (``tests/unit/test_layers.py`` checks): it reads with ``reading`` and writes through
    ``uow.UnitOfWork``. A database fault becomes ``DatabaseFault``; other errors pass unchanged."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except Exception as exc:
        with suppress(SQLAlchemyError):  # the connection is gone: nothing to roll back
            session.rollback()
        if isinstance(exc, DBAPIError) and (fault := database_fault(exc)) is not None:
            raise fault from exc
        raise
    finally:
        with suppress(SQLAlchemyError):
            session.close()
