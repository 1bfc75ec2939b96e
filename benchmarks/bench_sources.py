"""Fetching from SSB: reading a large JSON-stat 2.0 answer and turning it into import rows, and one whole
refresh of the Stange demo against a local server (HTTP, parse, plan, write to SQLite).

Run: .venv/bin/python benchmarks/bench_sources.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_demo_database  # noqa: E402
from data_access.db.engine import get_engine  # noqa: E402
from data_access.domain.users import SYSTEM  # noqa: E402
from data_access.formats import jsonstat  # noqa: E402
from data_access.outside.source_client import SourceClient  # noqa: E402
from data_access.outside.sources import parse_definition, to_parsed  # noqa: E402
from data_access.writes.sources import refresh  # noqa: E402
from tests.integration.test_source_refresh import ssb_answer  # noqa: E402
from tests.source_server import Answer, SourceServer, ssb_dataset  # noqa: E402


def big_answer(regions: int, years: int) -> dict:
    codes = {f"{3000 + i:04d}": f"Kommune {i}" for i in range(regions)}
    periods = {str(2000 + y): str(2000 + y) for y in range(years)}
    dims = [("Region", "region", codes), ("ContentsCode", "statistikkvariabel", {"EUskalaSeksti": "Andel"}),
            ("Tid", "år", periods)]
    cells = {(c, "EUskalaSeksti", p): (i * 7 + j) % 100 / 3 for i, c in enumerate(codes)
             for j, p in enumerate(periods)}
    return ssb_dataset("12944", dims, cells)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    body = big_answer(357, 25)
    defn = parse_definition("ssb", {"table": "12944", "values": {"ContentsCode": "EUskalaSeksti"}})
    regions = {"kommune": list(body["dimension"]["Region"]["category"]["label"])}
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        parsed, _ = to_parsed(defn, jsonstat.parse(body), regions)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"parse + to_parsed, 357 × 25 = 8925 cells joined into one kommune series ({len(parsed.rows)} rows): "
          f"median {times[len(times) // 2] * 1000:.1f} ms")
    url = fresh_demo_database()
    engine = get_engine(url)
    with SourceServer() as server:
        server.add("GET", "/ssb/tables/12944", Answer(body={"id": "12944", "lastPeriod": "2022-2024"}))
        server.add("POST", "/ssb/tables/12944/data", Answer(body=ssb_answer))
        client = SourceClient(f"{server.url}/ssb", f"{server.url}/fhi")
        for label in ("first refresh (writes)", "second refresh (nothing changes)"):
            start = time.perf_counter()
            outcomes = refresh(engine, SYSTEM, client, plan_key="stange-2023-2026")
            print(f"{label}, {len(outcomes)} indicators, 4 HTTP requests: "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms; "
                  + " | ".join(o.message for o in outcomes))
        client.close()


if __name__ == "__main__":
    main()
