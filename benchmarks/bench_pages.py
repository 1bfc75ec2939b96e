"""Median rerun time and SQL queries per rerun of every page (AppTest), at demo size and at 2,000 tiltak,
plus the time to save one status change and rerun the Tiltak page.

Run: .venv/bin/python benchmarks/bench_pages.py [--repeats 15]
Targets (issue 3): save ≤ 200 ms, rerun ≤ 60 ms at demo size and ≤ 300 ms at 2,000 tiltak,
queries per rerun not growing with the number of tiltak.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks.common import QueryCounter, environment, fresh_demo_database, logged_in_app, median_ms  # noqa: E402
from dashboard.navigation import PAGES  # noqa: E402
from data_access.db import get_engine, session_scope  # noqa: E402
from data_access.models import Level, Plan, Status, Tiltak  # noqa: E402
from data_access.permissions import Actor  # noqa: E402
from data_access.tiltak import tiltak_frame  # noqa: E402
from data_access.tiltak_writes import save_changes  # noqa: E402
from data_access.uow import Change  # noqa: E402


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


def page_figures(url: str, user: str, repeats: int) -> list[tuple[str, float, float]]:
    counter = QueryCounter(get_engine(url))
    rows = []
    for spec in PAGES:
        at = logged_in_app(user, spec.file.removesuffix(".py"))
        if at.exception:
            rows.append((spec.title, float("nan"), float("nan")))
            continue
        before = counter.count
        ms = median_ms(at.run, repeats)
        rows.append((spec.title, ms, (counter.count - before) / repeats))
    return rows


def save_figure(url: str, repeats: int) -> tuple[float, float]:
    engine = get_engine(url)
    plan_id = 1
    actor = Actor("redaktor", "redaktor")
    statuses = ["i_gang", "planlagt"]
    timings = []

    def one_save():
        row = tiltak_frame(engine, plan_id).row(0, named=True)
        new = statuses[(timings.__len__()) % 2]
        save_changes(engine, actor, plan_id, [Change(row["id"], row["version"], {"status": new})])
        timings.append(1)

    save_ms = median_ms(one_save, repeats)
    at = logged_in_app("redaktor", "tiltak")

    def save_and_rerun():
        one_save()
        at.run()

    return save_ms, median_ms(save_and_rerun, repeats)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    for label, total in (("demo (40 tiltak)", None), ("2 000 tiltak", 2000)):
        url = fresh_demo_database()
        if total:
            grow_to(url, total)
        with environment(DATABASE_URL=url, LAGET_LOGIN_DELAY="0"):
            print(f"\n== {label}: page rerun (AppTest, user admin), median of {args.repeats}")
            print(f"{'page':<16}{'rerun ms':>10}{'queries/rerun':>16}")
            for title, ms, q in page_figures(url, "admin", args.repeats):
                print(f"{title:<16}{ms:>10.1f}{q:>16.1f}")
            save_ms, save_rerun_ms = save_figure(url, args.repeats)
            print(f"save one status change: {save_ms:.1f} ms; save + rerun Tiltak page: {save_rerun_ms:.1f} ms")
    print("\n(figures from one machine; compare runs on the same machine only)")


if __name__ == "__main__":
    main()
