"""Read a plan workbook (the export/template format) into an ``ImportPlan``: pure, no database.

Every cell goes through the same validators as the app's own writes (``tiltak_writes.normalize``,
``arena_writes.normalize_arena``, ``check_free_text``, ``parse_frequency`` via the arena rules, the indicator
value check), so an import cannot store what the screens would refuse. Every problem is collected with its
sheet, row and column, so a kommune can fix the whole file in one go. ``plan_import_compare`` then says what
the import would change in a plan.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from data_access.db.changelog import FIELD_LABELS
from data_access.domain.arenas import normalize_arena
from data_access.domain.indicators import check_value
from data_access.domain.validation import ValidationError, check_free_text, format_date
from data_access.domain.vocabulary import ARENA_LEVELS, BETTER, GEOS, LEVELS, STATUSES, UNITS
from data_access.formats import plan_workbook as wb
from data_access.reads.tiltak import Vocab, normalize

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
TRUE_WORDS = {"ja", "j", "x", "sann", "true", "1", "yes"}
FALSE_WORDS = {"nei", "n", "usann", "false", "0", "no"}
TILTAK_FIELDS = ("name", "description", "level", "status", "status_note", "services", "next_step", "next_evaluation",
                 "next_evaluation_is_example", "protective_factor", "archived")
ARENA_FIELDS = ("name", "level", "purpose", "leader", "participants", "frequency_text", "is_new", "start_date",
                "end_date", "retired")
INDICATOR_FIELDS = ("name", "description", "unit", "better", "source", "target_value", "target_year",
                    "target_is_example", "level")
VALUE_FIELDS = ("geo_name", "value", "source", "is_example")
LABELS = FIELD_LABELS | {"next_evaluation_is_example": "Evalueringsdato er eksempeldata", "retired": "Avviklet",
                         "unit": "Enhet", "better": "Retning", "source": "Kilde", "target_is_example":
                         "Mål er eksempeldata", "geo_name": "Sted", "is_example": "Eksempeldata"}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the Excel row number; 0 for the file or a whole sheet
    column: str
    message: str

    def text(self) -> str:
        where = self.sheet + (f", rad {self.row}" if self.row else "") + (f", kolonne «{self.column}»"
                                                                            if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Item:
    """One row that passed validation: its Excel row and its stored values."""

    row: int
    values: dict[str, Any]

    @property
    def name(self) -> str:
        return self.values.get("name") or self.values.get("indicator", "")


@dataclass
class ImportPlan:
    tiltak: list[Item] = field(default_factory=list)
    arenas: list[Item] = field(default_factory=list)
    indicators: list[Item] = field(default_factory=list)
    values: list[Item] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def services(self) -> list[str]:
        return sorted({s for t in self.tiltak for s in t.values["services"]})

    def factors(self) -> list[str]:
        return list(dict.fromkeys(t.values["protective_factor"] for t in self.tiltak
                                  if t.values["protective_factor"]))

    def counts(self) -> pl.DataFrame:
        """Tiltak per level (rows) and status (columns), for the preview."""
        labels = {slug: label for slug, label, _ in STATUSES}
        rows = Counter((t.values["level"], t.values["status"]) for t in self.tiltak)
        data = [{"Nivå": label, **{labels[s]: rows.get((slug, s), 0) for s, _, _ in STATUSES}}
                for slug, label, _, _ in LEVELS]
        return pl.DataFrame(data).with_columns(pl.sum_horizontal(list(labels.values())).alias("I alt"))

    def frequencies(self) -> pl.DataFrame:
        """Each arena's frequency as written and as Laget understood it."""
        from data_access.domain.arenas import arena_frequency

        rows = [(a.values["name"], a.values["frequency_text"],
                 (f.label() if (f := arena_frequency(a.values["frequency"])) else "Ingen faste møter (ikke oppgitt)"))
                for a in self.arenas]
        return pl.DataFrame(rows, schema=["Møtearena", "Hyppighet i filen", "Laget forstår"], orient="row")

    def error_frame(self) -> pl.DataFrame:
        return pl.DataFrame([(e.sheet, e.row or None, e.column, e.message) for e in self.errors],
                            schema={"Ark": pl.String, "Rad": pl.Int64, "Kolonne": pl.String, "Feil": pl.String},
                            orient="row")


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


class _Refused(Exception):
    """A cell that cannot be read as its column's kind; the message is Norwegian."""


