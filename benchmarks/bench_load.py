"""Many sessions at once against a real ``streamlit run``: hung views, view times and server CPU per view.

For each session count (default 12, 30 and 60) the script starts Laget on a fresh copy of the demo database
(``tests.e2e.conftest.running_app``, the same start as the browser tests, on a free loopback port), opens every
admin page once in one session to warm the caches, then lets that many virtual users loose at the same moment
(``benchmarks/load_client.py``: Streamlit's websocket protocol, no browser; each user logged in with a real
session cookie). User ``i`` takes the ``i``-th role (admin, redaktor, slt, leder in turn) and opens ``--views``
pages of that role one after another, starting at its ``i``-th page, each as soon as the last one finished.

Printed per session count: views finished of planned; hung views (no ``script_finished`` within
``--view-timeout``, default 60 s; a user stops at its first hung view, the rest count as not run); views with an
exception or error element; p50/p95/max wall time per view (request sent to ``script_finished``); views per
second; the server's CPU seconds per finished view (user+system time of the whole process from
``/proc/PID/stat``, before and after the load, warm-up excluded); its resident memory afterwards; the slowest
answer of ``/_stcore/health`` during the load (asked every 2 s) and whether it still answers within 5 s
afterwards. Each configuration stops by itself after ``--deadline`` seconds (default 300) at the latest.

Run: .venv/bin/python benchmarks/bench_load.py [--sessions 12,30,60] [--views 8] [--file-watcher none]
``--file-watcher`` passes ``server.fileWatcherType`` to Streamlit (default: the repository's configuration).
Only loopback addresses are used. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_demo_database  # noqa: E402
from benchmarks.load_client import (  # noqa: E402
    DEMO_USERS,
    LoadSession,
    cpu_seconds,
    free_port,
    health,
    laget_cookie,
    laget_users,
    role_pages,
    rss_mib,
    run_load,
    server_pid,
)
from data_access.db.engine import get_engine  # noqa: E402
from tests.e2e.conftest import running_app  # noqa: E402

SERVER_ENV = {"LAGET_MAX_SESSIONS": "100000", "LAGET_LOGIN_DELAY": "0"}


async def _warm_up(url: str, db_url: str) -> None:
    async with LoadSession(url, cookies=laget_cookie(db_url, DEMO_USERS["admin"]), name="warm-up") as s:
        for page in role_pages("admin"):
            await s.view(page)


def measure(template: Path, sessions: int, views: int, *, view_timeout: float, deadline: float,
            env: dict[str, str]) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"laget-bench-load-{sessions}-"))
    shutil.copy(template, folder / "bench.db")
    db_url = f"sqlite:///{folder / 'bench.db'}"
    users = laget_users(db_url, sessions, roles_per_user=1, views_per_visit=views)
    get_engine(db_url).dispose()  # the sessions are written; the server opens the file on its own
    port = free_port()
    with running_app(db_url, folder, port, env) as app:
        pid = server_pid(port)
        asyncio.run(_warm_up(app.url, db_url))
        cpu_before = cpu_seconds(pid)
        report = run_load(app.url, users, view_timeout=view_timeout, deadline=deadline, pid=pid,
                          abort_on_health=False)
        cpu = cpu_seconds(pid) - cpu_before
        after = health(app.url, timeout=5)
        rss = rss_mib(pid)
    shutil.rmtree(folder, ignore_errors=True)
    done = [v for v in report.views if v.finished]
    probes = report.health_seconds
    return {"sessions": sessions, "planned": sessions * views, "done": len(done), "hung": len(report.hung),
            "failed": len(report.failed) + len(report.cut), "problems": len(report.with_problems),
            "p50": report.percentile(50), "p95": report.percentile(95),
            "max": max((v.seconds for v in done), default=float("nan")), "wall": report.seconds,
            "rate": len(done) / report.seconds if report.seconds else 0.0,
            "cpu_view": cpu / len(done) if done else float("nan"), "rss": rss,
            "health_max": max(probes, default=float("nan")), "health_missed": sum(p == float("inf") for p in probes),
            "health_after": after, "aborted": report.aborted, "summary": report.summary(limit=6)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="12,30,60", help="session counts, comma-separated")
    parser.add_argument("--views", type=int, default=8, help="page views per session")
    parser.add_argument("--view-timeout", type=float, default=60.0, help="seconds before a view counts as hung")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds at most per session count")
    parser.add_argument("--file-watcher", default=None, help="server.fileWatcherType for streamlit (e.g. none)")
    args = parser.parse_args()
    counts = [int(x) for x in args.sessions.split(",") if x.strip()]
    if any(c < 1 or c > 500 for c in counts) or not 1 <= args.views <= 100:
        parser.error("sessions must be 1–500 and views 1–100")
    env = dict(SERVER_ENV)
    if args.file_watcher:
        env["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = args.file_watcher

    import polars
    import streamlit

    print(f"streamlit {streamlit.__version__}, polars {polars.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores; {args.views} views per session, view limit {args.view_timeout:g} s, "
          f"file watcher: {args.file_watcher or 'as configured'}")
    template_url = fresh_demo_database()
    engine = get_engine(template_url)
    with engine.connect() as conn:  # everything in the main file before it is copied
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    template = Path(template_url[len("sqlite:///"):])
    print(f"{'sessions':>8} {'views':>9} {'hung':>4} {'fail':>4} {'err':>3} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
          f"{'views/s':>7} {'CPU s/view':>10} {'RSS MiB':>7} {'health max s':>12} {'health after':>12}")
    details = []
    for sessions in counts:
        start = time.perf_counter()
        r = measure(template, sessions, args.views, view_timeout=args.view_timeout, deadline=args.deadline,
                    env=env)
        after = f"{r['health_after']:.2f} s" if r["health_after"] != float("inf") else "NO ANSWER"
        health_max = (f"{r['health_max']:.2f}" if r["health_missed"] == 0
                      else f"{r['health_missed']} missed")
        print(f"{sessions:>8} {r['done']:>4}/{r['planned']:<4} {r['hung']:>4} {r['failed']:>4} {r['problems']:>3} "
              f"{r['p50']:>6.2f} {r['p95']:>6.2f} {r['max']:>6.2f} {r['rate']:>7.2f} {r['cpu_view']:>10.3f} "
              f"{r['rss']:>7.0f} {health_max:>12} {after:>12}   ({time.perf_counter() - start:.0f} s)", flush=True)
        if r["hung"] or r["failed"] or r["problems"] or r["aborted"]:
            details.append(f"{sessions} sessions: {r['summary']}")
    for d in details:
        print(d)


if __name__ == "__main__":
    main()
