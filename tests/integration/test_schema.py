"""The alembic migrations build the schema the ORM expects, on both backends."""

from sqlalchemy import inspect

from data_access.db.engine import is_current, upgrade
from data_access.db.models import Base


def test_migrations_create_every_table(empty_engine):
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert is_current(empty_engine)


def test_upgrade_twice_is_harmless(empty_engine):
    upgrade(empty_engine)
    assert is_current(empty_engine)


def test_migrations_match_models(empty_engine):
    """Autogenerate finds nothing to add: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if d[0] in {"add_table", "add_column", "remove_table", "remove_column", "add_index",
                                        "remove_index"}] == []


def _migrate(engine, target: str, *, down: bool = False) -> None:
    from alembic import command

    from data_access.db.engine import alembic_config

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def test_names_that_already_collide_are_renamed_by_the_migration(empty_engine):
    """0009 makes names unique (case and spacing ignored); names stored twice before it are kept, renamed «(2)»."""
    from sqlalchemy import text

    from data_access.db.changelog import log_frame

    _migrate(empty_engine, "0007_excel", down=True)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO plans (id, key, name, kommune, uses_protective_factors, source, is_demo, "
                          "sort_order) VALUES (1, 'p', 'P', 'K', false, '', false, 0), "
                          "(2, 'q', 'Q', 'K', false, '', false, 0)"))
        conn.execute(text("INSERT INTO levels (id, plan_id, slug, label, color, sort_order) VALUES "
                          "(1, 1, 'universell', 'Universell', 'grønn', 0), (2, 2, 'universell', 'U', 'grønn', 0)"))
        conn.execute(text("INSERT INTO statuses (id, slug, label, sort_order, is_closed) VALUES "
                          "(1, 'planlagt', 'Planlagt', 0, false)"))
        for i, (plan, name) in enumerate([(1, "Tett oppfølging"), (1, "tett  OPPFØLGING"), (1, "Tett oppfølging (2)"),
                                          (1, "TETT OPPFØLGING"), (2, "Tett oppfølging")], start=1):
            conn.execute(text("INSERT INTO tiltak (id, plan_id, level_id, name, description, status_id, status_note, "
                              "next_step, next_evaluation_is_example, sort_order, version) VALUES (:i, :p, :p, :n, "
                              "'', 1, '', '', false, :i, 3)"), {"i": i, "p": plan, "n": name})
        conn.execute(text("INSERT INTO services (id, name) VALUES (1, 'PPT'), (2, 'ppt'), (3, 'NAV')"))
    _migrate(empty_engine, "head")
    with empty_engine.connect() as conn:
        tiltak = conn.execute(text("SELECT id, name, version FROM tiltak ORDER BY id")).all()
        services = conn.execute(text("SELECT id, name FROM services ORDER BY id")).all()
    assert [tuple(r) for r in tiltak] == [(1, "Tett oppfølging", 3), (2, "tett  OPPFØLGING (3)", 4),
                                          (3, "Tett oppfølging (2)", 3), (4, "TETT OPPFØLGING (4)", 4),
                                          (5, "Tett oppfølging", 3)]
    assert [tuple(r) for r in services] == [(1, "PPT"), (2, "ppt (2)"), (3, "NAV")]
    log = log_frame(empty_engine, plan_id=1)
    assert sorted(zip(log["old_value"], log["new_value"], strict=True)) == [
        ("TETT OPPFØLGING", "TETT OPPFØLGING (4)"), ("tett  OPPFØLGING", "tett  OPPFØLGING (3)")]
    assert set(log["username"]) == {"system"}


def test_a_name_is_unique_in_the_schema_whatever_its_case_and_spacing(empty_engine):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from data_access.db.engine import session_scope
    from data_access.db.models import Plan, Service

    with session_scope(empty_engine) as s:
        s.add(Plan(key="p", name="P", kommune="K"))
        s.add(Service(name="Barnevern"))
    with pytest.raises(IntegrityError), session_scope(empty_engine) as s:
        s.add(Service(name="  BARNEVERN "))


def test_every_write_that_names_a_row_refuses_a_name_the_plan_has(demo_engine):
    """The schema keeps names unique; the writes say so in Norwegian first, and change nothing."""
    import polars as pl
    import pytest

    from data_access.db.uow import Change
    from data_access.domain.errors import ValidationError
    from data_access.domain.permissions import Actor
    from data_access.reads.arenas import arenas_frame
    from data_access.reads.indicators import indicators_frame
    from data_access.reads.plans import plans_frame
    from data_access.reads.tiltak import tiltak_frame
    from data_access.writes.arenas import create_arena, update_arena
    from data_access.writes.indicators import create_indicator, update_indicator
    from data_access.writes.tiltak import create_tiltak, save_changes

    admin = Actor("admin", "admin")
    plan = int(plans_frame(demo_engine).filter(pl.col("key") == "stange-2023-2026")["id"][0])
    tiltak = tiltak_frame(demo_engine, plan).head(2).to_dicts()
    arenas = arenas_frame(demo_engine, plan).head(2).to_dicts()
    indicators = indicators_frame(demo_engine, plan).head(2).to_dicts()
    shout = lambda name: f"  {name.upper()} "  # noqa: E731 - the same name as the schema compares names
    writes = {
        "et tiltak": lambda: create_tiltak(demo_engine, admin, plan, level="universell", name=shout(tiltak[0]["name"])),
        "et tiltak ": lambda: save_changes(demo_engine, admin, plan, [Change(tiltak[1]["id"], tiltak[1]["version"],
                                                                             {"name": shout(tiltak[0]["name"])})]),
        "en møtearena": lambda: create_arena(demo_engine, admin, plan, name=shout(arenas[0]["name"]), level="kommune"),
        "en møtearena ": lambda: update_arena(demo_engine, admin, arenas[1]["id"], arenas[1]["version"],
                                              {"name": shout(arenas[0]["name"])}),
        "en indikator": lambda: create_indicator(demo_engine, admin, plan, name=shout(indicators[0]["name"])),
        "en indikator ": lambda: update_indicator(demo_engine, admin, indicators[1]["id"],
                                                  {"name": shout(indicators[0]["name"])},
                                                  version=indicators[1]["version"]),
    }
    for noun, write in writes.items():
        with pytest.raises(ValidationError, match=f"Det finnes allerede {noun.strip()} som heter «"):
            write()
    assert tiltak_frame(demo_engine, plan).head(2).to_dicts() == tiltak
    assert arenas_frame(demo_engine, plan).head(2).to_dicts() == arenas
    assert indicators_frame(demo_engine, plan).head(2).to_dicts() == indicators
