"""Apply a plan workbook: as a new plan or into an existing one, all or nothing, every change logged.

The file is read and compared again here (not trusted from an earlier preview), then everything is written
in one transaction: a refused file, a bad row or a collision with another user's save writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from data_access import changelog
from data_access.arenas import arenas_frame
from data_access.db import session_scope
from data_access.errors import ConflictError
from data_access.indicators import indicators_frame, values_frame
from data_access.models import (
    Arena,
    Indicator,
    IndicatorValue,
    Level,
    Plan,
    ProtectiveFactor,
    Service,
    Status,
    Tiltak,
    tiltak_services,
)
from data_access.permissions import Actor, Permission, require
from data_access.plan_import import ImportPlan, RowError, read_workbook
from data_access.plan_import_compare import Change, Changes, Existing, compare
from data_access.plans import add_plan, levels_frame, protective_factors_frame, services_frame
from data_access.tiltak import tiltak_frame
from data_access.validation import ValidationError

ACTION = "import"


class ImportRefused(ValidationError):
    """The workbook has faults; ``errors`` lists each with sheet, row and column. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"Filen ble ikke importert: {len(errors)} feil må rettes først. Første: {errors[0].text()}",
                         field="file")


@dataclass(frozen=True)
class NewPlan:
    kommune: str
    name: str
    key: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    level_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    plan_id: int
    plan_key: str
    changes: Changes

    def summary(self) -> str:
        c = self.changes.summary()
        new, changed = int(c["Nye"].sum()), int(c["Endrede"].sum())
        return f"{new} nye og {changed} endrede rader importert i planen «{self.plan_key}»."


def existing(engine: Engine, plan_id: int | None) -> Existing:
    """The plan's current content through the ordinary query functions (empty for a new plan)."""
    services = services_frame(engine)["name"].to_list()
    if plan_id is None:
        return Existing(tiltak_frame(engine, -1), arenas_frame(engine, -1), indicators_frame(engine, -1),
                        values_frame(engine, -1), services, [], {})
    levels = levels_frame(engine, plan_id)
    return Existing(tiltak_frame(engine, plan_id, include_archived=True),
                    arenas_frame(engine, plan_id, include_retired=True), indicators_frame(engine, plan_id),
                    values_frame(engine, plan_id), services,
                    protective_factors_frame(engine, plan_id)["name"].to_list(),
                    dict(zip(levels["label"].to_list(), levels["slug"].to_list(), strict=True)))


def plan_labels(engine: Engine, plan_id: int | None, new_labels: dict[str, str] | None = None) -> dict[str, str]:
    if plan_id is None:
        return {k: v for k, v in (new_labels or {}).items() if v and v.strip()}
    levels = levels_frame(engine, plan_id)
    return dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))


def preview(engine: Engine, data: bytes, *, plan_id: int | None = None,
            level_labels: dict[str, str] | None = None) -> tuple[ImportPlan, Changes]:
    """Read, validate and compare without writing: what the import would do."""
    plan = read_workbook(data, level_labels=plan_labels(engine, plan_id, level_labels))
    return plan, compare(plan, existing(engine, plan_id))


def apply_import(engine: Engine, actor: Actor, data: bytes, *, plan_id: int | None = None,
                 new_plan: NewPlan | None = None) -> ImportResult:
    """Import the workbook into ``plan_id``, or as ``new_plan``; all or nothing, logged field by field."""
    require(actor, Permission.MANAGE_PLANS)
    if (plan_id is None) == (new_plan is None):
        raise ValidationError("Velg enten en eksisterende plan eller en ny plan.", field="plan")
    plan, changes = preview(engine, data, plan_id=plan_id, level_labels=new_plan.level_labels if new_plan else None)
    if not plan.ok:
        raise ImportRefused(plan.errors)
    now = datetime.now()
    with session_scope(engine) as s:
        if new_plan is not None:
            row = add_plan(s, actor, name=new_plan.name, kommune=new_plan.kommune, key=new_plan.key,
                           start_year=new_plan.start_year, end_year=new_plan.end_year,
                           level_labels=new_plan.level_labels, protective_factors=plan.factors())
        else:
            row = s.get(Plan, plan_id)
            if row is None:
                raise ValidationError("Fant ikke planen.", field="plan")
        w = _Writer(s, actor, row.id, now)
        w.vocabulary(changes)
        w.tiltak(changes.tiltak)
        w.arenas(changes.arenas)
        w.indicators(changes.indicators, changes.values)
        return ImportResult(row.id, row.key, changes)


