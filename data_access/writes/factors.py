"""The coverage map's factor list of a plan (add, rename, remove) and the factors a tiltak is tagged with.

Editors (``EDIT_TILTAK``) do this, in the Dekningskart page and in the agenda walk. A plan without factors of its
own shows the default list (Bamble's factors); the first edit or tag stores that list for the plan, so the
names the editor saw are the names that are kept.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select, update

from data_access.db.models import ProtectiveFactor, Tiltak, tiltak_factors
from data_access.db.uow import UnitOfWork
from data_access.domain.coverage import DEFAULT_FACTORS, KINDS
from data_access.domain.errors import NotFound, ValidationError
from data_access.domain.fields import FACTOR
from data_access.domain.permissions import Actor, Permission
from data_access.domain.validation import name_key


def _stored(uow: UnitOfWork) -> list[ProtectiveFactor]:
    return list(uow.s.scalars(select(ProtectiveFactor).where(ProtectiveFactor.plan_id == uow.plan_id)
                              .order_by(ProtectiveFactor.sort_order, ProtectiveFactor.id)))


def _with_defaults(uow: UnitOfWork) -> list[ProtectiveFactor]:
    """The plan's factors, storing the default list first if the plan has none."""
    factors = _stored(uow)
    if factors:
        return factors
    for i, (name, kind) in enumerate(DEFAULT_FACTORS):
        row = ProtectiveFactor(plan_id=uow.plan_id, name=name, kind=kind, sort_order=i)
        uow.s.add(row)
        uow.s.flush()
        uow.log("protective_factor", row.id, "create", "name", None, name)
    return _stored(uow)


def _free(factors: list[ProtectiveFactor], name: str, except_id: int | None = None) -> None:
    taken = next((f.name for f in factors if name_key(f.name) == name_key(name) and f.id != except_id), None)
    if taken:
        raise ValidationError(f"Planen har allerede faktoren «{taken}». Velg et annet navn.", field="name")


def _factor(uow: UnitOfWork, factors: list[ProtectiveFactor], factor_id: int) -> ProtectiveFactor:
    row = next((f for f in factors if f.id == factor_id), None)
    if row is None:
        raise NotFound("Faktoren finnes ikke lenger i planen. Last siden på nytt.")
    return row


def add_factor(engine: Engine, actor: Actor, plan_id: int, name: str, kind: str) -> int:
    clean = FACTOR.clean_or_raise({"name": name, "kind": kind})
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK) as uow:
        factors = _with_defaults(uow)
        _free(factors, clean["name"])
        row = ProtectiveFactor(plan_id=plan_id, name=clean["name"], kind=clean["kind"],
                               sort_order=max((f.sort_order for f in factors), default=-1) + 1)
        uow.s.add(row)
        uow.s.flush()
        uow.log("protective_factor", row.id, "create", "name", None, row.name)
        uow.log("protective_factor", row.id, "create", "kind", None, KINDS[row.kind])
        return row.id


def rename_factor(engine: Engine, actor: Actor, plan_id: int, factor_id: int, name: str) -> None:
    clean = FACTOR.clean_or_raise({"name": name})
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK) as uow:
        factors = _stored(uow)
        row = _factor(uow, factors, factor_id)
        if row.name == clean["name"]:
            return
        _free(factors, clean["name"], except_id=row.id)
        uow.log("protective_factor", row.id, "update", "name", row.name, clean["name"])
        row.name = clean["name"]


def remove_factor(engine: Engine, actor: Actor, plan_id: int, factor_id: int) -> None:
    """Remove a factor from the plan's map; tiltak filed under it keep everything else."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK) as uow:
        row = _factor(uow, _stored(uow), factor_id)
        uow.s.execute(update(Tiltak).where(Tiltak.protective_factor_id == row.id).values(protective_factor_id=None)
                      .execution_options(synchronize_session=False))
        uow.s.execute(delete(tiltak_factors).where(tiltak_factors.c.factor_id == row.id))
        uow.log("protective_factor", row.id, "delete", "name", row.name, None)
        uow.s.delete(row)


def add_default_factors(engine: Engine, actor: Actor, plan_id: int) -> int:
    """Add the default factors the plan lacks (e.g. the risk factors to a plan that lists protective ones)."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK) as uow:
        factors = _stored(uow)
        have = {name_key(f.name) for f in factors}
        start = max((f.sort_order for f in factors), default=-1) + 1
        added = 0
        for name, kind in DEFAULT_FACTORS:
            if name_key(name) not in have:
                row = ProtectiveFactor(plan_id=plan_id, name=name, kind=kind, sort_order=start + added)
                uow.s.add(row)
                uow.s.flush()
                uow.log("protective_factor", row.id, "create", "name", None, name)
                added += 1
        return added


def tag_tiltak(engine: Engine, actor: Actor, plan_id: int, tiltak_id: int, factor_names: list[str]) -> None:
    """Tag a tiltak with exactly these factors (by name, from the plan's list or the default list).

    The factor the plan itself files the tiltak under stays, whatever is chosen here (change it in the tiltak)."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK) as uow:
        tiltak = uow.s.get(Tiltak, tiltak_id)
        if tiltak is None or tiltak.plan_id != plan_id:
            raise NotFound("Tiltaket finnes ikke lenger i planen. Last siden på nytt.")
        factors = _with_defaults(uow) if factor_names else _stored(uow)
        by_key = {name_key(f.name): f for f in factors}
        unknown = [n for n in factor_names if name_key(n) not in by_key]
        if unknown:
            raise ValidationError(f"Faktoren «{unknown[0]}» finnes ikke i planens liste. Last siden på nytt.",
                                  field="factors")
        wanted = {by_key[name_key(n)].id for n in factor_names} - {tiltak.protective_factor_id}
        old = set(uow.s.scalars(select(tiltak_factors.c.factor_id).where(tiltak_factors.c.tiltak_id == tiltak_id)))
        if wanted == old:
            return
        names = {f.id: f.name for f in factors}
        uow.s.execute(delete(tiltak_factors).where(tiltak_factors.c.tiltak_id == tiltak_id))
        if wanted:
            uow.s.execute(insert(tiltak_factors), [{"tiltak_id": tiltak_id, "factor_id": f} for f in sorted(wanted)])
        uow.log("tiltak", tiltak_id, "update", "factors", [names[f] for f in old if f in names],
                [names[f] for f in wanted])

