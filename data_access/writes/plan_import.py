"""Apply a plan workbook: as a new plan or into an existing one, all or nothing, every change logged.

``preview`` reads the file and compares it with the plan; the page (or ``laget plan import``) shows that
``Preview`` and hands the very same object to ``apply_import``, which writes exactly the changes shown, in one unit
of work, each row against the version the preview compared it with (issue 17.7):

- a changed row is written with ``compare_and_set`` naming the preview's version, and a new row with
  ``insert_new`` (the schema keeps names unique), so a row someone saved, added or removed after the preview is
  never overwritten or stored twice: the import stops with ``ImportConflict``, which says which row, who saved it
  and when, in the preview's terms, and nothing is written;
- a row the preview showed as unchanged is not written, so a save made to it after the preview stays;
- a new service or protective factor that someone added meanwhile is used, not added again: they are shared
  words, and the outcome is the one the preview showed (two imports adding the same service both succeed).

A refused file, a bad row or a lost race writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from data_access.db.engine import Source, reading
from data_access.db.models import Arena, Indicator, IndicatorValue, Plan, ProtectiveFactor, Service, Tiltak, User
from data_access.db.uow import Conflict, UnitOfWork
from data_access.domain.errors import ConflictError, FieldError, NotFound
from data_access.domain.permissions import Actor, Permission, require
from data_access.domain.validation import ValidationError, name_key
from data_access.formats import plan_workbook as wb
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
    """The workbook has faults; ``row_errors`` lists each with sheet, row and column. Nothing was written.

    ``errors`` holds the same as ``FieldError``s, as every ``ValidationError`` does, so ``show_error`` can show it."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"Filen ble ikke importert: {len(errors)} feil må rettes først. Første: {errors[0].text()}",
                         field="file", errors=[FieldError(e.column or "file", e.text()) for e in errors])
        self.row_errors = errors


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


def existing(engine: Source, plan_id: int | None) -> Existing:
    """The plan's current content through the ordinary query functions (empty for a new plan); pass the session
    of a ``reading`` to read it all in one snapshot."""
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


def plan_labels(engine: Source, plan_id: int | None, new_labels: dict[str, str] | None = None) -> dict[str, str]:
    if plan_id is None:
        return {k: v for k, v in (new_labels or {}).items() if v and v.strip()}
    levels = levels_frame(engine, plan_id)
    return dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))


@dataclass(frozen=True)
class Preview:
    """What the import would do, as the user saw it: the file read, and its changes against the plan's rows at the
    versions read then. ``apply_import`` takes this very object and writes exactly these changes."""

    plan: ImportPlan
    changes: Changes
    plan_id: int | None
    level_labels: dict[str, str]


class ImportConflict(ConflictError):
    """Rows the preview compared were saved, added or removed by someone else before the write; nothing was
    written. ``row_errors`` says which (sheet, Excel row, name, who and when), ``conflicts`` has each as a
    ``uow.Conflict``."""

    def __init__(self, errors: list[RowError], conflicts: list[Conflict]) -> None:
        more = f" ({len(errors) - 1} {'rad' if len(errors) == 2 else 'rader'} til er også endret.)" \
            if len(errors) > 1 else ""
        super().__init__(f"Ingenting er importert: {errors[0].text()}{more} Last opp filen på nytt for å se "
                         "endringene.", conflicts)
        self.row_errors = errors


def preview(engine: Engine, data: bytes, *, plan_id: int | None = None,
            level_labels: dict[str, str] | None = None) -> Preview:
    """Read, validate and compare without writing: what the import would do, against the versions read now."""
    with reading(engine) as r:  # one snapshot: the versions the preview compares against are one state of the plan
        labels = plan_labels(r, plan_id, level_labels)
        now = existing(r, plan_id)
    plan = read_workbook(data, level_labels=labels)
    return Preview(plan, compare(plan, now), plan_id, labels)


def apply_import(engine: Engine, actor: Actor, seen: Preview, *, new_plan: NewPlan | None = None) -> ImportResult:
    """Write the changes ``seen`` showed, into its plan or as ``new_plan``: all or nothing, logged field by field.

    Every row is written against the version ``seen`` compared it with; ``ImportConflict`` if any was saved,
    added or removed by someone else since (see the module docstring)."""
    require(actor, Permission.MANAGE_PLANS)
    plan_id, plan, changes = seen.plan_id, seen.plan, seen.changes
    if (plan_id is None) == (new_plan is None):
        raise ValidationError("Velg enten en eksisterende plan eller en ny plan.", field="plan")
    if new_plan is not None and plan_labels(engine, None, new_plan.level_labels) != seen.level_labels:
        raise ValidationError("Nivånavnene er endret etter forhåndsvisningen. Se på forhåndsvisningen igjen før du "
                              "importerer.", field="level_labels")
    if not plan.ok:
        raise ImportRefused(plan.errors)
    with UnitOfWork(engine, actor, plan_id, Permission.MANAGE_PLANS) as uow:
        if new_plan is not None:
            row = add_plan(uow, name=new_plan.name, kommune=new_plan.kommune, key=new_plan.key,
                           start_year=new_plan.start_year, end_year=new_plan.end_year,
                           level_labels=new_plan.level_labels, protective_factors=plan.factors())
            uow.plan_id = row.id
        else:
            row = uow.s.get(Plan, plan_id)
            if row is None:
                raise NotFound("Fant ikke planen.")
        w = _Writer(uow)
        w.vocabulary(changes)
        w.tiltak(changes.tiltak)
        w.arenas(changes.arenas)
        w.indicators(changes.indicators, changes.values)
        if w.errors:
            raise ImportConflict(w.errors, w.conflicts)  # the unit of work rolls everything back
        return ImportResult(row.id, row.key, changes)


