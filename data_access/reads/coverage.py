"""The coverage map of one plan, and each tiltak's factors, read in one snapshot (three queries)."""

from __future__ import annotations

from sqlalchemy import select, union

from data_access.db.engine import Source, reading
from data_access.db.models import Level, ProtectiveFactor, Tiltak, tiltak_factors
from data_access.domain.coverage import CoverageMap, Factor, build_map, default_factors


def plan_factors(source: Source, plan_id: int) -> list[Factor]:
    """The plan's own factors (protective first, then risk, each in list order), or the default list if none."""
    with reading(source) as s:
        return _factors(s, plan_id) or default_factors()


def _factors(s, plan_id: int) -> list[Factor]:
    rows = s.execute(select(ProtectiveFactor.id, ProtectiveFactor.name, ProtectiveFactor.kind)
                     .where(ProtectiveFactor.plan_id == plan_id)
                     .order_by(ProtectiveFactor.kind, ProtectiveFactor.sort_order, ProtectiveFactor.id)).all()
    return [Factor(name, kind, fid) for fid, name, kind in rows]


def _links(plan_id: int):
    """(tiltak id, factor id): the factor the plan files the tiltak under, and the tags added in Laget."""
    filed = select(Tiltak.id.label("tiltak_id"), Tiltak.protective_factor_id.label("factor_id")).where(
        Tiltak.plan_id == plan_id, Tiltak.protective_factor_id.is_not(None))
    tagged = (select(tiltak_factors.c.tiltak_id, tiltak_factors.c.factor_id)
              .join(Tiltak, Tiltak.id == tiltak_factors.c.tiltak_id).where(Tiltak.plan_id == plan_id))
    return union(filed, tagged).subquery()


def coverage_map(source: Source, plan_id: int) -> CoverageMap:
    """Factors × levels of the plan's current (not archived) tiltak; empty cells are the gaps."""
    links = _links(plan_id)
    with reading(source) as s:
        factors = _factors(s, plan_id)
        levels = dict(s.execute(select(Level.slug, Level.label).where(Level.plan_id == plan_id)).all())
        rows = s.execute(select(ProtectiveFactor.name, Level.slug, Tiltak.name)
                         .select_from(links)
                         .join(Tiltak, Tiltak.id == links.c.tiltak_id)
                         .join(ProtectiveFactor, ProtectiveFactor.id == links.c.factor_id)
                         .join(Level, Level.id == Tiltak.level_id)
                         .where(Tiltak.archived_at.is_(None))).all()
    if not factors:
        return build_map(default_factors(), levels, [], is_default_list=True)
    return build_map(factors, levels, [tuple(r) for r in rows])


def tiltak_factor_ids(source: Source, tiltak_id: int) -> tuple[int | None, list[int]]:
    """(the factor the plan files the tiltak under, the factors tagged in Laget)."""
    with reading(source) as s:
        filed = s.scalar(select(Tiltak.protective_factor_id).where(Tiltak.id == tiltak_id))
        tagged = list(s.scalars(select(tiltak_factors.c.factor_id).where(tiltak_factors.c.tiltak_id == tiltak_id)
                                .order_by(tiltak_factors.c.factor_id)))
    return filed, tagged
