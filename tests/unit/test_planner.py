"""The year planner (issue 19.3), without a database: its promises hold for the Stange plan and for a crowded one."""

import json
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from data_access.domain.frequency import Frequency, expand_many, is_ferie, norwegian_holidays
from data_access.domain.planner import (
    PlanArena,
    SchoolBreak,
    check_plan,
    default_preferences,
    example_breaks,
    plan_year,
)
from data_access.formats.skoleruta import read_skoleruta

DEMO = Path(__file__).resolve().parents[2] / "data_access" / "db" / "demo"
YEAR = 2027


def stange() -> list[PlanArena]:
    data = json.loads((DEMO / "stange.json").read_text(encoding="utf-8"))
    return [PlanArena(i + 1, a["name"], Frequency.from_dict(a["frequency"]) if a["frequency"] else None,
                      a["leader"], tuple(a["participants"]), a["level"]) for i, a in enumerate(data["arenas"])]


def crowded() -> list[PlanArena]:
    """30 arenas over 6 leaders and 8 services, every frequency kind, some with chosen weekdays."""
    kinds = [Frequency("weekly"), Frequency("biweekly"), Frequency("monthly"), Frequency("per_year", 5),
             Frequency("per_year", 2), Frequency("per_year", 1, month=3), Frequency("per_year", 4, 4, True)]
    return [PlanArena(i, f"Arena {i}", kinds[i % len(kinds)], f"Leder {i % 6}",
                      (f"Tjeneste {i % 8}", f"Tjeneste {(i * 3) % 8}", f"Leder {(i + 1) % 6}" if i % 4 == 0 else ""),
                      weekday=(i % 5) if i % 9 == 0 else None) for i in range(30)]


BREAKS = example_breaks(YEAR)


def _dates(proposal):
    return [(p.arena_id, p.date) for p in proposal.dates]


def test_the_stange_year_has_no_shared_person_and_at_most_two_a_day_per_service_within_two_seconds():
    arenas = stange()
    norwegian_holidays(YEAR - 1)  # the holidays package's import, once per process, is not the planner's time
    started = time.perf_counter()
    proposal = plan_year(arenas, YEAR, BREAKS)
    elapsed = time.perf_counter() - started
    assert elapsed <= 2.0, f"{elapsed:.2f} s"
    counts = check_plan(arenas, _dates(proposal))
    assert counts["person_conflicts"] == 0 and counts["service_overloads"] == 0, counts
    assert not proposal.conflicts
    old = expand_many([a.frequency for a in arenas if a.frequency], YEAR)
    assert max(Counter(d for ds in old for d in ds).values()) >= 8, "today's expansion piles one Tuesday"
    assert counts["max_per_day"] <= 2


@pytest.mark.parametrize("make", [stange, crowded])
def test_no_holiday_no_ferie_no_school_break_and_the_frequency_is_kept(make):
    arenas = make()
    proposal = plan_year(arenas, YEAR, BREAKS)
    by_arena = proposal.by_arena()
    holidays = norwegian_holidays(YEAR)
    for _, d in _dates(proposal):
        assert d.weekday() < 5 and d not in holidays and not is_ferie(d), d
        assert not any(b.start <= d <= b.end for b in BREAKS), d
    for a in arenas:
        got = by_arena.get(a.id, [])
        f = a.frequency
        if f is None or f.kind == "as_needed":
            assert got == []
        elif f.kind == "weekly":
            weeks = [d.isocalendar().week for d in got]
            assert len(weeks) == len(set(weeks)) and 40 <= len(got) <= 46, (a.name, len(got))
        elif f.kind == "biweekly":
            assert 20 <= len(got) <= 24 and all((b - a_).days >= 5 for a_, b in zip(got, got[1:], strict=False))
        elif f.kind == "monthly":
            assert sorted(d.month for d in got) == [m for m in range(1, 13) if m != 7]
        else:
            assert len(got) == f.times, (a.name, got)
            if f.month:
                assert all(d.month == f.month for d in got)


def test_the_crowded_plan_keeps_leaders_apart_or_says_why():
    arenas = crowded()
    proposal = plan_year(arenas, YEAR, BREAKS)
    counts = check_plan(arenas, _dates(proposal))
    assert counts["person_conflicts"] + counts["service_overloads"] <= len(proposal.conflicts)
    for c in proposal.conflicts:
        assert c.reason.startswith("Ingen ledig dag")


