"""Source definitions for indicators fetched from SSB (PxWebApi v2) and FHI (Statistikk open API). Pure.

A definition says which table and which single category of every other dimension make up the indicator's
series, so that one answer gives one value per region and period. Answers are turned into the same
``ParsedFile`` the CSV import produces, so the preview and the write path are the CSV import's own.

Kommune numbers change (Stange 0417 → 3413 in 2020, Hedmark 04 → Innlandet 34): each geography has a list of
codes, current first. A series is joined across them: per period the first code with a number wins, and the
code used is kept with the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from data_access.domain.errors import LagetError, ValidationError
from data_access.domain.periods import PeriodError, parse_period, sort_key
from data_access.domain.validation import check_free_text, check_list_text
from data_access.domain.vocabulary import GEOS, UNITS
from data_access.formats.indicator_import import ParsedFile, ParsedRow, RowError
from data_access.formats.jsonstat import Dataset

KINDS = {"ssb": "SSB", "fhi": "FHI"}
TABLE_RE = re.compile(r"^\d{5}$")
CODE_RE = re.compile(r"^[0-9]{1,4}$")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
SAME_YEAR = re.compile(r"^(\d{4})_(\1)$")
DEFAULT_MARKER = ".."  # a cell with neither value nor status: not available


class SourceError(LagetError, ValueError):
    """A fetch failed or the answer does not fit the definition; the message is Norwegian and names the table.

    The one error of fetching figures: network, deadline, error answers and answers of the wrong shape alike,
    so ``refresh`` records it per indicator and the UI shows it the one way (``show_error``)."""


@dataclass(frozen=True)
class SourceDefinition:
    kind: str  # ssb | fhi
    table: str  # SSB: 5 digits; FHI: table id
    region_dim: str
    time_dim: str
    values: dict[str, str]  # every other dimension → its one category (SSB includes ContentsCode)
    source: str = ""  # FHI source id, e.g. "nokkel"
    time: str = "*"  # SSB value expression for the time dimension: *, top(10), from(2015)
    codelists: dict[str, str] = field(default_factory=dict)  # SSB: variable → codelist id
    regions: dict[str, list[str]] = field(default_factory=dict)  # override of the plan's codes
    unit: str | None = None
    decimals: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "ssb":
            return f"SSB tabell {self.table}"
        return f"FHI {self.source} tabell {self.table}"

    def expected_dims(self) -> set[str]:
        return {self.region_dim, self.time_dim, *self.values}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"table": self.table, "region_dim": self.region_dim, "time_dim": self.time_dim,
                               "values": dict(self.values)}
        if self.kind == "fhi":
            out["source"] = self.source
        else:
            out["time"] = self.time
            if self.codelists:
                out["codelists"] = dict(self.codelists)
        if self.regions:
            out["regions"] = {g: list(c) for g, c in self.regions.items()}
        if self.unit:
            out["unit"] = self.unit
        if self.decimals is not None:
            out["decimals"] = self.decimals
        return out


def _text(value: Any, what: str, pattern: re.Pattern[str] | None = None, field_: str = "source") -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(f"{what} må fylles ut.", field=field_)
    if pattern is not None and not pattern.match(text):
        raise ValidationError(f"{what} «{text}» har feil form.", field=field_)
    return text


def parse_regions(raw: Any, field_: str = "regions") -> dict[str, list[str]]:
    """``{"kommune": ["3413", "0417"], ...}``; codes are 1–4 digits, current first."""
    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError("Regionkodene må være en liste per geografi (kommune, fylke, land).", field=field_)
    out: dict[str, list[str]] = {}
    for geo, codes in raw.items():
        if geo not in GEOS:
            raise ValidationError(f"Ukjent geografi «{geo}». Bruk kommune, fylke eller land.", field=field_)
        items = [c.strip() for c in codes.split(",")] if isinstance(codes, str) else [str(c).strip() for c in codes]
        items = [c for c in items if c]
        for c in items:
            if not CODE_RE.match(c):
                raise ValidationError(f"Regionkoden «{c}» for {GEOS[geo].lower()} må være 1–4 sifre.", field=field_)
        if len(set(items)) != len(items):
            raise ValidationError(f"En regionkode står to ganger for {GEOS[geo].lower()}.", field=field_)
        if items:
            out[geo] = items
    return out


def parse_definition(kind: str, raw: Mapping[str, Any]) -> SourceDefinition:
    """Validate a stored or edited definition; raises ``ValidationError`` with a Norwegian message."""
    if kind not in KINDS:
        raise ValidationError("Velg SSB eller FHI som kilde.", field="kind")
    if not isinstance(raw, Mapping):
        raise ValidationError("Kildedefinisjonen må være et JSON-objekt.", field="definition")
    if kind == "ssb":
        table = _text(raw.get("table"), "SSB-tabellnummeret", TABLE_RE, "table")
        region_dim = _text(raw.get("region_dim", "Region"), "Regionvariabelen", NAME_RE, "region_dim")
        time_dim = _text(raw.get("time_dim", "Tid"), "Tidsvariabelen", NAME_RE, "time_dim")
        source = ""
    else:
        source = _text(raw.get("source"), "FHI-kilden", re.compile(r"^[A-Za-z0-9_-]{1,40}$"), "source")
        table = _text(raw.get("table"), "FHI-tabellnummeret", re.compile(r"^\d{1,8}$"), "table")
        region_dim = _text(raw.get("region_dim", "GEO"), "Geografidimensjonen", NAME_RE, "region_dim")
        time_dim = _text(raw.get("time_dim", "AAR"), "Årsdimensjonen", NAME_RE, "time_dim")
    values_raw = raw.get("values") or {}
    if not isinstance(values_raw, Mapping):
        raise ValidationError("Verdikodene må være én kode per variabel.", field="values")
    values: dict[str, str] = {}
    for dim, code in values_raw.items():
        dim_name = _text(dim, "Variabelnavnet", NAME_RE, "values")
        if isinstance(code, list | tuple):
            if len(code) != 1:
                raise ValidationError(f"Velg nøyaktig én kode for «{dim_name}», ellers blir serien tvetydig.",
                                      field="values")
            code = code[0]
        values[dim_name] = _text(code, f"Koden for «{dim_name}»", re.compile(r"^[^\s*?]{1,40}$"), "values")
    if {region_dim, time_dim} & set(values):
        raise ValidationError("Region og tid velges ikke som verdikoder; de hentes for hele serien.",
                              field="values")
    if kind == "ssb" and "ContentsCode" not in values:
        raise ValidationError("Oppgi statistikkvariabelen (ContentsCode) for SSB-tabellen.", field="values")
    time = str(raw.get("time") or "*").strip()
    if not re.match(r"^(\*|top\(\d{1,3}\)|from\(\d{4}[^)]*\)|\d{4}[-\w]*)$", time):
        raise ValidationError(f"Tidsutvalget «{time}» forstås ikke. Bruk *, top(10) eller from(2015).",
                              field="time")
    codelists_raw = raw.get("codelists") or {}
    codelists = {_text(k, "Variabelnavnet", NAME_RE, "codelists"):
                 _text(v, "Kodelisten", re.compile(r"^[A-Za-z0-9_-]{1,60}$"), "codelists")
                 for k, v in codelists_raw.items()} if isinstance(codelists_raw, Mapping) else {}
    unit = raw.get("unit") or None
    if unit is not None and unit not in UNITS:
        raise ValidationError(f"Ukjent enhet «{unit}».", field="unit")
    decimals = raw.get("decimals")
    if decimals not in (None, ""):
        try:
            decimals = int(decimals)
        except (TypeError, ValueError):
            raise ValidationError("Antall desimaler må være et helt tall fra 0 til 6.", field="decimals") from None
        if not 0 <= decimals <= 6:
            raise ValidationError("Antall desimaler må være et helt tall fra 0 til 6.", field="decimals")
    else:
        decimals = None
    defn = SourceDefinition(kind, table, region_dim, time_dim, values, source, time, codelists,
                            parse_regions(raw.get("regions")), unit, decimals)
    _guard(defn)
    return defn


GUARD_LABEL = "Kildedefinisjonen"


def _guard(defn: SourceDefinition) -> None:
    """The personal-data guard over every text of a definition (codes are free text the user types), and over
    each list of codes read as one text: an identity number never hides in a source either."""
    texts = [defn.table, defn.source, defn.region_dim, defn.time_dim, defn.time, *defn.values, *defn.values.values(),
             *defn.codelists, *defn.codelists.values(), *(c for codes in defn.regions.values() for c in codes)]
    for text in texts:
        check_free_text(text, GUARD_LABEL, max_length=200)
    for codes in [list(defn.values.values()), list(defn.values), *defn.regions.values()]:
        check_list_text(codes, GUARD_LABEL)


def all_codes(regions: Mapping[str, list[str]]) -> list[str]:
    seen: list[str] = []
    for geo in GEOS:
        for code in regions.get(geo, []):
            if code not in seen:
                seen.append(code)
    return seen


def ssb_body(defn: SourceDefinition, regions: Mapping[str, list[str]]) -> dict[str, Any]:
    """PxWebApi v2 POST body: one selection per variable (POST, because region lists make long URLs)."""
    selection = [{"variableCode": defn.region_dim, "valueCodes": all_codes(regions)},
                 {"variableCode": defn.time_dim, "valueCodes": [defn.time]}]
    selection += [{"variableCode": dim, "valueCodes": [code]} for dim, code in defn.values.items()]
    for item in selection:
        if item["variableCode"] in defn.codelists:
            item["codelist"] = defn.codelists[item["variableCode"]]
    return {"selection": selection}


def fhi_body(defn: SourceDefinition, regions: Mapping[str, list[str]]) -> dict[str, Any]:
    """FHI /data body in the shape /query gives: item filters for region and categories, all years."""
    dims = [{"code": defn.region_dim, "filter": "item", "values": all_codes(regions)},
            {"code": defn.time_dim, "filter": "all", "values": ["*"]}]
    dims += [{"code": dim, "filter": "item", "values": [code]} for dim, code in defn.values.items()]
    return {"dimensions": dims, "response": {"format": "json-stat2", "maxRowCount": 50000}}


def period_text(code: str) -> str:
    """FHI writes a single year as ``2021_2021``; everything else is read by ``parse_period``."""
    m = SAME_YEAR.match(code)
    return m.group(1) if m else code


def latest_period(codes: list[str]) -> str | None:
    """The latest of the source's period codes, as a Laget period label (None when none can be read)."""
    labels = []
    for code in codes:
        try:
            labels.append(parse_period(period_text(str(code))).label)
        except PeriodError:
            continue
    return max(labels, key=sort_key) if labels else None


