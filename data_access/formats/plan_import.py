"""Read a plan workbook (the export/template format) into an ``ImportPlan``: pure, no database.

Every cell goes through the same validators as the app's own writes (``tiltak_writes.normalize``,
``arena_writes.normalize_arena``, ``check_free_text``, ``parse_frequency`` via the arena rules, the indicator
value check), so an import cannot store what the screens would refuse. Every problem is collected with its
sheet, row and column, so a kommune can fix the whole file in one go. ``plan_import_compare`` then says what
the import would change in a plan.

An upload is an untrusted zip: ``workbook_refusal`` checks the sizes the archive declares (compressed, unpacked,
compression ratio, number of parts) before anything is unpacked, the parts read whole have limits of their own
(``_Book``), and the sheets are streamed cell by cell (``_Stream``), stopping at ``MAX_ROWS`` filled rows, so a
small file that unpacks to gigabytes is refused in milliseconds instead of being parsed into memory
(``benchmarks/bench_excel.py``). Only the four imported sheets are read; Møter and Endringslogg never are.

A column is read only if the sheet has it: a missing optional column means "not in this file" and leaves that
field as it is in rows that exist (``ImportPlan.absent``), and a column Laget does not know is refused by name,
so a renamed header can never empty a field in every row.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from data_access.db.changelog import FIELD_LABELS
from data_access.domain.arenas import normalize_arena
from data_access.domain.indicators import check_value
from data_access.domain.validation import ValidationError, check_free_text, format_date, name_key
from data_access.domain.vocabulary import ARENA_LEVELS, BETTER, GEOS, LEVELS, STATUSES, UNITS
from data_access.formats import plan_workbook as wb
from data_access.reads.tiltak import Vocab, normalize

MAX_BYTES = 10 * 1024 * 1024  # the upload as it comes, compressed
MAX_UNPACKED = 100_000_000  # the sum of the sizes the archive's parts declare when unpacked
MAX_RATIO = 200  # unpacked / packed for one part; real workbooks stay below ~150 even with one text on every row
RATIO_FLOOR = 1_000_000  # parts smaller than this unpack to little whatever their ratio (styles, themes)
MAX_PARTS = 1000
MAX_STRINGS = 20_000_000  # the shared-strings part, read whole (~0.6 s per MB); a big real plan has a few MB
MAX_XML_PART = 2_000_000  # other parts read whole (manifest, workbook, relations, styles: ~1 s and 30 MB per MB)
MAX_ROWS = 5000  # filled rows per sheet
MAX_SCANNED = 50_000  # rows per sheet, empty and formatted ones included, before reading stops
MAX_ELEMENTS = 1_000_000  # XML elements per sheet (a filled row of 11 cells is ~35)
MAX_COLUMNS = 100  # cells further right are not parsed; one with a value refuses the sheet
NOT_EXCEL = ("Filen er ikke en Excel-arbeidsbok (.xlsx), eller den er skadet. Last ned malen under Administrasjon, "
             "fyll den ut og last den opp igjen.")
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
    # sheet -> fields whose optional column is not in the file: left as they are in rows that exist
    absent: dict[str, set[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def services(self) -> list[str]:
        return sorted({s for t in self.tiltak for s in t.values["services"]})

    def factors(self) -> list[str]:
        return list(dict.fromkeys(t.values["protective_factor"] for t in self.tiltak
                                  if t.values["protective_factor"]))

    def counts(self, level_labels: dict[str, str] | None = None) -> pl.DataFrame:
        """Tiltak per level (rows) and status (columns), for the preview; levels by the plan's own names
        (``level_labels``), Laget's defaults only where the plan has none."""
        labels = {slug: label for slug, label, _ in STATUSES}
        rows = Counter((t.values["level"], t.values["status"]) for t in self.tiltak)
        names = level_labels or {}
        data = [{"Nivå": names.get(slug) or label, **{labels[s]: rows.get((slug, s), 0) for s, _, _ in STATUSES}}
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


_key = name_key  # names are matched as the schema keeps them unique: case and spacing ignored


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


def _mb(size: int) -> str:
    return f"{math.ceil(size / 1_000_000):,}".replace(",", " ")


def workbook_refusal(data: bytes) -> str | None:
    """Why an uploaded workbook is refused before anything in it is unpacked, in Norwegian; None if it may be read.

    An .xlsx is a zip, and a zip's parts declare their sizes: checking them costs no unpacking, so a "zip bomb"
    (a few MB that unpack to gigabytes of XML) is refused at once. The declared size is also a ceiling:
    ``zipfile`` never yields more than a part declares (it stops and fails the CRC check), so a part cannot lie
    its way past this check. This is the one guard for workbook uploads; call it before opening any upload.
    """
    if len(data) > MAX_BYTES:
        return f"Filen er for stor ({_mb(len(data))} MB). Laget tar høyst {MAX_BYTES // 1_000_000} MB."
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError):
        return NOT_EXCEL
    if len(parts) > MAX_PARTS:
        return f"{NOT_EXCEL} (Den har {len(parts):,} deler; en arbeidsbok har noen titalls.)".replace(",", " ")
    if any(p.filename.endswith(".rels") and p.file_size > MAX_XML_PART for p in parts):
        return NOT_EXCEL
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED:
        return (f"Filen blir {_mb(unpacked)} MB når den pakkes ut; Laget tar høyst {_mb(MAX_UNPACKED)} MB. Arkene "
                "Møter og Endringslogg leses ikke ved import, så de kan slettes før filen lastes opp.")
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            return (f"Filen er pakket mistenkelig tett: en del av den blir {ratio:,} ganger større når den pakkes "
                    f"ut (en vanlig arbeidsbok høyst {MAX_RATIO}). Den leses ikke. Lagre arbeidsboken på nytt i "
                    "Excel og prøv igjen.").replace(",", " ")
    return None


