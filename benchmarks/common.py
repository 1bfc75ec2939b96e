"""Shared helpers for the benchmark scripts: fresh databases, query counting, medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event

from data_access.db.demo import load_demo
from data_access.db.engine import get_engine, upgrade


def fresh_demo_database(folder: Path | None = None) -> str:
    folder = folder or Path(tempfile.mkdtemp(prefix="laget-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    load_demo(engine)
    return url


@contextmanager
def serving(cmd: list[str], health_url: str, log: Path, *, cwd: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> Iterator[subprocess.Popen]:
    """A server for a benchmark: started, waited for until ``health_url`` answers 200 (the log's tail when it
    stops or never answers), and stopped afterwards: asked, then made to."""
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(health_url, timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{cmd[0]} did not start ({health_url}):\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


class QueryCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *_args) -> None:
        self.count += 1


@contextmanager
def environment(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def logged_in_app(user: str, page: str, timeout: float = 120):
    """An AppTest of the real entry point, logged in as ``user``, showing ``pages/<page>.py``."""
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[1]
    from config.settings import load_settings
    from data_access.db.engine import get_engine
    from data_access.writes.sessions import start_session

    at = AppTest.from_file(str(root / "dashboard" / "app.py"), default_timeout=timeout)
    at.session_state["_laget_session"] = start_session(get_engine(load_settings().database_url), user, "lokal")
    at.run()
    at.switch_page(f"../pages/{page}.py")
    at.run()
    return at
