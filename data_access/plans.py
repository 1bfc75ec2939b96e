"""Reference data: plans, their levels, the status vocabulary, services and protective factors."""

from __future__ import annotations

import re

import polars as pl
from sqlalchemy import Engine, select

from data_access.db import session_scope
from data_access.demo import ensure_vocabulary
from data_access.errors import FieldError, ValidationError
from data_access.fields import PLAN
from data_access.frames import to_frame
from data_access.models import Level, Plan, ProtectiveFactor, Service, ServiceArea, Status
from data_access.permissions import Actor, Permission
from data_access.uow import UnitOfWork
from data_access.vocabulary import LEVELS


def plans_frame(engine: Engine) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(Plan.id, Plan.key, Plan.name, Plan.kommune, Plan.start_year, Plan.end_year,
                                Plan.uses_protective_factors, Plan.is_demo)
                         .order_by(Plan.sort_order, Plan.id)).all()
    return to_frame(rows, {"id": pl.Int64, "key": pl.String, "name": pl.String, "kommune": pl.String,
                           "start_year": pl.Int64, "end_year": pl.Int64, "uses_protective_factors": pl.Boolean,
                           "is_demo": pl.Boolean})


def levels_frame(engine: Engine, plan_id: int) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(Level.id, Level.slug, Level.label, Level.color, Level.sort_order)
                         .where(Level.plan_id == plan_id).order_by(Level.sort_order)).all()
    return to_frame(rows, {"id": pl.Int64, "slug": pl.String, "label": pl.String, "color": pl.String,
                           "sort_order": pl.Int64})


def statuses_frame(engine: Engine) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(Status.id, Status.slug, Status.label, Status.sort_order, Status.is_closed)
                         .order_by(Status.sort_order)).all()
    return to_frame(rows, {"id": pl.Int64, "slug": pl.String, "label": pl.String, "sort_order": pl.Int64,
                           "is_closed": pl.Boolean})


def services_frame(engine: Engine) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(Service.id, Service.name, ServiceArea.name)
                         .outerjoin(ServiceArea, Service.area_id == ServiceArea.id)
                         .order_by(ServiceArea.name, Service.name)).all()
    return to_frame(rows, {"id": pl.Int64, "name": pl.String, "area": pl.String})


def protective_factors_frame(engine: Engine, plan_id: int) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(ProtectiveFactor.id, ProtectiveFactor.name, ProtectiveFactor.sort_order)
                         .where(ProtectiveFactor.plan_id == plan_id).order_by(ProtectiveFactor.sort_order)).all()
    return to_frame(rows, {"id": pl.Int64, "name": pl.String, "sort_order": pl.Int64})


def create_plan(engine: Engine, actor: Actor, *, name: str, kommune: str, start_year: int | None = None,
                end_year: int | None = None, level_labels: dict[str, str] | None = None,
                protective_factors: list[str] | None = None) -> int:
    """A new, empty plan for a kommune, with its own words for the three levels."""
    raw = {"name": name, "kommune": kommune, "start_year": start_year, "end_year": end_year}
    values, errors = PLAN.clean(raw)
    labels: dict[str, str] = {}
    for slug, default, _, _ in LEVELS:
        label, errs = PLAN.clean({"level_label": (level_labels or {}).get(slug, "")}, row=default)
        labels[slug] = label.get("level_label") or default
        errors += errs
    factors: list[str] = []
    for factor in protective_factors or []:
        clean, errs = PLAN.clean({"protective_factor": factor})
        errors += errs
        factor = clean.get("protective_factor")
        if factor and factor.lower() in {f.lower() for f in factors}:
            errors.append(FieldError("protective_factor", f"Beskyttelsesfaktoren «{factor}» står to ganger."))
        elif factor:
            factors.append(factor)
    if errors:
        raise ValidationError.of(errors)
    if values["start_year"] and values["end_year"] and values["end_year"] < values["start_year"]:
        raise ValidationError("Planperioden slutter før den starter.", field="end_year")
    key = re.sub(r"[^a-z0-9]+", "-", f"{kommune} {start_year or ''} {end_year or ''}".lower()).strip("-")
    with UnitOfWork(engine, actor, None, Permission.MANAGE_PLANS) as uow:
        ensure_vocabulary(uow.s)
        taken = set(uow.s.scalars(select(Plan.key)))
        base, n = key, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        plan = Plan(key=key, uses_protective_factors=bool(factors), source="", is_demo=False,
                    sort_order=len(taken), **values)
        uow.s.add(plan)
        uow.s.flush()
        uow.plan_id = plan.id
        for i, (slug, _, color, _) in enumerate(LEVELS):
            uow.s.add(Level(plan_id=plan.id, slug=slug, label=labels[slug], color=color, sort_order=i))
        for i, factor in enumerate(factors):
            uow.s.add(ProtectiveFactor(plan_id=plan.id, name=factor, sort_order=i))
        uow.log("plan", plan.id, "create", "name", None, plan.name)
        return plan.id
