"""The Møtekalender page rerun with 1,000 arenas (expansion alone: bench_frequency.py), and the year planner.

Run: .venv/bin/python benchmarks/bench_calendar.py [--repeats 10] [--planner-only]
Targets: page rerun ≤ 300 ms (issue 4); the Stange plan's 19 arenas planned for a year with 0 shared-person
conflicts in ≤ 2 s (issue 19).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks.common import QueryCounter, environment, fresh_demo_database, logged_in_app, median_ms  # noqa: E402
from data_access.db.engine import get_engine, session_scope  # noqa: E402
from data_access.db.models import Arena, Plan  # noqa: E402
from data_access.domain.frequency import Frequency  # noqa: E402

KINDS = [Frequency("weekly"), Frequency("biweekly"), Frequency("monthly"), Frequency("per_year", 5),
         Frequency("per_year", 2, 1), Frequency("per_year", 1), Frequency("per_year", 4, 4, True),
         Frequency("as_needed", as_needed=True)]


def mixed(n: int) -> list[Frequency]:
    """n arenas with varied kinds and preferred weekdays, so few are identical."""
    out = []
    for i in range(n):
        base = KINDS[i % len(KINDS)]
        out.append(Frequency(base.kind, base.times, base.min_times, base.as_needed, weekday=i % 5,
                             month=(i % 12) + 1 if base.kind == "per_year" and base.times == 1 else None))
    return out


def add_arenas(url: str, n: int) -> None:
    levels = ["kommune", "tjeneste", "individ"]
    with session_scope(get_engine(url)) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.key == "stange-2023-2026"))
        s.execute(insert(Arena), [
            {"plan_id": plan_id, "name": f"Syntetisk arena {i}", "name_key": f"syntetisk arena {i}",
             "level": levels[i % 3], "purpose": "",
             "leader": f"Leder {i % 40}", "participants": [f"Tjeneste {i % 25}", f"Tjeneste {(i * 7) % 25}"],
             "frequency_text": f.label(), "frequency": f.to_dict(), "is_new": False, "sort_order": 100 + i,
             "version": 1}
            for i, f in enumerate(mixed(n))])


def bench_planner() -> None:
    """The Stange plan planned for next year, cold (holiday tables and the year computed from scratch)."""
    import json
    import time
    from collections import Counter
    from datetime import date

    from data_access.domain.frequency import _year_table, expand_many, norwegian_holidays
    from data_access.domain.planner import PlanArena, check_plan, example_breaks, plan_year

    data = json.loads((ROOT / "data_access" / "db" / "demo" / "stange.json").read_text(encoding="utf-8"))
    arenas = [PlanArena(i + 1, a["name"], Frequency.from_dict(a["frequency"]) if a["frequency"] else None,
                        a["leader"], tuple(a["participants"]), a["level"]) for i, a in enumerate(data["arenas"])]
    year = date.today().year + 1
    started = time.perf_counter()
    norwegian_holidays(year - 1)  # imports the holidays package's Norway module: once per server process
    loading = time.perf_counter() - started
    norwegian_holidays.cache_clear()
    _year_table.cache_clear()
    started = time.perf_counter()
    proposal = plan_year(arenas, year, example_breaks(year))
    seconds = time.perf_counter() - started
    counts = check_plan(arenas, [(p.arena_id, p.date) for p in proposal.dates])
    old = expand_many([a.frequency for a in arenas if a.frequency], year)
    busiest = max(Counter(d for ds in old for d in ds).values())
    print(f"Planner, Stange {len(arenas)} arenas, {year}: {seconds:.3f} s, {len(proposal.dates)} meetings, "
          f"{counts['person_conflicts']} shared-person conflicts, {counts['service_overloads']} service-days over "
          f"2 meetings, at most {counts['max_per_day']} meetings a day (each frequency on its own: {busiest}), "
          f"{len(proposal.conflicts)} reported clashes; importing the holidays package first: {loading:.3f} s "
          "(once per process)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--planner-only", action="store_true")
    args = parser.parse_args()
    bench_planner()
    if args.planner_only:
        return
    url = fresh_demo_database()
    add_arenas(url, 1000 - 19)
    counter = QueryCounter(get_engine(url))
    with environment(DATABASE_URL=url, LAGET_LOGIN_DELAY="0"):
        at = logged_in_app("slt", "motekalender")
        assert not at.exception, at.exception
        before = counter.count
        ms = median_ms(at.run, args.repeats)
        print(f"Møtekalender rerun with 1,000 arenas (user slt): {ms:.1f} ms, "
              f"{(counter.count - before) / args.repeats:.1f} queries/rerun")


if __name__ == "__main__":
    main()
