"""Indicator figures: the Indikatorer page with 500 indicators × 20 periods × 3 geographies, and importing a
100,000-row file (parse, plan, write).

Run: .venv/bin/python benchmarks/bench_indicators.py [--repeats 7]
Targets (issue 5): overview rerun ≤ 300 ms (only one page of cards is drawn), import ≤ 5 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks.common import QueryCounter, environment, fresh_demo_database, logged_in_app, median_ms  # noqa: E402
from data_access.db.engine import get_engine, session_scope  # noqa: E402
from data_access.db.models import Indicator, IndicatorValue, Plan  # noqa: E402
from data_access.domain.permissions import Actor  # noqa: E402
from data_access.formats.indicator_import import parse_file, plan_import  # noqa: E402
from data_access.writes.indicators import import_values  # noqa: E402


def add_indicators(url: str, n: int = 500, periods: int = 20) -> None:
    rnd = random.Random(1)
    with session_scope(get_engine(url)) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.key == "stange-2023-2026"))
        for i in range(n - 10):
            ind = Indicator(plan_id=plan_id, key=f"syn_{i}", name=f"Syntetisk indikator {i}", description="",
                            unit="percent", better="lower" if i % 2 else "higher", source="Eksempeldata",
                            target_value=50.0 if i % 3 == 0 else None, target_year=2026, sort_order=100 + i)
            s.add(ind)
            s.flush()
            s.execute(insert(IndicatorValue), [
                {"indicator_id": ind.id, "period": str(2004 + p), "geo": geo, "geo_name": geo, "value":
                 rnd.uniform(10, 90), "source": "Eksempeldata", "is_example": True}
                for p in range(periods) for geo in ("kommune", "fylke", "land")])


def ssb_file(rows: int) -> bytes:
    lines = ['"region";"statistikkvariabel";"år";"09588: Barn i lavinntekt (prosent)"']
    regions = [f"{3400 + i} Kommune {i}" for i in range(rows // 20)]
    for i in range(rows):
        lines.append(f'"{regions[i // 20]}";"Andel barn (prosent)";"{2004 + i % 20}";"{i % 97},{i % 10}"')
    return ("\n".join(lines) + "\n").encode("latin-1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    url = fresh_demo_database()
    add_indicators(url)
    counter = QueryCounter(get_engine(url))
    with environment(DATABASE_URL=url, LAGET_LOGIN_DELAY="0"):
        at = logged_in_app("leder", "indikatorer")
        assert not at.exception, at.exception
        before = counter.count
        ms = median_ms(at.run, args.repeats)
        print(f"Indikatorer rerun, 500 indicators × 20 periods × 3 geographies (user leder): {ms:.1f} ms, "
              f"{(counter.count - before) / args.repeats:.1f} queries/rerun")

    raw = ssb_file(100_000)
    start = time.perf_counter()
    parsed = parse_file(raw, "stor.csv")
    parse_s = time.perf_counter() - start
    series = parsed.series()
    mapping = {series[0].key: "kommune", series[1].key: "fylke", series[2].key: "land"}
    rows = plan_import(parsed, mapping, "SSB: stor.csv")
    engine = get_engine(url)
    with session_scope(engine) as s:
        ind_id = s.scalar(select(Indicator.id).where(Indicator.key == "lavinntekt_andel"))
    result = import_values(engine, Actor("redaktor", "redaktor"), ind_id, rows)
    total_s = time.perf_counter() - start
    print(f"import of a 100,000-row SSB file ({len(raw) / 1e6:.1f} MB): parse {parse_s:.2f} s, "
          f"parse + plan + write {total_s:.2f} s ({result.summary()})")


if __name__ == "__main__":
    main()
