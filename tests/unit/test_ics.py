"""The .ics export: valid for Outlook/Google, stable UIDs, and the same dates as the app shows."""

from datetime import UTC, date, datetime

import pytest
import recurring_ical_events
from icalendar import Calendar

from data_access.frequency import Frequency, expand
from data_access.ics import ArenaCalendar, CalendarMeeting, build_calendar

FREQS = {
    "weekly": Frequency("weekly"), "weekly-thursday": Frequency("weekly", weekday=3),
    "biweekly": Frequency("biweekly"), "monthly": Frequency("monthly"),
    "monthly-friday": Frequency("monthly", weekday=4),
    "5/yr": Frequency("per_year", 5), "yearly": Frequency("per_year", 1), "min4": Frequency("per_year", 4, 4, True),
}
STAMP = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def arena(freq: Frequency, year: int, overrides: dict[date, CalendarMeeting] | None = None,
          arena_id: int = 7) -> ArenaCalendar:
    meetings = [CalendarMeeting(d, d) for d in expand(freq, year)]
    meetings = [(overrides or {}).get(m.planned_date, m) for m in meetings]
    return ArenaCalendar(arena_id, "Tverrfaglig team", "Tjenestenivå", "Drøfte", "Rektor", ["PPT", "Skole"], freq,
                         tuple(meetings))


def expanded_dates(ics: bytes, year: int) -> list[date]:
    cal = Calendar.from_ical(ics)
    events = recurring_ical_events.of(cal).between(date(year, 1, 1), date(year + 1, 1, 1))
    return sorted(e["DTSTART"].dt.date() for e in events if str(e.get("STATUS", "CONFIRMED")) != "CANCELLED")


@pytest.mark.parametrize("year", [2025, 2026, 2027])
@pytest.mark.parametrize("name", list(FREQS))
def test_expanded_ics_equals_app_dates(name, year):
    freq = FREQS[name]
    ics = build_calendar([arena(freq, year)], year, name="Test", stamp=STAMP)
    assert expanded_dates(ics, year) == expand(freq, year)


def test_rule_frequencies_use_rrule_and_others_single_events():
    weekly = Calendar.from_ical(build_calendar([arena(FREQS["weekly"], 2026)], 2026, name="x", stamp=STAMP))
    series = [e for e in weekly.walk("VEVENT") if "RRULE" in e]
    assert len(series) == 1 and series[0]["RRULE"]["FREQ"] == ["WEEKLY"] and "EXDATE" in series[0]
    yearly = Calendar.from_ical(build_calendar([arena(FREQS["5/yr"], 2026)], 2026, name="x", stamp=STAMP))
    assert [e for e in yearly.walk("VEVENT") if "RRULE" in e] == []
    assert len(list(yearly.walk("VEVENT"))) == 5


def test_required_properties_and_timezone():
    cal = Calendar.from_ical(build_calendar([arena(FREQS["monthly"], 2026)], 2026, name="Møtekalender", stamp=STAMP))
    assert cal["VERSION"] == "2.0" and "Laget" in str(cal["PRODID"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    for ev in cal.walk("VEVENT"):
        assert ev["UID"] and ev["DTSTAMP"] and ev["DTSTART"].params["TZID"] == "Europe/Oslo"
        assert str(ev["SUMMARY"]) == "Tverrfaglig team"


def test_uids_are_stable_across_exports_and_moves():
    freq = FREQS["5/yr"]
    first = expand(freq, 2026)[0]
    moved = {first: CalendarMeeting(first, date(2026, 2, 12), "planlagt")}
    a = Calendar.from_ical(build_calendar([arena(freq, 2026)], 2026, name="x", stamp=STAMP))
    b = Calendar.from_ical(build_calendar([arena(freq, 2026, moved)], 2026, name="x",
                                          stamp=datetime(2027, 1, 1, tzinfo=UTC)))
    assert sorted(str(e["UID"]) for e in a.walk("VEVENT")) == sorted(str(e["UID"]) for e in b.walk("VEVENT"))
    assert date(2026, 2, 12) in expanded_dates(build_calendar([arena(freq, 2026, moved)], 2026, name="x"), 2026)


def test_moved_and_cancelled_meetings_in_a_series():
    freq = FREQS["weekly"]
    dates = expand(freq, 2026)
    overrides = {dates[0]: CalendarMeeting(dates[0], dates[0], "avlyst"),
                 dates[1]: CalendarMeeting(dates[1], date(2026, 1, 15), "planlagt")}
    ics = build_calendar([arena(freq, 2026, overrides)], 2026, name="x", stamp=STAMP)
    shown = expanded_dates(ics, 2026)
    assert dates[0] not in shown and dates[1] not in shown and date(2026, 1, 15) in shown
    assert shown == sorted([date(2026, 1, 15), *dates[2:]])


def test_cancelled_single_meeting_is_marked_cancelled():
    freq = FREQS["5/yr"]
    d = expand(freq, 2026)[2]
    ics = build_calendar([arena(freq, 2026, {d: CalendarMeeting(d, d, "avlyst")})], 2026, name="x", stamp=STAMP)
    statuses = {e["DTSTART"].dt.date(): str(e["STATUS"]) for e in Calendar.from_ical(ics).walk("VEVENT")}
    assert statuses[d] == "CANCELLED"
    assert d not in expanded_dates(ics, 2026)
