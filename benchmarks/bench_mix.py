"""A realistic mix of users against Laget (one replica, or two behind nginx), with Datasette on the same data.

For each user count N (default 1, 10, 30, 60) N virtual users start at the same moment (``benchmarks/
load_client.py``: Streamlit's websocket protocol, no browser; each logged in with a real session cookie):

- three in four are leaders (role ``leser``) who open Oversikt, Indikatorer and Rapport in turn;
- one in four is an editor (role ``redaktor``) who opens Tiltak, sets a new status on one row of a grid (the
  data editor's widget state, sent as a fragment rerun as the browser does) and presses «Lagre endringer»
  (the save button's trigger with the editor's state); then again, on the next row.

Each user makes ``--views`` page runs (a save and an edit count as one each), one after another: with no pause
(``--think 0``, the default: a throughput test, every user clicking again the moment a page has arrived) or with a
reading pause between views (``--think 5``: 2,5–7,5 s, uniformly drawn from a seeded generator per user, as a
person reads a page before the next click; Datasette's users pause the same). Printed per N:
p50/p95 per view kind and overall, errors (hung, failed, exception or ``st.error`` elements; a save conflict
between two editors is counted apart, it is the designed outcome), saves confirmed in the database (the sum of
tiltak versions), the server's CPU seconds per view (``/proc/PID/stat`` of every replica, before and after) and
the slowest ``/_stcore/health``. Then the same N users ask Datasette, serving the same SQLite database, for the
same number of pages (the tiltak, indicator values and meetings tables as HTML, in turn), and the ratios
Laget/Datasette of p50, p95 and CPU per view are printed: the machine may be shared, so the ratio in the same run
is the figure to compare between runs.

Datasette is not a dependency of Laget: install it into a venv of its own and point ``LAGET_BENCH_DATASETTE`` at
its executable (e.g. ``python3 -m venv /tmp/ds && /tmp/ds/bin/pip install datasette``, then
``LAGET_BENCH_DATASETTE=/tmp/ds/bin/datasette``); without it the comparison is skipped and the script says so.

One replica (default): ``laget run`` (the production start: Laget's Streamlit flags, the import preload) on a
fresh copy of the demo database (SQLite), on a free loopback port. Two replicas: start ``scripts/cluster.sh
start`` and pass ``--cluster https://127.0.0.1:8443`` (with ``--db-url``, ``--cookie-key-file`` and
``--replica-ports`` if not the script's defaults); Datasette then serves a fresh SQLite copy of the demo data.

Does a second replica double the load Laget holds? ``--cluster URL --scale`` runs each N on one replica (through
the same nginx, pinned by its route cookie) beside 2N on both, with every replica capped at ``--replica-cpu``
CPUs (a cgroup quota, root needed: ``benchmarks/cpu_cap.py``), so each replica has a fixed budget of its own, as
on a machine with a core per replica, however many cores nginx, PostgreSQL and the load client take; no
Datasette in this mode.

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_mix.py [--users 1,10,30,60] [--views 10] [--cluster URL]
Only loopback addresses are used. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_demo_database, serving  # noqa: E402
from benchmarks.load_client import (  # noqa: E402
    DEMO_USERS,
    LoadSession,
    View,
    _watchdog,
    cpu_seconds,
    ensure_loopback,
    free_port,
    laget_cookie,
    percentile,
    role_pages,
    rss_mib,
    server_pid,
)

LEADER_PAGES = ("", "indikatorer", "rapport")  # Oversikt is the default page
KIND = {"": "oversikt"}
DATASETTE_PAGES = ("tiltak", "indicator_values", "meetings")
SERVER_ENV = {"LAGET_MAX_SESSIONS": "100000", "LAGET_LOGIN_DELAY": "0"}


# --- the Laget users --------------------------------------------------------------------------------------------

def _editor_target(session: LoadSession, turn: int, editor: int, editors: int):
    """The grid, row and new status for this edit: the ``e``-th editor takes the ``e``-th row over all grids and
    moves on by the number of editors every turn, so editors touch different rows as long as there are more
    rows than editors; the status is the next one after the row's current one."""
    import pyarrow as pa

    from data_access.domain.vocabulary import STATUS_LABELS

    grids = [(el, frag) for el, frag in zip(session.last_elements, session.last_fragments, strict=True)
             if el.WhichOneof("type") == "dataframe" and "editor_" in el.dataframe.id]
    if not grids:
        return None
    tables = [pa.ipc.open_stream(el.dataframe.arrow_data.data).read_all() for el, _ in grids]
    total = sum(t.num_rows for t in tables)
    if not total:
        return None
    row, k = (editor + turn * max(1, editors)) % total, 0
    while row >= tables[k].num_rows:
        row, k = row - tables[k].num_rows, k + 1
    (el, fragment), table = grids[k], tables[k]
    labels = list(STATUS_LABELS.values())
    now = table.column("Status")[row].as_py()
    new = labels[(labels.index(now) + 1) % len(labels)] if now in labels else labels[0]
    key = el.dataframe.id.split("-editor_", 1)[1].rsplit("_", 1)[0]
    return el.dataframe.id, fragment, key, {"edited_rows": {str(row): {"Status": new}}, "added_rows": [],
                                            "deleted_rows": []}


