"""Reads for the public page: only what a plan's administrator has released (rules in ``domain/public.py``).

Every query here names its columns one by one, so a column added to a table later is not public until someone
adds it here on purpose. ``released_plan`` answers ``None`` both for a plan that does not exist and for one that
is not public, so the public page cannot be used to learn which plans exist.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import func, select

from data_access.db.engine import Source, reading
from data_access.db.models import (
    ChangeLog,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Level,
    Plan,
    PlanRelease,
    PublicComment,
    Tiltak,
)
from data_access.domain.frames import to_frame
from data_access.domain.periods import sort_key
from data_access.domain.public import (
    CHANGE_FIELDS,
    PART_COLUMNS,
    PUBLIC_ARENA_SCHEMA,
    PUBLIC_CHANGE_SCHEMA,
    PUBLIC_COMMENT_SCHEMA,
    PUBLIC_INDICATOR_SCHEMA,
    PUBLIC_TILTAK_SCHEMA,
    PUBLIC_VALUE_SCHEMA,
    ReleasedPlan,
    ReleaseSettings,
)
from data_access.reads.arenas import arenas_frame
from data_access.reads.plans import levels_frame
from data_access.reads.tiltak import tiltak_frame


def release_settings(source: Source, plan_id: int) -> ReleaseSettings:
    """The plan's switches; a plan nobody has set is not public and releases nothing (version 0)."""
    with reading(source) as s:
        row = s.get(PlanRelease, plan_id)
    if row is None:
        return ReleaseSettings(plan_id)
    parts = frozenset(part for part, column in PART_COLUMNS.items() if getattr(row, column))
    return ReleaseSettings(plan_id, bool(row.is_public), parts, row.version, row.updated_at, row.updated_by)


def released_plans(source: Source) -> pl.DataFrame:
    """The plans whose public view is on (key, name, kommune, years, is_demo) in the app's plan order."""
    with reading(source) as s:
        rows = s.execute(select(Plan.key, Plan.name, Plan.kommune, Plan.start_year, Plan.end_year, Plan.is_demo)
                         .join(PlanRelease, PlanRelease.plan_id == Plan.id).where(PlanRelease.is_public)
                         .order_by(Plan.sort_order, Plan.id)).all()
    return to_frame(rows, {"key": pl.String, "name": pl.String, "kommune": pl.String, "start_year": pl.Int64,
                           "end_year": pl.Int64, "is_demo": pl.Boolean})


def released_plan(source: Source, plan_key: str, *, today: date | None = None) -> ReleasedPlan | None:
    """What the public page of ``plan_key`` shows, read in one snapshot; ``None`` unless the plan is public.

    The core (pyramid, tiltak with status and services) always; indicators, arenas (and their roles), this
    year's changes and approved comments only when released, else ``None``. ``today`` fixes «i år» in tests."""
    with reading(source) as s:
        plan = s.execute(select(Plan.id, Plan.key, Plan.name, Plan.kommune, Plan.start_year, Plan.end_year,
                                Plan.is_demo).where(Plan.key == plan_key)).one_or_none()
        if plan is None:
            return None
        settings = release_settings(s, plan.id)
        if not settings.is_public:
            return None
        parts = settings.parts
        tiltak = tiltak_frame(s, plan.id).select(*PUBLIC_TILTAK_SCHEMA, "services")
        updated = s.scalar(select(func.max(ChangeLog.at)).where(  # the plan's content, not comments or switches
            ChangeLog.plan_id == plan.id, ChangeLog.entity.not_in(("public_comment", "release"))))
        return ReleasedPlan(
            key=plan.key, name=plan.name, kommune=plan.kommune, start_year=plan.start_year, end_year=plan.end_year,
            is_demo=bool(plan.is_demo), parts=parts, levels=levels_frame(s, plan.id), tiltak=tiltak,
            updated_at=updated,
            arenas=_arenas(s, plan.id, "arena_roles" in parts) if "arenas" in parts else None,
            indicators=_indicators(s, plan.id) if "indicators" in parts else None,
            indicator_values=_values(s, plan.id) if "indicators" in parts else None,
            changes=_changes(s, plan.id, (today or date.today()).year) if "changes" in parts else None,
            comments=approved_comments(s, plan.id) if "comments" in parts else None,
        )


def _arenas(s: Source, plan_id: int, with_roles: bool) -> pl.DataFrame:
    frame = arenas_frame(s, plan_id)
    if not with_roles:
        frame = frame.with_columns(pl.lit("").alias("leader"),
                                   pl.lit([], dtype=pl.List(pl.String)).alias("participants"))
    return frame.select(*PUBLIC_ARENA_SCHEMA)


