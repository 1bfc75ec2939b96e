"""Excel figures: exporting the Stange demo plan, and reading, previewing, importing and exporting a plan with
2,000 tiltak (the largest plan we expect; the reader refuses more than 5,000 rows per sheet).

Run: .venv/bin/python benchmarks/bench_excel.py [--repeats 3]
No target is set in the issue; these figures say what an administrator waits for.
"""

from __future__ import annotations

import argparse
import io
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    engine = get_engine(fresh_demo_database())
    stange = int(plans_frame(engine)["id"][0])
    export_ms = median_ms(lambda: plan_workbook(engine, stange, 2026), args.repeats)
    print(f"Export Stange demo plan:          {export_ms:8.0f} ms")
    data = plan_workbook(engine, stange, 2026)
    print(f"Preview Stange export (new plan): {median_ms(lambda: preview(engine, data), args.repeats):8.0f} ms")
    start = time.perf_counter()
    apply_import(engine, SYSTEM, data, new_plan=NewPlan(kommune="Bench", name="Bench", key="bench-stange"))
    print(f"Import Stange export as new plan: {(time.perf_counter() - start) * 1000:8.0f} ms")
    big = big_workbook(2000)
    print(f"Read + validate 2,000 tiltak:     {median_ms(lambda: read_workbook(big), args.repeats):8.0f} ms "
          f"({len(big) // 1024} KiB)")
    start = time.perf_counter()
    result = apply_import(engine, SYSTEM, big, new_plan=NewPlan(kommune="Stor", name="Stor plan", key="bench-stor"))
    print(f"Import 2,000 tiltak as new plan:  {(time.perf_counter() - start) * 1000:8.0f} ms")
    print(f"Export the 2,000-tiltak plan:     "
          f"{median_ms(lambda: plan_workbook(engine, result.plan_id, 2026), args.repeats):8.0f} ms")


if __name__ == "__main__":
    main()
