"""Engines, sessions and schema upgrades for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data_access.errors import DatabaseFault

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUnavailable(DatabaseFault):
    """The configured database cannot be reached; the message names the setting, in Norwegian."""


NOTHING_SAVED = "Ingenting ble lagret; endringene dine står fortsatt på skjermen."
FAULTS = (  # (words in the driver's message or SQLSTATE, what the user is told)
    (("database is locked", "database table is locked", "55P03", "40P01", "40001"),
     "Databasen er opptatt med andre lagringer og svarte ikke i tide. Prøv igjen om litt."),
    (("disk is full", "database or disk is full", "53100", "No space left"),
     "Databasen har ikke mer diskplass. Si fra til IT."),
    (("readonly database", "read-only", "25006", "read only"),
     "Databasen er skrivebeskyttet, så ingenting kan lagres nå. Si fra til IT."),
)


def fault_from(error: Exception) -> DatabaseFault:
    """A Norwegian ``DatabaseFault`` that says what happened to a write (locked, full, read-only, down)."""
    text = f"{error} {getattr(getattr(error, 'orig', None), 'sqlstate', '') or ''}"
    for needles, message in FAULTS:
        if any(n.lower() in text.lower() for n in needles):
            return DatabaseFault(f"{message} {NOTHING_SAVED}")
    return DatabaseFault(f"Får ikke kontakt med databasen. {NOTHING_SAVED} Laget prøver igjen ved neste klikk.")


SQLITE_BUSY_MS = 15_000


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # SQLAlchemy, not the driver, starts transactions (see _sqlite_begin), so writers can ask for IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.close()


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
    safe = _mask_password(url)
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
        raise DatabaseUnavailable(unavailable_message(str(engine.url.render_as_string(False)), exc)) from exc


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    check_connection(engine)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
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


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A read (or a migration/demo load): commit on success, roll back on error. Writes use ``uow.UnitOfWork``."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        if isinstance(exc, IntegrityError):
            raise
        raise fault_from(exc) from exc
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
