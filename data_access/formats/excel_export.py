"""The plan as one Excel workbook (also the import template), and any table as a one-sheet workbook.

Written with polars' ``write_excel`` (xlsxwriter): real dates and numbers, a frozen header row, filters and
column widths. The sheets and headers come from ``plan_workbook`` so export and import cannot drift apart.

Every workbook is opened by ``_book`` with ``SAFE_OPTIONS``: user text is always written as a string cell, never as a
formula or a hyperlink, whatever it starts with (``=``, ``+``, ``-``, ``@``, a tab …). xlsxwriter's default would turn
a description like ``=HYPERLINK("https://…","klikk")`` into a live formula in every download (formula injection).
"""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import xlsxwriter
from sqlalchemy import Engine

from data_access.db.changelog import ACTION_LABELS, FIELD_LABELS, log_frame, readable
from data_access.db.engine import Source, reading
from data_access.domain.frames import python_column
from data_access.domain.meetings import STATES, merge_meetings
from data_access.domain.vocabulary import ARENA_LEVELS, BETTER, GEOS, UNITS
from data_access.formats import plan_workbook as wb
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.meetings import stored_meetings
from data_access.reads.plans import levels_frame
from data_access.reads.tiltak import tiltak_frame

FORMATS = {pl.Date: "dd.mm.yyyy", pl.Datetime: "dd.mm.yyyy hh:mm", pl.Float64: "General", pl.Int64: "0"}
ENTITY_LABELS = {"tiltak": "Tiltak", "arena": "Møtearena", "meeting": "Møte", "indicator": "Indikator",
                 "indicator_value": "Indikatorverdi", "plan": "Plan"}


def _yes(column: str) -> pl.Expr:
    return pl.when(pl.col(column)).then(pl.lit(wb.YES)).otherwise(pl.lit(wb.NO)).alias(column)


def _write(book: xlsxwriter.Workbook, sheet: str, frame: pl.DataFrame, widths: dict[str, int] | None = None) -> None:
    """One sheet: header row frozen, filter on, every column a sensible width (``widths`` in characters)."""
    widths = widths or {c: _fit(frame, c) for c in frame.columns}
    pixels = {c: w * 7 + 5 for c, w in widths.items()}  # polars takes pixels
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    frame = frame.with_columns(  # NaN and ±inf are not figures (and xlsxwriter refuses them): missing, like null
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in floats)
    frame.write_excel(book, sheet, autofilter=True, freeze_panes="A2", dtype_formats=FORMATS,
                      column_widths=pixels, table_style="Table Style Light 9",
                      header_format={"bold": True, "text_wrap": True, "valign": "top"})


def _fit(frame: pl.DataFrame, column: str) -> int:
    """A width that fits the header and most values, between 10 and 60 characters."""
    dtype = frame.schema[column]
    if dtype.is_temporal():
        return 17 if dtype == pl.Datetime else 12
    longest = frame.head(500).select(pl.col(column).cast(pl.String).str.len_chars().max()).item() or 0
    return min(60, max(10, len(column) + 3, longest + 2))


def _sheet(book: xlsxwriter.Workbook, name: str, frame: pl.DataFrame) -> None:
    columns = wb.COLUMNS[name]
    frame = frame.select([pl.col(c.field).alias(c.header) if c.field in frame.columns
                          else pl.lit(None, dtype=pl.String).alias(c.header) for c in columns])
    _write(book, name, frame, {c.header: wb.width(c) for c in columns})


def _empty(name: str) -> pl.DataFrame:
    kinds = {"date": pl.Date, "datetime": pl.Datetime, "number": pl.Float64, "int": pl.Int64}
    return pl.DataFrame(schema={c.field: kinds.get(c.kind, pl.String) for c in wb.COLUMNS[name]})