class _Unreadable(Exception):
    """The workbook is refused as a whole; the message is Norwegian."""


class _Book:
    """A workbook opened only as far as the import needs it: the sheet list, the shared strings and the date styles.

    ``openpyxl.load_workbook``, even read-only, looks at every sheet when it opens a file, and reads a sheet without
    a ``<dimension>`` element to its end just to size it: a long Endringslogg or a crafted sheet would cost
    minutes before the first row is read. So this runs openpyxl's own reader steps (``ExcelReader.read``) except
    the worksheets, and ``_Stream`` reads the four imported sheets row by row. The parts read whole are checked
    against their own limits first (the sheets are streamed and stop at the row limits instead).
    """

    def __init__(self, data: bytes) -> None:
        from openpyxl.reader.excel import ExcelReader, _find_workbook_part
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS

        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
        try:
            self._limit(reader.archive, ARC_CONTENT_TYPES, MAX_XML_PART)
            reader.read_manifest()
            strings = reader.package.find(SHARED_STRINGS)
            if strings is not None:
                self._limit(reader.archive, strings.PartName[1:], MAX_STRINGS)
            self._limit(reader.archive, _find_workbook_part(reader.package).PartName[1:], MAX_XML_PART)
            if ARC_STYLE in reader.valid_files:
                self._limit(reader.archive, ARC_STYLE, MAX_XML_PART)
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.parser.wb)
            self.sheets = {sheet.name: rel for sheet, rel in reader.parser.find_sheets()}
        except BaseException:
            reader.archive.close()
            raise
        self.archive = reader.archive
        self.parts = set(reader.valid_files)
        self.workbook = reader.parser.wb
        self.strings = reader.shared_strings

    @staticmethod
    def _limit(archive: zipfile.ZipFile, name: str, most: int) -> None:
        size = archive.getinfo(name).file_size
        if size > most:
            raise _Unreadable(f"En del av filen ({name}) blir {_mb(size)} MB når den pakkes ut; Laget tar høyst "
                              f"{_mb(most)} MB for den. Lagre arbeidsboken på nytt i Excel og prøv igjen.")

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def close(self) -> None:
        self.archive.close()


def _open(data: bytes, errors: list[RowError]) -> _Book | None:
    """The workbook opened for streaming, or None with the reason in ``errors``."""
    from openpyxl.utils.exceptions import InvalidFileException

    refusal = workbook_refusal(data)
    if refusal:
        errors.append(RowError("Filen", 0, "", refusal))
        return None
    try:
        return _Book(data)
    except _Unreadable as exc:
        errors.append(RowError("Filen", 0, "", str(exc)))
        return None
    except (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, OSError, TypeError,
            EOFError, SyntaxError):
        errors.append(RowError("Filen", 0, "", NOT_EXCEL))
        return None


Cells = dict[int, tuple[Any, str]]  # column number (1 = A) -> (value, openpyxl data type: s, n, d, b, e, f)


