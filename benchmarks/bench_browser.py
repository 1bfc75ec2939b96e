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
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_demo_database  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, edit_cell, goto_page, login  # noqa: E402

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


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"server stopped: {url}")
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer: {url}")


def timed(action: Callable[[], None], done: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    done()
    return (time.perf_counter() - start) * 1000


def datasette_clicks(browser, db_file: Path, repeats: int) -> dict[str, list[float]]:
    port = _free_port()
    proc = subprocess.Popen([str(datasette_bin()), "serve", str(db_file), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/{db_file.stem}/tiltak?_facet=level_id&_facet=status_id"
        wait_http(base, proc)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        out: dict[str, list[float]] = {}
        for column in ("level_id", "status_id"):
            times = []
            for i in range(repeats + 1):
                page.goto(base, wait_until="load")
                link = page.locator(f'[data-column="{column}"] li a').nth(i % 2)

                def click(link=link) -> None:
                    with page.expect_navigation(wait_until="load"):
                        link.click()

                ms = timed(click, lambda: page.locator("table.rows-and-columns").wait_for())
                if i:  # the first is a warm-up
                    times.append(ms)
            out[f"facet by {column.removesuffix('_id')}"] = times
        page.close()
        return out
    finally:
        proc.terminate()
        proc.wait(10)


def expander_labels(page) -> list[str]:
    return page.locator('[data-testid="stExpander"] summary').all_inner_texts()


def wait_for(page, condition: str, arg=None) -> None:
    page.wait_for_function(f"(arg) => ({condition}) && ({IDLE})()", arg=arg, polling="raf", timeout=30_000)


LEVEL_GRIDS = ("[...document.querySelectorAll('[data-testid=\"stExpander\"] summary')]"
               ".filter(s => / \\(\\d+ tiltak\\)/.test(s.innerText))")


def laget_clicks(browser, db_url: str, root: Path, repeats: int, workdir: Path) -> dict[str, list[float]]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "LAGET_LOGIN_DELAY": "0"}
    env.pop("LAGET_COOKIE_KEY", None)
    log = open(workdir / "streamlit.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "dashboard" / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/_stcore/health", proc)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
        page = context.new_page()
        page.set_default_timeout(60_000)
        login(page, url, "redaktor")
        goto_page(page, "Tiltak", page.locator('[data-testid="stVegaLiteChart"] g.mark-rect path').nth(2))
        wait_for(page, f"{LEVEL_GRIDS}.length === 3")
        out: dict[str, list[float]] = {"pyramid tier": [], "add status filter": [], "remove status filter": [],
                                       "save grid edit": []}
        for i in range(repeats + 1):
            keep = i > 0
            # pyramid tier: click the left end of the Selektiv bar (away from its text)
            bar = page.locator('[data-testid="stVegaLiteChart"] g.mark-rect path').nth(1)
            bar.scroll_into_view_if_needed()
            box = bar.bounding_box()
            ms = timed(lambda box=box: page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2),
                       lambda: wait_for(page, f"{LEVEL_GRIDS}.length === 1"))
            if keep:
                out["pyramid tier"].append(ms)
            page.get_by_role("button", name="Vis alle nivåer").click()
            wait_for(page, f"{LEVEL_GRIDS}.length === 3")
            # add a status filter, then remove it
            before = expander_labels(page)[0]
            page.locator('[data-testid="stMultiSelect"]').filter(has_text="Status").locator("input").click()
            option = page.get_by_role("option", name="I gang", exact=True)
            ms = timed(option.click,
                       lambda before=before: wait_for(page, f"{LEVEL_GRIDS}[0].innerText !== arg", before))
            if keep:
                out["add status filter"].append(ms)
            page.keyboard.press("Escape")
            wait_for(page, "true")
            filtered = expander_labels(page)[0]
            page.locator('[data-testid="stMultiSelect"]').filter(has_text="Status").locator("input").click()
            ms = timed(lambda: page.keyboard.press("Backspace"),
                       lambda filtered=filtered: wait_for(page, f"{LEVEL_GRIDS}[0].innerText !== arg", filtered))
            if keep:
                out["remove status filter"].append(ms)
            page.keyboard.press("Escape")
            wait_for(page, f"{LEVEL_GRIDS}[0].innerText === arg", before)
            # save one grid edit until its toast shows
            edit_cell(page, 0, 0, "Statusnotat", f"Målt {i} {time.time():.0f}")
            page.evaluate("document.querySelectorAll('[data-testid=\"stToast\"]').forEach(t => t.dataset.seen = 1)")
            save = page.get_by_role("button", name="Lagre endringer (1)").first
            ms = timed(save.click, lambda: wait_for(
                page, "[...document.querySelectorAll('[data-testid=\"stToast\"]')].some(t => !t.dataset.seen)"))
            if keep:
                out["save grid edit"].append(ms)
        context.close()
        return out
    except Exception:
        page.screenshot(path=str(workdir / "failure.png"), full_page=True)
        print(f"failed; screenshot and log in {workdir}", file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the Laget checkout to run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="laget-bench-browser-"))
    db_url = fresh_demo_database(workdir)
    db_file = workdir / "bench.db"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            reference = datasette_clicks(browser, db_file, args.repeats)
            laget = laget_clicks(browser, db_url, args.root.resolve(), args.repeats, workdir)
        finally:
            browser.close()
    ref = statistics.median([t for times in reference.values() for t in times])
    print(f"\nmedian of {args.repeats} clicks each, ms (Laget from {args.root})")
    for name, times in reference.items():
        print(f"Datasette {name:<22}{statistics.median(times):>8.0f}")
    print(f"Datasette facet click (both){'':<4}{ref:>8.0f}   = reference")
    for name, times in laget.items():
        med = statistics.median(times)
        print(f"Laget {name:<26}{med:>8.0f}   {med / ref:>4.1f} × Datasette")


if __name__ == "__main__":
    main()
