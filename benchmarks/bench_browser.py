"""Clicks in a real browser, side by side with Datasette serving the same SQLite file.

Datasette is installed into its own virtual environment (benchmarks/.venv-datasette, git-ignored) on the
first run. The script makes a demo database, serves it with Datasette and times a facet click (by level, by
status): from the click until the new page has loaded. Then it starts Laget on the same file (`streamlit run`
on a free port), logs in as redaktor and times, on the Tiltak page: a click on a pyramid tier, adding a status
filter, removing it, and saving a grid edit until the toast, each from the click until the app is idle
(stApp's data-test-script-state is notRunning, no status widget) and the page shows the change.

Run: .venv/bin/python benchmarks/bench_browser.py [--repeats 5] [--root DIR]
``--root`` runs another checkout of Laget (e.g. ``git archive main | tar -x -C /tmp/laget-main``) for a
before/after comparison. Target (issue 11): every Laget click ≤ 2 × the Datasette facet click. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_demo_database, serving  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, edit_cell, free_port, goto_page, login  # noqa: E402

DATASETTE_VENV = ROOT / "benchmarks" / ".venv-datasette"
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def datasette_bin() -> Path:
    exe = DATASETTE_VENV / "bin" / "datasette"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    return exe


def timed(action: Callable[[], None], done: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    done()
    return (time.perf_counter() - start) * 1000


@contextmanager
def server(cmd: list[str], health: str, env: dict[str, str] | None, log: Path) -> Iterator[None]:
    with serving(cmd, health, log, cwd=log.parent, env=env, timeout=60):
        yield


class Datasette:
    """A facet click: from the click on a facet value until the filtered page has loaded."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})

    def facet_click(self, column: str, i: int) -> float:
        self.page.goto(self.base, wait_until="load")
        link = self.page.locator(f'[data-column="{column}"] li a').nth(i % 2)

        def click() -> None:
            with self.page.expect_navigation(wait_until="load"):
                link.click()

        return timed(click, lambda: self.page.locator("table.rows-and-columns").wait_for())


def expander_labels(page) -> list[str]:
    return page.locator('[data-testid="stExpander"] summary').all_inner_texts()


def wait_for(page, condition: str, arg=None) -> None:
    page.wait_for_function(f"(arg) => ({condition}) && ({IDLE})()", arg=arg, polling="raf", timeout=60_000)


LEVEL_GRIDS = ("[...document.querySelectorAll('[data-testid=\"stExpander\"] summary')]"
               ".filter(s => / \\(\\d+ tiltak\\)/.test(s.innerText))")


class Laget:
    """The Tiltak page's clicks, each from the click until the app is idle and the page shows the change."""

    def __init__(self, browser, url: str) -> None:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
        self.page = page = context.new_page()
        page.set_default_timeout(60_000)
        login(page, url, "redaktor")
        goto_page(page, "Tiltak", page.locator('[data-testid="stVegaLiteChart"] g.mark-rect path').nth(2))
        wait_for(page, f"{LEVEL_GRIDS}.length === 3")

    def pyramid_tier(self) -> float:
        """Click the left end of the Selektiv bar (away from its text); then show all levels again («Vis nivå»)."""
        page = self.page
        bar = page.locator('[data-testid="stVegaLiteChart"] g.mark-rect path').nth(1)
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        ms = timed(lambda: page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2),
                   lambda: wait_for(page, f"{LEVEL_GRIDS}.length === 1"))
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Vis nivå").click()  # back to all levels
        page.get_by_role("option", name="Alle nivåer").click()
        wait_for(page, f"{LEVEL_GRIDS}.length === 3")
        return ms

    def _status_input(self):
        return self.page.locator('[data-testid="stMultiSelect"]').filter(has_text="Status").locator("input")

    def add_status_filter(self) -> float:
        page = self.page
        before = expander_labels(page)[0]
        self._status_input().click()
        option = page.get_by_role("option", name="I gang", exact=True)
        ms = timed(option.click, lambda: wait_for(page, f"{LEVEL_GRIDS}[0].innerText !== arg", before))
        page.keyboard.press("Escape")
        wait_for(page, "true")
        return ms

    def remove_status_filter(self) -> float:
        page = self.page
        filtered = expander_labels(page)[0]
        self._status_input().click()
        ms = timed(lambda: page.keyboard.press("Backspace"),
                   lambda: wait_for(page, f"{LEVEL_GRIDS}[0].innerText !== arg", filtered))
        page.keyboard.press("Escape")
        wait_for(page, "true")
        return ms

    def save_grid_edit(self, i: int) -> float:
        """Edit a status note (not timed), then time the save until its toast shows."""
        page = self.page
        edit_cell(page, 0, 0, "Statusnotat", f"Målt {i} {time.time():.0f}")
        page.get_by_text("tiltak lagret").first.wait_for(state="detached", timeout=15_000) \
            if page.get_by_text("tiltak lagret").count() else None  # the previous save's toast has gone
        save = page.get_by_role("button", name="Lagre endringer (1)").first
        return timed(save.click, lambda: page.get_by_text("1 tiltak lagret").first.wait_for())


