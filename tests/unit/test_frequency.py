"""Frequencies as the plans write them, and their expansion into working days."""

from datetime import date

import pytest

from data_access.frequency import (
    Frequency,
    FrequencyError,
    expand,
    expand_many,
    is_working_day,
    norwegian_holidays,
    parse_frequency,
)

PLAN_WORDINGS = {
    "Ukentlig": Frequency("weekly"),
    "Hver 14. dag": Frequency("biweekly"),
    "Månedlig": Frequency("monthly"),
    "5 ganger i året": Frequency("per_year", 5),
    "2 ganger pr. år": Frequency("per_year", 2),
    "1-2 ganger pr. år": Frequency("per_year", 2, 1),
    "1–2 ganger i året": Frequency("per_year", 2, 1),
    "Årlig": Frequency("per_year", 1),
    "Minimum 4 ganger i året og ved behov": Frequency("per_year", 4, 4, as_needed=True),
    "Ved behov": Frequency("as_needed", as_needed=True),
    "annenhver uke": Frequency("biweekly"),
    "Fire ganger i året.": Frequency("per_year", 4),
    "Månedlig, helst tirsdager": Frequency("monthly", weekday=1),
    "Årlig i september": Frequency("per_year", 1, month=9),
}


@pytest.mark.parametrize("text, expected", PLAN_WORDINGS.items())
def test_parse_plan_wordings(text, expected):
    assert parse_frequency(text) == expected


@pytest.mark.parametrize("text", ["hver fullmåne", "", "3-1 ganger i året", "ofte"])
def test_unreadable_frequency_is_a_norwegian_error(text):
    with pytest.raises(FrequencyError, match="hyppigheten|Hyppigheten"):
        parse_frequency(text)


def test_round_trip_and_labels():
    for freq in PLAN_WORDINGS.values():
        assert Frequency.from_dict(freq.to_dict()) == freq
        assert parse_frequency(freq.label()) == freq
    assert Frequency("per_year", 4, 4, as_needed=True).label() == "Minimum 4 ganger i året og ved behov"


@pytest.mark.parametrize("year", [2025, 2026, 2027])
@pytest.mark.parametrize("freq", list(PLAN_WORDINGS.values()), ids=list(PLAN_WORDINGS))
def test_never_weekend_holiday_july_or_christmas(freq, year):
    dates = expand(freq, year)
    assert dates == sorted(set(dates))
    for d in dates:
        assert d.year == year and is_working_day(d), d
        assert d.month != 7 and not (d.month == 12 and d.day >= 22) and not (d.month == 1 and d.day <= 2)


def test_known_holidays_are_skipped():
    h = norwegian_holidays(2026)
    # 17. mai, Kristi himmelfart, 2. påskedag
    assert date(2026, 5, 17) in h and date(2026, 5, 14) in h and date(2026, 4, 6) in h
    weekly_thursday = expand(Frequency("weekly", weekday=3), 2026)
    assert date(2026, 5, 14) not in weekly_thursday
    assert date(2026, 5, 15) in weekly_thursday  # moved to the Friday of the same week


def test_counts_and_spread_over_school_year():
    assert len(expand(Frequency("monthly"), 2026)) == 11
    five = expand(Frequency("per_year", 5), 2026)
    assert len(five) == 5
    assert sum(d.month <= 6 for d in five) == 3 and sum(d.month >= 8 for d in five) == 2
    assert expand(Frequency("per_year", 1, month=9), 2026)[0].month == 9
    assert expand(Frequency("as_needed", as_needed=True), 2026) == []
    biweekly = expand(Frequency("biweekly"), 2026)
    assert all(b.toordinal() - a.toordinal() >= 7 for a, b in zip(biweekly, biweekly[1:], strict=False))


def test_clip_to_start_and_end():
    dates = expand(Frequency("monthly"), 2026, start=date(2026, 3, 1), end=date(2026, 6, 1))
    assert [d.month for d in dates] == [3, 4, 5]
    with pytest.raises(FrequencyError, match="før startdato"):
        expand(Frequency("monthly"), 2026, start=date(2026, 6, 1), end=date(2026, 3, 1))


def test_bad_structured_values():
    with pytest.raises(FrequencyError):
        Frequency("per_year", 0)
    with pytest.raises(FrequencyError):
        Frequency("weekly", weekday=6)
    with pytest.raises(FrequencyError):
        Frequency("sometimes")  # type: ignore[arg-type]


def test_expand_many_matches_expand():
    freqs = [Frequency("weekly"), Frequency("per_year", 5), Frequency("weekly")]
    assert expand_many(freqs, 2026) == [expand(f, 2026) for f in freqs]
