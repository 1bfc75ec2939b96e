"""Scheduled jobs run once per day however many processes start them (issue 18.3), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from config.settings import Settings
from dashboard.jobs import backup_now, due, run_due
from data_access.db.models import JobRun
from data_access.writes.jobs import FAILED, OK, run_once
from tests.at_once import at_once


def test_a_job_started_by_two_processes_at_once_runs_once(demo_engine):
    ran: list[str] = []

    def action() -> tuple[bool, str]:
        ran.append(threading.current_thread().name)
        time.sleep(0.5)  # still running while the others try
        return True, "ferdig"

    results = at_once([lambda: run_once(demo_engine, "backup", "2026-03-01", action)] * 4, timeout=60)
    assert len(ran) == 1
    assert sorted(r.ran for r in results) == [False, False, False, True]
    # later the same day (a replica that restarts) it is still done; the next day it runs again
    assert not run_once(demo_engine, "backup", "2026-03-01", action).ran
    assert run_once(demo_engine, "backup", "2026-03-02", action).ran
    with demo_engine.connect() as conn:
        row = conn.execute(select(JobRun).where(JobRun.slot == "2026-03-01")).one()
    assert row.outcome == OK and row.message == "ferdig" and row.finished_at is not None


def test_a_failing_job_is_recorded_not_raised(demo_engine):
    def broken() -> tuple[bool, str]:
        raise OSError("disken er full")

    outcome = run_once(demo_engine, "backup", "2026-03-03", broken)
    assert outcome.ran and not outcome.ok and "disken er full" in outcome.message
    with demo_engine.connect() as conn:
        assert conn.scalar(select(JobRun.outcome).where(JobRun.slot == "2026-03-03")) == FAILED


def test_the_schedule_and_the_backup_retention(demo_engine, tmp_path: Path):
    assert due(datetime(2026, 3, 1, 1, 59)) == []
    assert due(datetime(2026, 3, 1, 3, 30)) == ["refresh", "backup"]
    assert set(due(datetime(2026, 3, 1, 7, 0))) == {"refresh", "backup", "reminders"}
    folder = tmp_path / "backups"
    for minute in range(4):
        backup_now(demo_engine, folder, keep=2, now=datetime(2026, 3, 1, 3, minute))
    assert sorted(p.name for p in folder.iterdir()) == ["laget-20260301-030200.json.gz",
                                                         "laget-20260301-030300.json.gz"]
    # nothing leaves the machine: the sources point at a closed local port
    settings = Settings(backup_dir=str(folder), backup_keep=2, ssb_api_url="http://127.0.0.1:9",
                        fhi_api_url="http://127.0.0.1:9", source_timeout=2, source_deadline=5)
    first = run_due(demo_engine, settings, now=datetime(2026, 3, 1, 3, 30))
    again = run_due(demo_engine, settings, now=datetime(2026, 3, 1, 4, 30))
    assert [(o.job, o.ran) for o in again] == [("refresh", False), ("backup", False)]
    assert dict((o.job, o.ran) for o in first)["backup"] is True
