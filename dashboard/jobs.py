"""The scheduled jobs: reminders daily, indicator refresh and backup nightly, each once per day across replicas.

Every replica (``LAGET_JOBS=1``: a thread in ``laget run``) or a host timer (``laget jobs run-due``) may look;
``data_access.writes.jobs`` lets only the first one run a job for the day. A replica that was down at the hour
catches up when it next looks the same day.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Engine

from config.settings import Settings
from data_access.writes.jobs import JobOutcome, run_once

# job -> the local time from which it is due each day
SCHEDULE: dict[str, time] = {"refresh": time(2, 0), "backup": time(3, 0), "reminders": time(7, 0)}
BACKUP_PATTERN = "laget-*.json.gz"


def _reminders(engine: Engine, settings: Settings) -> tuple[bool, str]:
    from data_access.writes.reminders import send_reminders

    result = send_reminders(engine, settings, date.today())
    text = f"sendt {len(result.sent)}, allerede sendt {len(result.skipped)}, avvist {len(result.refused)}"
    return not result.refused, text


def _refresh(engine: Engine, settings: Settings) -> tuple[bool, str]:
    from data_access.domain.users import SYSTEM
    from data_access.writes.sources import client_from_settings, refresh

    client = client_from_settings(settings, engine)
    try:
        outcomes = refresh(engine, SYSTEM, client)
    finally:
        client.close()
    failed = [o.name for o in outcomes if not o.ok]
    return not failed, f"{len(outcomes) - len(failed)} av {len(outcomes)} indikatorer hentet" + (
        f"; feilet: {', '.join(failed)}" if failed else "")


def backup_now(engine: Engine, folder: Path, keep: int, now: datetime | None = None) -> Path:
    """A backup file in ``folder``, then only the newest ``keep`` backups there are kept."""
    from data_access.db.backup import backup_to_file
    from data_access.domain.users import SYSTEM

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"laget-{(now or datetime.now()):%Y%m%d-%H%M%S}.json.gz"
    backup_to_file(engine, SYSTEM, path)
    for old in sorted(folder.glob(BACKUP_PATTERN), reverse=True)[max(keep, 1):]:
        old.unlink()
    return path


def _backup(engine: Engine, settings: Settings) -> tuple[bool, str]:
    path = backup_now(engine, Path(settings.backup_dir), settings.backup_keep)
    return True, f"skrevet til {path}"


ACTIONS: dict[str, Callable[[Engine, Settings], tuple[bool, str]]] = {
    "reminders": _reminders, "refresh": _refresh, "backup": _backup}


def run_job(engine: Engine, settings: Settings, job: str, slot: str | None = None) -> JobOutcome:
    """Run ``job`` for ``slot`` (default: today) unless another process has already taken that slot."""
    return run_once(engine, job, slot or date.today().isoformat(), lambda: ACTIONS[job](engine, settings))


def due(now: datetime) -> list[str]:
    return [job for job, at in SCHEDULE.items() if now.time() >= at]


def run_due(engine: Engine, settings: Settings, now: datetime | None = None) -> list[JobOutcome]:
    now = now or datetime.now()
    return [run_job(engine, settings, job, now.date().isoformat()) for job in due(now)]


def report(outcome: JobOutcome) -> str:
    state = "OK" if outcome.ok else "FEIL"
    return f"{outcome.job} {outcome.slot}: {state if outcome.ran else 'hoppet over'} ({outcome.message})"


def loop(settings_of: Callable[[], Settings], stop: threading.Event, every: float = 60.0) -> None:
    """Look for due jobs every ``every`` seconds until ``stop`` is set; a failure is logged, never fatal. The
    settings are read at every look (a changed secrets file counts), and a brand-new database is prepared first,
    as the first page run would."""
    from data_access.db.bootstrap import prepared_engine

    while not stop.is_set():
        try:
            settings = settings_of()
            for outcome in run_due(prepared_engine(settings), settings):
                if outcome.ran:
                    print(f"laget jobs: {report(outcome)}", file=sys.stderr if not outcome.ok else sys.stdout,
                          flush=True)
        except Exception as exc:  # noqa: BLE001 - the database may be down for a while; look again later
            print(f"laget jobs: kunne ikke kjøre planlagte jobber: {exc}", file=sys.stderr, flush=True)
        stop.wait(every)


def start_in_background(settings_of: Callable[[], Settings]) -> threading.Thread:
    """The scheduler as a daemon thread of ``laget run`` (``LAGET_JOBS=1``)."""
    thread = threading.Thread(target=loop, args=(settings_of, threading.Event()), name="laget-jobs", daemon=True)
    thread.start()
    return thread
