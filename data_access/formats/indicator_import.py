"""Reading indicator files as users download them from SSB, FHI and Skoleporten (Udir). Pure: bytes in,
rows and Norwegian errors out; nothing is written here.

- SSB statistikkbanken: ``;``-separated and quoted, an optional title line, Latin-1 or UTF-8, decimal comma,
  ``region`` and ``år``/``tid`` columns, the value column named after the table; long or wide (one column per year).
- FHI statistikkbank / Folkehelsestatistikk: UTF-8 with BOM, ``,`` or ``;``, ``GEO``/``AAR`` codes or labelled
  columns (``Geografi``, ``År``), year spans such as ``2020_2022``.
- Skoleporten: ``;``-separated, ``Periode`` such as ``2015-2016``, ``Verdi``, ``Måleenhet``, ``.`` when hidden.

Missing-value markers (``.``, ``..``, ``...``, ``:``, ``-`` and empty) are never read as zero.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from data_access.domain.errors import LagetError
from data_access.domain.indicators import LAND_NAMES, place_name
from data_access.domain.periods import Period, PeriodError, parse_period

MISSING = {"", ".", "..", "...", ":", "-", "–"}
SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator", "|": "loddrett strek"}
REGION_RE = re.compile(r"^\s*(?:[KF]-)?(\d{1,4})\s+(.+?)\s*$")
WIDE_RE = re.compile(r"^(.*?)\s*((?:19|20)\d{2}(?:\s*[-/_–]\s*\d{2,4})?)\s*$")
FHI_MEASURES = ("meis", "rate", "smr", "teller", "andel", "verdi", "måltall", "maltall", "prosent", "antall")


class IndicatorImportError(LagetError, ValueError):
    """The whole file is unusable (encoding, separator, header); the message names line and column."""


@dataclass(frozen=True)
class RowError:
    line_no: int
    column: str
    message: str


@dataclass(frozen=True)
class ParsedRow:
    line_no: int
    region_code: str | None
    region_name: str
    period: Period
    value: float | None
    missing_marker: str | None
    dims: tuple[tuple[str, str], ...] = ()

    @property
    def series_key(self) -> str:
        parts = [self.region_name or self.region_code or "?"] + [f"{k}: {v}" for k, v in self.dims if v]
        return " · ".join(parts)


@dataclass(frozen=True)
class SeriesInfo:
    key: str
    region_code: str | None
    region_name: str
    geo_guess: str  # kommune | fylke | land
    rows: int
    values: int  # rows with a number (not a missing marker)
    first: str
    last: str


@dataclass
class ParsedFile:
    format: str  # ssb | fhi | udir
    value_label: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def series(self) -> list[SeriesInfo]:
        groups: dict[str, list[ParsedRow]] = {}
        for r in self.rows:
            groups.setdefault(r.series_key, []).append(r)
        out = []
        for key, rows in groups.items():
            periods = sorted(r.period for r in rows)
            first = rows[0]
            out.append(SeriesInfo(key, first.region_code, first.region_name,
                                  guess_geo(first.region_code, first.region_name), len(rows),
                                  sum(r.value is not None for r in rows), periods[0].label, periods[-1].label))
        return out


def guess_geo(code: str | None, name: str) -> str:
    """Kommune (4 digits), fylke (2 digits) or land (0, or a name such as «Hele landet»)."""
    lowered = (name or "").strip().lower()
    if code in {"0", "00"} or lowered in LAND_NAMES or lowered.startswith("hele landet"):
        return "land"
    if code and len(code) <= 2:
        return "fylke"
    if "fylke" in lowered and not code:
        return "fylke"
    return "kommune"


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or Latin-1/Windows-1252; anything else is refused, not guessed."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4000]:
        raise IndicatorImportError("Linje 1: filen er lagret som UTF-16. Lagre den som CSV med tegnkoding "
                                   "UTF-8 eller Latin-1 og prøv igjen.")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise IndicatorImportError(f"Linje {line}: filen har en tegnkoding vi ikke kjenner igjen. Lagre den som "
                                   "CSV med tegnkoding UTF-8 eller Latin-1.") from exc


def parse_number(text: str) -> tuple[float | None, str | None]:
    """Value and missing marker; raises ValueError for text that is neither."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t in MISSING:
        return None, t
    if t.count(",") == 1 and "." in t and t.index(".") < t.index(","):  # 1.234,5
        t = t.replace(".", "")
    return float(t.replace(",", ".")), None


