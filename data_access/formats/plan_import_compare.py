"""What importing a workbook changes in a plan: matched by name, field by field. Pure, no database.

Tiltak, arenas and indicators are matched by name (case and spacing ignored), values by indicator, period and
geography. Only the fields the file has a column for are compared (``ImportPlan.absent``). The preview shows the
result, and the import writes exactly these changes: each ``Change`` keeps the version of the row it was compared
with (0 for a row the plan did not have), and the write names that version in its compare-and-set, so a row
someone saved after the preview is never overwritten (issue 17.7).

Services are shared by every plan and matched like names (``validation.name_key``): «ppt» in a file is the
stored «PPT», and two spellings of a new service in one file become one service, spelt as first written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from data_access.db.changelog import as_text
from data_access.domain.validation import name_key
from data_access.formats import plan_workbook as wb
from data_access.formats.plan_import import (
    ARENA_FIELDS,
    INDICATOR_FIELDS,
    LABELS,
    TILTAK_FIELDS,
    VALUE_FIELDS,
    ImportPlan,
    Item,
    _key,
)


@dataclass
class Change:
    """One row of the file against the plan, as the preview showed it."""

    kind: str  # ny | endret | uendret
    name: str
    values: dict[str, Any]
    id: int | None = None
    version: int | None = None  # the version the preview compared with: the write's compare-and-set names it
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)
    row: int = 0  # the Excel row, for messages in the preview's terms


@dataclass
class Changes:
    tiltak: list[Change] = field(default_factory=list)
    arenas: list[Change] = field(default_factory=list)
    indicators: list[Change] = field(default_factory=list)
    values: list[Change] = field(default_factory=list)
    new_services: list[str] = field(default_factory=list)
    new_factors: list[str] = field(default_factory=list)
    untouched: dict[str, int] = field(default_factory=dict)  # in the plan but not in the file: left alone

    def summary(self) -> pl.DataFrame:
        rows = []
        for sheet, items in ((wb.TILTAK, self.tiltak), (wb.ARENAS, self.arenas), (wb.INDICATORS, self.indicators),
                             (wb.VALUES, self.values)):
            c = Counter(i.kind for i in items)
            rows.append((sheet, c["ny"], c["endret"], c["uendret"], self.untouched.get(sheet, 0)))
        return pl.DataFrame(rows, schema=["Ark", "Nye", "Endrede", "Uendrede", "I planen, ikke i filen (blir stående)"],
                            orient="row")

    def detail(self) -> pl.DataFrame:
        """Every new or changed row, with the changed fields as «felt: gammel → ny»."""
        rows = []
        for sheet, items in ((wb.TILTAK, self.tiltak), (wb.ARENAS, self.arenas), (wb.INDICATORS, self.indicators),
                             (wb.VALUES, self.values)):
            for i in items:
                if i.kind == "uendret":
                    continue
                what = "; ".join(f"{LABELS.get(f, f)}: {as_text(o) or '–'} → {as_text(n) or '–'}"
                                 for f, (o, n) in i.changed.items())
                rows.append((sheet, i.name, "Ny" if i.kind == "ny" else "Endret", what))
        return pl.DataFrame(rows, schema=["Ark", "Navn", "Endring", "Felt"], orient="row")

    @property
    def is_empty(self) -> bool:
        return all(i.kind == "uendret" for items in (self.tiltak, self.arenas, self.indicators, self.values)
                   for i in items)


@dataclass
class Existing:
    """What a plan holds now, as the query functions return it (empty frames for a new plan)."""

    tiltak: pl.DataFrame
    arenas: pl.DataFrame
    indicators: pl.DataFrame
    values: pl.DataFrame
    services: list[str]
    factors: list[str]
    level_by_label: dict[str, str]


def _same(a: Any, b: Any) -> bool:
    """Equal as stored: numbers within rounding, empty text as no text, lists in any order."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return abs(float(a) - float(b)) < 1e-9
    return as_text(a if a != "" else None) == as_text(b if b != "" else None)


def _diff(kind_items: list[Item], current: dict[str, dict], fields: tuple[str, ...], key=None) -> list[Change]:
    out = []
    for item in kind_items:
        k = key(item.values) if key else _key(item.name)
        now = current.get(k)
        name = item.name if not key else f"{item.values['indicator']} {item.values['period']} ({item.values['geo']})"
        if now is None:
            out.append(Change("ny", name, item.values, row=item.row))
            continue
        changed = {f: (now.get(f), item.values[f]) for f in fields if not _same(now.get(f), item.values[f])}
        out.append(Change("endret" if changed else "uendret", name, item.values, now.get("id"), now.get("version"),
                          changed, item.row))
    return out


def _services(plan: ImportPlan, stored: list[str]) -> tuple[list[Item], list[str]]:
    """The tiltak with their services spelt as stored (or as first written in the file), and the new services."""
    spelling = {name_key(s): s for s in stored}
    new: list[str] = []
    tiltak = []
    for item in plan.tiltak:
        names = []
        for service in item.values["services"]:
            key = name_key(service)
            if key not in spelling:
                spelling[key] = service
                new.append(service)
            if spelling[key] not in names:
                names.append(spelling[key])
        tiltak.append(Item(item.row, {**item.values, "services": names}))
    return tiltak, sorted(new)


def compare(plan: ImportPlan, existing: Existing) -> Changes:
    """Match tiltak, arenas and indicators by name (and values by indicator, period and geography)."""
    tiltak = {_key(r["name"]): r for r in existing.tiltak.iter_rows(named=True)}
    arenas = {_key(r["name"]): r for r in existing.arenas.iter_rows(named=True)}
    indicators = {_key(r["name"]): {**r, "level": existing.level_by_label.get(r["level"] or "", None)}
                  for r in existing.indicators.iter_rows(named=True)}
    names = {r["id"]: _key(r["name"]) for r in existing.indicators.iter_rows(named=True)}
    values = {(names.get(r["indicator_id"], ""), r["period"], r["geo"]): r
              for r in existing.values.iter_rows(named=True)}
    file_names = {wb.TILTAK: {_key(t.name) for t in plan.tiltak}, wb.ARENAS: {_key(a.name) for a in plan.arenas},
                  wb.INDICATORS: {_key(i.name) for i in plan.indicators}}
    plan_tiltak, new_services = _services(plan, existing.services)

    def read(sheet: str, fields: tuple[str, ...]) -> tuple[str, ...]:
        """The fields the file has a column for: a missing column leaves the field as it is, never empties it."""
        return tuple(f for f in fields if f not in plan.absent.get(sheet, ()))

    return Changes(
        tiltak=_diff(plan_tiltak, tiltak, read(wb.TILTAK, TILTAK_FIELDS)),
        arenas=_diff(plan.arenas, arenas, read(wb.ARENAS, ARENA_FIELDS)),
        indicators=_diff(plan.indicators, indicators, read(wb.INDICATORS, INDICATOR_FIELDS)),
        values=_diff(plan.values, values, read(wb.VALUES, VALUE_FIELDS),
                     key=lambda v: (_key(v["indicator"]), v["period"], v["geo"])),
        new_services=new_services,
        new_factors=[f for f in plan.factors() if f not in set(existing.factors)],
        untouched={wb.TILTAK: len(set(tiltak) - file_names[wb.TILTAK]),
                   wb.ARENAS: len(set(arenas) - file_names[wb.ARENAS]),
                   wb.INDICATORS: len(set(indicators) - file_names[wb.INDICATORS])},
    )
