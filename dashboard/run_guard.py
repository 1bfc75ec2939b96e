"""A guard for the freeze we cannot foresee: stuck page runs are logged, reported as unhealthy, and a process
whose interpreter stops entirely is ended so that the orchestrator starts a new one.

Two layers, because they fail differently:

- **A stuck run** (a query waiting on a lock, an outside call that never returns): a daemon thread looks at the
  Streamlit script threads every few seconds. A run (one call of ``ScriptRunner._run_script``: a full rerun, a
  fragment or a callback) that has lasted longer than ``LAGET_STUCK_RUN_SECONDS`` is logged once, with the page,
  a short tag of the session (never a user name) and where it waits, and ``/_stcore/health`` answers 503 until
  it ends. The run itself is not killed: Python cannot stop a thread safely.
- **A frozen interpreter** (a deadlock that holds the GIL, as polars' thread pool did in issue 23): no Python
  thread runs any more, this watchdog included, and the health endpoint stops answering. The watchdog re-arms
  ``faulthandler.dump_traceback_later`` on every tick; when it can no longer do so for
  ``LAGET_FREEZE_EXIT_SECONDS``, faulthandler's own C thread writes every thread's stack to stderr and ends the
  process, so a container orchestrator or systemd (``Restart=always``) starts a fresh one instead of leaving
  every user waiting.
"""

from __future__ import annotations

import faulthandler
import hashlib
import logging
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FrameType

LOG = logging.getLogger("laget.watchdog")
SCRIPT_THREAD = "ScriptRunner.scriptThread"
RUN_FUNCTION = "_run_script"
MAX_PAGES = 10_000  # sessions remembered for the log line; the oldest are forgotten first


