"""Scheduled jobs that run once per slot however many replicas start them: the ``job_runs`` row is the lock.

The first process to insert (job, slot) runs the job; a second one, at the same moment or later the same day,
finds the row and skips. The insert commits before the job starts, so on PostgreSQL a parallel insert waits
for it and then fails on the primary key, and on SQLite ``BEGIN IMMEDIATE`` queues the two.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, update

from data_access.db.models import JobRun
from data_access.db.uow import UnitOfWork
from data_access.domain.permissions import Actor

RUNNER = Actor("system", "admin", "Planlagte jobber")  # book-keeping of job runs, not user data
RUNNING, OK, FAILED = "kjører", "ok", "feilet"


@dataclass(frozen=True)
class JobOutcome:
    job: str
    slot: str
    ran: bool  # False: another process had the slot already
    ok: bool
    message: str


def claim(engine: Engine, job: str, slot: str, host: str | None = None) -> bool:
    """Take the (job, slot) row; False when another process has it."""
    with UnitOfWork(engine, RUNNER, None, None) as uow:
        return uow.insert_new(JobRun(job=job, slot=slot, host=(host or socket.gethostname())[:200],
                                     started_at=uow.now, outcome=RUNNING, message=""))


def finish(engine: Engine, job: str, slot: str, ok: bool, message: str) -> None:
    with UnitOfWork(engine, RUNNER, None, None) as uow:
        uow.s.execute(update(JobRun).where(JobRun.job == job, JobRun.slot == slot)
                      .values(finished_at=datetime.now(), outcome=OK if ok else FAILED, message=message[:4000]))


def run_once(engine: Engine, job: str, slot: str, action: Callable[[], tuple[bool, str]]) -> JobOutcome:
    """``action`` runs only if this process claims the slot; its (ok, message) is recorded on the row, and so is
    an exception's text (the run is then over for the slot: run the job's own command to try again)."""
    if not claim(engine, job, slot):
        return JobOutcome(job, slot, ran=False, ok=True, message="kjørt av en annen prosess")
    try:
        ok, message = action()
    except Exception as exc:  # noqa: BLE001 - recorded on the row and returned; the scheduler goes on
        ok, message = False, f"{type(exc).__name__}: {exc}"
    finish(engine, job, slot, ok, message)
    return JobOutcome(job, slot, ran=True, ok=ok, message=message)
