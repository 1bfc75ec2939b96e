"""Periods of every form parse to one canonical label and sort together."""

import pytest

from data_access.domain.periods import PeriodError, parse_period, sort_key


@pytest.mark.parametrize("text, label, kind", [
    ("2021", "2021", "year"), ("2019/20", "2019/20", "school_year"), ("2019-2020", "2019/20", "school_year"),
    ("2019–2020", "2019/20", "school_year"), ("2016–2022", "2016–2022", "span"), ("2016-2022", "2016–2022", "span"),
    ("2020_2022", "2020–2022", "span"), ("2020_2021", "2020–2021", "span"),
])
def test_parse(text, label, kind):
    p = parse_period(text)
    assert (p.label, p.kind) == (label, kind)


@pytest.mark.parametrize("text", ["21", "2019/22", "2022-2016", "høst 2020", ""])
def test_bad_periods(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_mixed_forms_sort_by_end_year():
    labels = ["2021", "2016–2022", "2019/20", "2020", "2018", "2020/21"]
    assert sorted(labels, key=sort_key) == ["2018", "2019/20", "2020", "2020/21", "2021", "2016–2022"]
