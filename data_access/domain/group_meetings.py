"""Møtemodus: meetings of the implementation group, their agenda and their minutes (referat).

This part holds the rules (pure); the module docstring of ``data_access/writes/group_meetings.py`` tells the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from data_access.domain.validation import format_date

MEETING_SCHEMA = {"id": pl.Int64, "plan_id": pl.Int64, "meeting_date": pl.Date, "participants": pl.String,
                  "chair": pl.String, "started_by": pl.String, "started_at": pl.Datetime, "ended_at": pl.Datetime,
                  "minutes_md": pl.String, "minutes_json": pl.String}


@dataclass(frozen=True)
class Agenda:
    overdue: pl.DataFrame
    stale: pl.DataFrame
    changed: pl.DataFrame

    @property
    def ids(self) -> list[int]:
        seen: list[int] = []
        for part in (self.overdue, self.stale, self.changed):
            seen += [i for i in part["id"].to_list() if i not in seen]
        return seen


def propose_agenda(tiltak: pl.DataFrame, changed_ids: set[int], today: date, stale_months: int) -> Agenda:
    """Tiltak to walk through: evaluation passed, untouched for N months, changed since the last meeting."""
    open_ = tiltak.filter(pl.col("status") != "avsluttet")
    limit = datetime.combine(today - timedelta(days=round(stale_months * 30.44)), datetime.min.time())
    return Agenda(
        overdue=open_.filter(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today))
        .sort("next_evaluation"),
        stale=open_.filter(pl.col("updated_at").is_null() | (pl.col("updated_at") < limit)).sort("updated_at"),
        changed=tiltak.filter(pl.col("id").is_in(sorted(changed_ids))),
    )


def _action_rows(actions: pl.DataFrame | None) -> list[list[str]]:
    from data_access.domain.actions import responsible

    if actions is None:
        return []
    return [[format_date(a["deadline"]), a["text"], responsible(a["service"], a["responsible_person"]),
             a["tiltak_name"] or "–"] for a in actions.iter_rows(named=True)]
