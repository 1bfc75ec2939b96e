"""Reference data: plans, their levels, the status vocabulary, services and protective factors.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import Engine, select

from data_access.db.demo import ensure_vocabulary
from data_access.db.models import Level, Plan, ProtectiveFactor
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import FieldError, ValidationError
from data_access.domain.fields import PLAN, Spec
from data_access.domain.permissions import Actor, Permission
from data_access.domain.plans import LEVEL_FIELD_LABELS, plan_key
from data_access.domain.vocabulary import LEVELS


def create_plan(engine: Engine, actor: Actor, *, name: str, kommune: str, start_year: int | None = None,
                end_year: int | None = None, level_labels: dict[str, str] | None = None,
                protective_factors: list[str] | None = None, source: str = "") -> int:
    """A new, empty plan for a kommune, with its own words for the three levels."""
    with UnitOfWork(engine, actor, None, Permission.MANAGE_PLANS) as uow:
        return add_plan(uow, name=name, kommune=kommune, start_year=start_year, end_year=end_year,
                        level_labels=level_labels, protective_factors=protective_factors, source=source).id


def add_plan(uow: UnitOfWork, *, name: str, kommune: str, start_year: int | None = None,
             end_year: int | None = None, level_labels: dict[str, str] | None = None,
             protective_factors: list[str] | None = None, key: str | None = None, source: str = "") -> Plan:
    """Insert a plan with its levels inside the caller's unit of work (also used by the plan import)."""
    raw = {"name": name, "kommune": kommune, "start_year": start_year, "end_year": end_year, "source": source}
    values, errors = PLAN.clean(raw)
    labels: dict[str, str] = {}
    for slug, default, _, _ in LEVELS:
        spec = Spec("plan", {"level_label": replace(PLAN.fields["level_label"], label=LEVEL_FIELD_LABELS[slug])})
        label, errs = spec.clean({"level_label": (level_labels or {}).get(slug, "")})
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
    ensure_vocabulary(uow.s)
    taken = set(uow.s.scalars(select(Plan.key)))
    if key is not None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", key):
            raise ValidationError("Nøkkelen kan bare ha små bokstaver a–z, tall og bindestrek (høyst 60 tegn).",
                                  field="key")
        if key in taken:
            raise ValidationError(f"Det finnes allerede en plan med nøkkelen «{key}».", field="key")
    else:
        key = plan_key(kommune, start_year, end_year) or "plan"
        base, n = key, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
    plan = Plan(key=key, uses_protective_factors=bool(factors), is_demo=False, sort_order=len(taken), **values)
    uow.s.add(plan)
    uow.s.flush()
    uow.plan_id = plan.id
    for i, (slug, _, color, _) in enumerate(LEVELS):
        uow.s.add(Level(plan_id=plan.id, slug=slug, label=labels[slug], color=color, sort_order=i))
    for i, factor in enumerate(factors):
        uow.s.add(ProtectiveFactor(plan_id=plan.id, name=factor, sort_order=i))
    uow.log("plan", plan.id, "create", "name", None, plan.name)
    uow.s.flush()
    return plan
