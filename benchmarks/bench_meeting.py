"""Møtemodus during a running meeting: rerun time and SQL queries with many changes and action items,
the minutes (blocks, Markdown, PDF, Word), and `laget reminders --dry-run` over many overdue items.

Run: .venv/bin/python benchmarks/bench_meeting.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import QueryCounter, environment, fresh_demo_database, logged_in_app, median_ms  # noqa: E402
from config.settings import load_settings  # noqa: E402
from data_access.db.engine import get_engine  # noqa: E402
from data_access.db.uow import Change  # noqa: E402
from data_access.domain.permissions import Actor  # noqa: E402
from data_access.formats.minutes import to_docx, to_markdown  # noqa: E402
from data_access.formats.minutes_pdf import blocks_pdf  # noqa: E402
from data_access.reads.group_meetings import minutes_for  # noqa: E402
from data_access.reads.tiltak import tiltak_frame  # noqa: E402
from data_access.writes.actions import add_action  # noqa: E402
from data_access.writes.contacts import set_contact  # noqa: E402
from data_access.writes.group_meetings import start_meeting  # noqa: E402
from data_access.writes.reminders import send_reminders  # noqa: E402
from data_access.writes.tiltak import save_changes  # noqa: E402

KARI = Actor("redaktor", "redaktor")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    url = fresh_demo_database()
    engine = get_engine(url)
    plan_id = 1
    meeting_id = start_meeting(engine, KARI, plan_id, date.today(), "SLT, PPT, skole, NAV")
    for service in ("PPT", "Skole", "Barnehage", "NAV", "Helsestasjon og skolehelsetjeneste"):
        set_contact(engine, KARI, service=service, name=f"Kontakt {service}", email=f"{service[:3].lower()}@x.no")
    start = time.perf_counter()
    for i in range(100):
        row = tiltak_frame(engine, plan_id).row(i % 40, named=True)
        save_changes(engine, KARI, plan_id, [Change(row["id"], row["version"], {"next_step": f"Steg {i}"})])
    save_ms = (time.perf_counter() - start) * 10
    for i in range(200):
        add_action(engine, KARI, plan_id, text=f"Punkt {i}", service=["PPT", "Skole", "NAV"][i % 3],
                   deadline=date.today() + timedelta(days=i - 100))
    print(f"one save during a meeting (change log with meeting id): {save_ms:.1f} ms (mean of 100)")
    with environment(DATABASE_URL=url, LAGET_LOGIN_DELAY="0"):
        counter = QueryCounter(engine)
        at = logged_in_app("redaktor", "motemodus")
        before = counter.count
        ms = median_ms(at.run, args.repeats)
        print(f"Møtemodus rerun, 100 changes + 200 open actions: {ms:.1f} ms, "
              f"{(counter.count - before) / args.repeats:.0f} queries/rerun (median of {args.repeats})")
    blocks = minutes_for(engine, meeting_id)
    print(f"minutes blocks: {median_ms(lambda: minutes_for(engine, meeting_id), args.repeats):.1f} ms; "
          f"Markdown {median_ms(lambda: to_markdown(blocks), args.repeats):.1f} ms; "
          f"PDF {median_ms(lambda: blocks_pdf(blocks), args.repeats):.1f} ms; "
          f"Word {median_ms(lambda: to_docx(blocks), args.repeats):.1f} ms")
    settings = load_settings({"DATABASE_URL": url})
    print(f"reminders --dry-run (5 contacts, ~100 overdue actions): "
          f"{median_ms(lambda: send_reminders(engine, settings, date.today(), dry_run=True, out=lambda _: None), args.repeats):.1f} ms")  # noqa: E501
    print("\n(figures from one machine; compare runs on the same machine only)")


if __name__ == "__main__":
    main()
