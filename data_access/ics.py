"""iCalendar (.ics) export of the meeting calendar, for Outlook and Google Calendar.

An arena whose frequency is a rule (weekly, every 14 days, monthly) becomes one recurring event with an
RRULE for the year and EXDATEs for the dates the rule gives but the calendar does not have (holidays,
July, Christmas, cancelled or moved meetings); any meeting not on the rule (moved, or shifted off a holiday)
is its own event. Other arenas get one event per meeting. Cancelled single meetings are kept with
STATUS:CANCELLED so that calendars that already hold them remove them. UIDs are built from the arena id and
the *planned* date, so they stay the same from one export to the next, even after a meeting is moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from icalendar import Calendar, Event, vRecur

from data_access.frequency import DEFAULT_WEEKDAY, Frequency

OSLO = ZoneInfo("Europe/Oslo")
PRODID = "-//Laget//Møtekalender//NO"
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
START = time(9, 0)
DURATION = timedelta(minutes=90)


@dataclass(frozen=True)
class CalendarMeeting:
    """One meeting as the calendar shows it."""

    planned_date: date
    date: date
    state: str = "planlagt"  # planlagt | avholdt | avlyst
    note: str = ""

    @property
    def active(self) -> bool:
        return self.state != "avlyst"


@dataclass(frozen=True)
class ArenaCalendar:
    arena_id: int
    name: str
    level_label: str
    purpose: str
    leader: str
    participants: Sequence[str]
    frequency: Frequency | None
    meetings: Sequence[CalendarMeeting] = field(default_factory=tuple)


def rule_dates(freq: Frequency, year: int) -> list[date]:
    """Every date the RRULE we write for ``freq`` produces in ``year`` (no holiday handling)."""
    weekday = DEFAULT_WEEKDAY if freq.weekday is None else freq.weekday
    first = date(year, 1, 1) + timedelta(days=(weekday - date(year, 1, 1).weekday()) % 7)
    if freq.kind == "weekly":
        return [d for d in (first + timedelta(weeks=i) for i in range(54)) if d.year == year]
    if freq.kind == "biweekly":
        if first.isocalendar().week % 2:
            first += timedelta(weeks=1)
        return [d for d in (first + timedelta(weeks=2 * i) for i in range(27)) if d.year == year]
    if freq.kind == "monthly":
        out = []
        for month in range(1, 13):
            d1 = date(year, month, 1)
            out.append(d1 + timedelta(days=(weekday - d1.weekday()) % 7 + 7))
        return out
    return []


def _rrule(freq: Frequency, year: int) -> vRecur:
    weekday = BYDAY[DEFAULT_WEEKDAY if freq.weekday is None else freq.weekday]
    until = datetime.combine(date(year, 12, 31), time(23, 59, 59), tzinfo=UTC)
    if freq.kind == "monthly":
        return vRecur({"FREQ": "MONTHLY", "BYDAY": f"2{weekday}", "UNTIL": until})
    return vRecur({"FREQ": "WEEKLY", "INTERVAL": 2 if freq.kind == "biweekly" else 1, "BYDAY": weekday,
                   "UNTIL": until})


def _at(d: date) -> datetime:
    return datetime.combine(d, START, tzinfo=OSLO)


def _event(arena: ArenaCalendar, uid: str, d: date, stamp: datetime, *, cancelled: bool = False,
           note: str = "") -> Event:
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("dtstart", _at(d))
    ev.add("dtend", _at(d) + DURATION)
    ev.add("summary", arena.name)
    lines = [f"Nivå: {arena.level_label}", f"Leder: {arena.leader or 'ikke oppgitt'}"]
    if arena.participants:
        lines.append("Deltakere: " + ", ".join(arena.participants))
    if arena.purpose:
        lines.append(f"Agenda/målsetting: {arena.purpose}")
    if note:
        lines.append(f"Notat: {note}")
    lines.append("Klokkeslett er foreslått (09:00–10:30); avtal endelig tid i innkallingen.")
    ev.add("description", "\n".join(lines))
    ev.add("categories", [arena.level_label])
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    return ev


def arena_events(arena: ArenaCalendar, year: int, stamp: datetime) -> list[Event]:
    """The VEVENTs of one arena for one year; see the module docstring for the rules."""
    meetings = [m for m in arena.meetings if m.date.year == year or m.planned_date.year == year]
    active = {m.date: m for m in meetings if m.active}
    events: list[Event] = []
    freq = arena.frequency
    if freq is not None and freq.is_rule:
        rule = rule_dates(freq, year)
        on_rule = [d for d in rule if d in active]
        if on_rule:
            series = _event(arena, f"laget-arena-{arena.arena_id}-{year}-serie@laget", on_rule[0], stamp)
            series.add("rrule", _rrule(freq, year))
            skipped = [_at(d) for d in rule if d not in active and d >= on_rule[0]]
            if skipped:
                series.add("exdate", skipped)
            events.append(series)
        rule_set = set(on_rule)
        for m in sorted(active.values(), key=lambda m: m.date):
            if m.date not in rule_set:
                events.append(_event(arena, _uid(arena, m), m.date, stamp, note=m.note))
        return events
    for m in sorted(meetings, key=lambda m: m.date):
        events.append(_event(arena, _uid(arena, m), m.date, stamp, cancelled=not m.active, note=m.note))
    return events


def _uid(arena: ArenaCalendar, m: CalendarMeeting) -> str:
    return f"laget-arena-{arena.arena_id}-{m.planned_date:%Y%m%d}@laget"


def build_calendar(arenas: Iterable[ArenaCalendar], year: int, *, name: str,
                   stamp: datetime | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    for arena in arenas:
        for ev in arena_events(arena, year, stamp):
            cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def calendars_from_frames(arenas: pl.DataFrame, meetings: pl.DataFrame) -> list[ArenaCalendar]:
    """Turn the page's arena and meeting frames into the export's input (pure)."""
    from data_access.arenas import arena_frequency
    from data_access.vocabulary import ARENA_LEVELS

    by_arena: dict[int, list[CalendarMeeting]] = {}
    for m in meetings.iter_rows(named=True):
        by_arena.setdefault(m["arena_id"], []).append(
            CalendarMeeting(m["planned_date"], m["date"], m["state"], m["note"] or ""))
    return [ArenaCalendar(a["id"], a["name"], ARENA_LEVELS.get(a["level"], a["level"]), a["purpose"] or "",
                          a["leader"] or "", list(a["participants"] or []), arena_frequency(a["frequency"]),
                          tuple(by_arena.get(a["id"], [])))
            for a in arenas.iter_rows(named=True)]
