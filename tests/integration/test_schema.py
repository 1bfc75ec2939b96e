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
    assert [d for d in diff if d[0] in {"add_table", "add_column", "remove_table", "remove_column"}] == []
