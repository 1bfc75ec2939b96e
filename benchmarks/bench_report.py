"""Time to build the yearly report (model + charts + file) as PDF and as Word, for the Stange demo plan and
for the same plan grown to 2,000 tiltak.

Run: .venv/bin/python benchmarks/bench_report.py [--repeats 3]
Targets (issue 10): ≤ 5 s for the demo plan, ≤ 30 s for 2,000 tiltak, per format.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pages import grow_to  # noqa: E402
from benchmarks.common import fresh_demo_database  # noqa: E402
from data_access.db.engine import get_engine  # noqa: E402
from data_access.formats.report_charts import render_charts  # noqa: E402
from data_access.formats.report_files import render_report  # noqa: E402
from data_access.reads.report import build_report, make_period  # noqa: E402

PLAN = "stange-2023-2026"


def one_build(url: str, fmt: str) -> tuple[float, float, float, float, float, int]:
    """Wall seconds for model, charts, file and total, CPU seconds (all threads) and the file size."""
    engine = get_engine(url)
    cpu = time.process_time()
    t0 = time.perf_counter()
    report = build_report(engine, period=make_period(date.today().year), plan_key=PLAN)
    t1 = time.perf_counter()
    charts = render_charts(report)
    t2 = time.perf_counter()
    data = render_report(report, fmt, charts)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t3 - t0, time.process_time() - cpu, len(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for label, total, target in (("demo (40 tiltak)", None, 5.0), ("2 000 tiltak", 2000, 30.0)):
        url = fresh_demo_database()
        if total:
            grow_to(url, total)
        one_build(url, "pdf")  # warm-up: vl-convert loads its JavaScript engine once per process
        print(f"\n== {label}: median of {args.repeats} complete builds (target ≤ {target:g} s per format)")
        print(f"{'format':<8}{'model s':>9}{'charts s':>10}{'file s':>9}{'total s':>9}{'cpu s':>8}{'size kB':>10}")
        for fmt in ("pdf", "docx"):
            runs = [one_build(url, fmt) for _ in range(args.repeats)]
            med = [statistics.median(r[i] for r in runs) for i in range(6)]
            verdict = "ok" if med[3] <= target else "OVER TARGET"
            print(f"{fmt:<8}{med[0]:>9.2f}{med[1]:>10.2f}{med[2]:>9.2f}{med[3]:>9.2f}{med[4]:>8.2f}"
                  f"{med[5] / 1024:>10.0f}  {verdict}")
    print(f"\n(figures from one machine, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end; "
          "wall time grows with the load, CPU time much less; compare runs on the same machine only)")


if __name__ == "__main__":
    main()
