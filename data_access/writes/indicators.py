"""Writes to indicators and their values, through the one write path (``uow``, ``fields.INDICATOR*``).

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

Manual entry, corrections and the registry name the version the user saw (0 for a value that did not exist),
so a value or an indicator someone else saved meanwhile is never overwritten: ``ConflictError`` carries their
values. An import is all or nothing (one transaction) and idempotent: a value equal to the stored one is left
alone, so importing the same file twice changes nothing the second time. Every change is logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, select

from data_access.db.models import Indicator, IndicatorValue, Level, Tiltak
from data_access.db.uow import Conflict, UnitOfWork
from data_access.domain.errors import ConflictError, NotFound, ValidationError
from data_access.domain.fields import INDICATOR
from data_access.domain.indicators import ImportResult, _clean_value, _column
from data_access.domain.permissions import Actor, Permission
from data_access.formats.indicator_import import ValueRow
from data_access.reads.indicators import _shown


def _load(uow: UnitOfWork, indicator_id: int) -> Indicator:
    row = uow.s.get(Indicator, indicator_id)
    if row is None:
        raise NotFound("Fant ikke indikatoren.")
    uow.plan_id = row.plan_id
    return row


def _value_row(uow: UnitOfWork, indicator_id: int, period: str, geo: str) -> IndicatorValue | None:
    return uow.s.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                                     IndicatorValue.period == period, IndicatorValue.geo == geo)
                        .execution_options(populate_existing=True))


def _value_conflict(uow: UnitOfWork, ind: Indicator, new: dict[str, Any]) -> ConflictError:
    row = _value_row(uow, ind.id, new["period"], new["geo"])
    theirs = {"value": row.value if row else None, "source": row.source if row else "",
              "is_example": row.is_example if row else False}
    yours = {k: new[k] for k in ("value", "source", "is_example")}
    name = f"{ind.name}, {new['period']} ({new['geo']})"
    return Conflict("indicator_value", row.id if row else 0, name, yours, theirs, row.updated_by if row else None,
                    row.updated_at if row else None, row.version if row else 0, gone=row is None).error()


def set_value(engine: Engine, actor: Actor, indicator_id: int, *, period: str, geo: str, value: float | None,
              version: int, geo_name: str = "", source: str = "", is_example: bool = False) -> str:
    """Add or correct one value; ``version`` is the one the user saw (0: no value yet).

    Returns "ny", "endret" or "uendret"; ``ConflictError`` if someone else saved the value meanwhile.
    """
    new = _clean_value(period, geo, value, source, geo_name, is_example)
    with UnitOfWork(engine, actor, None, Permission.EDIT_INDICATORS) as uow:
        ind = _load(uow, indicator_id)
        row = _value_row(uow, indicator_id, new["period"], new["geo"])
        if row is not None and (row.value, row.source, row.is_example) == (new["value"], new["source"],
                                                                           new["is_example"]):
            return "uendret"
        if (row.version if row else 0) != version:
            raise _value_conflict(uow, ind, new)
        if row is None:
            row = IndicatorValue(indicator_id=indicator_id, **new)
            if not uow.insert_new(row):
                raise _value_conflict(uow, ind, new)
            uow.log("indicator_value", row.id, "create", "value", None, _shown(new))
            return "ny"
        old = _shown(row)
        values = {k: new[k] for k in ("value", "source", "is_example")} | (
            {"geo_name": new["geo_name"]} if new["geo_name"] else {})
        if not uow.compare_and_set(IndicatorValue, row.id, version, values):
            raise _value_conflict(uow, ind, new)
        uow.log("indicator_value", row.id, "update", "value", old, _shown(new))
        return "endret"


def delete_value(engine: Engine, actor: Actor, indicator_id: int, period: str, geo: str, *, version: int) -> None:
    with UnitOfWork(engine, actor, None, Permission.EDIT_INDICATORS) as uow:
        ind = _load(uow, indicator_id)
        row = _value_row(uow, indicator_id, period, geo)
        if row is None:
            raise NotFound(f"Fant ingen verdi for {period} ({geo}).")
        old = _shown(row)
        if row.version != version or not uow.compare_and_set(IndicatorValue, row.id, version, {}):
            raise _value_conflict(uow, ind, {"period": period, "geo": geo, "value": None, "source": "",
                                             "is_example": False})
        uow.log("indicator_value", row.id, "delete", "value", old, None)
        uow.s.delete(uow.s.get(IndicatorValue, row.id))


def import_values(engine: Engine, actor: Actor, indicator_id: int, rows: Sequence[ValueRow]) -> ImportResult:
    """Write a planned import in one transaction; equal values are skipped so a re-import changes nothing.

    Each stored value is updated with a compare-and-set against the version read in this transaction, so an
    edit saved by someone else during the import makes the whole import fail (and change nothing).
    """
    cleaned = [_clean_value(r.period, r.geo, r.value, r.source, r.geo_name, marker=r.marker,
                            region_code=r.region_code) for r in rows]
    inserted = updated = unchanged = 0
    with UnitOfWork(engine, actor, None, Permission.EDIT_INDICATORS) as uow:
        ind = _load(uow, indicator_id)
        existing = {(v.period, v.geo): v for v in uow.s.scalars(
            select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id))}
        for new in cleaned:
            current = existing.get((new["period"], new["geo"]))
            if current is None:
                row = IndicatorValue(indicator_id=indicator_id, **new)
                if not uow.insert_new(row):
                    raise _value_conflict(uow, ind, new)
                inserted += 1
                continue
            if ((current.value, current.source, current.is_example, current.marker, current.region_code)
                    == (new["value"], new["source"], False, new["marker"], new["region_code"])):
                unchanged += 1
                continue
            old = _shown(current)
            changes = {"value": new["value"], "source": new["source"], "is_example": False, "marker": new["marker"],
                       "region_code": new["region_code"], "geo_name": new["geo_name"] or current.geo_name}
            if not uow.compare_and_set(IndicatorValue, current.id, current.version, changes):
                raise _value_conflict(uow, ind, new)
            uow.log("indicator_value", current.id, "import", "value", old, _shown(new))
            updated += 1
        if inserted:
            uow.log("indicator", indicator_id, "import", "indicator", None,
                    f"{inserted} nye verdier fra {cleaned[0]['source']}")
    return ImportResult(inserted, updated, unchanged)


def _registry_parsers(uow: UnitOfWork, plan_id: int) -> dict[str, Any]:
    def level(value: Any) -> int | None:
        if not value:
            return None
        level_id = uow.s.scalar(select(Level.id).where(Level.plan_id == plan_id, Level.slug == value))
        if level_id is None:
            raise ValidationError(f"Ukjent nivå «{value}».")
        return level_id

    def tiltak(value: Any) -> int | None:
        if not value:
            return None
        if uow.s.scalar(select(Tiltak.plan_id).where(Tiltak.id == value)) != plan_id:
            raise ValidationError("Tiltaket finnes ikke i denne planen.")
        return int(value)

    return {"level": level, "tiltak": tiltak}


def _registry_values(uow: UnitOfWork, plan_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    out = INDICATOR.clean_or_raise(fields, parsers=_registry_parsers(uow, plan_id))
    if out.get("target_value") is not None and out.get("target_year") is None and "target_year" in fields:
        raise ValidationError("Oppgi hvilket år målet gjelder.", field="target_year")
    return {_column(k): v for k, v in out.items()}


def create_indicator(engine: Engine, actor: Actor, plan_id: int, **fields: Any) -> int:
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_INDICATORS) as uow:
        values = _registry_values(uow, plan_id, {"unit": "percent", "better": "lower", **fields})
        uow.require_free_name(Indicator, values["name"], plan_id=plan_id, noun="en indikator")
        key = re.sub(r"[^a-z0-9]+", "_", values["name"].lower()).strip("_")[:60] or "indikator"
        taken = set(uow.s.scalars(select(Indicator.key).where(Indicator.plan_id == plan_id)))
        base, n = key, 2
        while key in taken:
            key, n = f"{base}_{n}", n + 1
        order = uow.s.scalar(select(Indicator.sort_order).where(Indicator.plan_id == plan_id)
                             .order_by(Indicator.sort_order.desc()).limit(1)) or 0
        row = Indicator(plan_id=plan_id, key=key, sort_order=order + 1, version=1, updated_by=actor.username,
                        updated_at=uow.now, **values)
        uow.s.add(row)
        uow.s.flush()
        uow.log("indicator", row.id, "create", "name", None, row.name)
        return row.id


def update_indicator(engine: Engine, actor: Actor, indicator_id: int, fields: Mapping[str, Any], *,
                     version: int) -> int:
    """Change registry fields (name, unit, direction, source, target …); returns the number changed."""
    with UnitOfWork(engine, actor, None, Permission.EDIT_INDICATORS) as uow:
        ind = _load(uow, indicator_id)
        values = _registry_values(uow, ind.plan_id, fields)
        changed = {k: v for k, v in values.items() if getattr(ind, k) != v}
        if not changed:
            return 0
        if "name" in changed:
            uow.require_free_name(Indicator, changed["name"], plan_id=ind.plan_id, noun="en indikator",
                                  except_id=ind.id)
        old = {k: getattr(ind, k) for k in changed}
        if ind.version != version or not uow.compare_and_set(Indicator, ind.id, version, changed):
            uow.s.refresh(ind)
            yours = {f: fields[f] for f in fields if _column(f) in changed}
            theirs = {f: getattr(ind, _column(f)) for f in yours}
            raise Conflict("indicator", ind.id, ind.name, yours, theirs, ind.updated_by, ind.updated_at,
                           ind.version).error()
        for name, before in old.items():
            uow.log("indicator", ind.id, "update", name.removesuffix("_id"), before, changed[name])
        return len(changed)
