"""Rerun time and SQL statements per rerun of every page (AppTest), at demo size and at 50× data, each beside
the rerun of an empty Streamlit page measured in the same run; plus the time of one save.

Run: .venv/bin/python benchmarks/bench_pages.py [--repeats 9] [--sizes demo,50x]
Targets (issue 11): every page ≤ 60 ms at demo size and ≤ 300 ms at 50× data (2,000 tiltak, 1,000 arenas,
500 indicators × 20 periods × 3 geographies), ≤ 5 SQL statements per rerun whatever the size, one save ≤ 20 ms
whatever the size of the plan.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks.bench_calendar import add_arenas  # noqa: E402
from benchmarks.bench_indicators import add_indicators  # noqa: E402
from benchmarks.common import QueryCounter, environment, fresh_demo_database, logged_in_app  # noqa: E402
from dashboard.navigation import PAGES  # noqa: E402
from data_access.db.engine import get_engine, session_scope  # noqa: E402
from data_access.db.models import Level, Plan, Status, Tiltak  # noqa: E402
from data_access.db.uow import Change  # noqa: E402
from data_access.domain.permissions import Actor  # noqa: E402
from data_access.writes.tiltak import save_changes  # noqa: E402


def grow_to(url: str, total: int) -> None:
    """Add synthetic tiltak to the Stange plan until it has ``total``."""
    engine = get_engine(url)
    with session_scope(engine) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.key == "stange-2023-2026"))
        levels = s.scalars(select(Level.id).where(Level.plan_id == plan_id)).all()
        statuses = s.scalars(select(Status.id)).all()
        have = len(s.scalars(select(Tiltak.id).where(Tiltak.plan_id == plan_id)).all())
        s.execute(insert(Tiltak), [
            {"plan_id": plan_id, "level_id": levels[i % 3], "name": f"Syntetisk tiltak {i}", "description": "",
             "status_id": statuses[i % len(statuses)], "status_note": "", "next_step": "", "sort_order": 1000 + i,
             "version": 1, "updated_at": datetime.now(), "updated_by": "bench"}
            for i in range(total - have)])


def grow_50x(url: str) -> None:
    grow_to(url, 2000)
    add_arenas(url, 1000 - 19)
    add_indicators(url, 500, 20)


def timings(fn, repeats: int) -> tuple[float, float]:
    """(median wall-clock ms, median CPU ms of this process) of ``repeats`` calls after one warm-up call.

    CPU time is printed too because on a shared machine the wall clock mostly measures the neighbours."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def empty_page(repeats: int) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("import streamlit as st\n", default_timeout=60)
    at.run()
    return timings(at.run, repeats)


def page_figures(url: str, user: str, repeats: int) -> list[tuple[str, float, float, float]]:
    counter = QueryCounter(get_engine(url))
    rows = []
    for spec in PAGES:
        at = logged_in_app(user, spec.file.removesuffix(".py"))
        if at.exception:
            print(f"  {spec.title}: {at.exception[0].message}")
            rows.append((spec.title, float("nan"), float("nan"), float("nan")))
            continue
        at.run()
        before = counter.count
        wall, cpu = timings(at.run, repeats)
        rows.append((spec.title, wall, cpu, (counter.count - before) / (repeats + 1)))
    return rows


def save_figure(url: str, repeats: int) -> tuple[float, float, float, float]:
    """One save of one status change in the Stange plan (the one that is grown), as the grid's callback does
    it, plus bringing the cached tiltak frame up to date as the next rerun does it."""
    from data_access.reads.tiltak import tiltak_frame

    try:
        from dashboard.reads import cached_read
        from data_access.db.changelog import data_version
    except ImportError:  # a checkout from before cached reads (for before/after figures): read it all again
        def cached_read(url: str, _version: object, fn, *args):  # noqa: ANN001
            return fn(get_engine(url), *args)

        def data_version(_engine: object) -> tuple:
            return ()

    engine = get_engine(url)
    actor = Actor("redaktor", "redaktor")
    with session_scope(engine) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.key == "stange-2023-2026"))
    state = {"n": 0}

    def one_save() -> None:
        frame = cached_read(url, data_version(engine), tiltak_frame, plan_id)
        row = frame.row(0, named=True)
        start, start_cpu = time.perf_counter(), time.process_time()
        save_changes(engine, actor, plan_id, [Change(row["id"], row["version"],
                                                     {"status": ("i_gang", "planlagt")[state["n"] % 2]})])
        state["save"] = ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000)
        cached_read(url, data_version(engine), tiltak_frame, plan_id)
        state["total"] = ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000)
        state["n"] += 1

    saves, totals = [], []
    one_save()
    for _ in range(repeats):
        one_save()
        saves.append(state["save"])
        totals.append(state["total"])
    return tuple(statistics.median(t[i] for t in times) for times in (saves, totals) for i in (0, 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--sizes", default="demo,50x")
    parser.add_argument("--user", default="admin")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for size in args.sizes.split(","):
        url = fresh_demo_database()
        if size == "50x":
            grow_50x(url)
        with environment(DATABASE_URL=url, LAGET_LOGIN_DELAY="0"):
            base_wall, base_cpu = empty_page(args.repeats)
            print(f"\n== {size}: page rerun (AppTest, user {args.user}), median of {args.repeats} after a warm-up")
            print(f"empty Streamlit page: {base_wall:.1f} ms wall, {base_cpu:.1f} ms CPU")
            print(f"{'page':<16}{'wall ms':>9}{'× empty':>9}{'CPU ms':>9}{'× empty':>9}{'SQL/rerun':>11}")
            for title, wall, cpu, q in page_figures(url, args.user, args.repeats):
                print(f"{title:<16}{wall:>9.1f}{wall / base_wall:>9.1f}{cpu:>9.1f}{cpu / base_cpu:>9.1f}{q:>11.1f}")
            save_wall, save_cpu, total_wall, total_cpu = save_figure(url, args.repeats)
            print(f"one save (status of one tiltak): {save_wall:.1f} ms wall, {save_cpu:.1f} ms CPU; with the "
                  f"tiltak frame brought up to date for the next rerun: {total_wall:.1f} ms wall, "
                  f"{total_cpu:.1f} ms CPU")
    print("\n(figures from one machine; compare runs on the same machine only)")


if __name__ == "__main__":
    main()
