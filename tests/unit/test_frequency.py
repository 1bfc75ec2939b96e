"""Frequencies as the plans write them, and their expansion into working days."""

import json
from datetime import date

import pytest

from data_access.domain.frequency import (
    Frequency,
    FrequencyError,
    expand,
    expand_many,
    is_working_day,
    norwegian_holidays,
    parse_frequency,
    rule_dates,
)

# Every wording in the Stange plan's arena tables (line breaks as in the PDF), and what it means.
PLAN_WORDINGS = {
    "Ukentlig": Frequency("weekly"),
    "Hver 14. dag": Frequency("biweekly"),
    "Månedlig": Frequency("monthly"),
    "5 ganger i året": Frequency("per_year", 5),
    "5 møter pr. år": Frequency("per_year", 5),
    "2 ganger pr. år": Frequency("per_year", 2),
    "1-2 ganger pr. år": Frequency("per_year", 2, 1),
    "1-2 ganger pr. \når": Frequency("per_year", 2, 1),
    "Årlig": Frequency("per_year", 1),
    "Fast en gang i \nåret og ved \nbehov": Frequency("per_year", 1, as_needed=True),
    "Minimum 4 ganger i året og ved behov": Frequency("per_year", 4, 4, as_needed=True),
    "Minimum 4 \nganger i året \nog ellers ved \nbehov": Frequency("per_year", 4, 4, as_needed=True),
    "Ved behov": Frequency("as_needed", as_needed=True),
}

VARIANTS = {
    "UKENTLIG.": Frequency("weekly"),
    "hver uke": Frequency("weekly"),
    "en gang i uka": Frequency("weekly"),
    "Hver tirsdag": Frequency("weekly", weekday=1),
    "annenhver uke": Frequency("biweekly"),
    "hver annen uke, onsdager": Frequency("biweekly", weekday=2),
    "hver 14 dag": Frequency("biweekly"),
    "hver måned": Frequency("monthly"),
    "Månedlig, helst tirsdager": Frequency("monthly", weekday=1),
    "en gang i året": Frequency("per_year", 1),
    "1 gang pr år": Frequency("per_year", 1),
    "Årlig i september": Frequency("per_year", 1, month=9),
    "Årlig, uke 38": Frequency("per_year", 1, week=38),
    "Fire ganger i året.": Frequency("per_year", 4),
    "4 ganger årlig": Frequency("per_year", 4),
    "6 ganger per år": Frequency("per_year", 6),
    "3 møter i året": Frequency("per_year", 3),
    "1–2 ganger i året": Frequency("per_year", 2, 1),
    "2 til 3 ganger i året": Frequency("per_year", 3, 2),
    "minst 3 ganger i året": Frequency("per_year", 3, 3),
    "to ganger i semesteret": Frequency("per_year", 4),
    "kvartalsvis": Frequency("per_year", 4),
    "5 ganger i året, og ellers ved behov": Frequency("per_year", 5, as_needed=True),
    "ved behov.": Frequency("as_needed", as_needed=True),
}

HINT = "Skriv f.eks. «Ukentlig», «Hver 14. dag», «Månedlig», «5 ganger i året», «Årlig» eller «Ved behov»."


@pytest.mark.parametrize("text, expected", {**PLAN_WORDINGS, **VARIANTS}.items())
def test_parse_plan_wordings_and_variants(text, expected):
    assert parse_frequency(text) == expected


def test_unreadable_frequency_names_the_text_and_gives_examples():
    with pytest.raises(FrequencyError) as err:
        parse_frequency("hver fullmåne")
    assert str(err.value) == f"Forstår ikke hyppigheten «hver fullmåne». {HINT}"


@pytest.mark.parametrize("text, message", [
    ("", "Hyppigheten mangler"),
    ("ofte", "Forstår ikke hyppigheten «ofte»"),
    ("1 gang", "Forstår ikke hyppigheten «1 gang»"),
    ("3-1 ganger i året", "Hyppigheten «3-1 ganger i året» har minste antall større enn største"),
    ("100 ganger i året", "Hyppigheten «100 ganger i året»: Antall møter i året må være mellom 1 og 52"),
    ("Hver lørdag", "møter legges ikke i helgene"),
    ("Månedlig i mars", "kan bare oppgis for årlige møter"),
    ("Årlig i juli", "Juli er fellesferie"),
    ("Ukentlig, mandag eller fredag", "flere foretrukne ukedager"),
])
def test_bad_text_is_a_norwegian_error(text, message):
    with pytest.raises(FrequencyError, match=message):
        parse_frequency(text)


