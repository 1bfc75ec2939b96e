"""The watchdog on a real server: a stuck run is logged and turns /_stcore/health to 503 until it ends; an
interpreter frozen with the GIL held ends the process with every thread's stack in the log (issue 23)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.e2e.conftest import free_port, running_app

STALL_APP = Path(__file__).resolve().parents[1] / "fixtures" / "stall_app.py"


def health(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_a_stuck_run_is_logged_and_reported_unhealthy_until_it_ends(browser, tmp_path) -> None:
    with running_app(f"sqlite:///{tmp_path / 'w.db'}", tmp_path, free_port(),
                     script=STALL_APP) as app:
        assert health(app.url) == 200
        page = browser.new_page()
        page.goto(f"{app.url}/?stall=9", wait_until="commit")
        assert wait_for(lambda: health(app.url) == 503, 8), app.log.read_text()
        log = app.log.read_text()
        assert "a page run has lasted" in log and "page=stall" in log and "stall_app.py" in log, log
        assert wait_for(lambda: health(app.url) == 200, 15), app.log.read_text()
        assert "healthy again" in app.log.read_text()
        page.close()


def test_a_frozen_interpreter_ends_the_process_with_the_stacks(browser, tmp_path) -> None:
    with running_app(f"sqlite:///{tmp_path / 'f.db'}", tmp_path, free_port(),
                     script=STALL_APP) as app:
        page = browser.new_page()
        page.goto(f"{app.url}/?freeze=1", wait_until="commit")
        assert wait_for(lambda: app.process.poll() is not None, 30), "the frozen server was not ended"
        log = app.log.read_text()
        assert "Timeout (0:00:04)!" in log and "stall_app.py" in log, log
        page.close()
