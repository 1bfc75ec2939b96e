"""``LAGET_JOBS=1``: the scheduler thread inside ``laget run`` (issue 18.3). Two replicas start together on a
brand-new database at a local time when all three jobs are due: the database is prepared once, each job runs
once for the day (one backup file, one row per job), and neither log shows a trace."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from dashboard.jobs import SCHEDULE
from data_access.db.engine import make_engine
from tests.e2e.conftest import free_port, laget_run

pytestmark = pytest.mark.e2e


def _noon_zone() -> str:
    """A fixed-offset zone where it is about noon now, so every job is due whenever the test runs."""
    offset = 12 - datetime.now(UTC).hour  # -11 … 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"  # the Etc/ sign is inverted: Etc/GMT-5 is UTC+5


def test_two_replicas_with_jobs_on_run_each_job_once_on_a_new_database(tmp_path):
    zone = _noon_zone()
    slot = datetime.now(ZoneInfo(zone)).date().isoformat()
    assert datetime.now(ZoneInfo(zone)).time() >= max(SCHEDULE.values())
    db_url = f"sqlite:///{tmp_path / 'jobs.db'}"
    backups = tmp_path / "backups"
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens: the refresh fails fast, as offline
    env = {"LAGET_JOBS": "1", "TZ": zone, "LAGET_BACKUP_DIR": str(backups), "LAGET_LOAD_DEMO": "1",
           "LAGET_SSB_API_URL": closed, "LAGET_FHI_API_URL": closed}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with laget_run(db_url, tmp_path, free_port(), logs[0], env), \
            laget_run(db_url, tmp_path, free_port(), logs[1], env):
        engine = make_engine(db_url)
        try:
            deadline = time.monotonic() + 90
            while True:
                with engine.connect() as conn:
                    rows = conn.execute(text("SELECT job, slot, outcome FROM job_runs")).all()
                if {r.job for r in rows if r.outcome != "kjører"} == set(SCHEDULE) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        finally:
            engine.dispose()
    assert sorted((r.job, r.slot) for r in rows) == sorted((job, slot) for job in SCHEDULE), rows
    assert len(list(backups.glob("laget-*.json.gz"))) == 1
    text_of_logs = "".join(log.read_text() for log in logs)
    assert text_of_logs.count("laget jobs: backup") == 1, text_of_logs[-3000:]
    assert "Traceback" not in text_of_logs and "kunne ikke kjøre" not in text_of_logs, text_of_logs[-3000:]