LABELS = {
    Frequency("weekly"): "Ukentlig",
    Frequency("biweekly"): "Hver 14. dag",
    Frequency("monthly"): "Månedlig",
    Frequency("per_year", 5): "5 ganger i året",
    Frequency("per_year", 2, 1): "1–2 ganger i året",
    Frequency("per_year", 1): "Årlig",
    Frequency("per_year", 4, 4, as_needed=True): "Minimum 4 ganger i året og ved behov",
    Frequency("per_year", 1, as_needed=True): "Årlig og ved behov",
    Frequency("as_needed"): "Ved behov",
    Frequency("weekly", weekday=1): "Ukentlig (helst tirsdag)",
    Frequency("per_year", 1, weekday=3, month=9): "Årlig (helst torsdag, september)",
    Frequency("per_year", 1, week=38): "Årlig (helst uke 38)",
}


@pytest.mark.parametrize("freq, label", LABELS.items(), ids=list(LABELS.values()))
def test_labels_and_round_trips(freq, label):
    assert freq.label() == label
    assert parse_frequency(label) == freq
    stored = json.loads(json.dumps(freq.to_dict()))
    assert set(stored) == {"kind", "times", "min_times", "as_needed", "weekday", "week", "month"}
    assert Frequency.from_dict(stored) == freq


def test_as_needed_kind_is_always_as_needed():
    assert Frequency("as_needed") == Frequency("as_needed", as_needed=True)
    assert Frequency.from_dict({"kind": "as_needed"}).as_needed


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "per_year", "times": 0}, "mellom 1 og 52"),
    ({"kind": "per_year", "times": 53}, "mellom 1 og 52"),
    ({"kind": "per_year"}, "mellom 1 og 52"),
    ({"kind": "per_year", "times": 2, "min_times": 3}, "Minste antall møter"),
    ({"kind": "weekly", "times": 3}, "bare oppgis for «N ganger i året»"),
    ({"kind": "weekly", "weekday": 5}, "mandag–fredag"),
    ({"kind": "monthly", "month": 3}, "bare oppgis for årlige møter"),
    ({"kind": "per_year", "times": 1, "week": 10, "month": 3}, "ikke begge"),
    ({"kind": "per_year", "times": 1, "week": 54}, "mellom 1 og 53"),
    ({"kind": "per_year", "times": 1, "week": 29}, "fellesferie"),
    ({"kind": "per_year", "times": 1, "month": 7}, "Juli er fellesferie"),
    ({"kind": "per_year", "times": "5"}, "heltall"),
    ({"kind": "sometimes"}, "Ukjent hyppighet"),
])
def test_bad_structured_values(kwargs, message):
    with pytest.raises(FrequencyError, match=message):
        Frequency(**kwargs)
    with pytest.raises(FrequencyError, match=message):
        Frequency.from_dict(kwargs)


def test_holidays_are_norwegian_names_without_ordinary_sundays():
    h = norwegian_holidays(2026)
    assert h[date(2026, 5, 17)] == "Grunnlovsdag"
    assert h[date(2026, 5, 14)] == "Kristi himmelfartsdag"
    assert h[date(2026, 4, 6)] == "Andre påskedag"
    assert date(2026, 3, 1) not in h  # an ordinary Sunday
    assert len(h) == 12
    assert not is_working_day(date(2026, 5, 14)) and not is_working_day(date(2026, 3, 7))
    assert is_working_day(date(2026, 7, 7))  # July is a working day; it is just not planned


