"""The demo loader builds the Stange and Bamble plans from the plans' facts, and is idempotent."""

import polars as pl
from sqlalchemy import func, select

from data_access.db.demo import is_demo_database, load_demo
from data_access.db.engine import session_scope
from data_access.db.models import IndicatorValue, Tiltak, User
from data_access.domain.arenas import arena_frequency
from data_access.domain.frequency import parse_frequency
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame


def _plan_id(engine, key):
    plans = plans_frame(engine)
    return plans.filter(pl.col("key") == key)["id"][0]


def test_stange_tiltak_per_level(demo_engine):
    tiltak = tiltak_frame(demo_engine, _plan_id(demo_engine, "stange-2023-2026"))
    counts = dict(tiltak.group_by("level").len().iter_rows())
    assert counts == {"universell": 30, "selektiv": 6, "indikativ": 4}
    assert tiltak.filter(pl.col("services").list.len() == 0).is_empty(), "every tiltak has a responsible service"
    assert set(tiltak["status"]) <= {"ikke_startet", "planlagt", "i_gang", "under_revidering", "avsluttet"}


def test_stange_arenas_on_three_levels(demo_engine):
    arenas = arenas_frame(demo_engine, _plan_id(demo_engine, "stange-2023-2026"))
    assert arenas.height == 19
    assert set(arenas["level"]) == {"kommune", "tjeneste", "individ"}
    assert arenas["is_new"].any()
    given = arenas.filter(pl.col("frequency_text") != "")
    assert given.height == 14, "the plan leaves the frequency of five kommunenivå arenas open"
    for text, raw in given.select("frequency_text", "frequency").iter_rows():
        assert parse_frequency(text) == arena_frequency(raw), text


def test_indicators_separate_real_figures_from_examples(demo_engine):
    plan_id = _plan_id(demo_engine, "stange-2023-2026")
    indicators = indicators_frame(demo_engine, plan_id)
    assert indicators.height >= 8
    values = values_frame(demo_engine, plan_id)
    real = values.filter(~pl.col("is_example"))
    assert not real.is_empty(), "the figures the plan quotes are loaded"
    assert (real["source"].str.len_chars() > 0).all(), "every quoted figure names its source"
    assert values["is_example"].any()
    assert 576 in real["value"].to_list()


def test_bamble_uses_protective_factors(demo_engine):
    plans = plans_frame(demo_engine)
    bamble = plans.filter(pl.col("key") == "bamble").row(0, named=True)
    assert bamble["uses_protective_factors"]
    tiltak = tiltak_frame(demo_engine, bamble["id"])
    assert tiltak.height > 0
    assert tiltak["protective_factor"].null_count() == 0
    assert set(tiltak["level_label"]) <= {"Alle barn", "Større risiko", "Særlig utsatt"}


def test_loading_twice_changes_nothing(demo_engine):
    def snapshot():
        with session_scope(demo_engine) as s:
            return (s.scalar(select(func.count(Tiltak.id))), s.scalar(select(func.count(IndicatorValue.id))),
                    s.scalar(select(func.count(User.id))))

    before = snapshot()
    assert load_demo(demo_engine) == []
    assert snapshot() == before
    assert is_demo_database(demo_engine)


def test_demo_users_have_roles(demo_engine):
    with session_scope(demo_engine) as s:
        roles = dict(s.execute(select(User.username, User.role)).all())
    assert roles == {"admin": "admin", "redaktor": "redaktor", "slt": "planlegger", "leder": "leser"}