def is_newer(source_period: str | None, held_period: str | None) -> bool:
    """True when the source has a later period than Laget holds («nye tall»)."""
    if not source_period:
        return False
    return held_period is None or sort_key(source_period) > sort_key(held_period)


MAX_MARKER = 5  # IndicatorValue.marker: SSB's «.», «..», «:», FHI's flags


def _number(value: Any, where: str) -> float | None:
    """A cell's value as a number, None when it has none. Text where a number belongs is an error for the
    indicator, never a missing-value marker: markers come from ``status`` (a «..» in ``value`` would otherwise
    hide a changed table as «not available» for every period)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise SourceError(f"{where}: verdien «{str(value)[:20]}» er tekst, ikke et tall. Ingenting er lagret.") \
                from None
    if not math.isfinite(number):
        raise SourceError(f"{where}: verdien «{value}» er ikke et endelig tall. Ingenting er lagret.")
    return number


def check_layout(defn: SourceDefinition, ds: Dataset) -> None:
    """Refuse an answer whose dimensions differ from the definition (the table was changed)."""
    got, expected = set(ds.ids), defn.expected_dims()
    if got != expected:
        extra, missing = sorted(got - expected), sorted(expected - got)
        parts = ([f"nye dimensjoner: {', '.join(extra)}"] if extra else []) + \
                ([f"mangler: {', '.join(missing)}"] if missing else [])
        raise SourceError(f"{defn.label} har endret oppbygning ({'; '.join(parts)}). Kildedefinisjonen må "
                          "rettes i indikatorregisteret. Ingenting er lagret.")
    for dim_id in defn.values:
        dim = ds.dimension(dim_id)
        if list(dim.codes) != [defn.values[dim_id]]:
            raise SourceError(f"{defn.label} svarte med {len(dim.codes)} kategorier for «{dim.label}», ventet "
                              f"bare «{defn.values[dim_id]}». Ingenting er lagret.")


def to_parsed(defn: SourceDefinition, ds: Dataset, regions: Mapping[str, list[str]]) \
        -> tuple[ParsedFile, dict[str, str]]:
    """The answer as the CSV import's ``ParsedFile`` plus the series → geography mapping for ``plan_import``."""
    check_layout(defn, ds)
    region_dim, time_dim = ds.dimension(defn.region_dim), ds.dimension(defn.time_dim)
    metric_dims = ds.role("metric") or [d for d in defn.values if d in {"ContentsCode", "MEASURE_TYPE"}]
    metric = defn.values.get(metric_dims[0]) if metric_dims else None
    unit = ds.unit(metric) if metric else {}
    decimals = defn.decimals if defn.decimals is not None else unit.get("decimals")
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 10:
        decimals = None  # the source's own decimals only when they make sense
    cells = {(c.coords[defn.region_dim], c.coords[defn.time_dim]): c for c in ds.cells()}
    label = ds.dimension(metric_dims[0]).label_of(metric) if metric else ds.label
    out = ParsedFile(defn.kind, label or defn.label)
    mapping: dict[str, str] = {}
    line = 0
    for geo, codes in regions.items():
        present = [c for c in codes if c in region_dim.codes]
        if not present:
            if geo == "kommune":
                raise SourceError(f"{defn.label} har ingen tall for kommunenummer {', '.join(codes)}. "
                                  "Ingenting er lagret.")
            continue
        name = region_dim.label_of(present[0])
        for period_code in time_dim.codes:
            line += 1
            options = [cells[(c, period_code)] for c in present if (c, period_code) in cells]
            numbers = [_number(c.value, f"{defn.label}, {region_dim.label_of(c.coords[defn.region_dim])} "
                                        f"{time_dim.label_of(period_code)}") for c in options]
            pick = next((i for i, n in enumerate(numbers) if n is not None), 0 if options else None)
            if pick is None:
                continue
            chosen, value = options[pick], numbers[pick]
            code = chosen.coords[defn.region_dim]
            if value is not None and isinstance(decimals, int):
                value = round(value, decimals)
            marker = None if value is not None else (chosen.status or DEFAULT_MARKER)
            if marker is not None and len(marker) > MAX_MARKER:
                raise SourceError(f"{defn.label}: statusmerket «{marker[:20]}» for {time_dim.label_of(period_code)} "
                                  "er ikke et merke for manglende tall. Ingenting er lagret.")
            try:
                period = parse_period(period_text(period_code))
            except PeriodError as exc:
                out.errors.append(RowError(line, time_dim.label, f"{time_dim.label} «{period_code}»: {exc}"))
                continue
            row = ParsedRow(line, code, name, period, value, marker, (("Geografi", GEOS[geo]),))
            out.rows.append(row)
            mapping[row.series_key] = geo
    return out, mapping