def plan_frames(source: Source, plan_id: int, year: int) -> dict[str, pl.DataFrame]:
    """The export's sheets as frames (field names as columns), fed by the ordinary query functions, all read
    in one snapshot so the sheets agree with each other."""
    with reading(source) as r:
        levels = levels_frame(r, plan_id)
        tiltak = tiltak_frame(r, plan_id, include_archived=True)
        arenas = arenas_frame(r, plan_id, include_retired=True)
        indicators = indicators_frame(r, plan_id)
        values = values_frame(r, plan_id)
        stored = stored_meetings(r, plan_id, year)
        log = log_frame(r, plan_id=plan_id)
    level_labels = dict(zip(levels["slug"].to_list(), levels["label"].to_list(), strict=True))
    meetings = merge_meetings(arenas.filter(~pl.col("retired")), stored, year)
    names = {("tiltak", i): n for i, n in tiltak.select("id", "name").iter_rows()}
    names |= {("arena", i): n for i, n in arenas.select("id", "name").iter_rows()}
    names |= {("indicator", i): n for i, n in indicators.select("id", "name").iter_rows()}
    indicator_names = dict(indicators.select("id", "name").iter_rows())
    return {
        wb.TILTAK: tiltak.with_columns(
            pl.col("level_label").alias("level"), pl.col("status_label").alias("status"),
            pl.col("services").list.join(wb.LIST_SEP), _yes("next_evaluation_is_example"), _yes("archived")),
        wb.ARENAS: arenas.with_columns(
            pl.col("level").replace_strict(ARENA_LEVELS, default=pl.col("level")),
            pl.col("participants").list.join(wb.LIST_SEP), _yes("is_new"), _yes("retired")),
        wb.MEETINGS: meetings.with_columns(
            pl.col("level").replace_strict(ARENA_LEVELS, default=pl.col("level")),
            pl.col("state").replace_strict(STATES, default=pl.col("state"))),
        wb.INDICATORS: indicators.with_columns(
            pl.col("unit").replace_strict(UNITS, default=pl.col("unit")),
            pl.col("better").replace_strict(BETTER, default=pl.col("better")),
            _yes("target_is_example"),
            pl.col("level").replace_strict(level_labels, default=pl.col("level"))),
        wb.VALUES: values.with_columns(
            pl.col("indicator_id").replace_strict(indicator_names, default="", return_dtype=pl.String)
            .alias("indicator"),
            pl.col("geo").replace_strict(GEOS, default=pl.col("geo")), _yes("is_example")),
        wb.LOG: log.with_columns(
            pl.coalesce("name", "username").alias("who"),
            python_column(log, "entity_name", lambda entity, i: names.get((entity, i), ""), "entity", "entity_id"),
            pl.col("entity").replace_strict(ENTITY_LABELS, default=pl.col("entity")),
            pl.col("action").replace_strict(ACTION_LABELS, default=pl.col("action")),
            python_column(log, "old", lambda f, v: readable(f, v, ""), "field", "old_value"),
            python_column(log, "new", lambda f, v: readable(f, v, ""), "field", "new_value"),
            pl.col("field").replace_strict(FIELD_LABELS, default=pl.col("field"))),
    }


# xlsxwriter's ``write()`` (which polars' ``write_excel`` uses for table data) treats text starting with "=" as a
# formula and text that looks like a URL as a hyperlink; our text is the users' own, so it stays text.
SAFE_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _book(build) -> bytes:
    """The one place a workbook is opened, so every download (plan, template, page tables) has ``SAFE_OPTIONS``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, SAFE_OPTIONS)  # user text stays text: no formulas, no live links
    build(book)
    book.close()
    return buffer.getvalue()


def plan_workbook(engine: Engine, plan_id: int, year: int | None = None) -> bytes:
    """The whole plan as .xlsx bytes: Tiltak, Møtearenaer, Møter (``year``), Indikatorer, Indikatorverdier,
    Endringslogg, and the «Veiledning» that explains the columns for a re-import."""
    frames = plan_frames(engine, plan_id, year or date.today().year)

    def build(book: xlsxwriter.Workbook) -> None:
        for name in wb.SHEET_ORDER:
            _sheet(book, name, frames[name])
        _guide(book)

    return _book(build)


def template_workbook() -> bytes:
    """The empty import template: the export's sheets with headers only, plus «Veiledning»."""

    def build(book: xlsxwriter.Workbook) -> None:
        for name in wb.SHEET_ORDER:
            _sheet(book, name, _empty(name))
        _guide(book)

    return _book(build)


def _guide(book: xlsxwriter.Workbook) -> None:
    frame = pl.DataFrame(wb.guide_rows(), schema=["Ark", "Kolonne", "Må fylles ut", "Forklaring"], orient="row")
    _write(book, wb.GUIDE, frame, {"Ark": 16, "Kolonne": 34, "Må fylles ut": 12, "Forklaring": 100})


def frame_workbook(frame: pl.DataFrame, sheet: str = "Tabell") -> bytes:
    """Any table a page shows, as a one-sheet workbook (lists joined with «; », true/false as Ja/Nei)."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    flags = [c for c, t in frame.schema.items() if t == pl.Boolean]
    frame = frame.with_columns([pl.col(c).list.join(wb.LIST_SEP) for c in lists] + [_yes(c) for c in flags])
    return _book(lambda book: _write(book, sheet[:31], frame))
