"""Reference data: plans, their levels, the status vocabulary, services and protective factors.

This part holds the queries; the module docstring of ``data_access/writes/plans.py`` tells the rest.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Level, Plan, ProtectiveFactor, Service, ServiceArea, Status
from data_access.domain.frames import to_frame


def plans_frame(source: Source) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(Plan.id, Plan.key, Plan.name, Plan.kommune, Plan.start_year, Plan.end_year,
                                Plan.uses_protective_factors, Plan.is_demo, Plan.source)
                         .order_by(Plan.sort_order, Plan.id)).all()
    return to_frame(rows, {"id": pl.Int64, "key": pl.String, "name": pl.String, "kommune": pl.String,
                           "start_year": pl.Int64, "end_year": pl.Int64, "uses_protective_factors": pl.Boolean,
                           "is_demo": pl.Boolean, "source": pl.String})


def levels_frame(source: Source, plan_id: int) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(Level.id, Level.slug, Level.label, Level.color, Level.sort_order)
                         .where(Level.plan_id == plan_id).order_by(Level.sort_order)).all()
    return to_frame(rows, {"id": pl.Int64, "slug": pl.String, "label": pl.String, "color": pl.String,
                           "sort_order": pl.Int64})


def statuses_frame(source: Source) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(Status.id, Status.slug, Status.label, Status.sort_order, Status.is_closed)
                         .order_by(Status.sort_order)).all()
    return to_frame(rows, {"id": pl.Int64, "slug": pl.String, "label": pl.String, "sort_order": pl.Int64,
                           "is_closed": pl.Boolean})


def services_frame(source: Source) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(Service.id, Service.name, ServiceArea.name)
                         .outerjoin(ServiceArea, Service.area_id == ServiceArea.id)
                         .order_by(ServiceArea.name, Service.name)).all()
    return to_frame(rows, {"id": pl.Int64, "name": pl.String, "area": pl.String})


def protective_factors_frame(source: Source, plan_id: int) -> pl.DataFrame:
    with reading(source) as s:
        rows = s.execute(select(ProtectiveFactor.id, ProtectiveFactor.name, ProtectiveFactor.sort_order)
                         .where(ProtectiveFactor.plan_id == plan_id, ProtectiveFactor.kind == "beskyttelse")
                         .order_by(ProtectiveFactor.sort_order)).all()
    return to_frame(rows, {"id": pl.Int64, "name": pl.String, "sort_order": pl.Int64})
