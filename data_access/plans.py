"""Reference data: plans, their levels, the status vocabulary, services and protective factors."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access import changelog
from data_access.db import session_scope
from data_access.demo import ensure_vocabulary
from data_access.frames import to_frame
from data_access.models import Level, Plan, ProtectiveFactor, Service, ServiceArea, Status
from data_access.permissions import Actor, Permission, require
from data_access.validation import ValidationError, check_free_text
from data_access.vocabulary import LEVELS


def plans_frame(engine: Engine) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(Plan.id, Plan.key, Plan.name, Plan.kommune, Plan.start_year, Plan.end_year,
                                Plan.uses_protective_factors, Plan.is_demo, Plan.source)
                         .order_by(Plan.sort_order, Plan.id)).all()
    return to_frame(rows, {"id": pl.Int64, "key": pl.String, "name": pl.String, "kommune": pl.String,
                           "start_year": pl.Int64, "end_year": pl.Int64, "uses_protective_factors": pl.Boolean,
                           "is_demo": pl.Boolean, "source": pl.String})


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


def _plan_fields(name: str, kommune: str, start_year: int | None, end_year: int | None) -> None:
    if not name.strip() or not kommune.strip():
        raise ValidationError("Navn på planen og kommunen må fylles ut.", field="name")
    check_free_text(name, "Navn", max_length=300)
    check_free_text(kommune, "Kommune", max_length=100)
    if start_year and end_year and end_year < start_year:
        raise ValidationError("Planperioden slutter før den starter.", field="end_year")


def create_plan(engine: Engine, actor: Actor, *, name: str, kommune: str, start_year: int | None = None,
                end_year: int | None = None, level_labels: dict[str, str] | None = None,
                protective_factors: list[str] | None = None) -> int:
    """A new, empty plan for a kommune, with its own words for the three levels."""
    require(actor, Permission.MANAGE_PLANS)
    with session_scope(engine) as s:
        return add_plan(s, actor, name=name, kommune=kommune, start_year=start_year, end_year=end_year,
                        level_labels=level_labels, protective_factors=protective_factors).id


def add_plan(s: Session, actor: Actor, *, name: str, kommune: str, start_year: int | None = None,
             end_year: int | None = None, level_labels: dict[str, str] | None = None,
             protective_factors: list[str] | None = None, key: str | None = None) -> Plan:
    """Insert a plan with its levels inside the caller's transaction (also used by the plan import)."""
    require(actor, Permission.MANAGE_PLANS)
    _plan_fields(name, kommune, start_year, end_year)
    labels = {slug: (level_labels or {}).get(slug, "").strip() or default for slug, default, _, _ in LEVELS}
    for label in labels.values():
        check_free_text(label, "Navn på nivå", max_length=60)
    factors = [f.strip() for f in protective_factors or [] if f.strip()]
    ensure_vocabulary(s)
    taken = set(s.scalars(select(Plan.key)))
    if key is not None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", key):
            raise ValidationError("Nøkkelen kan bare ha små bokstaver a–z, tall og bindestrek (høyst 60 tegn).",
                                  field="key")
        if key in taken:
            raise ValidationError(f"Det finnes allerede en plan med nøkkelen «{key}».", field="key")
    else:
        key = re.sub(r"[^a-z0-9]+", "-", f"{kommune} {start_year or ''} {end_year or ''}".lower()).strip("-")
        base, n = key, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
    plan = Plan(key=key, name=name.strip(), kommune=kommune.strip(), start_year=start_year, end_year=end_year,
                uses_protective_factors=bool(factors), source="", is_demo=False, sort_order=len(taken))
    s.add(plan)
    s.flush()
    for i, (slug, _, color, _) in enumerate(LEVELS):
        s.add(Level(plan_id=plan.id, slug=slug, label=labels[slug], color=color, sort_order=i))
    for i, factor in enumerate(factors):
        s.add(ProtectiveFactor(plan_id=plan.id, name=factor, sort_order=i))
    changelog.record(s, username=actor.username, entity="plan", entity_id=plan.id, action="create",
                     plan_id=plan.id, field="name", new=plan.name, at=datetime.now())
    s.flush()
    return plan
