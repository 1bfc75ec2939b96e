"""The arenas as they stood in a period (issue 19 point 4), as pure functions."""

from datetime import date, datetime

import polars as pl

from data_access.db.changelog import LOG_SCHEMA
from data_access.domain.arena_history import arena_spans, as_planned_then, stood_between
from data_access.domain.meetings import MEETING_SCHEMA

PLAN_MADE = datetime(2025, 3, 1, 12)


def _log(rows):
    base = {k: None for k in LOG_SCHEMA}
    return pl.DataFrame([base | {"entity": "arena"} | r for r in rows], schema=LOG_SCHEMA)


def test_spans_from_creation_retirement_and_the_plans_own_arenas():
    arenas = pl.DataFrame({"id": [1, 2, 3, 4, 5], "retired": [False, False, True, True, False]})
    log = _log([
        {"id": 1, "at": PLAN_MADE, "entity_id": 1, "action": "create", "field": "name"},  # came with the plan
        {"id": 2, "at": datetime(2026, 5, 4, 9), "entity_id": 2, "action": "create", "field": "name"},
        {"id": 3, "at": datetime(2026, 6, 10, 9), "entity_id": 3, "action": "archive", "field": "retired",
         "old_value": "nei", "new_value": "ja"},
        {"id": 4, "at": datetime(2026, 8, 1, 9), "entity_id": 5, "action": "archive", "field": "retired",
         "old_value": "nei", "new_value": "ja"},
        {"id": 5, "at": datetime(2026, 9, 1, 9), "entity_id": 5, "action": "undo", "field": "retired",
         "old_value": "ja", "new_value": "nei"},
    ])
    spans = arena_spans(arenas, log, PLAN_MADE)
    assert spans[1] == [(None, None)] and spans[2] == [(date(2026, 5, 4), None)]
    assert spans[3] == [(None, date(2026, 6, 10))], "retired in June: stood until then"
    assert spans[4] == [], "retired with no date in the log: left out"
    assert spans[5] == [(None, date(2026, 8, 1)), (date(2026, 9, 1), None)]
    assert sorted(stood_between(spans, date(2026, 1, 1), date(2026, 4, 30))) == [1, 3, 5]

    meetings = pl.DataFrame([(None, 2, date(2026, 2, 3), date(2026, 2, 3), "planlagt", "", 0),
                             (None, 2, date(2026, 6, 2), date(2026, 6, 2), "planlagt", "", 0),
                             (7, 2, date(2026, 3, 3), date(2026, 3, 3), "avholdt", "", 1),
                             (None, 3, date(2026, 7, 7), date(2026, 7, 7), "planlagt", "", 0),
                             (None, 5, date(2026, 8, 11), date(2026, 8, 11), "planlagt", "", 0)],
                            schema=MEETING_SCHEMA, orient="row")
    kept = as_planned_then(meetings, spans)
    assert kept.select("arena_id", "date").rows() == [(2, date(2026, 6, 2)), (2, date(2026, 3, 3))]


def test_without_a_plan_entry_every_logged_creation_counts_from_its_day():
    arenas = pl.DataFrame({"id": [1, 2], "retired": [False, False]})
    log = _log([{"id": 1, "at": datetime(2026, 12, 7, 9), "entity_id": 2, "action": "create", "field": "name"}])
    assert arena_spans(arenas, log) == {1: [(None, None)], 2: [(date(2026, 12, 7), None)]}