def _header_index(lines: list[str]) -> int:
    for i, line in enumerate(lines[:10]):
        stripped = line.strip()
        if not stripped:
            continue
        if any(sep in stripped for sep in SEPARATORS) and len(next(csv.reader([stripped], delimiter=_sep(stripped))))\
                > 1:
            return i
    raise IndicatorImportError("Linje 1: fant ingen overskriftslinje med kolonner. Er dette en CSV-fil?")


def _sep(line: str) -> str:
    """The separator used most often outside quoted fields."""
    bare = re.sub(r'"[^"]*"', "", line)
    counts = {sep: bare.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda s: counts[s])


def _norm(name: str) -> str:
    return name.strip().strip('"').strip().lower()


def _find(header: list[str], *names: str) -> int | None:
    lowered = [_norm(h) for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def detect_format(header: list[str]) -> str:
    if _find(header, "periode") is not None and _find(header, "verdi") is not None:
        return "udir"
    if _find(header, "geo") is not None and _find(header, "aar", "år") is not None:
        return "fhi"
    if _find(header, "geografi") is not None and _find(header, "år", "aar") is not None:
        return "fhi"
    if _find(header, "region") is not None:
        return "ssb"
    raise IndicatorImportError(
        f"Linje {{line}}: kjenner ikke igjen kolonnene ({', '.join(h.strip() for h in header)}). Forventet en fil "
        "fra SSB (region; år; …), FHI (GEO, AAR, … eller Geografi, År, …) eller Skoleporten (Periode; Verdi; …).")


def parse_file(raw: bytes, filename: str = "") -> ParsedFile:
    """Parse a whole file; row problems are collected in ``errors``, file problems raise (in Norwegian)."""
    try:
        return _parse_file(raw, filename)
    except csv.Error as exc:  # Python's csv module speaks English; the user gets the cause in Norwegian
        limit = f"{csv.field_size_limit():,}".replace(",", " ")
        if "field larger than field limit" in str(exc):
            raise IndicatorImportError(f"Filen har et felt som er lengre enn {limit} tegn, så den kan ikke leses. "
                                       "Er det et anførselstegn (\") som ikke er lukket? Ingenting er importert."
                                       ) from None
        raise IndicatorImportError("Filen kan ikke leses som CSV (et felt er ikke avsluttet riktig). "
                                   "Ingenting er importert.") from None


def _parse_file(raw: bytes, filename: str) -> ParsedFile:
    text = decode(raw)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise IndicatorImportError("Filen er tom.")
    h = _header_index(lines)
    header_line = lines[h]
    sep = _sep(header_line)
    if sep in {"\t", "|"}:
        raise IndicatorImportError(f"Linje {h + 1}: filen bruker {SEPARATORS[sep]} som skilletegn. Forventet "
                                   "semikolon (;) eller komma (,), slik SSB, FHI og Skoleporten lagrer CSV.")
    reader = csv.reader(io.StringIO("\n".join(lines[h:])), delimiter=sep, quotechar='"')
    header = [c.strip() for c in next(reader)]
    try:
        fmt = detect_format(header)
    except IndicatorImportError as exc:
        raise IndicatorImportError(str(exc).replace("{line}", str(h + 1))) from None
    body = ((h + 2 + i, row) for i, row in enumerate(reader))
    if fmt == "udir":
        parsed = _parse_udir(header, body)
    elif fmt == "fhi":
        parsed = _parse_fhi(header, body)
    else:
        parsed = _parse_ssb(header, body)
    _check_duplicates(parsed)
    return parsed


def _region(text: str) -> tuple[str | None, str]:
    m = REGION_RE.match(text)
    if m:
        return m.group(1), m.group(2)
    return None, text.strip()


def _add(out: ParsedFile, line_no: int, column: str, region: tuple[str | None, str], period_text: str,
         period_column: str, value_text: str, dims: tuple[tuple[str, str], ...]) -> None:
    try:
        period = parse_period(period_text)
    except PeriodError as exc:
        out.errors.append(RowError(line_no, period_column, f"Linje {line_no}, kolonne «{period_column}»: {exc}"))
        return
    try:
        value, marker = parse_number(value_text)
    except ValueError:
        out.errors.append(RowError(line_no, column, f"Linje {line_no}, kolonne «{column}»: «{value_text.strip()}» "
                                                    "er ikke et tall."))
        return
    out.rows.append(ParsedRow(line_no, region[0], region[1], period, value, marker, dims))


def _short_row(out: ParsedFile, line_no: int, row: list[str], width: int) -> bool:
    if not any(c.strip() for c in row):
        return True  # blank line (SSB adds footnotes after one)
    if len(row) < width:
        out.errors.append(RowError(line_no, "", f"Linje {line_no}: har {len(row)} kolonner, overskriften har "
                                                f"{width}."))
        return True
    return False


def _parse_udir(header: list[str], body) -> ParsedFile:
    period_i = _find(header, "periode")
    value_i = _find(header, "verdi")
    name_i = _find(header, "enhetsnavn", "kommunenavn", "fylkesnavn", "navn")
    code_i = _find(header, "kommunenummer", "fylkesnummer", "organisasjonsnummer", "enhetsnummer")
    unit_i = _find(header, "måleenhet")
    skip = {i for i in (period_i, value_i, name_i, code_i, unit_i) if i is not None}
    dim_cols = [i for i in range(len(header)) if i not in skip]
    out = ParsedFile("udir", header[value_i])
    for line_no, row in body:
        if _short_row(out, line_no, row, len(header)):
            continue
        name = row[name_i].strip() if name_i is not None else "Skoleporten"
        code = row[code_i].strip() if code_i is not None else None
        dims = tuple((header[i], row[i].strip()) for i in dim_cols if row[i].strip())
        if unit_i is not None and row[unit_i].strip():
            dims += (("Måleenhet", row[unit_i].strip()),)
        _add(out, line_no, header[value_i], (code, name), row[period_i], header[period_i], row[value_i], dims)
    return out


def _parse_fhi(header: list[str], body) -> ParsedFile:
    geo_i = _find(header, "geo", "geografi")
    year_i = _find(header, "aar", "år")
    lowered = [_norm(h) for h in header]
    value_i = next((lowered.index(m) for m in FHI_MEASURES if m in lowered), None)
    if value_i is None:
        value_i = len(header) - 1
    label_i = _find(header, "geografi") if _norm(header[geo_i]) == "geo" else None
    skip = {geo_i, year_i, value_i} | ({label_i} if label_i is not None else set())
    flag_cols = {i for i, h in enumerate(lowered) if h.startswith(("flagg", "spvflagg", "prikk"))}
    measure_cols = {i for i, h in enumerate(lowered) if h in FHI_MEASURES}
    dim_cols = [i for i in range(len(header)) if i not in skip | flag_cols | measure_cols]
    out = ParsedFile("fhi", header[value_i])
    for line_no, row in body:
        if _short_row(out, line_no, row, len(header)):
            continue
        geo = row[geo_i].strip()
        code, name = (geo, row[label_i].strip()) if label_i is not None else _region(geo)
        if code is None and geo.isdigit():
            code, name = geo, geo
        if label_i is None and geo.isdigit():
            name = {"0": "Hele landet"}.get(geo, geo)
        dims = tuple((header[i], row[i].strip()) for i in dim_cols if row[i].strip())
        value = row[value_i]
        if flag_cols and any(row[i].strip() not in {"", "0"} for i in flag_cols) and not value.strip():
            value = ":"
        _add(out, line_no, header[value_i], (code, name), row[year_i], header[year_i], value, dims)
    return out


def _parse_ssb(header: list[str], body) -> ParsedFile:
    region_i = _find(header, "region")
    year_i = _find(header, "år", "tid", "aar")
    if year_i is not None:  # long: one value column, the last that is neither region, year nor a dimension
        value_i = len(header) - 1
        skip = {region_i, year_i, value_i}
        dim_cols = [i for i in range(len(header)) if i not in skip]
        out = ParsedFile("ssb", header[value_i])
        for line_no, row in body:
            if _short_row(out, line_no, row, len(header)):
                continue
            dims = tuple((header[i], row[i].strip()) for i in dim_cols if row[i].strip())
            _add(out, line_no, header[value_i], _region(row[region_i]), row[year_i], header[year_i],
                 row[value_i], dims)
        return out
    wide = {i: WIDE_RE.match(h) for i, h in enumerate(header) if i != region_i}
    year_cols = {i: m.group(2).replace(" ", "") for i, m in wide.items() if m}
    if not year_cols:
        raise IndicatorImportError("Linje 1: fant verken en «år»-kolonne eller kolonner med årstall i navnet "
                                   "(som «Andel barn (prosent) 2021»).")
    dim_cols = [i for i in range(len(header)) if i != region_i and i not in year_cols]
    label = wide[next(iter(year_cols))].group(1) or "Verdi"
    out = ParsedFile("ssb", label)
    for line_no, row in body:
        if _short_row(out, line_no, row, len(header)):
            continue
        region = _region(row[region_i])
        dims = tuple((header[i], row[i].strip()) for i in dim_cols if row[i].strip())
        for i, period in year_cols.items():
            _add(out, line_no, header[i], region, period, header[i], row[i], dims)
    return out


def _check_duplicates(parsed: ParsedFile) -> None:
    seen: dict[tuple, int] = {}
    for r in parsed.rows:
        key = (r.series_key, r.period.label)
        if key in seen:
            parsed.errors.append(RowError(r.line_no, "", f"Linje {r.line_no}: perioden {r.period.label} for "
                                                         f"{r.series_key} står allerede på linje {seen[key]}."))
        else:
            seen[key] = r.line_no


@dataclass(frozen=True)
class ValueRow:
    period: str
    geo: str
    geo_name: str
    value: float | None
    source: str
    marker: str | None = None  # the source's missing-value marker when value is None
    region_code: str | None = None  # the region code the value was published under


def plan_import(parsed: ParsedFile, mapping: Mapping[str, str], source: str) -> list[ValueRow]:
    """The rows to write: for each chosen series (series key → geo), its periods. Pure.

    Refuses when the file has row errors (all or nothing), when two chosen series map to the same geography
    and period, or when nothing would be written.
    """
    if parsed.errors:
        raise IndicatorImportError(f"Filen har {len(parsed.errors)} feil. Rett dem før du importerer: "
                                   + parsed.errors[0].message)
    chosen = {k: v for k, v in mapping.items() if v}
    bad = {v for v in chosen.values() if v not in {"kommune", "fylke", "land"}}
    if bad:
        raise IndicatorImportError(f"Ukjent geografi: {', '.join(sorted(bad))}.")
    out: dict[tuple[str, str], tuple[ValueRow, int]] = {}
    for r in parsed.rows:
        geo = chosen.get(r.series_key)
        if geo is None:
            continue
        key = (r.period.label, geo)
        if key in out:
            raise IndicatorImportError(f"Linje {r.line_no}: {r.period.label} for {geo} kommer også fra linje "
                                       f"{out[key][1]}. Velg bare én serie per geografi.")
        out[key] = (ValueRow(r.period.label, geo, place_name(geo, r.region_name), r.value, source, r.missing_marker,
                             r.region_code), r.line_no)
    if not out:
        raise IndicatorImportError("Velg minst én serie og hvilken geografi den gjelder.")
    return [row for row, _ in out.values()]


@dataclass(frozen=True)
class Replacement:
    """What a planned row does to the value Laget holds for its period and geography."""

    kind: str  # ny | erstatter | uendret
    old_value: float | None = None
    old_marker: str | None = None
    old_example: bool = False


def against_existing(planned: list[ValueRow], existing: Iterable[Mapping]) -> list[Replacement]:
    """For each planned row: new, replacing a value Laget holds (value, marker or example flag differ), or
    unchanged. ``existing`` are the indicator's stored values (period, geo, value, marker, is_example). Pure."""
    held = {(e["period"], e["geo"]): e for e in existing}
    out = []
    for row in planned:
        old = held.get((row.period, row.geo))
        if old is None:
            out.append(Replacement("ny"))
            continue
        same = (old["value"] == row.value and (old["marker"] or None) == (row.marker if row.value is None else None)
                and not old["is_example"])
        out.append(Replacement("uendret" if same else "erstatter", old["value"], old["marker"],
                               bool(old["is_example"])))
    return out
