"""Issue 20.6 on SQLite and PostgreSQL: «Norge» is stored as «Hele landet», and migration 0013 renames old rows."""

from sqlalchemy import text

from data_access.domain.permissions import Actor
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.writes.indicators import set_value

KARI = Actor("redaktor", "redaktor")


def test_a_value_for_norge_is_stored_as_hele_landet(demo_engine):
    ind = indicators_frame(demo_engine, 1)["id"][0]
    set_value(demo_engine, KARI, ind, period="2030", geo="land", value=5.0, geo_name="Norge", source="SSB",
              version=0)
    values = values_frame(demo_engine, 1, [ind])
    assert values.filter(values["period"] == "2030")["geo_name"].to_list() == ["Hele landet"]


def test_demo_and_migration_leave_one_name_for_the_country(demo_engine):
    from tests.integration.test_schema import _migrate

    names = set(values_frame(demo_engine, 1).filter(values_frame(demo_engine, 1)["geo"] == "land")["geo_name"])
    assert names == {"Hele landet"}
    _migrate(demo_engine, "0009_unique_names", down=True)
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE indicator_values SET geo_name = 'Norge' WHERE geo = 'land'"))
        conn.execute(text("UPDATE indicator_values SET geo_name = 'Norge' WHERE geo = 'kommune' AND id = "
                          "(SELECT min(id) FROM indicator_values WHERE geo = 'kommune')"))
        before = conn.execute(text("SELECT count(*) FROM indicator_values WHERE geo = 'land'")).scalar()
    _migrate(demo_engine, "head")
    with demo_engine.connect() as conn:
        land = conn.execute(text("SELECT DISTINCT geo_name FROM indicator_values WHERE geo = 'land'")).scalars().all()
        kommune = conn.execute(text("SELECT count(*) FROM indicator_values WHERE geo = 'kommune' AND geo_name = "
                                    "'Norge'")).scalar()
        renamed = conn.execute(text("SELECT count(*) FROM indicator_values WHERE geo = 'land' AND version > 0"))\
            .scalar()
    assert land == ["Hele landet"] and before > 0
    assert kommune == 1, "a kommune is never renamed"
    assert renamed == before, "the rename bumps the version, so an open form sees the change"