class _Writer:
    """The writes of one import, inside one session."""

    def __init__(self, s: Session, actor: Actor, plan_id: int, now: datetime) -> None:
        self.s, self.actor, self.plan_id, self.now = s, actor, plan_id, now

    def log(self, entity: str, entity_id: int, action: str, field_name: str | None, old=None, new=None) -> None:
        changelog.record(self.s, username=self.actor.username, entity=entity, entity_id=entity_id, action=action,
                         plan_id=self.plan_id, field=field_name, old=old, new=new, at=self.now)

    def vocabulary(self, changes: Changes) -> None:
        for name in changes.new_services:
            service = Service(name=name)
            self.s.add(service)
            self.s.flush()
            self.log("service", service.id, "create", "name", None, name)
        have = set(self.s.scalars(select(ProtectiveFactor.name).where(ProtectiveFactor.plan_id == self.plan_id)))
        order = len(have)
        for name in changes.new_factors:
            if name not in have:
                factor = ProtectiveFactor(plan_id=self.plan_id, name=name, sort_order=order)
                order += 1
                self.s.add(factor)
                self.s.flush()
                self.log("protective_factor", factor.id, "create", "name", None, name)
        if changes.new_factors:
            self.s.get(Plan, self.plan_id).uses_protective_factors = True
        self.levels = dict(self.s.execute(select(Level.slug, Level.id).where(Level.plan_id == self.plan_id)).all())
        self.statuses = dict(self.s.execute(select(Status.slug, Status.id)).all())
        self.services = dict(self.s.execute(select(Service.name, Service.id)).all())
        self.factors = dict(self.s.execute(select(ProtectiveFactor.name, ProtectiveFactor.id)
                                           .where(ProtectiveFactor.plan_id == self.plan_id)).all())

    def _tiltak_columns(self, values: dict) -> dict:
        cols = {}
        for name, value in values.items():
            if name == "level":
                cols["level_id"] = self.levels[value]
            elif name == "status":
                cols["status_id"] = self.statuses[value]
            elif name == "protective_factor":
                cols["protective_factor_id"] = self.factors[value] if value else None
            elif name == "archived":
                cols["archived_at"] = self.now if value else None
            elif name != "services":
                cols[name] = value
        return cols

    def _services(self, tiltak_id: int, names: list[str], replace: bool) -> None:
        if replace:
            self.s.execute(tiltak_services.delete().where(tiltak_services.c.tiltak_id == tiltak_id))
        if names:
            self.s.execute(insert(tiltak_services), [{"tiltak_id": tiltak_id, "service_id": self.services[n]}
                                                     for n in names])

    def tiltak(self, changes: list[Change]) -> None:
        order = self.s.scalar(select(Tiltak.sort_order).where(Tiltak.plan_id == self.plan_id)
                              .order_by(Tiltak.sort_order.desc()).limit(1)) or 0
        for c in changes:
            if c.kind == "ny":
                order += 1
                row = Tiltak(plan_id=self.plan_id, version=1, sort_order=order, updated_by=self.actor.username,
                             updated_at=self.now, **self._tiltak_columns(c.values))
                self.s.add(row)
                self.s.flush()
                self._services(row.id, c.values["services"], replace=False)
                self.log("tiltak", row.id, "create", "name", None, row.name)
                if c.values["archived"]:
                    self.log("tiltak", row.id, "archive", "archived", False, True)
            elif c.kind == "endret":
                row = self.s.get(Tiltak, c.id)
                if row is None or row.version != c.version:
                    raise ConflictError(f"Tiltaket «{c.name}» ble endret mens filen ble importert. Ingenting er "
                                        "importert; prøv igjen.")
                for name, value in self._tiltak_columns({k: new for k, (_, new) in c.changed.items()}).items():
                    setattr(row, name, value)
                row.version += 1
                row.updated_by, row.updated_at = self.actor.username, self.now
                if "services" in c.changed:
                    self._services(row.id, c.values["services"], replace=True)
                for name, (old, new) in c.changed.items():
                    self.log("tiltak", row.id, ACTION, name, old, new)

    def arenas(self, changes: list[Change]) -> None:
        order = self.s.scalar(select(Arena.sort_order).where(Arena.plan_id == self.plan_id)
                              .order_by(Arena.sort_order.desc()).limit(1)) or 0
        for c in changes:
            values = {k: v for k, v in c.values.items() if k != "retired"}
            if c.kind == "ny":
                order += 1
                row = Arena(plan_id=self.plan_id, sort_order=order, retired_at=self.now if c.values["retired"]
                            else None, **values)
                self.s.add(row)
                self.s.flush()
                self.log("arena", row.id, "create", "name", None, row.name)
            elif c.kind == "endret":
                row = self.s.get(Arena, c.id)
                if row is None or row.version != c.version:
                    raise ConflictError(f"Møtearenaen «{c.name}» ble endret mens filen ble importert. Ingenting er "
                                        "importert; prøv igjen.")
                for name, (old, new) in c.changed.items():
                    if name == "retired":
                        row.retired_at = self.now if new else None
                    else:
                        setattr(row, name, new)
                    if name == "frequency_text":
                        row.frequency = c.values["frequency"]
                    self.log("arena", row.id, ACTION, name, old, new)

    def indicators(self, changes: list[Change], values: list[Change]) -> None:
        taken = set(self.s.scalars(select(Indicator.key).where(Indicator.plan_id == self.plan_id)))
        ids = {_k(n): i for n, i in self.s.execute(select(Indicator.name, Indicator.id)
                                                   .where(Indicator.plan_id == self.plan_id)).all()}
        order = len(ids)
        for c in changes:
            cols = {k: v for k, v in c.values.items() if k != "level"}
            level_id = self.levels[c.values["level"]] if c.values["level"] else None
            if c.kind == "ny":
                key = base = re.sub(r"[^a-z0-9]+", "_", c.values["name"].lower()).strip("_")[:60] or "indikator"
                n = 2
                while key in taken:
                    key, n = f"{base}_{n}", n + 1
                taken.add(key)
                order += 1
                row = Indicator(plan_id=self.plan_id, key=key, sort_order=order, level_id=level_id, **cols)
                self.s.add(row)
                self.s.flush()
                ids[_k(row.name)] = row.id
                self.log("indicator", row.id, "create", "name", None, row.name)
            elif c.kind == "endret":
                row = self.s.get(Indicator, c.id)
                for name, (old, new) in c.changed.items():
                    if name == "level":
                        row.level_id = level_id
                    else:
                        setattr(row, name, new)
                    self.log("indicator", row.id, ACTION, name, old, new)
        for c in values:
            v = c.values
            if c.kind == "ny":
                row = IndicatorValue(indicator_id=ids[_k(v["indicator"])], period=v["period"], geo=v["geo"],
                                     geo_name=v["geo_name"], value=v["value"], source=v["source"],
                                     is_example=v["is_example"])
                self.s.add(row)
                self.s.flush()
                self.log("indicator_value", row.id, "create", "value", None, f"{v['period']} {v['geo']}: {v['value']}")
            elif c.kind == "endret":
                row = self.s.scalar(select(IndicatorValue).where(
                    IndicatorValue.indicator_id == ids[_k(v["indicator"])], IndicatorValue.period == v["period"],
                    IndicatorValue.geo == v["geo"]))
                old = f"{row.period} {row.geo}: {row.value}"
                row.geo_name, row.value, row.source, row.is_example = (v["geo_name"], v["value"], v["source"],
                                                                       v["is_example"])
                self.log("indicator_value", row.id, ACTION, "value", old, f"{v['period']} {v['geo']}: {v['value']}")


def _k(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def errors_frame(errors: list[RowError]) -> pl.DataFrame:
    return ImportPlan(errors=errors).error_frame()
