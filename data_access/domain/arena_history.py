"""The arenas as they stood in a period, from the change log (pure), so a report counts the meetings that were
planned then, not the ones today's arenas would have had.

An arena added today would otherwise count every meeting its frequency gives since 1 January as «planned so
far»; one retired in June would vanish from the year. Rules:

- An arena stands from its creation (the log's ``create`` entry), except the arenas the plan came with: those
  created in the same save as the plan itself (a new plan from an Excel import) or loaded with no log at all
  (the demo): they stand from the start.
- Retiring (field ``retired`` → «ja») ends a span, restoring (→ «nei») starts a new one, also by undo or import.
- A retired arena with no retirement in the log stood in no known span and is left out (as before).
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

Span = tuple[date | None, date | None]  # [from, until): None is open


def arena_spans(arenas: pl.DataFrame, log: pl.DataFrame, plan_created: datetime | None = None) -> dict[int, list[Span]]:
    """Per arena id (``arenas`` with ``id`` and ``retired``): the spans it stood in the plan. ``log``: the plan's
    arena entries; ``plan_created``: when the plan's own ``create`` entry was logged, if it was."""
    first_load = plan_created
    events = log.filter((pl.col("action") == "create") | (pl.col("field") == "retired")).sort("at", "id")
    by_arena = {k[0]: part for k, part in events.partition_by("entity_id", as_dict=True).items()} \
        if events.height else {}
    spans: dict[int, list[Span]] = {}
    for arena_id, retired in arenas.select("id", "retired").iter_rows():
        out: list[Span] = []
        start: date | None = None
        standing = True
        part = by_arena.get(arena_id)
        for e in part.iter_rows(named=True) if part is not None else []:
            if e["action"] == "create":
                start, standing = (None if e["at"] == first_load else e["at"].date()), True
            elif e["new_value"] == "ja" and standing:
                out.append((start, e["at"].date()))
                standing = False
            elif e["new_value"] == "nei" and not standing:
                start, standing = e["at"].date(), True
        if standing and not (retired and part is None):
            out.append((start, None))
        spans[arena_id] = out
    return spans


def stood_between(spans: dict[int, list[Span]], start: date, end: date) -> list[int]:
    """Arenas that stood at some day of [start, end]."""
    return [i for i, ss in spans.items()
            if any((a is None or a <= end) and (b is None or b > start) for a, b in ss)]


def as_planned_then(meetings: pl.DataFrame, spans: dict[int, list[Span]]) -> pl.DataFrame:
    """Keep the meetings the SLT coordinator stored (held, cancelled, moved) and the planned dates that fell in
    a span where their arena stood; drop planned dates from before an arena existed or after it was retired."""
    if meetings.is_empty():
        return meetings
    keep = [mid is not None or any((a is None or a <= d) and (b is None or d < b) for a, b in spans.get(aid, []))
            for mid, aid, d in meetings.select("meeting_id", "arena_id", "planned_date").iter_rows()]
    return meetings.filter(pl.Series(keep, dtype=pl.Boolean))
