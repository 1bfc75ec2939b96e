"""Median time to expand 1,000 mixed arenas for a year (target ≤ 200 ms), without a database.

Run: .venv/bin/python benchmarks/bench_frequency.py [--repeats 20] [--year 2026]
"Cold" clears the holiday and year caches before every repeat, so it includes building the year's calendar.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_access.domain.frequency import Frequency, _year_table, expand, expand_many, norwegian_holidays  # noqa: E402

TARGET_MS = 200.0


def every_frequency() -> list[Frequency]:
    """Every distinct structured frequency a user can store (about 1,100)."""
    out = [Frequency(kind, weekday=wd) for kind in ("weekly", "biweekly", "monthly") for wd in range(5)]
    for wd in range(5):
        out += [Frequency("per_year", n, weekday=wd, as_needed=need) for n in range(2, 53) for need in (False, True)]
        out += [Frequency("per_year", n, 1, weekday=wd) for n in range(2, 53)]
        out += [Frequency("per_year", 1, weekday=wd, month=m) for m in range(1, 13) if m != 7]
        out += [Frequency("per_year", 1, weekday=wd, week=w) for w in range(1, 54) if w not in (28, 29, 30)]
    return [*out, Frequency("as_needed")]


def mixed(n: int) -> list[Frequency]:
    """``n`` arenas, all with different frequencies: the worst case for the per-year cache."""
    freqs = every_frequency()
    random.Random(2026).shuffle(freqs)
    return freqs[:n]


def median_ms(fn: Callable[[], object], repeats: int, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(repeats):
        before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def clear() -> None:
    norwegian_holidays.cache_clear()
    _year_table.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    freqs, year, repeats = mixed(1000), args.year, args.repeats
    start, end = date(year, 3, 1), date(year, 11, 30)
    print(f"1,000 arenas, {len(set(freqs))} distinct frequencies, year {year}, median of {repeats} runs:")
    cold = median_ms(lambda: expand_many(freqs, year), repeats, clear)
    clipped = median_ms(lambda: [expand(f, year, start=start, end=end) for f in freqs], repeats, clear)
    warm = median_ms(lambda: expand_many(freqs, year), repeats)
    table = median_ms(lambda: _year_table(year), repeats, clear)
    print(f"  expand_many, cold caches:               {cold:7.1f} ms  (target ≤ {TARGET_MS:.0f} ms)")
    print(f"  expand per arena with start/end, cold:  {clipped:7.1f} ms")
    print(f"  expand_many, warm:                      {warm:7.1f} ms")
    print(f"  the year's calendar alone:              {table:7.1f} ms")
    print("OK" if cold <= TARGET_MS else "TOO SLOW")


if __name__ == "__main__":
    main()