class _Stream:
    """One sheet's rows as the file stores them, one at a time, and its merged ranges once the rows are read.

    openpyxl parses a sheet a whole ``<row>`` element at a time, so one row with millions of cells (a few MB
    packed) would be built in memory first. This reads the sheet's XML element by element instead, turns each cell
    into a value with openpyxl's own ``WorkSheetParser.parse_cell`` (dates as dates, formulas marked), drops every
    parsed cell and row from the tree at once, and stops after ``MAX_ELEMENTS`` elements. It also collects the
    merged ranges, which the reader must refuse (a merged cell leaves the rows below it empty).
    """

    def __init__(self, book: _Book, sheet: str) -> None:
        self.book, self.sheet = book, sheet
        self.merged: list[tuple[int, str]] = []  # (first row, A1:B2)

    def readable(self) -> bool:
        rel = self.book.sheets[self.sheet]
        return "chartsheet" not in rel.Type and rel.target in self.book.parts

    def rows(self) -> Iterator[tuple[int, Cells]]:
        """(row number, {column: (value, type)}) for each row the sheet stores; ``_Unreadable`` past the limit."""
        from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
        from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse  # defusedxml's: no entity expansion

        merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
        workbook = self.book.workbook
        with self.book.archive.open(self.book.sheets[self.sheet].target) as source:
            cell_parser = WorkSheetParser(source, self.book.strings, data_only=False, epoch=workbook.epoch,
                                          date_formats=workbook._date_formats,
                                          timedelta_formats=workbook._timedelta_formats)
            data = row = None
            number, cells = 0, {}
            for seen, (event, element) in enumerate(iterparse(source, events=("start", "end"))):
                if seen > 2 * MAX_ELEMENTS:
                    raise _Unreadable(f"Arket har for mye innhold til å leses (Laget leser høyst {MAX_ROWS:,} "
                                      "utfylte rader). Slett det som står under og til høyre for tabellen."
                                      .replace(",", " "))
                tag = element.tag
                if event == "start":
                    if tag == DATA_TAG:
                        data = element
                    elif tag == ROW_TAG and data is not None:
                        row, cells = element, {}
                        r = element.get("r")
                        number = int(float(r)) if r else number + 1
                        cell_parser.row_counter, cell_parser.col_counter = number, 0
                    continue
                if tag == CELL_TAG and row is not None:
                    r = element.get("r")
                    column = coordinate_to_tuple(r)[1] if r else cell_parser.col_counter + 1
                    if column <= MAX_COLUMNS:
                        cell = cell_parser.parse_cell(element)
                        if cell["value"] is not None:
                            cells[cell["column"]] = (cell["value"], cell["data_type"])
                    elif len(element):  # a value far to the right: an unknown column, refused without parsing
                        raise _Unreadable(f"Arket har innhold i kolonne {get_column_letter(column)}, langt til "
                                          "høyre for kolonnene Laget leser. Slett kolonnene etter tabellen.")
                    else:  # only formatted
                        cell_parser.col_counter = column
                    del row[-1]  # a cell ends as its row's last child: dropping it keeps memory flat
                elif tag == ROW_TAG and row is not None:
                    yield number, cells
                    row = None
                    del data[-1]
                elif tag == DATA_TAG:
                    data = None
                elif tag == merge_tag:
                    ref = element.get("ref", "")
                    self.merged.append((range_boundaries(ref)[1], ref))
                    element.clear()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(header: Cells, sheet: str, plan: ImportPlan) -> dict[str, int] | None:
    """Where each known column is, matched by header (case and spacing ignored); None if a required one is missing.

    An unknown header is refused by name: it is most likely a renamed column, and reading on without it would
    leave that field unread in every row. A missing optional column is recorded in ``plan.absent``.
    """
    columns = wb.COLUMNS[sheet]
    by_key = {_key(c.header): c for c in columns}
    position: dict[str, int] = {}
    for number, (value, _) in sorted(header.items()):
        if _blank(value):
            continue
        text = format_date(value) if isinstance(value, date) else str(value).strip()
        column = by_key.get(_key(text))
        if column is None:
            plan.errors.append(RowError(sheet, 1, text, f"Kolonnen «{text}» er ukjent. Arket {sheet} har "
                                                        f"kolonnene {', '.join(c.header for c in columns)}. Gi ikke "
                                                        "kolonnene nye navn og legg ikke til egne kolonner."))
        elif column.field in position:
            plan.errors.append(RowError(sheet, 1, column.header, f"Kolonnen «{column.header}» står to ganger."))
        else:
            position[column.field] = number
    missing = [c for c in columns if c.field not in position]
    for col in missing:
        if col.required:
            plan.errors.append(RowError(sheet, 1, col.header, f"Kolonnen «{col.header}» mangler. Gi ikke "
                                                              "kolonneoverskriftene nye navn."))
    optional = [c for c in missing if not c.required]
    if optional:
        plan.absent[sheet] = {c.field for c in optional}
        names = ", ".join(f"«{c.header}»" for c in optional)
        plan.notes.append(f"{sheet}: {'kolonnen' if len(optional) == 1 else 'kolonnene'} {names} finnes ikke i "
                          "filen. Rader som finnes fra før, beholder det de har der; nye rader får det tomt.")
    return None if any(c.required for c in missing) else position


