"""The watchdog's pure parts: when a run counts as stuck, and how script threads are recognised."""

from __future__ import annotations

import sys
import threading

from dashboard.run_guard import SCRIPT_THREAD, Run, StuckRuns, script_runs, session_tag


def test_a_run_is_reported_once_past_the_limit_and_ends_when_it_is_gone() -> None:
    runs = StuckRuns(limit=10)
    a, b = Run(1, "s1", "x.py:1"), Run(2, "s2", "y.py:2")
    assert runs.tick(0, [a]) == ([], [])
    assert runs.tick(5, [a, b]) == ([], [])
    assert runs.tick(10, [a, b]) == ([], [])  # exactly the limit is not past it
    newly, ended = runs.tick(11, [a, b])
    assert newly == [(a, 11)] and ended == [] and runs.stuck
    assert runs.tick(14, [a, b]) == ([], [])  # reported once
    newly, ended = runs.tick(16, [a, b])
    assert newly == [(b, 11)]
    assert runs.tick(20, [b]) == ([], [1]) and runs.stuck
    assert runs.tick(21, []) == ([], [2]) and not runs.stuck


def test_a_new_run_in_the_same_session_starts_its_own_clock() -> None:
    runs = StuckRuns(limit=10)
    runs.tick(0, [Run(1, "s", "x")])
    assert runs.tick(9, [Run(2, "s", "x")]) == ([], [])
    assert runs.tick(15, [Run(2, "s", "x")]) == ([], [])


class FakeRunner:
    def __init__(self) -> None:
        self._session_id = "session-42"
        self.entered, self.release = threading.Event(), threading.Event()

    def _run_script(self, rerun_data: object) -> None:
        self.entered.set()
        self.release.wait(10)


def test_script_runs_finds_the_run_of_a_script_thread_only() -> None:
    runner, other = FakeRunner(), FakeRunner()
    threads = [threading.Thread(target=runner._run_script, args=(None,), name=SCRIPT_THREAD),
               threading.Thread(target=other._run_script, args=(None,), name="not-a-script-thread")]
    for t in threads:
        t.start()
    runner.entered.wait(5), other.entered.wait(5)
    try:
        runs = script_runs(sys._current_frames(), threading.enumerate())
        assert [r.session_id for r in runs] == ["session-42"]
        assert "threading.py" in runs[0].where  # the innermost line: where it waits
        assert runs == script_runs(sys._current_frames(), threading.enumerate())  # the same run, the same key
    finally:
        runner.release.set(), other.release.set()
        for t in threads:
            t.join()


def test_the_session_tag_is_short_and_not_the_id() -> None:
    assert len(session_tag("abc")) == 8 and session_tag("abc") == session_tag("abc") != session_tag("abd")
    assert "abc" not in session_tag("abc")


def test_the_freeze_exit_is_armed_even_when_sys_stderr_has_no_file(monkeypatch) -> None:
    """pytest's capsys (or any wrapper) replaces sys.stderr with an object without a file descriptor: arming used to
    raise there, the watchdog thread died, and the timer it had armed ended a healthy process 180 s later."""
    import faulthandler
    import io

    from dashboard.run_guard import Watchdog

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    try:
        Watchdog(stuck_after=10, exit_after=3600)._arm()
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_a_freeze_exit_that_cannot_be_armed_is_cancelled_not_left_behind(monkeypatch) -> None:
    import faulthandler

    from dashboard.run_guard import Watchdog

    cancelled = []

    def broken(*args, **kwargs):
        raise ValueError("no file")

    monkeypatch.setattr(faulthandler, "dump_traceback_later", broken)
    monkeypatch.setattr(faulthandler, "cancel_dump_traceback_later", lambda: cancelled.append(True))
    Watchdog(stuck_after=10, exit_after=3600)._arm()
    assert cancelled == [True]
