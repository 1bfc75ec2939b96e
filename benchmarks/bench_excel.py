"""Excel figures: exporting the Stange demo plan, and reading, previewing, importing and exporting a plan with
2,000 tiltak (the largest plan we expect; the reader refuses more than 5,000 rows per sheet); then what hostile
uploads cost before they are refused (zip bombs, issue 17.16), each read in a fresh process so its peak memory
can be told apart.

Run: .venv/bin/python benchmarks/bench_excel.py [--repeats 3] [--only-bombs]
No target is set in the issue; these figures say what an administrator waits for.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from benchmarks.common import fresh_demo_database, median_ms  # noqa: E402
from data_access.db.engine import get_engine  # noqa: E402
from data_access.domain.users import SYSTEM  # noqa: E402
from data_access.formats.excel_export import plan_workbook, template_workbook  # noqa: E402
from data_access.formats.plan_import import read_workbook  # noqa: E402
from data_access.reads.plans import plans_frame  # noqa: E402
from data_access.writes.plan_import import NewPlan, apply_import, preview  # noqa: E402
from tests.plan_books import LOG_PART, numbered_row, zip_bomb  # noqa: E402


def big_workbook(n: int) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    levels, statuses = ("Universell", "Selektiv", "Indikativ"), ("Planlagt", "I gang", "Avsluttet")
    for i in range(n):
        book["Tiltak"].append([levels[i % 3], f"Tiltak nummer {i}", "Beskrivelse " * 10, statuses[i % 3],
                               "Statusnotat", f"Tjeneste {i % 40}; PPT", "Neste steg", None, None, None, None])
    for i in range(100):
        book["Møtearenaer"].append(["Tjenestenivå", f"Arena {i}", "Formål", "Leder", "PPT; NAV", "Hver 14. dag"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BOMBS = {  # name -> a hostile or a big legal upload; built before the clock starts
    "200 MB of identical rows": lambda: zip_bomb(200_000_000),
    "60 MB of rows packed like real ones": lambda: zip_bomb(60_000_000, row=numbered_row),
    "the same without <dimension>": lambda: zip_bomb(60_000_000, row=numbered_row, dimension=False),
    "60 MB Endringslogg, no <dimension>": lambda: zip_bomb(60_000_000, part=LOG_PART, row=numbered_row,
                                                            dimension=False),
    "legal: 5,000 tiltak": lambda: big_workbook(5000),
}


def _read_one(path: str) -> None:
    """Read one upload in this fresh process: time, peak memory above what the process had, the first message."""
    data = Path(path).read_bytes()
    read_workbook(big_workbook(1))  # imports and first-use costs are not the upload's
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    plan = read_workbook(data)
    seconds = time.perf_counter() - start
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    outcome = plan.errors[0].text()[:60] if plan.errors else f"read: {len(plan.tiltak)} tiltak"
    print(f"{len(data) / 1e6:6.1f} MB packed {seconds:8.2f} s {peak:7.0f} MB  {outcome}")


def bombs() -> None:
    print("Hostile and big uploads (read_workbook, each in a fresh process; peak memory above its start):")
    with tempfile.TemporaryDirectory() as folder:
        for name, build in BOMBS.items():
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(build())
            print(f"  {name:<38}", end=" ", flush=True)
            subprocess.run([sys.executable, __file__, "--read", str(path)], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only-bombs", action="store_true")
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        return _read_one(args.read)
    if args.only_bombs:
        return bombs()
    engine = get_engine(fresh_demo_database())
    stange = int(plans_frame(engine)["id"][0])
    export_ms = median_ms(lambda: plan_workbook(engine, stange, 2026), args.repeats)
    print(f"Export Stange demo plan:          {export_ms:8.0f} ms")
    data = plan_workbook(engine, stange, 2026)
    print(f"Preview Stange export (new plan): {median_ms(lambda: preview(engine, data), args.repeats):8.0f} ms")
    start = time.perf_counter()
    apply_import(engine, SYSTEM, preview(engine, data), new_plan=NewPlan(kommune="Bench", name="Bench",
                                                                         key="bench-stange"))
    print(f"Preview + import Stange as new:   {(time.perf_counter() - start) * 1000:8.0f} ms")
    big = big_workbook(2000)
    print(f"Read + validate 2,000 tiltak:     {median_ms(lambda: read_workbook(big), args.repeats):8.0f} ms "
          f"({len(big) // 1024} KiB)")
    start = time.perf_counter()
    result = apply_import(engine, SYSTEM, preview(engine, big), new_plan=NewPlan(kommune="Stor", name="Stor plan",
                                                                                key="bench-stor"))
    print(f"Preview + import 2,000 tiltak:    {(time.perf_counter() - start) * 1000:8.0f} ms")
    print(f"Export the 2,000-tiltak plan:     "
          f"{median_ms(lambda: plan_workbook(engine, result.plan_id, 2026), args.repeats):8.0f} ms")
    bombs()


if __name__ == "__main__":
    main()