def _cell(value: Any, kind: str) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            value = None
    if kind in {"text", "list"}:
        if value is None:
            return [] if kind == "list" else ""
        text = format_date(value) if isinstance(value, date) else (
            str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        if kind == "list":
            return [p.strip() for p in text.replace("\n", ";").split(";") if p.strip()]
        return text
    if value is None:
        return False if kind == "bool" else None
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            raise _Refused(f"«{value}» er skrevet som tekst, ikke som dato. Skriv datoen som en dato i Excel "
                           "(dd.mm.åååå).")
        raise _Refused(f"«{value}» er ikke en dato.")
    if kind in {"number", "int"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Refused(f"«{value}» er tekst, ikke et tall. Skriv tallet som et tall i Excel.")
        if kind == "int":
            if float(value) != int(value):
                raise _Refused(f"«{value}» må være et helt tall.")
            return int(value)
        return float(value)
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _Refused(f"«{value}»: skriv Ja eller Nei.")


def _open(data: bytes, errors: list[RowError]):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if len(data) > MAX_BYTES:
        errors.append(RowError("Filen", 0, "", f"Filen er for stor ({len(data) // 1_000_000} MB). Laget tar "
                                               f"høyst {MAX_BYTES // 1_000_000} MB."))
        return None
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        errors.append(RowError("Filen", 0, "", "Filen er ikke en Excel-arbeidsbok (.xlsx). Last ned malen under "
                                               "Administrasjon, fyll den ut og last den opp igjen."))
        return None


def _rows(ws, sheet: str, plan: ImportPlan) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's non-empty rows as {field: raw value}; structural problems become errors."""
    columns = wb.COLUMNS[sheet]
    if ws.max_row - 1 > MAX_ROWS:  # formatted but empty rows do not count
        filled = sum(1 for values in ws.iter_rows(min_row=2, values_only=True)
                     if any(v is not None and str(v).strip() for v in values))
        if filled > MAX_ROWS:
            plan.errors.append(RowError(sheet, 0, "", f"Arket har {filled:,} rader; Laget tar høyst "
                                                      f"{MAX_ROWS:,} per ark.".replace(",", " ")))
            return []
    for merged in ws.merged_cells.ranges:
        plan.errors.append(RowError(sheet, merged.min_row, "", f"Sammenslåtte celler ({merged.coord}). Del dem opp "
                                                               "igjen (Flett og midtstill av)."))
    header = [str(c.value).strip() if c.value is not None else "" for c in next(ws.iter_rows(max_row=1), [])]
    position: dict[str, int] = {}
    for col in columns:
        if col.header in header:
            position[col.field] = header.index(col.header)
        elif col.required:
            plan.errors.append(RowError(sheet, 1, col.header, f"Kolonnen «{col.header}» mangler. Gi ikke "
                                                              "kolonneoverskriftene nye navn."))
    known = {c.header for c in columns}
    extra = [h for h in header if h and h not in known]
    if extra:
        plan.notes.append(f"{sheet}: kolonnene {', '.join(f'«{h}»' for h in extra)} er ukjente og blir ikke lest.")
    if any(col.required and col.field not in position for col in columns):
        return []
    out, empty = [], []
    for cells in ws.iter_rows(min_row=2):
        number = cells[0].row
        if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
            empty.append(number)
            continue
        raw: dict[str, Any] = {}
        for col in columns:
            i = position.get(col.field)
            cell = cells[i] if i is not None and i < len(cells) else None
            if cell is not None and cell.data_type == "f":
                plan.errors.append(RowError(sheet, number, col.header, "Cellen inneholder en formel. Lim inn "
                                                                       "verdiene i stedet (Lim inn utvalg → Verdier)."))
                raw[col.field] = None
                continue
            try:
                raw[col.field] = _cell(cell.value if cell is not None else None, col.kind)
            except _Refused as exc:
                plan.errors.append(RowError(sheet, number, col.header, str(exc)))
                raw[col.field] = _cell(None, col.kind)
        out.append((number, raw))
    tail = [n for n in empty if n > (out[-1][0] if out else 1)]
    inside = [n for n in empty if n not in tail]
    if inside:
        plan.notes.append(f"{sheet}: tomme rader hoppes over ({', '.join(map(str, inside[:10]))}"
                          f"{' …' if len(inside) > 10 else ''}).")
    return out


def _header(sheet: str, field_name: str) -> str:
    return next((c.header for c in wb.COLUMNS[sheet] if c.field == field_name), field_name)


def _vocab(level_labels: dict[str, str], services: list[str], factors: list[str]) -> Vocab:
    """A plan's vocabulary without a database: services and factors in the file are all allowed (they are
    created), levels by the plan's labels, the standard names or the colour words."""
    by_label = {label.casefold(): slug for slug, label, _, _ in LEVELS}
    by_label |= {word.casefold(): slug for slug, _, word, _ in LEVELS}
    by_label |= {label.casefold(): slug for slug, label in level_labels.items()}
    return Vocab(statuses={slug: i for i, (slug, _, _) in enumerate(STATUSES)},
                 status_by_label={label.casefold(): slug for slug, label, _ in STATUSES},
                 levels={slug: i for i, (slug, _, _, _) in enumerate(LEVELS)}, level_by_label=by_label,
                 services={s: 0 for s in services}, factors={f: 0 for f in factors})


def _unique(plan: ImportPlan, sheet: str, items: list[Item], column: str) -> list[Item]:
    seen: dict[str, int] = {}
    kept = []
    for item in items:
        k = _key(item.name)
        if k in seen:
            plan.errors.append(RowError(sheet, item.row, column, f"«{item.name}» står også på rad {seen[k]}. "
                                                                 "Navnene må være unike."))
        else:
            seen[k] = item.row
            kept.append(item)
    return kept


def _tiltak(plan: ImportPlan, rows: list[tuple[int, dict]], level_labels: dict[str, str]) -> None:
    sheet = wb.TILTAK
    services = sorted({s for _, r in rows for s in r["services"]})
    factors = list(dict.fromkeys(r["protective_factor"] for _, r in rows if r["protective_factor"]))
    vocab = _vocab(level_labels, services, factors)
    items = []
    for number, raw in rows:
        bad = len(plan.errors)
        for name in ("level", "status"):  # an empty name gets normalize's own message
            if not raw[name]:
                plan.errors.append(RowError(sheet, number, _header(sheet, name), "Må fylles ut."))
        fields = {k: raw[k] for k in ("name", "description", "level", "status", "status_note", "services",
                                      "next_step", "next_evaluation", "protective_factor")}
        values, errs = normalize({k: v for k, v in fields.items() if k not in {"level", "status"} or v}, vocab,
                                 tiltak_name=raw["name"])
        hint = (f" Bruk {', '.join(sorted({*level_labels.values()} | {lb for _, lb, _, _ in LEVELS}))}, eller oppgi "
                "planens egne navn på nivåene ved importen.")
        plan.errors += [RowError(sheet, number, _header(sheet, e.field), e.message + (hint if e.field == "level"
                                                                                       else "")) for e in errs]
        for what, limit, items_ in (("services", 150, raw["services"]), ("protective_factor", 200,
                                                                         [raw["protective_factor"]])):
            for text in items_:
                try:
                    check_free_text(text, _header(sheet, what), max_length=limit)
                except ValidationError as exc:
                    plan.errors.append(RowError(sheet, number, _header(sheet, what), str(exc)))
        if len(plan.errors) == bad:
            items.append(Item(number, {**values, "next_evaluation_is_example": raw["next_evaluation_is_example"],
                                       "archived": raw["archived"]}))
    plan.tiltak = _unique(plan, sheet, items, "Tiltak")


def _arenas(plan: ImportPlan, rows: list[tuple[int, dict]]) -> None:
    sheet = wb.ARENAS
    by_label = {label.casefold(): slug for slug, label in ARENA_LEVELS.items()} | {s: s for s in ARENA_LEVELS}
    items = []
    for number, raw in rows:
        bad = len(plan.errors)
        for name in ("level", "name"):
            if not raw[name]:
                plan.errors.append(RowError(sheet, number, _header(sheet, name), "Må fylles ut."))
        fields = {k: raw[k] for k in ARENA_FIELDS if k != "retired"}
        fields["level"] = by_label.get(raw["level"].casefold(), raw["level"])
        for name, value in fields.items():  # one field at a time, so every bad cell is reported
            if name in {"name", "level"} and not value:
                continue
            try:
                normalize_arena({name: value})
            except ValidationError as exc:
                plan.errors.append(RowError(sheet, number, _header(sheet, name), str(exc)))
        if len(plan.errors) == bad:
            try:
                items.append(Item(number, {**normalize_arena(fields), "retired": raw["retired"]}))
            except ValidationError as exc:
                plan.errors.append(RowError(sheet, number, _header(sheet, exc.field or ""), str(exc)))
    plan.arenas = _unique(plan, sheet, items, "Møtearena")


def _indicators(plan: ImportPlan, rows: list[tuple[int, dict]], level_labels: dict[str, str]) -> None:
    sheet = wb.INDICATORS
    units = {v.casefold(): k for k, v in UNITS.items()} | {k: k for k in UNITS}
    betters = {v.casefold(): k for k, v in BETTER.items()} | {k: k for k in BETTER} | {"lavere": "lower",
                                                                                       "høyere": "higher"}
    vocab = _vocab(level_labels, [], [])
    items = []
    for number, raw in rows:
        errors: list[RowError] = []

        def err(name: str, message: str, number: int = number, errors: list = errors) -> None:
            errors.append(RowError(sheet, number, _header(sheet, name), message))

        if not raw["name"]:
            err("name", "Må fylles ut.")
        for name, label, limit in (("name", "Navn", 200), ("description", "Beskrivelse", 2000),
                                   ("source", "Kilde", 300)):
            try:
                check_free_text(raw[name], label, max_length=limit)
            except ValidationError as exc:
                err(name, str(exc))
        unit = units.get(raw["unit"].casefold())
        if unit is None:
            err("unit", f"Ukjent enhet «{raw['unit']}». Velg en av: {', '.join(UNITS.values())}.")
        better = betters.get(raw["better"].casefold())
        if better is None:
            err("better", f"Ukjent retning «{raw['better']}». Velg en av: {', '.join(BETTER.values())}.")
        year = raw["target_year"]
        if year is not None and not 2000 <= year <= 2100:
            err("target_year", "Målåret må være et årstall, f.eks. 2026.")
        if raw["target_value"] is not None and year is None:
            err("target_year", "Oppgi hvilket år målet gjelder.")
        level = None
        if raw["level"]:
            level = raw["level"] if raw["level"] in vocab.levels else vocab.level_by_label.get(raw["level"].casefold())
            if level is None:
                err("level", f"Ukjent nivå «{raw['level']}».")
        plan.errors += errors
        if not errors:
            items.append(Item(number, {"name": raw["name"], "description": raw["description"], "unit": unit,
                                       "better": better, "source": raw["source"],
                                       "target_value": raw["target_value"], "target_year": year,
                                       "target_is_example": raw["target_is_example"], "level": level}))
    plan.indicators = _unique(plan, sheet, items, "Indikator")


def _values(plan: ImportPlan, rows: list[tuple[int, dict]], indicator_names: set[str]) -> None:
    sheet = wb.VALUES
    geos = {v.casefold(): k for k, v in GEOS.items()} | {k: k for k in GEOS} | {"land": "land", "norge": "land"}
    seen: dict[tuple[str, str, str], int] = {}
    for number, raw in rows:
        errors: list[RowError] = []
        if _key(raw["indicator"]) not in indicator_names:
            errors.append(RowError(sheet, number, "Indikator", f"Indikatoren «{raw['indicator']}» finnes ikke i "
                                                               "arket Indikatorer."))
        geo = geos.get(raw["geo"].casefold())
        if geo is None:
            errors.append(RowError(sheet, number, "Geografi", f"Ukjent geografi «{raw['geo']}». Velg en av: "
                                                              f"{', '.join(GEOS.values())}."))
        label = raw["period"]
        try:
            label = check_value(raw["period"], geo or "kommune", raw["value"], raw["source"], raw["geo_name"])
        except ValidationError as exc:
            column = {"period": "Periode", "value": "Verdi", "Kilde": "Kilde", "Sted": "Sted"}.get(exc.field or "",
                                                                                               "Periode")
            errors.append(RowError(sheet, number, column, str(exc)))
        key = (_key(raw["indicator"]), label, geo or "")
        if not errors and key in seen:
            errors.append(RowError(sheet, number, "Periode", f"{raw['indicator']} {label} ({raw['geo']}) står også "
                                                             f"på rad {seen[key]}."))
        plan.errors += errors
        if not errors:
            seen[key] = number
            plan.values.append(Item(number, {"indicator": raw["indicator"], "period": label, "geo": geo,
                                             "geo_name": raw["geo_name"], "value": raw["value"],
                                             "source": raw["source"], "is_example": raw["is_example"]}))


def read_workbook(data: bytes, *, level_labels: dict[str, str] | None = None) -> ImportPlan:
    """Parse and validate a plan workbook. ``level_labels`` are the target plan's own names for the levels."""
    plan = ImportPlan()
    book = _open(data, plan.errors)
    if book is None:
        return plan
    names = book.sheetnames
    missing = [s for s in wb.IMPORTED if s not in names]
    unknown = [s for s in names if s not in (*wb.SHEET_ORDER, wb.GUIDE)]
    for sheet in missing:
        hint = f" Arkene {', '.join(f'«{u}»' for u in unknown)} er ukjente; har et ark fått nytt navn?" \
            if unknown else ""
        plan.errors.append(RowError(sheet, 0, "", f"Arket «{sheet}» mangler. Arkene må hete "
                                                  f"{', '.join(wb.IMPORTED)}.{hint}"))
    if unknown and not missing:
        plan.notes.append(f"Arkene {', '.join(f'«{u}»' for u in unknown)} er ukjente og blir ikke lest.")
    rows = {s: _rows(book[s], s, plan) for s in wb.IMPORTED if s in names}
    labels = level_labels or {}
    _tiltak(plan, rows.get(wb.TILTAK, []), labels)
    _arenas(plan, rows.get(wb.ARENAS, []))
    _indicators(plan, rows.get(wb.INDICATORS, []), labels)
    _values(plan, rows.get(wb.VALUES, []), {_key(r["name"]) for _, r in rows.get(wb.INDICATORS, [])})
    plan.errors.sort(key=lambda e: (wb.SHEET_ORDER.index(e.sheet) if e.sheet in wb.SHEET_ORDER else -1, e.row))
    return plan