def _indicators(s: Source, plan_id: int) -> pl.DataFrame:
    """Each indicator with ``as_of``: when its figures were last fetched, else last saved."""
    saved = (select(IndicatorValue.indicator_id, func.max(IndicatorValue.updated_at).label("at"))
             .group_by(IndicatorValue.indicator_id).subquery())
    rows = s.execute(select(Indicator.id, Indicator.key, Indicator.name, Indicator.description, Indicator.unit,
                            Indicator.better, Indicator.source, Indicator.target_value, Indicator.target_year,
                            Indicator.target_is_example, Level.label,
                            func.coalesce(IndicatorSource.last_ok_at, saved.c.at))
                     .outerjoin(Level, Indicator.level_id == Level.id)
                     .outerjoin(IndicatorSource, IndicatorSource.indicator_id == Indicator.id)
                     .outerjoin(saved, saved.c.indicator_id == Indicator.id)
                     .where(Indicator.plan_id == plan_id).order_by(Indicator.sort_order, Indicator.id)).all()
    return to_frame(rows, PUBLIC_INDICATOR_SCHEMA)


def _values(s: Source, plan_id: int) -> pl.DataFrame:
    rows = s.execute(select(IndicatorValue.indicator_id, IndicatorValue.period, IndicatorValue.geo,
                            IndicatorValue.geo_name, IndicatorValue.value, IndicatorValue.source,
                            IndicatorValue.is_example, IndicatorValue.marker)
                     .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                     .where(Indicator.plan_id == plan_id)).all()
    frame = to_frame(rows, PUBLIC_VALUE_SCHEMA)
    order = {p: i for i, p in enumerate(sorted(set(frame["period"].to_list()), key=sort_key))}
    return frame.with_columns(
        pl.col("period").replace_strict(order, default=0, return_dtype=pl.Int64).alias("period_order")
    ).sort("indicator_id", "period_order", "geo")


def _changes(s: Source, plan_id: int, year: int) -> pl.DataFrame:
    """This year's changes of the plan's tiltak: created, archived/restored, and the fields in CHANGE_FIELDS.

    Never who made them (the change log's username), and never notes."""
    q = (select(ChangeLog.entity_id, ChangeLog.at, ChangeLog.action, ChangeLog.field, ChangeLog.old_value,
                ChangeLog.new_value)
         .join(Tiltak, Tiltak.id == ChangeLog.entity_id)
         .where(ChangeLog.plan_id == plan_id, ChangeLog.entity == "tiltak", Tiltak.archived_at.is_(None),
                ChangeLog.at >= datetime(year, 1, 1), ChangeLog.at < datetime(year + 1, 1, 1),
                (ChangeLog.action.in_(("create", "import", "restore")))
                | ChangeLog.field.in_(list(CHANGE_FIELDS)))
         .order_by(ChangeLog.at.desc(), ChangeLog.id.desc()))
    return to_frame(s.execute(q).all(), PUBLIC_CHANGE_SCHEMA)


def approved_comments(source: Source, plan_id: int) -> pl.DataFrame:
    """The plan's approved public comments, oldest first (what the public page shows under each tiltak)."""
    with reading(source) as s:
        rows = s.execute(select(PublicComment.id, PublicComment.tiltak_id, PublicComment.text,
                                PublicComment.created_at)
                         .where(PublicComment.plan_id == plan_id, PublicComment.state == "godkjent")
                         .order_by(PublicComment.created_at, PublicComment.id)).all()
    return to_frame(rows, PUBLIC_COMMENT_SCHEMA)


def comments_frame(source: Source, plan_id: int, *, states: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Public comments for staff (moderation, Møtemodus): with the tiltak's name, state and version."""
    q = (select(PublicComment.id, PublicComment.tiltak_id, Tiltak.name, PublicComment.text, PublicComment.state,
                PublicComment.created_at, PublicComment.moderated_at, PublicComment.version)
         .join(Tiltak, Tiltak.id == PublicComment.tiltak_id)
         .where(PublicComment.plan_id == plan_id).order_by(PublicComment.created_at, PublicComment.id))
    if states is not None:
        q = q.where(PublicComment.state.in_(states))
    with reading(source) as s:
        rows = s.execute(q).all()
    return to_frame(rows, {"id": pl.Int64, "tiltak_id": pl.Int64, "tiltak": pl.String, "text": pl.String,
                           "state": pl.String, "created_at": pl.Datetime, "moderated_at": pl.Datetime,
                           "version": pl.Int64})