class _Writer:
    """The writes of one import, inside one unit of work, each against the version the preview showed.

    A lost compare-and-set or insert does not stop the others: every row someone else got to first is collected
    (``errors``), so the user sees them all, and then the whole unit of work is rolled back."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow, self.s, self.actor, self.plan_id, self.now = uow, uow.s, uow.actor, uow.plan_id, uow.now
        self.errors: list[RowError] = []
        self.conflicts: list[Conflict] = []

    def log(self, entity: str, entity_id: int, action: str, field_name: str | None, old=None, new=None) -> None:
        self.uow.log(entity, entity_id, action, field_name, old, new)

    def _lost(self, sheet: str, c: Change, model: type, row_id: int | None) -> None:
        """Someone else saved, added or removed this row after the preview: say who and when, in its terms."""
        row = self.s.get(model, row_id, populate_existing=True) if row_id is not None else None
        if row is None and c.kind == "ny" and hasattr(model, "name_key"):
            row = self.s.scalar(select(model).where(model.plan_id == self.plan_id,
                                                    model.name_key == name_key(c.name))
                                .execution_options(populate_existing=True))
        who = self._who(row.updated_by) if row is not None and row.updated_by else "en annen"
        when = f" {row.updated_at:%d.%m.%Y kl. %H:%M}" if row is not None and row.updated_at else ""
        what = ("ble lagt til" if c.kind == "ny" else "ble fjernet" if row is None else "ble endret")
        self.errors.append(RowError(sheet, c.row, "", f"«{c.name}» {what} av {who}{when}, etter forhåndsvisningen."))
        theirs = {f: getattr(row, f, None) for f in c.changed} if row is not None else {}
        self.conflicts.append(Conflict(model.__tablename__, row.id if row is not None else (row_id or 0), c.name,
                                       {f: new for f, (_, new) in c.changed.items()} or dict(c.values), theirs,
                                       row.updated_by if row is not None else None,
                                       row.updated_at if row is not None else None,
                                       row.version if row is not None else 0, gone=row is None))

    def _who(self, username: str) -> str:
        name = self.s.scalar(select(User.name).where(User.username == username))
        return f"{name} ({username})" if name and name != username else username

    def _reuse_or_add(self, model: type, row, found) -> tuple[object, bool]:
        """Shared vocabulary (a service, a protective factor): the row someone added meanwhile, or ours."""
        if (current := self.s.scalar(found)) is not None:
            return current, False
        if self.uow.insert_new(row):
            return row, True
        current = self.s.scalar(found)  # added by another import between the look-up and the insert
        if current is None:
            raise ConflictError(f"«{row.name}» kunne ikke legges til fordi noen endret det samme samtidig. Ingenting "
                                "er importert; last opp filen på nytt.")
        return current, False

    def vocabulary(self, changes: Changes) -> None:
        for name in changes.new_services:
            service, added = self._reuse_or_add(Service, Service(name=name),
                                                select(Service).where(Service.name_key == name_key(name)))
            if added:
                self.log("service", service.id, "create", "name", None, name)
        order = len(self.s.scalars(select(ProtectiveFactor.id).where(ProtectiveFactor.plan_id == self.plan_id)).all())
        for name in changes.new_factors:
            factor, added = self._reuse_or_add(
                ProtectiveFactor, ProtectiveFactor(plan_id=self.plan_id, name=name, sort_order=order),
                select(ProtectiveFactor).where(ProtectiveFactor.plan_id == self.plan_id,
                                               ProtectiveFactor.name == name))
            if added:
                order += 1
                self.log("protective_factor", factor.id, "create", "name", None, name)
        if changes.new_factors:
            self.s.get(Plan, self.plan_id).uses_protective_factors = True
        self.vocab = Vocab.load(self.s, self.plan_id)
        services = {name_key(n): i for n, i in self.vocab.services.items()}
        # a new service someone else added meanwhile may be spelt otherwise: the file's spelling finds it too
        self.vocab.services.update({n: services[name_key(n)] for n in changes.new_services})
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
                row = Tiltak(plan_id=self.plan_id, sort_order=order, **self._tiltak_columns(c.values))
                if not self.uow.insert_new(row):
                    self._lost(wb.TILTAK, c, Tiltak, None)
                    continue
                self._services(row.id, c.values["services"])
                self.log("tiltak", row.id, "create", "name", None, row.name)
                if c.values["archived"]:
                    self.log("tiltak", row.id, "archive", "archived", False, True)
            elif c.kind == "endret":
                cols = self._tiltak_columns({k: new for k, (_, new) in c.changed.items()})
                if not self.uow.compare_and_set(Tiltak, c.id, c.version, cols):
                    self._lost(wb.TILTAK, c, Tiltak, c.id)
                    continue
                if "services" in c.changed:
                    self._services(c.id, c.values["services"])
                for name, (old, new) in c.changed.items():
                    self.log("tiltak", c.id, ACTION, name, old, new)

    def arenas(self, changes: list[Change]) -> None:
        order = self.s.scalar(select(Arena.sort_order).where(Arena.plan_id == self.plan_id)
                              .order_by(Arena.sort_order.desc()).limit(1)) or 0
        for c in changes:
            values = {k: v for k, v in c.values.items() if k != "retired"}
            if c.kind == "ny":
                order += 1
                row = Arena(plan_id=self.plan_id, sort_order=order, retired_at=self.now if c.values["retired"]
                            else None, **values)
                if not self.uow.insert_new(row):
                    self._lost(wb.ARENAS, c, Arena, None)
                    continue
                self.log("arena", row.id, "create", "name", None, row.name)
            elif c.kind == "endret":
                cols = {("retired_at" if name == "retired" else name): ((self.now if new else None)
                                                                        if name == "retired" else new)
                        for name, (_, new) in c.changed.items()}
                if "frequency_text" in c.changed:
                    cols["frequency"] = c.values["frequency"]
                if not self.uow.compare_and_set(Arena, c.id, c.version, cols):
                    self._lost(wb.ARENAS, c, Arena, c.id)
                    continue
                for name, (old, new) in c.changed.items():
                    self.log("arena", c.id, ACTION, name, old, new)

    def indicators(self, changes: list[Change], values: list[Change]) -> None:
        taken = set(self.s.scalars(select(Indicator.key).where(Indicator.plan_id == self.plan_id)))
        ids: dict[str, int] = {k: i for k, i in self.s.execute(
            select(Indicator.name_key, Indicator.id).where(Indicator.plan_id == self.plan_id))}
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
                if not self.uow.insert_new(row):
                    self._lost(wb.INDICATORS, c, Indicator, None)
                    continue
                ids[row.name_key] = row.id
                self.log("indicator", row.id, "create", "name", None, row.name)
            elif c.kind == "endret":
                cols = {("level_id" if name == "level" else name): (level_id if name == "level" else new)
                        for name, (_, new) in c.changed.items()}
                if not self.uow.compare_and_set(Indicator, c.id, c.version, cols):
                    self._lost(wb.INDICATORS, c, Indicator, c.id)
                    continue
                for name, (old, new) in c.changed.items():
                    self.log("indicator", c.id, ACTION, name, old, new)
        for c in values:
            v = c.values
            indicator_id = ids.get(name_key(v["indicator"]))
            if c.kind == "uendret" or indicator_id is None:  # unchanged, or its new indicator was lost above
                continue
            if c.kind == "ny":
                row = IndicatorValue(indicator_id=indicator_id, period=v["period"], geo=v["geo"],
                                     geo_name=v["geo_name"], value=v["value"], source=v["source"],
                                     is_example=v["is_example"])
                if not self.uow.insert_new(row):
                    self._lost(wb.VALUES, c, IndicatorValue, self._value_id(indicator_id, v))
                    continue
                self.log("indicator_value", row.id, "create", "value", None, f"{v['period']} {v['geo']}: {v['value']}")
                continue
            row_id = self._value_id(indicator_id, v)
            cols = {name: new for name, (_, new) in c.changed.items()}  # only what the file has and changes
            if row_id is None or not self.uow.compare_and_set(IndicatorValue, row_id, c.version, cols):
                self._lost(wb.VALUES, c, IndicatorValue, row_id)
                continue
            old, new = c.changed.get("value", (v["value"], v["value"]))
            self.log("indicator_value", row_id, ACTION, "value", f"{v['period']} {v['geo']}: {old}",
                     f"{v['period']} {v['geo']}: {new}")

    def _value_id(self, indicator_id: int, v: dict) -> int | None:
        return self.s.scalar(select(IndicatorValue.id).where(
            IndicatorValue.indicator_id == indicator_id, IndicatorValue.period == v["period"],
            IndicatorValue.geo == v["geo"]))