ALL_KINDS = [*PLAN_WORDINGS.values(), *VARIANTS.values(),
             *(Frequency(k, weekday=wd) for k in ("weekly", "biweekly", "monthly") for wd in range(5)),
             *(Frequency("per_year", n, weekday=wd) for n in (1, 2, 3, 4, 5, 6, 10, 12, 26, 52) for wd in range(5)),
             *(Frequency("per_year", 1, month=m) for m in (1, 2, 3, 4, 6, 8, 10, 12)),
             *(Frequency("per_year", 1, week=w) for w in (1, 2, 8, 14, 27, 31, 40, 52, 53))]


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_never_weekend_holiday_july_or_christmas(year):
    for freq in ALL_KINDS:
        dates = expand(freq, year)
        assert dates == sorted(set(dates)), freq
        for d in dates:
            assert d.year == year and d.weekday() < 5 and d not in norwegian_holidays(year), (freq, d)
            assert d.month != 7 and not (d.month == 12 and d.day >= 22) and not (d.month == 1 and d.day <= 2)


@pytest.mark.parametrize("holiday, weekday, moved_to", [
    (date(2025, 4, 21), 0, date(2025, 4, 22)),  # 2. påskedag, Monday -> Tuesday
    (date(2026, 4, 6), 0, date(2026, 4, 7)),
    (date(2025, 5, 29), 3, date(2025, 5, 30)),  # Kristi himmelfart, Thursday -> Friday
    (date(2026, 5, 14), 3, date(2026, 5, 15)),
    (date(2027, 5, 17), 0, date(2027, 5, 18)),  # 17. mai on a Monday
    (date(2026, 5, 25), 0, date(2026, 5, 26)),  # 2. pinsedag
    (date(2026, 4, 3), 4, date(2026, 4, 1)),  # Langfredag: Friday and Thursday closed -> Wednesday
    (date(2026, 5, 1), 4, date(2026, 4, 30)),  # 1. mai, the last day of its week -> Thursday
])
def test_weekly_meeting_on_a_holiday_moves_within_its_week(holiday, weekday, moved_to):
    dates = expand(Frequency("weekly", weekday=weekday), holiday.year)
    assert holiday not in dates and moved_to in dates
    assert moved_to.isocalendar().week == holiday.isocalendar().week


def test_weekly_defaults_to_tuesday_and_skips_july_and_christmas():
    dates = expand(Frequency("weekly"), 2026)
    assert all(d.weekday() == 1 for d in dates)  # no Tuesday holiday in 2026
    assert dates[0] == date(2026, 1, 6) and dates[-1] == date(2026, 12, 15)
    assert len(dates) == 52 - 4 - 2  # 52 Tuesdays minus 4 in July, 22 and 29 December
    assert all(d.weekday() in (1, 2) for d in expand(Frequency("weekly"), 2027))


def test_biweekly_is_even_iso_weeks():
    dates = expand(Frequency("biweekly", weekday=2), 2026)
    assert all(d.isocalendar().week % 2 == 0 and d.weekday() == 2 for d in dates)
    assert all((b - a).days >= 14 for a, b in zip(dates, dates[1:], strict=False))
    assert len(dates) == 26 - 2 - 1  # weeks 28 and 30 in July, week 52 at Christmas


def test_monthly_is_second_weekday_except_july():
    dates = expand(Frequency("monthly"), 2026)
    assert [d.month for d in dates] == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]
    assert all(8 <= d.day <= 14 and d.weekday() == 1 for d in dates)


def in_school_break(d: date) -> bool:
    week = d.isocalendar().week
    easter_week = {2025: (date(2025, 4, 14), date(2025, 4, 21)), 2026: (date(2026, 3, 30), date(2026, 4, 6)),
                   2027: (date(2027, 3, 22), date(2027, 3, 29))}[d.year]
    return week in (8, 9, 40, 41) or easter_week[0] <= d <= easter_week[1]


def spring(d: date) -> bool:
    return date(d.year, 1, 15) <= d <= date(d.year, 6, 15)


def autumn(d: date) -> bool:
    return date(d.year, 8, 20) <= d <= date(d.year, 12, 15)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