async def _edit_and_save(session: LoadSession, turn: int, editor: int, editors: int, left: int) -> list[View]:
    """Set a status in the grid (one fragment rerun), then press its save button (another)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    target = _editor_target(session, turn, editor, editors)
    if target is None:
        return [View(session.name, "tiltak:edit", 0.0, False, failed="no editable grid on Tiltak")]
    editor_id, fragment, key, edit = target
    state = WidgetState(id=editor_id, string_value=json.dumps(edit))
    edited = await session.view(None, widget_states=[state], fragment_id=fragment)
    edited.page = "tiltak:edit"
    if not edited.ok or left < 2:
        return [edited]
    button = next((el.button.id for el in session.last_elements
                   if el.WhichOneof("type") == "button" and el.button.id.endswith(f"-save_{key}")), None)
    if button is None:
        edited.failed = "no save button after the edit"
        return [edited]
    saved = await session.view(None, widget_states=[state, WidgetState(id=button, trigger_value=True)],
                               fragment_id=fragment)
    saved.page = "tiltak:save"
    return [edited, saved]


async def _laget_user(url: str, index: int, users: int, cookies: dict, views: int, out: list[View],
                      timeout: float, think: float = 0.0) -> None:
    editor = index % 4 == 3
    role = "redaktor" if editor else "leser"
    # no route cookie (unless pinned): a new browser, which nginx sends to the replica with the fewest connections
    session = LoadSession(url, cookies=cookies, name=f"u{index}:{role}")
    started = time.perf_counter()
    try:
        await asyncio.wait_for(session.connect(), timeout)
    except Exception as exc:  # noqa: BLE001 - a refused connection is a failed view
        out.append(View(session.name, "(connect)", time.perf_counter() - started, False,
                        failed=f"connect: {type(exc).__name__}: {exc}"[:300]))
        return
    try:
        done, turn = 0, 0
        pauses = _pauses(index, think)
        while done < views:
            if turn:
                await asyncio.sleep(_pause(pauses, think))
            if editor:
                v = await session.view("tiltak", timeout=timeout)
                left = views - done - 1
                batch = [v] + (await _edit_and_save(session, turn, index // 4, users // 4, left) if v.ok else [])
            else:
                page = LEADER_PAGES[(index + turn) % len(LEADER_PAGES)]
                batch = [await session.view(page, timeout=timeout)]
                batch[0].page = KIND.get(page, page)
            out.extend(batch[:views - done])
            done += len(batch)
            turn += 1
            if any(v.hung or v.failed for v in batch):
                return
    finally:
        await session.close()


async def _laget_load(url: str, cookies: dict[str, dict], users: int, views: int, pids: list[int],
                      timeout: float, think: float = 0.0) -> dict:
    out: list[View] = []

    probe = SimpleNamespace(health_seconds=[])  # what _watchdog records into
    watchdog = asyncio.create_task(_watchdog(url, probe, every=2.0, timeout=5.0, misses=2, pid=pids[0],
                                             idle_share=0.1, max_silence=float("inf")))
    start = time.perf_counter()
    try:
        await asyncio.gather(*(_laget_user(url, i, users, cookies["redaktor" if i % 4 == 3 else "leser"], views, out,
                                           timeout, think) for i in range(users)))
    finally:
        watchdog.cancel()
        await asyncio.gather(watchdog, return_exceptions=True)
    return {"views": out, "seconds": time.perf_counter() - start, "health": probe.health_seconds}


async def _first_tiltak(url: str, cookie: dict, pids: list[int]) -> tuple[float, float, bool]:
    """The first full load of Tiltak: a new session's first view, before any other view on this server."""
    cpu = sum(cpu_seconds(p) for p in pids)
    async with LoadSession(url, cookies=cookie, name="first") as s:
        v = await s.view("tiltak")
    return v.seconds, sum(cpu_seconds(p) for p in pids) - cpu, v.ok


