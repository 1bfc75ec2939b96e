"""Oppfølgingspunkter (action items): who does what by when, carried from one group meeting to the next.

This part holds the queries; the module docstring of ``data_access/writes/actions.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import ActionItem, Service, Tiltak
from data_access.domain.actions import ACTION_SCHEMA, responsible
from data_access.domain.frames import to_frame
from data_access.domain.validation import format_date


def actions_frame(source: Source, plan_id: int, *, open_only: bool = False,
                  tiltak_id: int | None = None) -> pl.DataFrame:
    """The plan's actions, earliest deadline first; open ones before closed ones."""
    q = (select(ActionItem.id, ActionItem.plan_id, ActionItem.text, Service.name, ActionItem.responsible_person,
                ActionItem.deadline, ActionItem.tiltak_id, Tiltak.name, ActionItem.opened_meeting_id,
                ActionItem.created_by, ActionItem.created_at, ActionItem.closed_at, ActionItem.closed_by,
                ActionItem.closed_meeting_id)
         .outerjoin(Service, Service.id == ActionItem.service_id)
         .outerjoin(Tiltak, Tiltak.id == ActionItem.tiltak_id)
         .where(ActionItem.plan_id == plan_id)
         .order_by(ActionItem.closed_at.is_not(None), ActionItem.deadline, ActionItem.id))
    if open_only:
        q = q.where(ActionItem.closed_at.is_(None))
    if tiltak_id is not None:
        q = q.where(ActionItem.tiltak_id == tiltak_id)
    with reading(source) as s:
        rows = s.execute(q).all()
    return to_frame(rows, ACTION_SCHEMA)


def actions_table(actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open actions as people read them: Frist, Hva, Ansvarlig, Tiltak, Forsinket."""
    return pl.DataFrame({
        "Frist": [format_date(d) for d in actions["deadline"]],
        "Oppfølgingspunkt": actions["text"].to_list(),
        "Ansvarlig": [responsible(s, p) for s, p in zip(actions["service"], actions["responsible_person"],
                                                         strict=True)],
        "Tiltak": [t or "–" for t in actions["tiltak_name"]],
        "Forsinket": ["Ja" if c is None and d < today else "" for d, c in zip(actions["deadline"],
                                                                             actions["closed_at"], strict=True)],
    }, schema={k: pl.String for k in ("Frist", "Oppfølgingspunkt", "Ansvarlig", "Tiltak", "Forsinket")})