def measure(browser, db_file: Path, db_url: str, root: Path, repeats: int, workdir: Path) -> dict[str, list[float]]:
    """Both servers run at once and the clicks alternate, so both see the same load on a shared machine."""
    ds_port, st_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "LAGET_LOGIN_DELAY": "0"}
    env.pop("LAGET_COOKIE_KEY", None)
    base = f"http://127.0.0.1:{ds_port}/{db_file.stem}/tiltak?_facet=level_id&_facet=status_id"
    st_url = f"http://127.0.0.1:{st_port}"
    with server([str(datasette_bin()), "serve", str(db_file), "--host", "127.0.0.1", "--port", str(ds_port)],
                base, None, workdir / "datasette.log"), \
         server([sys.executable, "-m", "streamlit", "run", str(root / "dashboard" / "app.py"),
                 "--server.headless=true", f"--server.port={st_port}", "--server.address=127.0.0.1",
                 "--browser.gatherUsageStats=false"], f"{st_url}/_stcore/health", env, workdir / "streamlit.log"):
        datasette, laget = Datasette(browser, base), Laget(browser, st_url)
        out: dict[str, list[float]] = {}
        try:
            for i in range(repeats + 1):  # the first round is a warm-up
                round_ = {
                    "Datasette facet by level": datasette.facet_click("level_id", i),
                    "Datasette facet by status": datasette.facet_click("status_id", i),
                    "Laget pyramid tier": laget.pyramid_tier(),
                    "Laget add status filter": laget.add_status_filter(),
                    "Laget remove status filter": laget.remove_status_filter(),
                    "Laget save grid edit": laget.save_grid_edit(i),
                }
                if i:
                    for name, ms in round_.items():
                        out.setdefault(name, []).append(ms)
        except Exception:
            laget.page.screenshot(path=str(workdir / "failure.png"), full_page=True)
            print(f"failed; screenshot and logs in {workdir}", file=sys.stderr)
            raise
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the Laget checkout to run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="laget-bench-browser-"))
    db_url = fresh_demo_database(workdir)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            figures = measure(browser, workdir / "bench.db", db_url, args.root.resolve(), args.repeats, workdir)
        finally:
            browser.close()
    ref = statistics.median([t for name, ts in figures.items() if name.startswith("Datasette") for t in ts])
    print(f"\nmedian of {args.repeats} clicks each, ms (Laget from {args.root}; clicks alternate between the two)")
    for name, times in figures.items():
        med = statistics.median(times)
        ratio = "" if name.startswith("Datasette") else f"   {med / ref:>4.1f} × Datasette"
        print(f"{name:<32}{med:>8.0f}{ratio}")
    print(f"{'Datasette facet click (both)':<32}{ref:>8.0f}   = reference")


if __name__ == "__main__":
    main()