def session_tag(session_id: str) -> str:
    """A short, stable tag for a Streamlit session in the log: not the user, not reversible (pure)."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Run:
    """One script run seen in a thread: ``key`` identifies the run (its frame), ``where`` is its innermost line."""
    key: int
    session_id: str
    where: str


@dataclass
class StuckRuns:
    """Which runs have lasted too long (pure: the clock and the runs are given)."""
    limit: float
    first_seen: dict[int, float] = field(default_factory=dict)
    reported: set[int] = field(default_factory=set)

    def tick(self, now: float, runs: Iterable[Run]) -> tuple[list[tuple[Run, float]], list[int]]:
        """(runs newly past the limit with their age, keys of reported runs that have ended)."""
        current = {r.key: r for r in runs}
        for key in list(self.first_seen):
            if key not in current:
                del self.first_seen[key]
        ended = sorted(self.reported - current.keys())
        self.reported &= current.keys()
        newly = []
        for key, run in current.items():
            age = now - self.first_seen.setdefault(key, now)
            if age > self.limit and key not in self.reported:
                self.reported.add(key)
                newly.append((run, age))
        return newly, ended

    @property
    def stuck(self) -> bool:
        return bool(self.reported)


def script_runs(frames: dict[int, FrameType], threads: Iterable[threading.Thread]) -> list[Run]:
    """The script runs going on now, one per Streamlit script thread that is inside ``_run_script``."""
    names = {t.ident: t.name for t in threads}
    runs = []
    for ident, frame in frames.items():
        if names.get(ident) != SCRIPT_THREAD:
            continue
        innermost, f = frame, frame
        while f is not None and f.f_code.co_name != RUN_FUNCTION:
            f = f.f_back
        if f is None:
            continue
        runner = f.f_locals.get("self")
        where = traceback.extract_stack(innermost, limit=1)
        runs.append(Run(key=id(f), session_id=str(getattr(runner, "_session_id", "")),
                        where=f"{where[-1].filename}:{where[-1].lineno}" if where else "?"))
    return runs


class Watchdog:
    """The process's one watchdog thread; see the module docstring."""

    def __init__(self, stuck_after: float, exit_after: float, interval: float | None = None) -> None:
        self.runs = StuckRuns(stuck_after)
        self.exit_after = exit_after
        self.interval = interval or max(0.5, min(5.0, stuck_after / 4))
        self.pages: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="laget-watchdog", daemon=True)

    def start(self) -> None:
        if not logging.getLogger("laget").handlers:  # the operator's log: stderr, with a time stamp
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            logging.getLogger("laget").addHandler(handler)
            logging.getLogger("laget").setLevel(logging.INFO)
        self._arm()
        self._thread.start()
        LOG.warning("Laget watchdog: a page run longer than %.0f s is logged and makes /_stcore/health answer "
                    "503; a process frozen for %s is ended with every thread's stack on stderr", self.runs.limit,
                    f"{self.exit_after:.0f} s" if self.exit_after else "(off)")

    def note_page(self, session_id: str, page: str) -> None:
        """The page a session is on, for the log line (called at the start of every full run)."""
        with self._lock:
            self.pages[session_id] = page
            self.pages.move_to_end(session_id)
            while len(self.pages) > MAX_PAGES:
                self.pages.popitem(last=False)

    @property
    def healthy(self) -> bool:
        return not self.runs.stuck

    def check(self) -> None:
        """One look at the script threads: log what is newly stuck and what has recovered."""
        newly, ended = self.runs.tick(time.monotonic(), script_runs(sys._current_frames(), threading.enumerate()))
        for run, age in newly:
            with self._lock:
                page = self.pages.get(run.session_id, "?")
            LOG.error("Laget watchdog: a page run has lasted %.1f s (limit %.0f s): page=%s session=%s waiting at %s;"
                      " /_stcore/health now answers 503", age, self.runs.limit, page, session_tag(run.session_id),
                      run.where)
        if ended:
            LOG.warning("Laget watchdog: %d stuck page run(s) ended; %s", len(ended),
                        "healthy again" if self.healthy else "others are still stuck")

    def _arm(self) -> None:
        """Push the exit back by ``exit_after``. Written to the process's own stderr (``sys.__stderr__``): a
        replaced ``sys.stderr`` without a file descriptor (pytest's capsys, a library's wrapper) made arming raise,
        which ended this thread while the last timer stayed armed, so a healthy process was ended 180 s later."""
        if not self.exit_after:
            return
        try:
            faulthandler.dump_traceback_later(self.exit_after, exit=True, file=sys.__stderr__)
        except (OSError, ValueError, AttributeError, RuntimeError):  # no usable stderr: never end a live process
            faulthandler.cancel_dump_traceback_later()
            LOG.exception("Laget watchdog: cannot arm the freeze exit; it is off until it can be armed again")

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self._arm()
                self.check()
            except Exception:  # noqa: BLE001 - the watchdog must outlive any surprise in what it looks at
                LOG.exception("Laget watchdog: check failed")


_watchdog: Watchdog | None = None
_install_lock = threading.Lock()


def install(stuck_after: float, exit_after: float, *, patch_health: Callable[[Watchdog], None] | None = None,
            ) -> Watchdog:
    """Start the process's watchdog once (later calls return it) and make the health endpoint ask it."""
    global _watchdog
    with _install_lock:
        if _watchdog is None:
            _watchdog = Watchdog(stuck_after, exit_after)
            (patch_health or report_to_health_endpoint)(_watchdog)
            _watchdog.start()
        return _watchdog


def report_to_health_endpoint(dog: Watchdog) -> None:
    """``/_stcore/health`` asks ``Runtime.is_ready_for_browser_connection``: answer «not ready» while a run is
    stuck. Streamlit offers no hook for this, so the property is wrapped; ``tests/e2e/test_run_guard.py`` checks
    that it still takes effect after a Streamlit upgrade."""
    from streamlit.runtime.runtime import Runtime

    original = Runtime.is_ready_for_browser_connection

    async def ready(runtime: Runtime) -> tuple[bool, str]:
        if not dog.healthy:
            return False, "a page run is stuck (see the log: Laget watchdog)"
        return await original.fget(runtime)

    Runtime.is_ready_for_browser_connection = property(ready)
