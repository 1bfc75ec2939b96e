"""Apply a plan workbook: as a new plan or into an existing one, all or nothing, every change logged.

The file is read and compared again here (not trusted from an earlier preview), then everything is written
in one transaction: a refused file, a bad row or a collision with another user's save writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from data_access.db.models import Arena, Indicator, IndicatorValue, Plan, ProtectiveFactor, Service, Tiltak
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import ConflictError, NotFound
from data_access.domain.permissions import Actor, Permission, require
from data_access.domain.validation import ValidationError
from data_access.formats.plan_import import ImportPlan, RowError, read_workbook
from data_access.formats.plan_import_compare import Change, Changes, Existing, compare
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.plans import levels_frame, protective_factors_frame, services_frame
from data_access.reads.tiltak import Vocab, column_values, tiltak_frame
from data_access.writes.plans import add_plan
from data_access.writes.tiltak import set_services

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
    with UnitOfWork(engine, actor, plan_id, Permission.MANAGE_PLANS) as uow:
        if new_plan is not None:
            row = add_plan(uow, name=new_plan.name, kommune=new_plan.kommune, key=new_plan.key,
                           start_year=new_plan.start_year, end_year=new_plan.end_year,
                           level_labels=new_plan.level_labels, protective_factors=plan.factors())
        else:
            row = uow.s.get(Plan, plan_id)
            if row is None:
                raise NotFound("Fant ikke planen.")
        w = _Writer(uow)
        w.vocabulary(changes)
        w.tiltak(changes.tiltak)
        w.arenas(changes.arenas)
        w.indicators(changes.indicators, changes.values)
        return ImportResult(row.id, row.key, changes)


class _Writer:
    """The writes of one import, inside one unit of work: rows the user saw are written with compare-and-set."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow, self.s, self.actor, self.plan_id, self.now = uow, uow.s, uow.actor, uow.plan_id, uow.now

    def log(self, entity: str, entity_id: int, action: str, field_name: str | None, old=None, new=None) -> None:
        self.uow.log(entity, entity_id, action, field_name, old, new)

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
        self.vocab = Vocab.load(self.s, self.plan_id)
        self.levels = self.vocab.levels

    def _tiltak_columns(self, values: dict) -> dict:
        """Stored columns as a tiltak save writes them (``tiltak_writes.column_values``), plus archiving."""
        cols = column_values({k: v for k, v in values.items() if k != "archived"}, self.vocab)
        if "archived" in values:
            cols["archived_at"] = self.now if values["archived"] else None
        return cols

    def _services(self, tiltak_id: int, names: list[str]) -> None:
        set_services(self.s, tiltak_id, [self.vocab.services[n] for n in names])

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
                self._services(row.id, c.values["services"])
                self.log("tiltak", row.id, "create", "name", None, row.name)
                if c.values["archived"]:
                    self.log("tiltak", row.id, "archive", "archived", False, True)
            elif c.kind == "endret":
                row = self.s.get(Tiltak, c.id)
                cols = self._tiltak_columns({k: new for k, (_, new) in c.changed.items()})
                if row is None or not self.uow.compare_and_set(Tiltak, c.id, c.version, cols):
                    raise ConflictError(f"Tiltaket «{c.name}» ble endret mens filen ble importert. Ingenting er "
                                        "importert; prøv igjen.")
                if "services" in c.changed:
                    self._services(row.id, c.values["services"])
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
                cols = {("retired_at" if name == "retired" else name): ((self.now if new else None)
                                                                        if name == "retired" else new)
                        for name, (_, new) in c.changed.items()}
                if "frequency_text" in c.changed:
                    cols["frequency"] = c.values["frequency"]
                if self.s.get(Arena, c.id) is None or not self.uow.compare_and_set(Arena, c.id, c.version, cols):
                    raise ConflictError(f"Møtearenaen «{c.name}» ble endret mens filen ble importert. Ingenting er "
                                        "importert; prøv igjen.")
                for name, (old, new) in c.changed.items():
                    self.log("arena", c.id, ACTION, name, old, new)

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
                cols = {("level_id" if name == "level" else name): (level_id if name == "level" else new)
                        for name, (_, new) in c.changed.items()}
                if not self.uow.compare_and_set(Indicator, row.id, row.version, cols):
                    raise ConflictError(f"Indikatoren «{c.name}» ble endret mens filen ble importert. Ingenting er "
                                        "importert; prøv igjen.")
                for name, (old, new) in c.changed.items():
                    self.log("indicator", c.id, ACTION, name, old, new)
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
                cols = {"geo_name": v["geo_name"], "value": v["value"], "source": v["source"],
                        "is_example": v["is_example"]}
                if not self.uow.compare_and_set(IndicatorValue, row.id, row.version, cols):
                    raise ConflictError("Indikatorverdiene ble endret mens filen ble importert. Ingenting er "
                                        "importert; prøv igjen.")
                self.log("indicator_value", row.id, ACTION, "value", old, f"{v['period']} {v['geo']}: {v['value']}")


def _k(name: str) -> str:
    return " ".join(str(name).split()).casefold()

