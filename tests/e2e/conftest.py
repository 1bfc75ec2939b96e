"""Start ``streamlit run`` on a free port against a fresh demo database and drive Debian's Chromium.

Follows Streamlit's own e2e conftest: poll ``/_stcore/health``, then wait for ``[data-testid="stApp"]``.
Locally the tests skip when Chromium is missing; with ``LAGET_E2E_REQUIRED=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        if os.environ.get("LAGET_E2E_REQUIRED") == "1":
            pytest.fail("Chromium mangler på /usr/bin/chromium, men e2e-testene er påkrevd her.")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass(frozen=True)
class RunningApp:
    url: str
    db_url: str
    process: subprocess.Popen | None = None
    log: Path | None = None


@pytest.fixture
def app_url(app: RunningApp) -> str:
    return app.url


@pytest.fixture
def app(templates, tmp_path) -> Iterator[RunningApp]:
    """A running app on its own port and its own copy of the demo database."""
    db_url = templates.sqlite_copy("demo", tmp_path / "e2e.db")
    with running_app(db_url, tmp_path, free_port()) as running:
        yield running


def stop(proc: subprocess.Popen, wait: float = 10.0) -> None:
    """End a server the test started: ask, then insist."""
    proc.terminate()
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def _serving(command: list[str], db_url: str, cwd: Path, port: int, log_path: Path,
             env: dict[str, str]) -> Iterator[RunningApp]:
    """Start ``command`` (a Streamlit server on ``port``), wait until its health answers, stop it afterwards."""
    env = {**os.environ, "DATABASE_URL": db_url, "LAGET_LOGIN_DELAY": "0", **env}
    env.pop("LAGET_COOKIE_KEY", None)
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*command, "--server.headless=true", f"--server.port={port}",
                             "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{command[2]} did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield RunningApp(url, db_url, proc, log_path)
    finally:
        stop(proc)
        log.close()


@contextmanager
def running_app(db_url: str, cwd: Path, port: int, env_extra: dict[str, str] | None = None,
                script: Path = ROOT / "dashboard" / "app.py") -> Iterator[RunningApp]:
    """``streamlit run`` with the bokmål front end (as ``laget run``) in ``cwd`` (where a
    ``.streamlit/secrets.toml`` may wait), until the block ends."""
    (cwd / ".streamlit").mkdir(exist_ok=True)  # streamlit reads config.toml from the working directory
    shutil.copy(ROOT / ".streamlit" / "config.toml", cwd / ".streamlit" / "config.toml")
    with _serving([sys.executable, "-m", "dashboard.frontend_nb", "run", str(script)], db_url, cwd, port,
                  cwd / "streamlit.log", env_extra or {}) as running:
        yield running


@contextmanager
def laget_run(db_url: str, cwd: Path, port: int, log_path: Path,
              env_extra: dict[str, str] | None = None) -> Iterator[RunningApp]:
    """The production start, ``laget run`` (its own Streamlit settings, the open-data routes), in ``cwd``."""
    with _serving([sys.executable, "-m", "dashboard.cli", "run"], db_url, cwd, port, log_path,
                  {"PYTHONPATH": str(ROOT), **(env_extra or {})}) as running:
        yield running


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    return pg


def edit_cell(page, grid_index: int, row: int, column: str, value: str,
              expect: str = "Lagre endringer (1)") -> None:
    """Set a text cell in a st.data_editor: select it, Enter opens glide's editor, fill it, Enter commits.

    The grid is a canvas that a rerun can redraw under the mouse, so the edit is retried until the save
    button shows that Streamlit received it (``expect``).
    """
    from dashboard.tiltak_editor import COLUMN_WIDTHS

    order = list(COLUMN_WIDTHS)
    x = sum(COLUMN_WIDTHS[c] for c in order[:order.index(column)]) + COLUMN_WIDTHS[column] / 2
    grid = page.locator('[data-testid="stDataFrame"]').nth(grid_index)
    editor = page.locator(".gdg-growing-entry textarea")
    for _ in range(4):
        wait_idle(page)
        grid.scroll_into_view_if_needed()
        box = _settled_box(page, grid)
        page.mouse.click(box["x"] + x, box["y"] + 35 * (row + 1) + 17)
        page.wait_for_timeout(200)
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=3_000)
            editor.fill(value)
            editor.press("Enter")
            page.get_by_role("button", name=expect).first.wait_for(timeout=6_000)
            return
        except Exception:  # noqa: BLE001 - the click or the editor missed; try again
            page.keyboard.press("Escape")
    raise AssertionError(f"the grid did not take the edit of {column!r}")


def _settled_box(page, locator) -> dict:
    """The element's box once it has stopped moving (charts and tables above it render after the rerun)."""
    box = locator.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(250)
        again = locator.bounding_box()
        if again == box:
            break
        box = again
    return box


def goto_page(page, link: str, ready) -> None:
    """Click a navigation link until ``ready`` (a locator) shows: a click during a rerun can be dropped."""
    for _ in range(3):
        wait_idle(page)
        page.get_by_role("link", name=link, exact=True).click()
        try:
            ready.wait_for(timeout=15_000)
            break
        except Exception:  # noqa: BLE001 - click again
            continue
    ready.wait_for()
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until Streamlit is not running the script (its status widget is gone)."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def login(page, url: str, username: str, password: str = "laget-demo") -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Innlogget som").wait_for()
