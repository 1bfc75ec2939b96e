"""The one Norwegian formatter: numbers, percentages, percentage points, dates and missing values."""

from datetime import date, datetime

from data_access.domain import formatting as fmt

NBSP = "\u00a0"


def test_numbers_use_decimal_comma_and_space_between_thousands():
    assert fmt.number(5.1) == "5,1"
    assert fmt.number(1000) == f"1{NBSP}000"
    assert fmt.number(1234567.891) == f"1{NBSP}234{NBSP}567,89"
    assert fmt.number(11.30) == "11,3"
    assert fmt.number(0.17) == "0,17"
    assert fmt.number(2.0) == "2"
    assert fmt.number(2, 1) == "2,0"
    assert fmt.number(-1.25, 1) in {"-1,2", "-1,3", "\u22121,2", "\u22121,3"}


def test_missing_values_are_a_dash_with_the_sources_reason():
    assert fmt.number(None) == "–"
    assert fmt.number(float("nan")) == "–"
    assert fmt.number(None, marker="..") == "– (tallgrunnlag mangler)"
    assert fmt.value(None, "percent", marker=":") == "– (vises ikke av personvernhensyn)"
    assert fmt.missing(".") == "– (lovlig umulig å føre tall)"
    assert fmt.missing("x") == "–"


def test_percent_and_percentage_points():
    assert fmt.percent(12.5) == "12,5 %"
    assert fmt.value(12.5, "percent") == "12,5 %"
    assert fmt.value(3.2, "per_1000") == f"3,2 per 1{NBSP}000"
    assert fmt.value(1200, "count") == f"1{NBSP}200"
    assert fmt.change(0.9, "percent") == "+0,9 prosentpoeng"
    assert fmt.change(-0.9, "percent").endswith("0,9 prosentpoeng") and "+" not in fmt.change(-0.9, "percent")
    assert fmt.change(3, "count") == "+3"
    assert fmt.change(0, "percent") == "0 prosentpoeng"
    assert fmt.change(None, "percent") == "–"


def test_dates_and_any_cell():
    assert fmt.day(date(2026, 3, 5)) == "05.03.2026"
    assert fmt.moment(datetime(2026, 3, 5, 9, 7)) == "05.03.2026 09:07"
    assert fmt.day(None) == "–"
    assert fmt.text(None) == "–"
    assert fmt.text("") == "–"
    assert fmt.year(2024) == "2024" and fmt.year(None) == "–"
    assert fmt.text(date(2026, 1, 2)) == "02.01.2026"
    assert fmt.text(True) == "Ja"
    assert fmt.text(["NAV", "PPT"]) == "NAV, PPT"
    assert "None" not in fmt.text(None)
