"""Status words for leaders: direction-aware change, target and national comparison."""

import polars as pl

from data_access.domain.indicator_status import BAD, GOOD, NEUTRAL, overview, status


def values(rows):
    return pl.DataFrame(rows, orient="row", schema={"indicator_id": pl.Int64, "period": pl.String,
                                                    "period_order": pl.Int64,
                                      "geo": pl.String, "value": pl.Float64, "is_example": pl.Boolean})


V = values([(1, "2021", 0, "kommune", 6.0, False), (1, "2022", 1, "kommune", 5.0, False),
            (1, "2022", 1, "land", 7.0, False), (1, "2023", 2, "kommune", None, False)])


def test_lower_is_better():
    st = status(V, "lower", target=5.5)
    assert (st.latest_period, st.latest_value, st.change) == ("2022", 5.0, -1.0)
    assert (st.trend.label, st.trend.color) == ("Bedre enn forrige", GOOD)
    assert (st.vs_target.label, st.vs_land.label) == ("Nådd målet", "Bedre enn landet")


def test_higher_is_better_flips_every_judgement():
    st = status(V, "higher", target=5.5)
    assert (st.trend.label, st.trend.color) == ("Verre enn forrige", BAD)
    assert st.vs_target.label == "Ikke nådd målet" and st.vs_land.label == "Dårligere enn landet"


def test_close_to_land_and_missing_data():
    close = values([(1, "2022", 0, "kommune", 7.2, False), (1, "2022", 0, "land", 7.0, False)])
    st = status(close, "lower", None)
    assert (st.vs_land.label, st.vs_land.color) == ("Omtrent som landet", NEUTRAL)
    assert st.vs_target.label == "Ingen mål" and st.trend.label == "Bare ett tall"
    assert status(values([]), "lower", None).trend.label == "Ingen data"


def test_overview_has_a_row_per_indicator_and_flags_examples():
    indicators = pl.DataFrame({"id": [1, 2], "name": ["A", "B"], "better": ["lower", "higher"],
                               "target_value": [None, None]})
    ex = values([(2, "2022", 0, "kommune", 1.0, True)])
    table = overview(indicators, pl.concat([V, ex]))
    assert table["Indikator"].to_list() == ["A", "B"]
    assert table["Eksempeldata"].to_list() == [False, True]