def _collect(stream: _Stream) -> tuple[Cells, list[tuple[int, Cells]], list[range]]:
    """The header, the filled rows and the empty ones; ``_Unreadable`` as soon as a limit is passed.

    Reading stops at the first filled row past ``MAX_ROWS`` (or ``MAX_SCANNED`` rows of any kind, or
    ``MAX_ELEMENTS``), so the cost of a refused sheet does not grow with its size.
    """
    header: Cells = {}
    filled: list[tuple[int, Cells]] = []
    empty: list[range] = []  # rows without a value: stored empty, or not stored at all (a gap in the numbers)
    last = 1
    with closing(stream.rows()) as rows:
        for scanned, (number, cells) in enumerate(rows, start=1):
            if number == 1:
                header = cells
                continue
            if scanned > MAX_SCANNED:
                raise _Unreadable(f"Arket har flere enn {MAX_SCANNED:,} rader (også tomme eller formaterte). Slett "
                                  "de tomme radene nederst i arket.".replace(",", " "))
            if number > last + 1:
                empty.append(range(last + 1, number))
            last = max(last, number)
            if all(_blank(value) for value, _ in cells.values()):
                empty.append(range(number, number + 1))
            elif len(filled) == MAX_ROWS:
                raise _Unreadable(f"Arket har flere enn {MAX_ROWS:,} utfylte rader; Laget tar høyst {MAX_ROWS:,} "
                                  "per ark.".replace(",", " "))
            else:
                filled.append((number, cells))
    return header, filled, empty


def _rows(book: _Book, sheet: str, plan: ImportPlan) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's non-empty rows as {field: raw value}, streamed; structural problems become errors."""
    stream = _Stream(book, sheet)
    if not stream.readable():
        plan.errors.append(RowError(sheet, 0, "", f"Arket «{sheet}» er ikke et vanlig regneark."))
        return []
    try:
        header, filled, empty = _collect(stream)
    except _Unreadable as exc:
        plan.errors.append(RowError(sheet, 0, "", str(exc)))
        return []
    for first_row, coord in stream.merged:
        plan.errors.append(RowError(sheet, first_row, "", f"Sammenslåtte celler ({coord}). Del dem opp igjen (Flett "
                                                          "og midtstill av)."))
    position = _columns(header, sheet, plan)
    if position is None:
        return []
    out = []
    for number, cells in filled:
        raw: dict[str, Any] = {}
        for col in wb.COLUMNS[sheet]:
            value, kind = cells.get(position.get(col.field, 0), (None, "n"))
            if kind == "f":
                plan.errors.append(RowError(sheet, number, col.header, "Cellen inneholder en formel. Lim inn "
                                                                       "verdiene i stedet (Lim inn utvalg → Verdier)."))
                raw[col.field] = _cell(None, col.kind)
                continue
            try:
                raw[col.field] = _cell(value, col.kind)
            except _Refused as exc:
                plan.errors.append(RowError(sheet, number, col.header, str(exc)))
                raw[col.field] = _cell(None, col.kind)
        out.append((number, raw))
    end = out[-1][0] if out else 1
    inside = [n for gap in empty for n in gap[:11] if n < end][:11]  # the trailing empty rows are not worth a note
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
            err("target_year", "Oppgi hvilket år målet gjelder." if "target_year" not in plan.absent.get(sheet, ())
                else "Kolonnen «Målår» mangler, og den trengs når Mål er fylt ut.")
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
    try:
        _read(book, plan, level_labels or {})
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, TypeError, EOFError, SyntaxError):
        # a part that does not unpack (bad CRC, truncated) or is not the XML it claims: the file, not a row
        return ImportPlan(errors=[RowError("Filen", 0, "", NOT_EXCEL)])
    finally:
        book.close()
    plan.errors.sort(key=lambda e: (wb.SHEET_ORDER.index(e.sheet) if e.sheet in wb.SHEET_ORDER else -1, e.row))
    return plan


def _read(book: _Book, plan: ImportPlan, labels: dict[str, str]) -> None:
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
    rows = {s: _rows(book, s, plan) for s in wb.IMPORTED if s in names}
    _tiltak(plan, rows.get(wb.TILTAK, []), labels)
    _arenas(plan, rows.get(wb.ARENAS, []))
    _indicators(plan, rows.get(wb.INDICATORS, []), labels)
    _values(plan, rows.get(wb.VALUES, []), {_key(r["name"]) for _, r in rows.get(wb.INDICATORS, [])})
