"""The year planner behind «Foreslå møteplan for neste år» (pure: no database, no Streamlit).

Why: expanding every frequency on its own put all arenas on the default Tuesday, so one day held eight
meetings and the same people were booked twice. The planner places all arenas of a plan *together*:

- Only open days: Monday–Friday, no public holiday (``holidays.Norway``), no ferie (July, 22.12–02.01), no
  school break of the kommune's skoleruta, inside the arena's start and end date.
- The frequency is kept: weekly = one meeting in every open week, every 14 days = one in every open even ISO week,
  monthly = one in every month, «N ganger i året» = N spread over the school year's two terms (spring gets the
  extra one), annual with a preferred month or week = in that month or week.
- A *person* is an arena's leader (as in ``meetings.find_conflicts``): a leader is in at most one meeting a
  day. A *service* is the leader or any participant: at most two meetings a day. Sharing anything at all on a
  day is avoided where an equally good day exists.
- Each arena has a preferred weekday, week of the month and time of day. Where the coordinator has not chosen,
  ``default_preferences`` spreads arenas that share people or services over different weekdays and weeks,
  and says why.
- Dates given as fixed (published, locked or otherwise stored) stay; the rest is planned around them.
- Greedy, most frequent arena first; deterministic (same input, same output). Where no day satisfies the
  rules the least bad day is used and the clash is reported with a Norwegian reason.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.easter import easter

from data_access.domain.frequency import Frequency, is_ferie, norwegian_holidays

WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag")
WEEKDAY_ORDER = (1, 2, 3, 0, 4)  # tie-break: Monday, Thursday and Friday lose most days to public holidays
WEEK_OF_MONTH_ORDER = (2, 3, 1, 4)
DEFAULT_TIME = "09:00"  # as the .ics export's START; the coordinator sets another per arena
MAX_PER_SERVICE = 2
TERMS = (((1, 15), (6, 15)), ((8, 20), (12, 15)))


@dataclass(frozen=True)
class PlanArena:
    """What the planner needs to know about one arena."""

    id: int
    name: str
    frequency: Frequency | None
    leader: str = ""
    participants: tuple[str, ...] = ()
    level: str = "tjeneste"
    weekday: int | None = None  # 0 = Monday … 4 = Friday; None = spread by default
    week_of_month: int | None = None  # 1–4; None = spread by default
    time: str | None = None  # "HH:MM"
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class SchoolBreak:
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Preference:
    weekday: int
    week_of_month: int | None
    time: str
    chosen: bool  # True when the coordinator chose the weekday, False for a default
    why: str


@dataclass(frozen=True)
class Proposed:
    arena_id: int
    date: date
    fixed: bool = False


@dataclass(frozen=True)
class PlanConflict:
    """A clash the planner could not avoid, or a window it could not fill."""

    arena_id: int
    date: date | None
    reason: str
    other_arena_id: int | None = None


@dataclass
class Proposal:
    dates: list[Proposed] = field(default_factory=list)
    conflicts: list[PlanConflict] = field(default_factory=list)
    preferences: dict[int, Preference] = field(default_factory=dict)

    def by_arena(self) -> dict[int, list[date]]:
        out: dict[int, list[date]] = defaultdict(list)
        for p in self.dates:
            out[p.arena_id].append(p.date)
        return {k: sorted(v) for k, v in out.items()}


def example_breaks(year: int) -> list[SchoolBreak]:
    """A typical skoleruta for ``year`` (EXAMPLE data, not any kommune's own; the demo labels it so).

    Weeks as many kommuner use them: vinterferie week 8, påskeferie Monday of Holy Week to 2. påskedag,
    høstferie week 40, juleferie from 21 December; planning days are left out.
    """
    def week(w: int) -> tuple[date, date]:
        return date.fromisocalendar(year, w, 1), date.fromisocalendar(year, w, 5)

    e = easter(year)
    return [SchoolBreak("Vinterferie (eksempel)", *week(8)),
            SchoolBreak("Påskeferie (eksempel)", e - timedelta(days=6), e + timedelta(days=1)),
            SchoolBreak("Høstferie (eksempel)", *week(40)),
            SchoolBreak("Juleferie (eksempel)", date(year, 12, 21), date(year, 12, 31))]


def plan_arena(row: object, frequency: Frequency | None) -> PlanArena:
    """A PlanArena from an arena as the ORM row or as a frame row (a dict)."""
    get = row.get if isinstance(row, Mapping) else row.__getattribute__
    return PlanArena(get("id"), get("name"), frequency, get("leader") or "", tuple(get("participants") or ()),
                     get("level"), get("pref_weekday"), get("pref_week_of_month"), get("pref_time"),
                     get("start_date"), get("end_date"))


def person_key(name: str) -> str:
    """A role as a comparable key, as ``meetings.find_conflicts`` does: «Ordfører (kaller inn)» → «ordfører»."""
    return re.sub(r"\([^)]*\)", "", name or "").strip().lower()


def _display(names: Iterable[str]) -> dict[str, str]:
    """key → the name as first written (for messages: names, not keys)."""
    out: dict[str, str] = {}
    for n in names:
        k = person_key(n)
        if k and k not in out:
            out[k] = re.sub(r"\([^)]*\)", "", n).strip()
    return out


class _People:
    """Who each arena needs: persons (leaders, one meeting a day) and services (anyone, two a day)."""

    def __init__(self, arenas: Sequence[PlanArena]) -> None:
        leaders = {person_key(a.leader) for a in arenas} - {""}
        self.names = _display([a.leader for a in arenas] + [p for a in arenas for p in a.participants])
        self.services = {a.id: frozenset({person_key(a.leader), *map(person_key, a.participants)} - {""})
                         for a in arenas}
        self.persons = {a.id: self.services[a.id] & leaders for a in arenas}

    def neighbours(self, ids: Sequence[int]) -> dict[int, dict[int, bool]]:
        """For each arena, the arenas it shares a service with → whether they share a person too."""
        by_service: dict[str, list[int]] = defaultdict(list)
        for i in ids:
            for k in self.services[i]:
                by_service[k].append(i)
        out: dict[int, dict[int, bool]] = {i: {} for i in ids}
        for members in by_service.values():
            for i in members:
                for j in members:
                    if i != j and j not in out[i]:
                        out[i][j] = bool(self.persons[i] & self.persons[j])
        return out

    def shared(self, a: int, b: int) -> tuple[frozenset[str], frozenset[str]]:
        """(persons both need, services both need)."""
        return (self.persons[a] & self.persons[b] if a != b else frozenset(),
                self.services[a] & self.services[b] if a != b else frozenset())

    def label(self, keys: Iterable[str]) -> str:
        return ", ".join(self.names.get(k, k) for k in sorted(keys))


def load(freq: Frequency | None) -> int:
    """Meetings a year, roughly: the weight of an arena when spreading."""
    if freq is None:
        return 0
    if freq.kind == "per_year":
        return freq.times or 0
    return {"weekly": 45, "biweekly": 22, "monthly": 11}.get(freq.kind, 0)


# --- default preferences --------------------------------------------------------------------------------------

def default_preferences(arenas: Sequence[PlanArena]) -> dict[int, Preference]:
    """Preferred weekday, week of month and time for every arena with fixed meetings, and why.

    Chosen values stay. Others, most frequent arena first: the weekday where the fewest meetings of arenas
    sharing a leader (then a service) already are, then the fewest meetings at all; the week of the month
    likewise among arenas on the same weekday. Only arenas that share someone are compared (an index by
    person and service), so a thousand arenas take milliseconds.
    """
    people = _People(arenas)
    planned = [a for a in arenas if load(a.frequency) > 0]
    order = sorted(planned, key=lambda a: (a.weekday is None, -load(a.frequency), a.id))
    neighbours = people.neighbours([a.id for a in planned])
    loads = {a.id: load(a.frequency) for a in planned}
    weekday: dict[int, int] = {}
    day_load = dict.fromkeys(range(5), 0)
    why: dict[int, str] = {}
    by_id = {a.id: a for a in arenas}
    for a in order:
        if a.weekday is not None:
            best = a.weekday
            why[a.id] = f"{WEEKDAY_NAMES[a.weekday].capitalize()} er valgt i arenaskjemaet."
        else:
            person, service = [0] * 5, [0] * 5
            for other, shares_person in neighbours[a.id].items():
                wd = weekday.get(other)
                if wd is not None:
                    service[wd] += loads[other]
                    if shares_person:
                        person[wd] += loads[other]
            best = min(WEEKDAY_ORDER, key=lambda wd, p=person, s=service: (p[wd], s[wd], day_load[wd],
                                                                             WEEKDAY_ORDER.index(wd)))
        weekday[a.id] = best
        day_load[best] += load(a.frequency)
        if a.weekday is None:
            why[a.id] = _why_weekday(a, best, weekday, people, by_id, neighbours[a.id], loads)
    weeks: dict[int, int | None] = {}
    week_load: dict[tuple[int, int], int] = {}
    for a in order:
        if a.frequency is None or a.frequency.kind not in {"monthly", "per_year"} or a.week_of_month is not None:
            weeks[a.id] = a.week_of_month
        else:
            sharing = Counter(weeks[o] for o in neighbours[a.id] if weekday.get(o) == weekday[a.id] and weeks.get(o))
            weeks[a.id] = min(WEEK_OF_MONTH_ORDER, key=lambda w, a=a, sharing=sharing: (
                sharing[w], week_load.get((weekday[a.id], w), 0), WEEK_OF_MONTH_ORDER.index(w)))
            if a.frequency.kind == "monthly":
                why[a.id] += f" {weeks[a.id]}. {WEEKDAY_NAMES[weekday[a.id]]} i måneden, så månedsmøtene på " \
                             "samme ukedag ikke faller i samme uke."
        if weeks[a.id]:
            key = (weekday[a.id], weeks[a.id])
            week_load[key] = week_load.get(key, 0) + 1
    out = {}
    for a in order:
        time = a.time or DEFAULT_TIME
        if not a.time:
            why[a.id] += f" Kl. {time} er standard (velg et annet klokkeslett i arenaskjemaet)."
        out[a.id] = Preference(weekday[a.id], weeks.get(a.id), time, a.weekday is not None, why[a.id])
    return out


def _why_weekday(a: PlanArena, best: int, weekday: Mapping[int, int], people: _People,
                 by_id: Mapping[int, PlanArena], neighbours: Mapping[int, bool], loads: Mapping[int, int]) -> str:
    others = [o for o in neighbours if weekday.get(o, best) != best]  # neighbours share a service by definition
    named = heapq.nsmallest(3, others, key=lambda o: (-loads[o], o))
    elsewhere = [f"«{by_id[o].name}» ({WEEKDAY_NAMES[weekday[o]]}, felles: "
                 f"{people.label(people.shared(a.id, o)[0] or people.shared(a.id, o)[1])})" for o in named]
    elsewhere += [""] * (len(others) - len(named))
    day = WEEKDAY_NAMES[best].capitalize()
    if not elsewhere and best == WEEKDAY_ORDER[0]:
        return f"{day}: deler ingen leder eller tjeneste med arenaer som har fått dag før den, og tirsdag er " \
               "den vanlige møtedagen (færrest helligdager)."
    if not elsewhere:
        return f"{day}: deler ingen leder eller tjeneste med arenaer som har fått dag før den; {WEEKDAY_NAMES[best]} " \
               "hadde færrest faste møter, så møtene spres over uka."
    return f"{day}, fordi disse med felles folk møtes andre dager: {'; '.join(elsewhere[:3])}" + (
        f" og {len(elsewhere) - 3} til." if len(elsewhere) > 3 else ".")


# --- the year ------------------------------------------------------------------------------------------------

def open_days(year: int, breaks: Sequence[SchoolBreak]) -> list[date]:
    """Working days of ``year`` outside ferie and outside the school breaks, sorted."""
    closed = set(norwegian_holidays(year))
    out, d = [], date(year, 1, 1)
    while d.year == year:
        if d.weekday() < 5 and d not in closed and not is_ferie(d) and not any(b.start <= d <= b.end for b in breaks):
            out.append(d)
        d += timedelta(days=1)
    return out


def _week_of_month(d: date) -> int:
    return (d.day - 1) // 7 + 1


def _windows(a: PlanArena, pref: Preference, days: Sequence[date], year: int) -> list[list[date]]:
    """The periods that must each get one meeting, every period's days in order of preference."""
    freq = a.frequency
    days = [d for d in days if (a.start is None or d >= a.start) and (a.end is None or d <= a.end)]
    wd, wom = pref.weekday, pref.week_of_month

    def rank(ds: Iterable[date], middle: date | None = None) -> list[date]:
        return sorted(ds, key=lambda d: (d.weekday() != wd, wom is not None and _week_of_month(d) != wom,
                                         abs((d - middle).days) if middle else abs(d.weekday() - wd), d))

    if freq is None or freq.kind == "as_needed":
        return []
    if freq.kind in {"weekly", "biweekly"}:
        weeks: dict[int, list[date]] = defaultdict(list)
        for d in days:
            weeks[d.isocalendar().week].append(d)
        if freq.kind == "weekly":
            return [rank(ds) for _, ds in sorted(weeks.items())]
        return [rank(weeks[w]) for w in range(2, 54, 2) if weeks.get(w)]  # a closed even week is skipped
    if freq.kind == "monthly":
        months: dict[int, list[date]] = defaultdict(list)
        for d in days:
            months[d.month].append(d)
        out = []
        for m, ds in sorted(months.items()):
            first = date(year, m, 1)
            target = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * ((wom or 2) - 1))
            out.append(sorted(ds, key=lambda d, t=target: (d.weekday() != wd, abs((d - t).days), d)))
        return out
    n = freq.times or 1
    if n == 1 and freq.month is not None:
        in_month = [d for d in days if d.month == freq.month]
        return [rank(in_month, _middle(in_month))] if in_month else []
    if n == 1 and freq.week is not None:
        near = [d for d in days if abs(d.isocalendar().week - freq.week) <= 1]
        target = date.fromisocalendar(year, min(freq.week, 52), wd + 1)
        return [sorted(near, key=lambda d: (abs((d - target).days) > 4, d.isocalendar().week != freq.week,
                                            d.weekday() != wd, abs((d - target).days)))] if near else []
    out = []
    for term, count in enumerate(((n + 1) // 2, n // 2)):
        (m1, d1), (m2, d2) = TERMS[term]
        term_days = [d for d in days if date(year, m1, d1) <= d <= date(year, m2, d2)]
        for i in range(count if term_days else 0):
            part = term_days[i * len(term_days) // count:(i + 1) * len(term_days) // count]
            if part:
                out.append(rank(part, _middle(part)))
    return out


def _middle(ds: Sequence[date]) -> date:
    return ds[len(ds) // 2]


# --- placing ------------------------------------------------------------------------------------------------

class _Board:
    """Who is booked on which day."""

    def __init__(self, people: _People) -> None:
        self.people = people
        self.persons: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.services: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.arenas: dict[date, set[int]] = defaultdict(set)

    def cost(self, arena_id: int, d: date) -> tuple[int, int, int]:
        """(persons already booked, services that would exceed two, services shared) on day ``d``."""
        if arena_id in self.arenas[d]:
            return 99, 99, 99
        persons = sum(1 for k in self.people.persons[arena_id] if self.persons[d][k])
        services = self.services[d]
        over = sum(1 for k in self.people.services[arena_id] if len(services[k]) >= MAX_PER_SERVICE)
        shared = sum(1 for k in self.people.services[arena_id] if services[k])
        return persons, over, shared

    def book(self, arena_id: int, d: date) -> None:
        self.arenas[d].add(arena_id)
        for k in self.people.persons[arena_id]:
            self.persons[d][k].append(arena_id)
        for k in self.people.services[arena_id]:
            self.services[d][k].append(arena_id)


def plan_year(arenas: Sequence[PlanArena], year: int, breaks: Sequence[SchoolBreak] = (),
              fixed: Mapping[int, Sequence[date]] | None = None,
              avoid: Mapping[int, Iterable[date]] | None = None) -> Proposal:
    """Propose the year's dates for every arena with fixed meetings (see the module docstring).

    ``fixed``: dates that stay, per arena. ``avoid``: days an arena must not get (e.g. the original day of a
    meeting the coordinator moved away from).
    """
    fixed = fixed or {}
    avoid_days = {k: set(v) for k, v in (avoid or {}).items()}
    prefs = default_preferences(arenas)
    people = _People(arenas)
    board = _Board(people)
    days = open_days(year, breaks)
    proposal = Proposal(preferences=prefs)
    names = {a.id: a.name for a in arenas}
    for arena_id in sorted(fixed):
        for d in sorted(set(fixed[arena_id])):
            if d.year == year:
                board.book(arena_id, d)
                proposal.dates.append(Proposed(arena_id, d, fixed=True))
    order = sorted((a for a in arenas if a.id in prefs), key=lambda a: (-load(a.frequency),
                                                                        -len(people.services[a.id]), a.id))
    for a in order:
        mine = {d for d in fixed.get(a.id, ()) if d.year == year}
        for window in _windows(a, prefs[a.id], days, year):
            if mine & set(window):  # a fixed date already holds this period
                continue
            window = [d for d in window if d not in avoid_days.get(a.id, ())]
            if not window:
                continue
            best = min(window, key=lambda d, a=a: (board.cost(a.id, d)[:2], board.cost(a.id, d)[2],
                                                   window.index(d)))
            persons, over, _ = board.cost(a.id, best)
            if persons or over:
                proposal.conflicts.append(_explain(a.id, best, board, people, names))
            board.book(a.id, best)
            mine.add(best)
            proposal.dates.append(Proposed(a.id, best))
    proposal.dates.sort(key=lambda p: (p.date, p.arena_id))
    return proposal


def _explain(arena_id: int, d: date, board: _Board, people: _People, names: Mapping[int, str]) -> PlanConflict:
    for k in sorted(people.persons[arena_id]):
        if board.persons[d][k]:
            other = board.persons[d][k][0]
            return PlanConflict(arena_id, d, f"Ingen ledig dag i perioden uten at {people.label([k])} også er i "
                                             f"«{names.get(other, other)}» samme dag.", other)
    for k in sorted(people.services[arena_id]):
        if len(board.services[d][k]) >= MAX_PER_SERVICE:
            return PlanConflict(arena_id, d, f"Ingen ledig dag i perioden uten at {people.label([k])} får mer enn "
                                             f"{MAX_PER_SERVICE} møter samme dag.", board.services[d][k][0])
    return PlanConflict(arena_id, d, "Ingen ledig dag i perioden.")


def check_plan(arenas: Sequence[PlanArena], dates: Iterable[tuple[int, date]]) -> dict[str, int]:
    """Counts for the benchmark and tests: person clashes (pairs), days a service has more than two meetings,
    and the most meetings on one day."""
    people = _People(arenas)
    by_day: dict[date, list[int]] = defaultdict(list)
    for arena_id, d in dates:
        by_day[d].append(arena_id)
    clashes = over = 0
    for ids in by_day.values():
        for i, a in enumerate(ids):
            clashes += sum(1 for b in ids[i + 1:] if people.shared(a, b)[0])
        counts: dict[str, int] = defaultdict(int)
        for a in ids:
            for k in people.services.get(a, ()):
                counts[k] += 1
        over += sum(1 for c in counts.values() if c > MAX_PER_SERVICE)
    return {"person_conflicts": clashes, "service_overloads": over,
            "max_per_day": max((len(v) for v in by_day.values()), default=0)}