async def _warm_up(url: str, cookie: dict) -> None:
    async with LoadSession(url, cookies=cookie, name="warm-up") as s:
        for page in role_pages("admin"):
            await s.view(page)


# --- Datasette ----------------------------------------------------------------------------------------------------

def datasette_executable() -> str | None:
    found = os.environ.get("LAGET_BENCH_DATASETTE") or shutil.which("datasette")
    return found if found and Path(found).exists() else None


@contextmanager
def datasette(executable: str, db_path: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving([executable, "serve", str(db_path), "--host", "127.0.0.1", "--port", str(port), "--setting",
                  "sql_time_limit_ms", "10000"], f"{url}/-/versions.json", db_path.with_suffix(".datasette.log"),
                 timeout=60) as proc:
        yield url, proc.pid


def _pauses(index: int, think: float) -> random.Random | None:
    """The reading pauses of one user: the same sequence in every run, so runs compare."""
    return random.Random(index) if think > 0 else None


def _pause(pauses: random.Random | None, think: float) -> float:
    return pauses.uniform(0.5 * think, 1.5 * think) if pauses else 0.0


def _datasette_user(url: str, db: str, index: int, views: int, timeout: float,
                    think: float = 0.0) -> list[tuple[str, float, bool]]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    out = []
    pauses = _pauses(index, think)
    for k in range(views):
        if k:
            time.sleep(_pause(pauses, think))
        table = DATASETTE_PAGES[(index + k) % len(DATASETTE_PAGES)]
        start = time.perf_counter()
        try:
            with opener.open(f"{url}/{db}/{table}", timeout=timeout) as r:
                ok = r.status == 200 and len(r.read()) > 0
        except OSError:
            ok = False
        out.append((table, time.perf_counter() - start, ok))
    return out


def datasette_load(url: str, pid: int, db: str, users: int, views: int, timeout: float, think: float = 0.0) -> dict:
    for table in DATASETTE_PAGES:  # warm, as Laget is warmed
        _datasette_user(url, db, DATASETTE_PAGES.index(table), 1, timeout)
    cpu = cpu_seconds(pid)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = [r for rs in pool.map(lambda i: _datasette_user(url, db, i, views, timeout, think), range(users))
                   for r in rs]
    seconds = time.perf_counter() - start
    done = [s for _, s, ok in results if ok]
    return {"p50": percentile(done, 50), "p95": percentile(done, 95), "errors": len(results) - len(done),
            "cpu_view": (cpu_seconds(pid) - cpu) / len(done) if done else float("nan"),
            "rate": len(done) / seconds if seconds else 0.0}


# --- the target ---------------------------------------------------------------------------------------------------

@contextmanager
def one_replica(db_url: str, folder: Path):
    """``laget run`` as in production (it passes Laget's Streamlit settings), on a free loopback port, from an
    empty folder."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **SERVER_ENV}
    env.pop("LAGET_COOKIE_KEY", None)
    with serving([sys.executable, "-m", "dashboard.cli", "run", "--server.headless=true", f"--server.port={port}",
                  "--server.address=127.0.0.1"], f"{url}/_stcore/health", folder / "laget.log", cwd=folder,
                 env=env) as proc:
        yield url, [proc.pid]


def tiltak_versions(db_url: str) -> int:
    from sqlalchemy import text

    from data_access.db.engine import get_engine

    with get_engine(db_url).connect() as conn:
        return int(conn.execute(text("SELECT COALESCE(SUM(version), 0) FROM tiltak")).scalar_one())


def _row(label: str, values: list[float]) -> str:
    return (f"    {label:<12} {len(values):>5} {percentile(values, 50):>7.2f} {percentile(values, 95):>7.2f} "
            f"{max(values, default=float('nan')):>7.2f}")


def measure(url: str, pids: list[int], db_url: str, cookies: dict, users: int, args) -> dict:
    versions = tiltak_versions(db_url)
    cpu = sum(cpu_seconds(p) for p in pids)
    result = asyncio.run(_laget_load(url, cookies, users, args.views, pids, args.view_timeout, args.think))
    cpu = sum(cpu_seconds(p) for p in pids) - cpu
    views: list[View] = result["views"]
    done = [v for v in views if v.finished]
    errors = [v for v in views if not v.finished or v.exceptions or v.errors or v.not_found or v.failed]
    saves = [v for v in views if v.page == "tiltak:save" and v.ok]
    print(f"N = {users}: {len(done)}/{users * args.views} views in {result['seconds']:.1f} s, "
          f"{len(errors)} errors, {sum(v.hung for v in views)} hung; server CPU {cpu / max(len(done), 1):.3f} s "
          f"per view; RSS {', '.join(f'{rss_mib(p):.0f}' for p in pids)} MiB; slowest health "
          + (f"{max(result['health']):.2f} s" if result["health"] and max(result["health"]) != float("inf")
             else f"{sum(h == float('inf') for h in result['health'])} missed" if result["health"] else "–"))
    print(f"    {'view':<12} {'count':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for kind in ("oversikt", "indikatorer", "rapport", "tiltak", "tiltak:edit", "tiltak:save"):
        times = [v.seconds for v in done if v.page == kind]
        if times:
            print(_row(kind, times))
    print(_row("all", [v.seconds for v in done]))
    saved = tiltak_versions(db_url) - versions
    print(f"    saves: {len(saves)} pressed without error; {saved} went through (tiltak versions in the database), "
          f"the rest met another editor's save of the same row (Laget's conflict panel, by design)")
    for v in errors[:5]:
        print(f"    error: {v.user} /{v.page}: {'HUNG' if v.hung else v.failed or ''} {'; '.join(v.problems[:2])}")
    all_times = [v.seconds for v in done]
    return {"p50": percentile(all_times, 50), "p95": percentile(all_times, 95), "errors": len(errors),
            "cpu_view": cpu / len(done) if done else float("nan"), "rate": len(done) / result["seconds"]}


def scale(args, cookies: dict, pids: list[int], ports: list[int]) -> None:
    """Does a second replica double what Laget holds? Each N on one replica beside 2N on both, every replica capped
    at ``--replica-cpu`` cores (``benchmarks/cpu_cap.py``), so the answer does not depend on what else shares the
    machine's cores. Both go through the same nginx: the one-replica users carry the route cookie of the first
    replica (``deploy/nginx/replicas.sh`` names it r1), so TLS and the proxy cost the same on both sides."""
    from benchmarks.cpu_cap import cpu_capped, throttled_seconds

    pinned = {role: {**cookie, "laget_route": "r1"} for role, cookie in cookies.items()}
    rows = []
    with cpu_capped(pids, args.replica_cpu) as groups:
        print(f"Each replica capped at {args.replica_cpu:g} CPU ({', '.join(g.name for g in groups)})")
        for users in [int(x) for x in args.users.split(",") if x.strip()]:
            print(f"\n--- one replica (127.0.0.1:{ports[0]}, through nginx with its route cookie), N = {users}")
            one = measure(args.cluster, pids[:1], args.db_url, pinned, users, args)
            print(f"\n--- {len(pids)} replicas behind nginx ({args.cluster}), N = {len(pids) * users}")
            many = measure(args.cluster, pids, args.db_url, cookies, len(pids) * users, args)
            rows.append((users, one, many))
        throttled = [throttled_seconds(g) for g in groups]
    print(f"\nthrottled (waited for the CPU budget): {', '.join(f'{t:.0f} s' for t in throttled)}")
    k = len(pids)
    print(f"\n{'N':>4} {'one: err':>8} {'p50/p95 s':>11} {'views/s':>7}   {k}×N {'err':>4} {'p50/p95 s':>11} "
          f"{'views/s':>7}   {'views/s ×':>9} {'p95 ×':>6}")
    for users, one, many in rows:
        print(f"{users:>4} {one['errors']:>8} {one['p50']:>5.2f}/{one['p95']:<5.2f} {one['rate']:>7.1f}   "
              f"{k * users:>3} {many['errors']:>4} {many['p50']:>5.2f}/{many['p95']:<5.2f} {many['rate']:>7.1f}   "
              f"{many['rate'] / one['rate']:>9.2f} {many['p95'] / one['p95']:>6.2f}")
    held_one = max((u for u, one, _ in rows if one["p95"] <= 2 and not one["errors"]), default=0)
    held_many = max((k * u for u, _, many in rows if many["p95"] <= 2 and not many["errors"]), default=0)
    print(f"Largest load measured with p95 ≤ 2 s and no errors: one replica N = {held_one or '–'}, "
          f"{k} replicas N = {held_many or '–'}"
          + (f" ({held_many / held_one:.1f}×)" if held_one and held_many else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="1,10,30,60", help="user counts, comma-separated")
    parser.add_argument("--views", type=int, default=10, help="page runs per user")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean reading pause in seconds between a user's views (0: none, a throughput test)")
    parser.add_argument("--view-timeout", type=float, default=60.0, help="seconds before a view counts as hung")
    parser.add_argument("--cluster", help="URL of a running scripts/cluster.sh (nginx), e.g. https://127.0.0.1:8443")
    parser.add_argument("--db-url", default="postgresql+psycopg://laget:laget@127.0.0.1:5442/laget",
                        help="the cluster's database (for the users' session cookies)")
    parser.add_argument("--cookie-key-file", default=str(ROOT / ".cluster" / "cookie_key"),
                        help="the cluster's LAGET_COOKIE_KEY")
    parser.add_argument("--replica-ports", default="8511,8512", help="the cluster's replica ports (for their CPU)")
    parser.add_argument("--scale", action="store_true",
                        help="with --cluster: each N on one replica beside N × replicas on all behind nginx, each "
                             "replica capped at --replica-cpu (needs root): do more replicas hold more load?")
    parser.add_argument("--replica-cpu", type=float, default=0.5, help="with --scale: CPUs each replica may use")
    args = parser.parse_args()
    counts = [int(x) for x in args.users.split(",") if x.strip()]
    if any(c < 1 or c > 500 for c in counts) or not 1 <= args.views <= 100 or not 0 <= args.think <= 60:
        parser.error("users must be 1–500, views 1–100 and think 0–60 s")
    if args.scale and not args.cluster:
        parser.error("--scale needs --cluster (scripts/cluster.sh start)")

    import polars
    import streamlit

    executable = datasette_executable()
    print(f"streamlit {streamlit.__version__}, polars {polars.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.views} views per user, "
          f"{'a reading pause of ' + format(args.think, 'g') + ' s on average' if args.think else 'no pause'}; target: "
          f"{args.cluster or 'one replica (laget run, SQLite)'}; Datasette: "
          f"{executable or 'NOT FOUND (set LAGET_BENCH_DATASETTE to its executable): no comparison'}")
    folder = Path(tempfile.mkdtemp(prefix="laget-bench-mix-"))
    sqlite_url = fresh_demo_database(folder)
    db_path = Path(sqlite_url[len("sqlite:///"):])
    try:
        if args.cluster:
            ensure_loopback(args.cluster)
            key = Path(args.cookie_key_file).read_text().strip()
            db_url = args.db_url
            pids = [server_pid(int(p)) for p in args.replica_ports.split(",")]
            if None in pids:
                raise SystemExit(f"no laget run found on every port of {args.replica_ports}: is the cluster up?")
            target = nullcontext((args.cluster, pids))
        else:
            key, db_url = None, sqlite_url
            target = one_replica(sqlite_url, folder)
        cookies = {role: laget_cookie(db_url, DEMO_USERS[role], cookie_key=key) for role in DEMO_USERS}
        if args.scale:
            ports = [int(p) for p in args.replica_ports.split(",")]
            for port in ports:  # warm every replica, as the first view of each would otherwise be in the figures
                asyncio.run(_warm_up(f"http://127.0.0.1:{port}", cookies["admin"]))
            scale(args, cookies, pids, ports)
            return
        rows = []
        with target as (url, pids):
            wall, cpu, ok = asyncio.run(_first_tiltak(url, cookies["redaktor"], pids))
            print(f"First full load of Tiltak ({'fresh server' if not args.cluster else 'as the cluster is'}, a new "
                  f"session's first view): {wall:.2f} s, server CPU {cpu:.2f} s{'' if ok else ' – WITH ERRORS'}")
            asyncio.run(_warm_up(url, cookies["admin"]))
            for users in counts:
                rows.append((users, measure(url, pids, db_url, cookies, users, args)))
        if executable:
            with datasette(executable, db_path) as (ds_url, ds_pid):
                for users, laget in rows:
                    ds = datasette_load(ds_url, ds_pid, db_path.stem, users, args.views, args.view_timeout,
                                        args.think)
                    laget["ds"] = ds
        print(f"\n{'N':>4} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'CPU s/view':>10}   {'Datasette p50/p95 s':>19} "
              f"{'CPU s/view':>10} {'err':>3}   {'ratio p50':>9} {'p95':>5} {'CPU':>5}")
        for users, r in rows:
            ds = r.get("ds")
            line = f"{users:>4} {r['errors']:>6} {r['p50']:>7.2f} {r['p95']:>7.2f} {r['cpu_view']:>10.3f}"
            if ds:
                line += (f"   {ds['p50']:>9.3f} /{ds['p95']:>7.3f} {ds['cpu_view']:>10.4f} {ds['errors']:>3}   "
                         f"{r['p50'] / ds['p50']:>9.1f} {r['p95'] / ds['p95']:>5.1f} "
                         f"{r['cpu_view'] / ds['cpu_view']:>5.1f}")
            else:
                line += "   (no Datasette)"
            print(line)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
