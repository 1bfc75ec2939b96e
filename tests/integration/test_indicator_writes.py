"""Indicator upkeep on both backends: import all or nothing and idempotent, manual entry, registry."""

from pathlib import Path

import polars as pl
import pytest

from data_access.db.changelog import log_frame
from data_access.domain.errors import ConflictError, ValidationError
from data_access.domain.permissions import Actor
from data_access.formats.indicator_import import ValueRow, parse_file, plan_import
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.plans import plans_frame
from data_access.writes.indicators import create_indicator, delete_value, import_values, set_value, update_indicator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
RED = Actor("redaktor", "redaktor")
LEDER = Actor("leder", "leser")


def _indicator(engine, key="spesialundervisning"):
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    ind = indicators_frame(engine, plan_id).filter(pl.col("key") == key).row(0, named=True)
    return plan_id, ind


def _values(engine, plan_id, ind_id):
    return values_frame(engine, plan_id, [ind_id]).sort("period_order", "geo")


def test_import_skoleporten_twice_changes_nothing_the_second_time(demo_engine):
    plan_id, ind = _indicator(demo_engine)
    parsed = parse_file((FIXTURES / "udir_skoleporten.csv").read_bytes())
    series = {s.geo_guess: s.key for s in parsed.series()}
    rows = plan_import(parsed, {series["kommune"]: "kommune", series["land"]: "land"}, "Udir: skoleporten.csv")
    first = import_values(demo_engine, RED, ind["id"], rows)
    assert first.inserted + first.updated == 8 - first.unchanged and first.inserted + first.updated > 0
    values = _values(demo_engine, plan_id, ind["id"])
    real = values.filter(pl.col("source") == "Udir: skoleporten.csv")
    assert real.height == 8 and not real["is_example"].any(), "imported figures replace example values"
    missing = real.filter((pl.col("period") == "2021/22") & (pl.col("geo") == "kommune"))
    assert missing["value"].to_list() == [None], "a «.» in the file is stored as missing, never 0"
    log_before = log_frame(demo_engine, plan_id=plan_id).height
    second = import_values(demo_engine, RED, ind["id"], rows)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 8)
    assert _values(demo_engine, plan_id, ind["id"]).equals(values)
    assert log_frame(demo_engine, plan_id=plan_id).height == log_before


def test_import_is_all_or_nothing(demo_engine):
    plan_id, ind = _indicator(demo_engine)
    before = _values(demo_engine, plan_id, ind["id"])
    rows = [ValueRow("2030", "kommune", "Stange", 1.0, "x"), ValueRow("høst 2030", "kommune", "Stange", 2.0, "x")]
    with pytest.raises(ValidationError, match="høst 2030"):
        import_values(demo_engine, RED, ind["id"], rows)
    assert _values(demo_engine, plan_id, ind["id"]).equals(before)
    with pytest.raises(PermissionError):
        import_values(demo_engine, LEDER, ind["id"], rows[:1])


def test_manual_entry_correction_and_delete_are_logged(demo_engine):
    plan_id, ind = _indicator(demo_engine, "lavinntekt")
    assert set_value(demo_engine, RED, ind["id"], period="2024", geo="kommune", value=560, geo_name="Stange",
                     source="SSB 09588", version=0) == "ny"
    assert set_value(demo_engine, RED, ind["id"], period="2024", geo="kommune", value=558, geo_name="Stange",
                     source="SSB 09588", version=1) == "endret"
    assert set_value(demo_engine, RED, ind["id"], period="2024", geo="kommune", value=558, geo_name="Stange",
                     source="SSB 09588", version=2) == "uendret"
    with pytest.raises(ConflictError, match="endret av redaktor") as err:  # a stale version is never overwritten
        set_value(demo_engine, RED, ind["id"], period="2024", geo="kommune", value=1, version=1)
    assert err.value.conflicts[0].theirs["value"] == 558 and err.value.conflicts[0].current_version == 2
    delete_value(demo_engine, RED, ind["id"], "2024", "kommune", version=2)
    actions = log_frame(demo_engine, plan_id=plan_id, entity="indicator_value")["action"].to_list()
    assert actions == ["delete", "update", "create"]
    with pytest.raises(ValidationError, match="Forstår ikke perioden"):
        set_value(demo_engine, RED, ind["id"], period="i fjor", geo="kommune", value=1, version=0)
    with pytest.raises(ValidationError, match="geografi"):
        set_value(demo_engine, RED, ind["id"], period="2024", geo="bydel", value=1, version=0)
    with pytest.raises(PermissionError):
        set_value(demo_engine, LEDER, ind["id"], period="2024", geo="kommune", value=1, version=0)


def test_registry_and_targets(demo_engine):
    plan_id, ind = _indicator(demo_engine, "skolefravaer")
    assert update_indicator(demo_engine, RED, ind["id"], {"target_value": 5.0, "target_year": 2026},
                            version=ind["version"]) == 2
    with pytest.raises(ConflictError):
        update_indicator(demo_engine, RED, ind["id"], {"target_value": 4.0}, version=ind["version"])
    row = indicators_frame(demo_engine, plan_id).filter(pl.col("id") == ind["id"]).row(0, named=True)
    assert (row["target_value"], row["target_year"]) == (5.0, 2026)
    new_id = create_indicator(demo_engine, RED, plan_id, name="Andel elever som trives", unit="percent",
                              better="higher", source="Elevundersøkelsen", level="universell")
    assert new_id in indicators_frame(demo_engine, plan_id)["id"].to_list()
    with pytest.raises(ValidationError, match="«Navn» må fylles ut"):
        create_indicator(demo_engine, RED, plan_id, name=" ")
    with pytest.raises(ValidationError, match="Ukjent enhet «kilo»"):
        update_indicator(demo_engine, RED, ind["id"], {"unit": "kilo"}, version=ind["version"] + 1)


def test_indicator_links_to_a_tiltak_of_its_own_plan(demo_engine):
    from data_access.reads.tiltak import tiltak_frame

    plan_id, ind = _indicator(demo_engine, "skolefravaer")
    tiltak = tiltak_frame(demo_engine, plan_id).filter(pl.col("name") == "Bekymringsfullt fravær i barnehage og skole")
    update_indicator(demo_engine, RED, ind["id"], {"tiltak": tiltak["id"][0]}, version=ind["version"])
    row = indicators_frame(demo_engine, plan_id).filter(pl.col("id") == ind["id"]).row(0, named=True)
    assert row["tiltak"] == "Bekymringsfullt fravær i barnehage og skole"
    bamble = plans_frame(demo_engine).filter(pl.col("key") == "bamble")["id"][0]
    other = tiltak_frame(demo_engine, bamble)["id"][0]
    with pytest.raises(ValidationError, match="finnes ikke i denne planen"):
        update_indicator(demo_engine, RED, ind["id"], {"tiltak": other}, version=ind["version"] + 1)