def _pairs(text: str, what: str, field_: str) -> dict[str, str]:
    """``name=value`` lines (or ``;``-separated) into a dict; refuses lines without ``=``."""
    out: dict[str, str] = {}
    for part in re.split(r"[\n;]+", text or ""):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValidationError(f"{what}: «{part.strip()}» mangler «=». Skriv f.eks. Alder=00-17.", field=field_)
        name, value = part.split("=", 1)
        out[name.strip()] = value.strip()
    return out


def definition_from_form(*, table: str, source: str = "", values: str = "", time: str = "", regions: str = "",
                         unit: str | None = None, decimals: Any = None, region_dim: str = "",
                         time_dim: str = "") -> dict[str, Any]:
    """The registry form's text fields as a raw definition for ``parse_definition`` (which validates it)."""
    raw: dict[str, Any] = {"table": table.strip(), "values": _pairs(values, "Verdikoder", "values")}
    if source.strip():
        raw["source"] = source.strip()
    if time.strip():
        raw["time"] = time.strip()
    if regions.strip():
        raw["regions"] = _pairs(regions, "Regionkoder", "regions")
    if unit:
        raw["unit"] = unit
    if decimals not in (None, ""):
        raw["decimals"] = decimals
    if region_dim.strip():
        raw["region_dim"] = region_dim.strip()
    if time_dim.strip():
        raw["time_dim"] = time_dim.strip()
    return raw


def definition_to_form(raw: Mapping[str, Any]) -> dict[str, str]:
    """A stored definition as the registry form's text fields."""
    return {"table": str(raw.get("table", "")), "source": str(raw.get("source", "")),
            "values": "\n".join(f"{k}={v}" for k, v in (raw.get("values") or {}).items()),
            "time": str(raw.get("time", "")),
            "regions": "\n".join(f"{g}={','.join(c)}" for g, c in (raw.get("regions") or {}).items()),
            "region_dim": str(raw.get("region_dim", "")), "time_dim": str(raw.get("time_dim", ""))}