@pytest.mark.parametrize("times, in_spring", [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (10, 5), (12, 6)])
def test_per_year_spread_over_both_terms_avoiding_school_holidays(year, times, in_spring):
    dates = expand(Frequency("per_year", times), year)
    assert len(dates) == times
    assert sum(map(spring, dates)) == in_spring and sum(map(autumn, dates)) == times - in_spring
    assert not any(in_school_break(d) for d in dates)
    assert all(d.weekday() == 1 for d in dates)
    if times > 1:  # roughly even: no two meetings of a term in the same fortnight
        assert all((b - a).days >= 14 for a, b in zip(dates, dates[1:], strict=False))


def test_five_a_year_for_2026_exactly():
    assert expand(Frequency("per_year", 5), 2026) == [
        date(2026, 2, 10), date(2026, 4, 14), date(2026, 5, 26), date(2026, 9, 15), date(2026, 11, 24)]


def test_many_a_year_still_gives_the_count():
    for times in (26, 40, 52):
        dates = expand(Frequency("per_year", times), 2026)
        assert len(dates) == times and all(spring(d) or autumn(d) for d in dates)


def test_yearly_preferences():
    assert spring(expand(Frequency("per_year", 1), 2026)[0])
    assert expand(Frequency("per_year", 1, month=9), 2026) == [date(2026, 9, 15)]
    october = expand(Frequency("per_year", 1, month=10, weekday=3), 2026)[0]
    assert october.month == 10 and october.weekday() == 3 and not in_school_break(october)
    assert expand(Frequency("per_year", 1, week=38, weekday=4), 2026) == [date(2026, 9, 18)]
    assert expand(Frequency("per_year", 1, week=31), 2026) == [date(2026, 8, 3)]  # July part skipped
    assert expand(Frequency("per_year", 1, week=1), 2026) == [date(2026, 1, 5)]  # week 1 is 29.12–4.1
    assert expand(Frequency("per_year", 1, week=53), 2025) == expand(Frequency("per_year", 1, week=52), 2025)


def test_as_needed_has_no_dates():
    assert expand(Frequency("as_needed"), 2026) == []


def test_clip_to_start_and_end():
    dates = expand(Frequency("monthly"), 2026, start=date(2026, 3, 1), end=date(2026, 6, 1))
    assert [d.month for d in dates] == [3, 4, 5]
    assert expand(Frequency("weekly"), 2026, start=date(2026, 12, 1)) == [date(2026, 12, 1), date(2026, 12, 8),
                                                                           date(2026, 12, 15)]
    assert expand(Frequency("weekly"), 2026, end=date(2026, 1, 13)) == [date(2026, 1, 6), date(2026, 1, 13)]
    assert expand(Frequency("weekly"), 2026, start=date(2027, 1, 1)) == []


def test_end_before_start_is_an_error():
    with pytest.raises(FrequencyError) as err:
        expand(Frequency("monthly"), 2026, start=date(2026, 6, 1), end=date(2026, 3, 1))
    assert str(err.value) == "Sluttdato 01.03.2026 er før startdato 01.06.2026."


def test_deterministic_and_callers_cannot_spoil_the_cache():
    first = expand(Frequency("per_year", 5), 2026)
    first.append(date(2026, 7, 1))
    assert expand(Frequency("per_year", 5), 2026) == first[:-1]
    assert expand(Frequency("weekly", weekday=3), 2026) == expand(Frequency("weekly", weekday=3), 2026)


def test_rule_dates_are_the_unshifted_rule():
    weekly = rule_dates(Frequency("weekly", weekday=3), 2026)
    assert len(weekly) == 53 and all(d.weekday() == 3 for d in weekly)
    assert set(expand(Frequency("weekly", weekday=3), 2026)) - set(weekly) == {date(2026, 4, 1),
                                                                                date(2026, 5, 15)}
    assert rule_dates(Frequency("per_year", 5), 2026) == []


def test_expand_many_matches_expand():
    freqs = [*ALL_KINDS, Frequency("weekly")]
    assert expand_many(freqs, 2026) == [expand(f, 2026) for f in freqs]
    assert expand_many([], 2026) == []


def test_rule_date_in_ferie_is_dropped_not_moved():
    thursdays = expand(Frequency("weekly", weekday=3), 2026)
    assert not [d for d in thursdays if date(2026, 6, 29) <= d <= date(2026, 7, 31)]  # 2 July is not moved to June
    assert thursdays[-1] == date(2026, 12, 17)
