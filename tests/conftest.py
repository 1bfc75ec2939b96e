"""Fixtures that build real databases: SQLite files and PostgreSQL databases cloned from a template.

PostgreSQL is used when ``LAGET_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it). Locally the PostgreSQL
half is skipped when no server is configured; in CI (``CI=true``) a missing server is an error.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from data_access.db.demo import load_demo
from data_access.db.engine import make_engine, upgrade

PG_URL = os.environ.get("LAGET_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin() -> Engine:
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _require_pg() -> None:
    if not PG_URL:
        if IN_CI:
            pytest.fail("LAGET_TEST_POSTGRES_URL er ikke satt i CI; PostgreSQL-testene kan ikke hoppes over.")
        pytest.skip("PostgreSQL er ikke satt opp lokalt (sett LAGET_TEST_POSTGRES_URL)")


class Templates:
    """Builds each kind of database once per test session and hands out fresh copies."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.sqlite: dict[str, Path] = {}
        self.pg: dict[str, str] = {}
        self.created_pg: list[str] = []

    def _fill(self, engine: Engine, kind: str) -> None:
        upgrade(engine)
        if kind == "demo":
            load_demo(engine)

    def sqlite_copy(self, kind: str, dest: Path) -> str:
        if kind not in self.sqlite:
            path = self.tmp / f"template-{kind}.db"
            engine = make_engine(f"sqlite:///{path}")
            self._fill(engine, kind)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            self.sqlite[kind] = path
        shutil.copy(self.sqlite[kind], dest)
        return f"sqlite:///{dest}"

    def pg_copy(self, kind: str) -> str:
        admin = _pg_admin()
        if kind not in self.pg:
            name = f"laget_tpl_{kind}_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
            self._fill(engine, kind)
            engine.dispose()
            self.pg[kind] = name
            self.created_pg.append(name)
        name = f"laget_t_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg[kind]}"'))
        admin.dispose()
        self.created_pg.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created_pg:
            return
        admin = _pg_admin()
        with admin.connect() as conn:
            for name in reversed(self.created_pg):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    t = Templates(tmp_path_factory.mktemp("templates"))
    yield t
    t.drop_all()


def _database_url(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path, kind: str) -> str:
    if request.param == "postgresql":
        _require_pg()
        return templates.pg_copy(kind)
    return templates.sqlite_copy(kind, tmp_path / f"{kind}.db")


@pytest.fixture(params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> str:
    """URL of a fresh database with the demo plans, on each backend."""
    return _database_url(request, templates, tmp_path, "demo")


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> str:
    """URL of a fresh, migrated database with no rows, on each backend."""
    return _database_url(request, templates, tmp_path, "empty")


@pytest.fixture
def demo_engine(demo_url: str) -> Iterator[Engine]:
    engine = make_engine(demo_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_demo_url(templates: Templates, tmp_path: Path) -> str:
    """A SQLite demo database for page tests, where the backend does not matter."""
    return templates.sqlite_copy("demo", tmp_path / "app.db")