def test_fixed_dates_stay_and_count_for_the_frequency():
    arenas = stange()
    politirad = next(a for a in arenas if a.name == "Politiråd")
    fixed = {politirad.id: [date(YEAR, 2, 3)]}
    proposal = plan_year(arenas, YEAR, BREAKS, fixed)
    got = proposal.by_arena()[politirad.id]
    assert date(YEAR, 2, 3) in got and len(got) == 5
    assert check_plan(arenas, _dates(proposal))["person_conflicts"] == 0


def test_a_thousand_arenas_get_their_defaults_quickly():
    many = [PlanArena(i, f"Arena {i}", Frequency("per_year", 1 + i % 12), f"Leder {i % 40}",
                      (f"Tjeneste {i % 25}", f"Tjeneste {(i * 7) % 25}")) for i in range(1000)]
    started = time.perf_counter()
    prefs = default_preferences(many)
    assert time.perf_counter() - started < 3 and len(prefs) == 1000  # ~0.5 s; comparing all pairs took 10 s
    assert len({p.weekday for p in prefs.values()}) == 5


def test_same_input_same_plan():
    assert _dates(plan_year(stange(), YEAR, BREAKS)) == _dates(plan_year(stange(), YEAR, BREAKS))


def test_defaults_spread_arenas_that_share_a_leader_and_say_why():
    arenas = stange()
    prefs = default_preferences(arenas)
    by_name = {a.name: prefs[a.id] for a in arenas if a.id in prefs}
    assert by_name["Politiråd"].weekday != by_name["Kommunedirektørens ledermøte"].weekday  # both need the KD
    assert "Kommunedirektør" in by_name["Politiråd"].why
    assert all(p.why and not p.chosen for p in prefs.values())
    chosen = [PlanArena(a.id, a.name, a.frequency, a.leader, a.participants, a.level,
                        weekday=3 if a.name == "Politiråd" else None) for a in arenas]
    politirad = next(a for a in chosen if a.name == "Politiråd")
    assert default_preferences(chosen)[politirad.id].chosen
    assert all(d.weekday() == 3 for d in plan_year(chosen, YEAR, BREAKS).by_arena()[politirad.id])


def test_skoleruta_from_csv_with_norwegian_errors():
    good = read_skoleruta("Navn;Fra og med;Til og med\nHøstferie;28.09.2026;02.10.2026\n".encode(), "rute.csv")
    assert good.ok and good.breaks == [SchoolBreak("Høstferie", date(2026, 9, 28), date(2026, 10, 2))]
    bad = read_skoleruta(b"Navn,Fra,Til\nJul,21.12.2026,01.01.2027\nVinter,32.02.2027,26.02.2027\n"
                         b"Omvendt,10.04.2027,01.04.2027\n", "rute.csv")
    assert not bad.ok and len(bad.breaks) == 1
    assert bad.errors == ["Rad 3: «32.02.2027» er ikke en dato. Skriv datoen som dd.mm.åååå.",
                          "Rad 4: «Til» (01.04.2027) er før «Fra» (10.04.2027)."]
    assert "Fant ikke kolonnene «Fra» og «Til»" in read_skoleruta(b"a;b\n1;2\n", "x.csv").errors[0]
    assert read_skoleruta(b"x", "rute.pdf").errors == ["Laget leser skoleruta fra .csv eller .xlsx."]


def test_skoleruta_from_excel():
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Navn", "Fra", "Til"])
    sheet.append(["Vinterferie", date(2027, 2, 22), date(2027, 2, 26)])
    sheet.append(["Påske", "22.03.2027", "29.03.2027"])
    data = io.BytesIO()
    book.save(data)
    read = read_skoleruta(data.getvalue(), "skolerute.xlsx")
    assert read.ok, read.errors
    assert [(b.name, b.start) for b in read.breaks] == [("Vinterferie", date(2027, 2, 22)),
                                                        ("Påske", date(2027, 3, 22))]
    assert read_skoleruta(b"not a zip", "skolerute.xlsx").errors
