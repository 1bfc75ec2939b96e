"""iCalendar (.ics) export of the meeting calendar, for Outlook and Google Calendar.

Choices, made for what Outlook and Google Calendar import reliably:

- Times are local (TZID=Europe/Oslo) with a VTIMEZONE written with yearly RRULEs (last Sunday of March and
  October), the form Google itself exports; Outlook mis-reads the RDATE-based form that
  ``Calendar.add_missing_timezones()`` writes and shifts summer meetings by an hour.
- An arena whose frequency is a rule (weekly, every 14 days, monthly) becomes ONE recurring event:
  RRULE (FREQ=WEEKLY;INTERVAL=1|2;BYDAY=.. or FREQ=MONTHLY;BYDAY=2..) from its first meeting UNTIL its last,
  and one EXDATE line per date the rule gives but the calendar does not have (ferie, holidays, cancelled or
  moved meetings). Every meeting that is not on the rule (moved by the coordinator, or shifted off a
  holiday) is its own event: separate events rather than RDATE/RECURRENCE-ID, which clients handle unevenly.
- Other arenas get one event per meeting.
- Cancelled: a cancelled meeting the rule would give is an EXDATE of the series; every other cancelled
  meeting stays as its own event with STATUS:CANCELLED (and "Avlyst:" in the title for clients that ignore
  the status), so a calendar that already imported it removes or marks it.
- UIDs are built from the arena id and the *planned* date (series: arena id and year), so they are the same in
  every export, also after a meeting is moved. SEQUENCE is the meeting's edit count, so re-imports update.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur, vText

from data_access.domain.frequency import DEFAULT_WEEKDAY, Frequency, rule_dates

if TYPE_CHECKING:
    import polars as pl

TZID = "Europe/Oslo"
OSLO = ZoneInfo(TZID)
PRODID = "-//Laget//Møtekalender//NO"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
START = time(9, 0)
DURATION_MINUTES = 90


@dataclass
class IcsEvent:
    """One VEVENT; ``rrule`` makes it a series (keys as in RFC 5545; UNTIL may be a date)."""

    uid: str
    summary: str
    description: str
    start: date
    duration_minutes: int = DURATION_MINUTES
    start_time: time = START
    rrule: dict | None = None
    exdates: list[date] = field(default_factory=list)
    rdates: list[date] = field(default_factory=list)
    cancelled: bool = False
    location: str = ""
    categories: list[str] = field(default_factory=list)
    sequence: int = 0


@dataclass(frozen=True)
class CalendarMeeting:
    """One meeting as the app holds it: identity (planned date), actual date, state and edit count."""

    planned_date: date
    date: date
    state: str = "planlagt"  # planlagt | avholdt | avlyst
    note: str = ""
    version: int = 0

    @property
    def active(self) -> bool:
        return self.state != "avlyst"


@dataclass(frozen=True)
class ArenaCalendar:
    """An arena with its meetings of the year, as the Møtekalender page passes it."""

    arena_id: int
    name: str
    level_label: str
    purpose: str
    leader: str
    participants: Sequence[str]
    frequency: Frequency | None
    meetings: Sequence[CalendarMeeting] = field(default_factory=tuple)
    start_time: time | None = None  # the arena's preferred time (planner); None: START
    planned_years: Sequence[int] = ()  # years whose dates come from a published year plan: one event per meeting


def series_uid(arena_id: int, year: int) -> str:
    return f"laget-arena-{arena_id}-{year}-serie@laget"


def meeting_uid(arena_id: int, planned: date) -> str:
    return f"laget-arena-{arena_id}-{planned:%Y%m%d}@laget"


def rrule_for(freq: Frequency, until: date) -> dict:
    """The RRULE of a rule frequency; it expands to ``frequency.rule_dates`` up to ``until``."""
    day = BYDAY[DEFAULT_WEEKDAY if freq.weekday is None else freq.weekday]
    if freq.kind == "monthly":
        return {"FREQ": "MONTHLY", "BYDAY": f"2{day}", "UNTIL": until}
    return {"FREQ": "WEEKLY", "INTERVAL": 2 if freq.kind == "biweekly" else 1, "BYDAY": day, "WKST": "MO",
            "UNTIL": until}


def _arena_events(arena_id: int, summary: str, level: str, freq: Frequency | None, year: int,
                  meetings: Sequence[CalendarMeeting], *, description: str, start_time: time,
                  duration_minutes: int, location: str) -> list[IcsEvent]:
    def event(uid: str, d: date, *, cancelled: bool = False, note: str = "", sequence: int = 0) -> IcsEvent:
        text = description + (f"\nNotat: {note}" if note else "")
        return IcsEvent(uid, summary, text.strip(), d, duration_minutes, start_time, cancelled=cancelled,
                        location=location, categories=[level] if level else [], sequence=sequence)

    meetings = sorted(meetings, key=lambda m: (m.date, m.planned_date))
    rule = rule_dates(freq, year) if freq is not None and freq.is_rule else []
    rule_set = set(rule)
    in_series = [m for m in meetings if m.active and m.date == m.planned_date and m.date in rule_set]
    covered = {m.date for m in in_series}
    series_ids = {id(m) for m in in_series}
    events: list[IcsEvent] = []
    if in_series and freq is not None:
        first, last = in_series[0].date, in_series[-1].date
        series = event(series_uid(arena_id, year), first,
                       sequence=sum(m.version for m in meetings if m.planned_date in rule_set))
        series.rrule = rrule_for(freq, last)
        series.exdates = [d for d in rule if first < d < last and d not in covered]
        events.append(series)
    for m in meetings:
        if id(m) in series_ids:
            continue
        if not m.active and m.date == m.planned_date and m.date in rule_set:
            continue  # an EXDATE of the series (or outside its span)
        events.append(event(meeting_uid(arena_id, m.planned_date), m.date, cancelled=not m.active, note=m.note,
                            sequence=m.version))
    return events


def arena_events(arena_id: int, arena_name: str, level: str, freq: Frequency | None, year: int,
                 dates: Iterable[date], cancelled: Collection[date] = frozenset(), *,
                 moved: Mapping[date, date] | None = None, notes: Mapping[date, str] | None = None,
                 description: str = "", start_time: time = START, duration_minutes: int = DURATION_MINUTES,
                 location: str = "") -> list[IcsEvent]:
    """The events of one arena for one year, chosen as the module docstring says.

    ``dates`` are the meeting dates shown in the app (a cancelled date may be in it or not), ``cancelled``
    the cancelled ones, ``moved`` maps an actual date to the planned date it was moved from (for the UID).
    """
    moved, notes = moved or {}, notes or {}
    dead = set(cancelled)
    meetings = [CalendarMeeting(moved.get(d, d), d, "avlyst" if d in dead else "planlagt", notes.get(d, ""))
                for d in sorted(set(dates) | dead)]
    return _arena_events(arena_id, arena_name, level, freq, year, meetings, description=description,
                         start_time=start_time, duration_minutes=duration_minutes, location=location)


def arena_description(arena: ArenaCalendar) -> str:
    lines = [f"Nivå: {arena.level_label}", f"Leder: {arena.leader or 'ikke oppgitt'}"]
    if arena.participants:
        lines.append("Deltakere: " + ", ".join(arena.participants))
    if arena.purpose:
        lines.append(f"Agenda/målsetting: {arena.purpose}")
    start = arena.start_time or START
    end = (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=DURATION_MINUTES)).time()
    lines.append(f"Klokkeslett er foreslått ({start:%H:%M}–{end:%H:%M}); avtal endelig tid i innkallingen.")
    return "\n".join(lines)


def calendar_events(arena: ArenaCalendar, year: int) -> list[IcsEvent]:
    """The events of an ArenaCalendar (its meetings carry planned date, state, note and version)."""
    meetings = [m for m in arena.meetings if m.date.year == year or m.planned_date.year == year]
    freq = None if year in arena.planned_years else arena.frequency  # a planned year follows no rule
    return _arena_events(arena.arena_id, arena.name, arena.level_label, freq, year, meetings,
                         description=arena_description(arena), start_time=arena.start_time or START,
                         duration_minutes=DURATION_MINUTES, location="")


def oslo_timezone() -> Timezone:
    """VTIMEZONE for Europe/Oslo with RRULEs (EU summer time, in force since 1996), as Outlook expects."""
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    for part, name, start, offsets, month in ((TimezoneDaylight(), "CEST", datetime(1970, 3, 29, 2), (1, 2), 3),
                                              (TimezoneStandard(), "CET", datetime(1970, 10, 25, 3), (2, 1), 10)):
        part.add("tzoffsetfrom", timedelta(hours=offsets[0]))
        part.add("tzoffsetto", timedelta(hours=offsets[1]))
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("rrule", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
        tz.add_component(part)
    return tz


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> vText:
    """User text as an iCalendar TEXT value: icalendar escapes ``\\ ; ,`` and line breaks (RFC 5545 3.3.11);
    control characters, which TEXT may not hold, are dropped. Typed as vText so X- properties are escaped too."""
    return vText(CONTROL.sub("", value))


def _local(d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=OSLO)


def _vevent(ev: IcsEvent, stamp: datetime) -> Event:
    start = _local(ev.start, ev.start_time)
    out = Event()
    out.add("uid", ev.uid)
    out.add("dtstamp", stamp)
    out.add("sequence", ev.sequence)
    out.add("dtstart", start)
    out.add("dtend", start + timedelta(minutes=ev.duration_minutes))
    out.add("summary", _text(f"Avlyst: {ev.summary}" if ev.cancelled else ev.summary))
    if ev.description:
        out.add("description", _text(ev.description))
    if ev.location:
        out.add("location", _text(ev.location))
    if ev.categories:
        out.add("categories", [CONTROL.sub("", c) for c in ev.categories])
    out.add("status", "CANCELLED" if ev.cancelled else "CONFIRMED")
    out.add("transp", "TRANSPARENT" if ev.cancelled else "OPAQUE")
    if ev.rrule:
        rule = dict(ev.rrule)
        until = rule.get("UNTIL")
        if isinstance(until, date) and not isinstance(until, datetime):  # end of that day in Oslo, as UTC
            rule["UNTIL"] = _local(until, time(23, 59, 59)).astimezone(UTC)
        out.add("rrule", vRecur(rule))
    for d in ev.exdates:  # one line each: the form Google writes and every client reads
        out.add("exdate", _local(d, ev.start_time))
    for d in ev.rdates:
        out.add("rdate", _local(d, ev.start_time))
    return out


def build_calendar(events: Iterable[IcsEvent | ArenaCalendar], year: int | None = None, *, name: str,
                   stamp: datetime | None = None) -> bytes:
    """The .ics file. ArenaCalendar items (the Møtekalender page) are turned into events for ``year``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    cal.add("x-wr-timezone", TZID)
    cal.add_component(oslo_timezone())
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for item in events:
        if isinstance(item, ArenaCalendar):
            if year is None:
                raise ValueError("build_calendar needs the year to export an ArenaCalendar")
            items = calendar_events(item, year)
        else:
            items = [item]
        for ev in items:
            cal.add_component(_vevent(ev, stamp))
    return cal.to_ical()


def calendars_from_frames(arenas: pl.DataFrame, meetings: pl.DataFrame) -> list[ArenaCalendar]:
    """Turn the page's arena and meeting frames into the export's input (pure)."""
    from data_access.domain.arenas import arena_frequency
    from data_access.domain.vocabulary import ARENA_LEVELS

    has_version = "version" in meetings.columns
    by_arena: dict[int, list[CalendarMeeting]] = {}
    for m in meetings.iter_rows(named=True):
        by_arena.setdefault(m["arena_id"], []).append(
            CalendarMeeting(m["planned_date"], m["date"], m["state"], m["note"] or "",
                            int(m["version"] or 0) if has_version else 0))
    def start(a: dict) -> time | None:
        text = a.get("pref_time") or ""
        return time(int(text[:2]), int(text[3:5])) if re.fullmatch(r"\d{2}:\d{2}", text) else None

    return [ArenaCalendar(a["id"], a["name"], ARENA_LEVELS.get(a["level"], a["level"]), a["purpose"] or "",
                          a["leader"] or "", list(a["participants"] or []), arena_frequency(a["frequency"]),
                          tuple(by_arena.get(a["id"], [])), start(a), tuple(a.get("planned_years") or ()))
            for a in arenas.iter_rows(named=True)]
