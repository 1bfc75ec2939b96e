"""Data honesty in the demo: what the plans do not state is flagged as example data (checked against the seeds)."""

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from data_access.db.demo import _demo_evaluation_date
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.reads.indicators import indicators_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.tiltak import save_changes

SEEDS = Path("/work/shared/seeds")
EDITOR = Actor("redaktor", "redaktor")


def _plan_id(engine, key):
    plans = plans_frame(engine)
    return plans.filter(pl.col("key") == key)["id"][0]


def test_targets_not_in_the_plan_are_example_data(demo_engine):
    indicators = indicators_frame(demo_engine, _plan_id(demo_engine, "stange-2023-2026"))
    with_target = indicators.filter(pl.col("target_value").is_not_null())
    assert sorted(with_target["target_value"].to_list()) == [4.5, 85.0]
    assert with_target["target_is_example"].all()


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed texts are not on this machine")
def test_stange_plan_text_gives_neither_target():
    text = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    assert "6,33 %" in text and "81,8 %" in text  # the figures the demo marks as given
    assert "85 %" not in text and "4,5 %" not in text


def test_demo_evaluation_dates_are_examples_and_never_in_july(demo_engine):
    for key in ("stange-2023-2026", "bamble"):
        tiltak = tiltak_frame(demo_engine, _plan_id(demo_engine, key))
        assert tiltak["next_evaluation_is_example"].all()
        assert not tiltak.filter(pl.col("next_evaluation").dt.month() == 7).height


def test_evaluation_date_rule_skips_july_and_weekends_for_every_day_of_a_year():
    start = date(2026, 1, 1)
    for offset in range(366):
        today = start + timedelta(days=offset)
        for index in range(60):
            d = _demo_evaluation_date(index, today)
            assert d.month != 7 and d.weekday() < 5, (today, index, d)


def test_setting_an_evaluation_date_clears_the_example_flag(demo_engine):
    plan_id = _plan_id(demo_engine, "stange-2023-2026")
    row = tiltak_frame(demo_engine, plan_id).row(0, named=True)
    save_changes(demo_engine, EDITOR, plan_id,
                 [Change(row["id"], row["version"], {"next_evaluation": date(2027, 3, 2)})])
    after = tiltak_frame(demo_engine, plan_id).filter(pl.col("id") == row["id"]).row(0, named=True)
    assert after["next_evaluation"] == date(2027, 3, 2) and after["next_evaluation_is_example"] is False


def test_bamble_says_it_holds_a_selection(demo_engine):
    plans = plans_frame(demo_engine)
    source = plans.filter(pl.col("key") == "bamble")["source"][0]
    assert "utvalg" in source
