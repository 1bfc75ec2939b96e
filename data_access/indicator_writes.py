"""Writes to indicators and their values: manual entry, corrections, targets and file imports.

An import is all or nothing (one transaction) and idempotent: a value equal to the stored one is left alone,
so importing the same file twice changes nothing the second time. Every change is logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access import changelog
from data_access.db import session_scope
from data_access.indicator_import import ValueRow
from data_access.models import Indicator, IndicatorValue, Level, Tiltak
from data_access.periods import PeriodError, parse_period
from data_access.permissions import Actor, Permission, require
from data_access.validation import ValidationError, check_free_text
from data_access.vocabulary import GEOS, UNITS

INDICATOR_FIELDS = ("name", "description", "unit", "better", "source", "target_value", "target_year",
                    "target_is_example", "level", "tiltak")


@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        if not self.inserted and not self.updated:
            return f"Ingen endringer: alle {self.unchanged} verdiene fantes fra før."
        return f"{self.inserted} nye og {self.updated} endrede verdier ({self.unchanged} uendret)."


def _indicator(s: Session, indicator_id: int) -> Indicator:
    row = s.get(Indicator, indicator_id)
    if row is None:
        raise ValidationError("Fant ikke indikatoren.", field="indicator")
    return row


def _log(s: Session, actor: Actor, ind: Indicator, value_id: int, action: str, field: str, old: Any, new: Any,
         now: datetime) -> None:
    changelog.record(s, username=actor.username, entity="indicator_value" if field != "indicator" else "indicator",
                     entity_id=value_id, action=action, plan_id=ind.plan_id, field=field, old=old, new=new, at=now)


def _check_value(period: str, geo: str, value: float | None, source: str, geo_name: str) -> str:
    try:
        label = parse_period(period).label
    except PeriodError as exc:
        raise ValidationError(str(exc), field="period") from exc
    if geo not in GEOS:
        raise ValidationError(f"Ukjent geografi «{geo}». Velg kommune, fylke eller land.", field="geo")
    if value is not None and (value != value or abs(value) > 1e12):  # NaN or absurd
        raise ValidationError("Verdien er ikke et gyldig tall.", field="value")
    check_free_text(source, "Kilde", max_length=300)
    check_free_text(geo_name, "Sted", max_length=100)
    return label


def set_value(engine: Engine, actor: Actor, indicator_id: int, *, period: str, geo: str, value: float | None,
              geo_name: str = "", source: str = "", is_example: bool = False) -> str:
    """Add or correct one value; returns "ny", "endret" or "uendret"."""
    require(actor, Permission.EDIT_INDICATORS)
    label = _check_value(period, geo, value, source, geo_name)
    now = datetime.now()
    with session_scope(engine) as s:
        ind = _indicator(s, indicator_id)
        row = s.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                                    IndicatorValue.period == label, IndicatorValue.geo == geo))
        if row is None:
            row = IndicatorValue(indicator_id=indicator_id, period=label, geo=geo, geo_name=geo_name.strip(),
                                 value=value, source=source.strip(), is_example=is_example)
            s.add(row)
            s.flush()
            _log(s, actor, ind, row.id, "create", "value", None, f"{label} {geo}: {value}", now)
            return "ny"
        if row.value == value and row.source == source.strip() and row.is_example == is_example:
            return "uendret"
        _log(s, actor, ind, row.id, "update", "value", f"{label} {geo}: {row.value}", f"{label} {geo}: {value}", now)
        row.value, row.source, row.is_example = value, source.strip(), is_example
        row.geo_name = geo_name.strip() or row.geo_name
        return "endret"


def delete_value(engine: Engine, actor: Actor, indicator_id: int, period: str, geo: str) -> None:
    require(actor, Permission.EDIT_INDICATORS)
    with session_scope(engine) as s:
        ind = _indicator(s, indicator_id)
        row = s.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                                    IndicatorValue.period == period, IndicatorValue.geo == geo))
        if row is None:
            raise ValidationError(f"Fant ingen verdi for {period} ({geo}).", field="period")
        _log(s, actor, ind, row.id, "delete", "value", f"{period} {geo}: {row.value}", None, datetime.now())
        s.delete(row)


def import_values(engine: Engine, actor: Actor, indicator_id: int, rows: Sequence[ValueRow]) -> ImportResult:
    """Write a planned import in one transaction; equal values are skipped so a re-import changes nothing."""
    require(actor, Permission.EDIT_INDICATORS)
    for r in rows:
        _check_value(r.period, r.geo, r.value, r.source, r.geo_name)
    now = datetime.now()
    inserted = updated = unchanged = 0
    with session_scope(engine) as s:
        ind = _indicator(s, indicator_id)
        existing = {(v.period, v.geo): v for v in s.scalars(select(IndicatorValue)
                                                             .where(IndicatorValue.indicator_id == indicator_id))}
        new_rows = []
        for r in rows:
            label = parse_period(r.period).label
            current = existing.get((label, r.geo))
            if current is None:
                new_rows.append(IndicatorValue(indicator_id=indicator_id, period=label, geo=r.geo,
                                               geo_name=r.geo_name, value=r.value, source=r.source,
                                               is_example=False))
                inserted += 1
            elif current.value == r.value and current.source == r.source and not current.is_example:
                unchanged += 1
            else:
                _log(s, actor, ind, current.id, "import", "value", f"{label} {r.geo}: {current.value}",
                     f"{label} {r.geo}: {r.value}", now)
                current.value, current.source, current.is_example = r.value, r.source, False
                current.geo_name = r.geo_name or current.geo_name
                updated += 1
        s.add_all(new_rows)
        s.flush()
        if new_rows:
            _log(s, actor, ind, indicator_id, "import", "indicator", None,
                 f"{len(new_rows)} nye verdier fra {rows[0].source}", now)
    return ImportResult(inserted, updated, unchanged)


def _normalize(s: Session, plan_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in INDICATOR_FIELDS:
            raise ValidationError(f"Feltet «{name}» kan ikke endres her.", field=name)
        if name in {"name", "description", "source"}:
            text = (value or "").strip()
            if name == "name" and not text:
                raise ValidationError("Navn på indikatoren må fylles ut.", field=name)
            check_free_text(text, {"name": "Navn", "description": "Beskrivelse", "source": "Kilde"}[name],
                            max_length={"name": 200, "description": 2000, "source": 300}[name])
            out[name] = text
        elif name == "unit":
            if value not in UNITS:
                raise ValidationError(f"Ukjent enhet «{value}».", field=name)
            out[name] = value
        elif name == "better":
            if value not in {"lower", "higher"}:
                raise ValidationError("Velg om lavere eller høyere verdi er bedre.", field=name)
            out[name] = value
        elif name == "target_value":
            out[name] = None if value in (None, "") else float(value)
        elif name == "target_is_example":
            out[name] = bool(value)
        elif name == "target_year":
            if value not in (None, "") and not 2000 <= int(value) <= 2100:
                raise ValidationError("Målåret må være et årstall, f.eks. 2026.", field=name)
            out[name] = None if value in (None, "") else int(value)
        elif name == "level":
            level_id = s.scalar(select(Level.id).where(Level.plan_id == plan_id, Level.slug == value)) \
                if value else None
            if value and level_id is None:
                raise ValidationError(f"Ukjent nivå «{value}».", field=name)
            out["level_id"] = level_id
        elif name == "tiltak":
            tiltak_plan = s.scalar(select(Tiltak.plan_id).where(Tiltak.id == value)) if value else None
            if value and tiltak_plan != plan_id:
                raise ValidationError("Tiltaket finnes ikke i denne planen.", field=name)
            out["tiltak_id"] = value or None
    if out.get("target_value") is not None and out.get("target_year") is None and "target_year" in fields:
        raise ValidationError("Oppgi hvilket år målet gjelder.", field="target_year")
    return out


def create_indicator(engine: Engine, actor: Actor, plan_id: int, **fields: Any) -> int:
    require(actor, Permission.EDIT_INDICATORS)
    with session_scope(engine) as s:
        values = _normalize(s, plan_id, {"unit": "percent", "better": "lower", **fields})
        key = re.sub(r"[^a-z0-9]+", "_", values["name"].lower()).strip("_")[:60] or "indikator"
        taken = set(s.scalars(select(Indicator.key).where(Indicator.plan_id == plan_id)))
        base, n = key, 2
        while key in taken:
            key, n = f"{base}_{n}", n + 1
        order = s.scalar(select(Indicator.sort_order).where(Indicator.plan_id == plan_id)
                         .order_by(Indicator.sort_order.desc()).limit(1)) or 0
        row = Indicator(plan_id=plan_id, key=key, sort_order=order + 1, **values)
        s.add(row)
        s.flush()
        changelog.record(s, username=actor.username, entity="indicator", entity_id=row.id, action="create",
                         plan_id=plan_id, field="name", new=row.name)
        return row.id


def update_indicator(engine: Engine, actor: Actor, indicator_id: int, fields: Mapping[str, Any]) -> int:
    """Change registry fields (name, unit, direction, source, target …); returns the number changed."""
    require(actor, Permission.EDIT_INDICATORS)
    now = datetime.now()
    with session_scope(engine) as s:
        ind = _indicator(s, indicator_id)
        values = _normalize(s, ind.plan_id, fields)
        changed = 0
        for name, value in values.items():
            if getattr(ind, name) != value:
                changelog.record(s, username=actor.username, entity="indicator", entity_id=ind.id, action="update",
                                 plan_id=ind.plan_id, field=name.removesuffix("_id"), old=getattr(ind, name),
                                 new=value, at=now)
                setattr(ind, name, value)
                changed += 1
        return changed
