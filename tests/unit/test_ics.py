"""The .ics export: valid for Outlook/Google, stable UIDs, and the same dates as the app shows."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar

from data_access.domain.frequency import Frequency, expand
from data_access.formats.ics import PRODID, ArenaCalendar, CalendarMeeting, IcsEvent, arena_events, build_calendar

FREQS = {
    "weekly": Frequency("weekly"), "weekly-monday": Frequency("weekly", weekday=0),
    "weekly-thursday": Frequency("weekly", weekday=3), "weekly-friday": Frequency("weekly", weekday=4),
    "biweekly": Frequency("biweekly"), "biweekly-monday": Frequency("biweekly", weekday=0),
    "monthly": Frequency("monthly"), "monthly-thursday": Frequency("monthly", weekday=3),
    "5/yr": Frequency("per_year", 5), "1-2/yr": Frequency("per_year", 2, 1), "yearly": Frequency("per_year", 1),
    "yearly-week": Frequency("per_year", 1, week=38), "min4": Frequency("per_year", 4, 4, True),
    "as_needed": Frequency("as_needed"),
}
STAMP = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def export(freq: Frequency, year: int, dates=None, cancelled=frozenset(), moved=None, stamp=STAMP) -> bytes:
    dates = expand(freq, year) if dates is None else dates
    events = arena_events(7, "Tverrfaglig team", "Tjenestenivå", freq, year, dates, cancelled, moved=moved,
                          description="Leder: Rektor")
    return build_calendar(events, name="Møtekalender", stamp=stamp)


def shown(ics: bytes, year: int) -> list[date]:
    """What a calendar client shows: the expanded, non-cancelled occurrences."""
    cal = Calendar.from_ical(ics)
    events = recurring_ical_events.of(cal).between(date(year, 1, 1), date(year + 1, 1, 1))
    return sorted(e["DTSTART"].dt.date() for e in events if str(e.get("STATUS", "CONFIRMED")) != "CANCELLED")


def vevents(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


@pytest.mark.parametrize("year", [2025, 2026, 2027])
@pytest.mark.parametrize("name", list(FREQS))
def test_expanded_ics_equals_app_dates(name, year):
    freq = FREQS[name]
    assert shown(export(freq, year), year) == expand(freq, year)


def test_rules_are_one_series_with_exdates_others_single_events():
    weekly = vevents(export(FREQS["weekly-thursday"], 2026))
    series = [e for e in weekly if "RRULE" in e]
    assert len(series) == 1
    rule = series[0]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [1] and rule["BYDAY"] == ["TH"]
    assert rule["UNTIL"][0] == datetime(2026, 12, 17, 22, 59, 59, tzinfo=UTC)  # 23:59:59 in Oslo
    exdates = sorted(d.dt.date() for ex in series[0]["EXDATE"] for d in ex.dts)
    assert date(2026, 4, 2) in exdates and date(2026, 5, 14) in exdates and date(2026, 7, 2) in exdates
    singles = sorted(e["DTSTART"].dt.date() for e in weekly if "RRULE" not in e)
    assert singles == [date(2026, 4, 1), date(2026, 5, 15)]  # moved off Skjærtorsdag and Kristi himmelfart
    biweekly = [e for e in vevents(export(FREQS["biweekly"], 2026)) if "RRULE" in e][0]["RRULE"]
    assert biweekly["INTERVAL"] == [2]
    monthly = [e for e in vevents(export(FREQS["monthly"], 2026)) if "RRULE" in e][0]["RRULE"]
    assert monthly["FREQ"] == ["MONTHLY"] and monthly["BYDAY"] == ["2TU"]
    five = vevents(export(FREQS["5/yr"], 2026))
    assert len(five) == 5 and not [e for e in five if "RRULE" in e]
    assert vevents(export(FREQS["as_needed"], 2026)) == []


def test_one_exdate_per_line():
    text = export(FREQS["weekly"], 2026).decode()
    lines = [ln for ln in text.splitlines() if ln.startswith("EXDATE")]
    assert lines and all(ln.startswith("EXDATE;TZID=Europe/Oslo:") and "," not in ln for ln in lines)


def test_required_calendar_properties_and_timezone():
    ics = export(FREQS["monthly"], 2026)
    cal = Calendar.from_ical(ics)
    assert cal["VERSION"] == "2.0" and str(cal["PRODID"]) == PRODID == "-//Laget//Møtekalender//NO"
    assert cal["CALSCALE"] == "GREGORIAN" and str(cal["X-WR-CALNAME"]) == "Møtekalender"
    assert cal["X-WR-TIMEZONE"] == "Europe/Oslo"
    zones = cal.walk("VTIMEZONE")
    assert [tz["TZID"] for tz in zones] == ["Europe/Oslo"]
    parts = zones[0].walk("DAYLIGHT") + zones[0].walk("STANDARD")
    assert len(parts) == 2 and all("RRULE" in p and "RDATE" not in p for p in parts)  # what Outlook reads
    for ev in cal.walk("VEVENT"):
        assert ev["UID"] and ev["DTSTAMP"].dt == STAMP
        assert ev["DTSTART"].params["TZID"] == "Europe/Oslo" and ev["DTEND"].params["TZID"] == "Europe/Oslo"
        assert ev["DTEND"].dt - ev["DTSTART"].dt == timedelta(minutes=90)
        assert str(ev["SUMMARY"]) == "Tverrfaglig team" and str(ev["STATUS"]) == "CONFIRMED"
        assert str(ev["DESCRIPTION"]) == "Leder: Rektor" and ev["CATEGORIES"].cats == ["Tjenestenivå"]
    assert b"\r\n" in ics


def test_local_time_holds_in_summer_and_winter():
    events = recurring_ical_events.of(Calendar.from_ical(export(FREQS["monthly"], 2026))).between(
        date(2026, 1, 1), date(2027, 1, 1))
    for e in events:
        start = e["DTSTART"].dt
        assert start.time() == time(9, 0)
        if start.month not in (3, 10):  # summer time (CEST) April–September, CET in winter
            assert start.astimezone(UTC).hour == (7 if 4 <= start.month <= 9 else 8)


def test_uids_are_stable_across_exports():
    for freq in FREQS.values():
        a = vevents(export(freq, 2026))
        b = vevents(export(freq, 2026, stamp=datetime(2027, 1, 1, tzinfo=UTC)))
        assert [str(e["UID"]) for e in a] == [str(e["UID"]) for e in b]
        assert len({str(e["UID"]) for e in a}) == len(a)
    uids = {str(e["UID"]) for e in vevents(export(FREQS["weekly-thursday"], 2026))}
    assert uids == {"laget-arena-7-2026-serie@laget", "laget-arena-7-20260401@laget", "laget-arena-7-20260515@laget"}


def test_cancelled_in_a_series_is_an_exdate():
    freq = FREQS["weekly"]
    dates = expand(freq, 2026)
    ics = export(freq, 2026, dates, cancelled={dates[5]})
    assert shown(ics, 2026) == dates[:5] + dates[6:]
    assert not [e for e in vevents(ics) if str(e["STATUS"]) == "CANCELLED"]


def test_cancelled_single_is_status_cancelled():
    freq = FREQS["5/yr"]
    dates = expand(freq, 2026)
    ics = export(freq, 2026, dates, cancelled={dates[2]})
    status = {e["DTSTART"].dt.date(): (str(e["STATUS"]), str(e["SUMMARY"])) for e in vevents(ics)}
    assert status[dates[2]] == ("CANCELLED", "Avlyst: Tverrfaglig team")
    assert shown(ics, 2026) == dates[:2] + dates[3:]


def test_moved_meeting_in_a_series_is_its_own_event_with_the_planned_uid():
    freq = FREQS["weekly"]
    dates = expand(freq, 2026)
    new = date(2026, 1, 15)  # the Tuesday of 13 January moved to Thursday
    actual = [new if d == dates[1] else d for d in dates]
    ics = export(freq, 2026, actual, moved={new: dates[1]})
    assert shown(ics, 2026) == sorted(actual)
    moved = [e for e in vevents(ics) if e["DTSTART"].dt.date() == new]
    assert [str(e["UID"]) for e in moved] == ["laget-arena-7-20260113@laget"]


def test_arena_calendar_export_keeps_uids_after_a_move():
    freq = FREQS["5/yr"]
    planned = expand(freq, 2026)

    def arena(moves: dict[date, date]) -> ArenaCalendar:
        meetings = tuple(CalendarMeeting(d, moves.get(d, d), version=1 if d in moves else 0) for d in planned)
        return ArenaCalendar(3, "Politiråd", "Kommunenivå", "Vold i nære relasjoner", "Ordfører", ["Politiet"],
                             freq, meetings)

    a = vevents(build_calendar([arena({})], 2026, name="x", stamp=STAMP))
    b = vevents(build_calendar([arena({planned[0]: date(2026, 2, 12)})], 2026, name="x", stamp=STAMP))
    assert [str(e["UID"]) for e in a] == [str(e["UID"]) for e in b]
    assert date(2026, 2, 12) in [e["DTSTART"].dt.date() for e in b]
    assert int(b[0]["SEQUENCE"]) == 1 and int(a[0]["SEQUENCE"]) == 0
    assert "Leder: Ordfører" in str(a[0]["DESCRIPTION"]) and "Deltakere: Politiet" in str(a[0]["DESCRIPTION"])


def test_arena_calendar_series_with_moved_and_cancelled():
    freq = FREQS["weekly"]
    dates = expand(freq, 2026)
    meetings = [CalendarMeeting(d, d) for d in dates]
    meetings[0] = CalendarMeeting(dates[0], dates[0], "avlyst")
    meetings[1] = CalendarMeeting(dates[1], date(2026, 1, 15))
    meetings[2] = CalendarMeeting(dates[2], date(2026, 1, 22), "avlyst")  # moved, then cancelled
    cal = ArenaCalendar(9, "Ledermøte", "Kommunenivå", "", "", [], freq, tuple(meetings))
    ics = build_calendar([cal], 2026, name="x", stamp=STAMP)
    assert shown(ics, 2026) == sorted([date(2026, 1, 15), *dates[3:]])
    cancelled = [e for e in vevents(ics) if str(e["STATUS"]) == "CANCELLED"]
    assert [(e["DTSTART"].dt.date(), str(e["UID"])) for e in cancelled] == [
        (date(2026, 1, 22), f"laget-arena-9-{dates[2]:%Y%m%d}@laget")]


def test_plain_events_with_rdates_and_location():
    ev = IcsEvent("x-1@laget", "Samling", "Tekst", date(2026, 3, 3), 60, time(13, 0),
                  rrule={"FREQ": "WEEKLY", "COUNT": 2}, rdates=[date(2026, 3, 20)], location="Rådhuset",
                  categories=["Kommunenivå", "SLT"])
    cal = Calendar.from_ical(build_calendar([ev], name="x", stamp=STAMP))
    occurrences = recurring_ical_events.of(cal).between(date(2026, 1, 1), date(2027, 1, 1))
    starts = sorted(e["DTSTART"].dt for e in occurrences)
    assert [(s.date(), s.time()) for s in starts] == [(date(2026, 3, d), time(13, 0)) for d in (3, 10, 20)]
    assert all(e["DTEND"].dt - e["DTSTART"].dt == timedelta(minutes=60) for e in occurrences)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["LOCATION"]) == "Rådhuset" and vevent["CATEGORIES"].cats == ["Kommunenivå", "SLT"]


def test_arena_calendar_needs_a_year():
    cal = ArenaCalendar(1, "x", "Kommunenivå", "", "", [], FREQS["monthly"], ())
    with pytest.raises(ValueError):
        build_calendar([cal], name="x")


def test_user_text_is_escaped_and_cannot_inject_properties():
    from datetime import date

    from icalendar import Calendar

    from data_access.formats.ics import IcsEvent, build_calendar

    evil = "Møte\r\nEND:VEVENT\nBEGIN:VEVENT\rUID:x;a,b\\c\x00\x0b <script>[x](https://evil)"
    ical = build_calendar([IcsEvent("u1", evil, evil, date(2026, 3, 2), location=evil, categories=[evil])],
                          name=evil)
    lines = ical.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1 and b"\x00" not in ical and b"\x0b" not in ical
    assert not [line for line in lines if line.startswith(b"UID:x")]
    cal = Calendar.from_ical(ical)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["uid"]) == "u1"
    expected = "Møte\nEND:VEVENT\nBEGIN:VEVENT\nUID:x;a,b\\c <script>[x](https://evil)"
    assert str(events[0]["summary"]) == str(events[0]["description"]) == str(events[0]["location"]) == expected
    assert "X-WR-CALNAME:Møte\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:x\\;a\\,b".encode() in ical
