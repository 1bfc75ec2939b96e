"""Issue 23: a dozen people at once must not freeze the server.

A real ``streamlit run`` (the repository's ``.streamlit/config.toml``) on a copy of the demo database, and 12
virtual users speaking Streamlit's websocket protocol (``benchmarks/load_client.py``; no browser), all at once:
three per role (admin, redaktor, slt, leder), each logged in with a real session cookie and opening every page
of its role in the sidebar's order, so every page of every role runs while eleven other sessions run theirs.

The test fails, instead of hanging, when a view gets no ``script_finished`` within 60 s; when
``/_stcore/health`` gives no answer within 5 s twice in a row (asked every 2 s) while the server uses
(almost) no CPU, i.e. waits on itself, or gives none for 60 s at all; when the load is not done after 300 s;
or when a page shows an exception (``st.exception``) or is not found. Error messages (``st.error``) are
reported as warnings. On a failure the server prints a traceback of every thread (``PYTHONFAULTHANDLER`` and
SIGABRT) and the message quotes the app's and polars' lines. ``running_app`` always stops the server.

Measured on 2 cores shared with other work (load average 3–8): before the fix of issue 23 the server froze in
every run (7 of 7; found 37–57 s into the load, the test failed after 53–79 s); with ``map_elements`` and
``to_pandas`` taken out it passed 6 of 6 with all 111 views, in 50–75 s.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import time
import warnings
from pathlib import Path

import pytest

from benchmarks.load_client import health, laget_users, run_load, server_pid
from tests.e2e.conftest import free_port, running_app

pytestmark = pytest.mark.e2e

USERS = 12
VIEW_TIMEOUT = 60.0
RUN_DEADLINE = 300.0  # a healthy server needs 45–90 s; the margin is for a busy CI machine
SERVER_ENV = {"LAGET_MAX_SESSIONS": "1000", "LAGET_LOGIN_DELAY": "0", "PYTHONFAULTHANDLER": "1"}


def thread_dump(pid: int | None, log_path, limit: int = 60) -> str:
    """SIGABRT makes faulthandler print every thread's stack to the server's log; keep the telling lines."""
    if pid is None:
        return "(server process not found)"
    before = log_path.stat().st_size if log_path.exists() else 0
    try:
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))  # the dump, not a core file of the whole server
        os.kill(pid, signal.SIGABRT)
    except ProcessLookupError:
        return "(server already gone)"
    for _ in range(50):  # until faulthandler has written everything and the process has ended
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                break
        except OSError:
            break
        time.sleep(0.1)
    dump = log_path.read_text(errors="replace")[before:]
    keep = [line for line in dump.splitlines()
            if re.match(r"(Thread|Current thread) 0x", line)
            or re.search(r"/(dashboard|data_access|pages|polars|pandas|pyarrow)/", line)]
    return "\n".join(keep[:limit]) or dump[-3000:]


def test_twelve_sessions_do_not_freeze_the_server(templates, tmp_path):
    db_url = templates.sqlite_copy("demo", tmp_path / "load.db")
    users = laget_users(db_url, USERS, roles_per_user=1)
    views = sum(len(visit.pages) for user in users for visit in user)
    port = free_port()
    with running_app(db_url, tmp_path, port, SERVER_ENV) as app:
        pid = server_pid(port)
        report = run_load(app.url, users, view_timeout=VIEW_TIMEOUT, deadline=RUN_DEADLINE, pid=pid,
                          health_every=2, health_timeout=5, health_misses=2, max_silence=VIEW_TIMEOUT)
        alive = health(app.url, timeout=10) != float("inf")
        broken = [v for v in report.views if v.exceptions or v.not_found]
        problem = (report.aborted or report.hung or report.failed or broken or not alive
                   or len(report.views) != views)
        dump = thread_dump(pid, tmp_path / "streamlit.log") if problem else ""
    for v in report.views:
        if v.errors:
            warnings.warn(f"{v.user} /{v.page} showed an error: {'; '.join(v.problems)}", stacklevel=1)
    assert not problem, (
        f"{USERS} sessions, {views} views planned; health after the run: {'answers' if alive else 'NO ANSWER'}\n"
        f"{report.summary()}\nserver threads:\n{dump}")
