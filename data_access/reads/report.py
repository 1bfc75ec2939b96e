"""The yearly status report (tilstandsrapport) as a pure model: everything for one plan and period.

Gathered once (a constant number of queries), then rendered to PDF (``report_pdf``) and Word
(``report_docx``). The state is the plan at the end of the period: name, level, status, note, services,
evaluation date and archiving are rolled back from the change log when the period lies in the past, so a
report for 2025 made in 2026 still shows 2025.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.db.changelog import LIST_SEP, log_frame, readable
from data_access.db.engine import Source, reading
from data_access.db.models import ChangeLog, IndicatorValue, Plan
from data_access.domain.arena_history import arena_spans, as_planned_then, stood_between
from data_access.domain.coverage import CoverageMap
from data_access.domain.errors import NotFound
from data_access.domain.formatting import change as fmt_change
from data_access.domain.formatting import fmt_date, fmt_int, fmt_value
from data_access.domain.indicator_status import IndicatorStatus, status
from data_access.domain.meetings import merge_meetings, progress
from data_access.domain.net_changes import net_changes
from data_access.domain.periods import sort_key
from data_access.domain.plans import kommune_title
from data_access.domain.validation import ValidationError
from data_access.domain.vocabulary import ARENA_LEVELS, BETTER, EXAMPLE_LABEL, LEVEL_COLOR_WORDS, UNITS
from data_access.reads.arenas import arenas_frame
from data_access.reads.coverage import coverage_map
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.meetings import stored_meetings
from data_access.reads.plans import levels_frame, statuses_frame
from data_access.reads.tiltak import overdue, tiltak_frame

EXAMPLE = "Eksempeldata"
# fields of a tiltak shown in the report, rolled back to the period's end from the change log
ROLLED_BACK = ("name", "level", "status", "status_note", "services", "next_evaluation", "archived")
DATE_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return self.start == date(self.start.year, 1, 1) and self.end == date(self.start.year, 12, 31)

    @property
    def short_label(self) -> str:
        """«2025» for a calendar year, else «01.03.2025–28.02.2026»."""
        return str(self.start.year) if self.is_year else f"{fmt_date(self.start)}–{fmt_date(self.end)}"

    @property
    def label(self) -> str:
        """«2025 (01.01.2025–31.12.2025)» for a calendar year, else «01.03.2025–28.02.2026»."""
        dates = f"{fmt_date(self.start)}–{fmt_date(self.end)}"
        return f"{self.start.year} ({dates})" if self.is_year else dates


def parse_report_date(text: str, what: str = "Datoen") -> date:
    """dd.mm.åååå or ISO (åååå-mm-dd); a Norwegian message otherwise."""
    value = (text or "").strip()
    try:
        if m := DATE_DMY.match(value):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{what} «{value}» er ikke en dato. Skriv dd.mm.åååå, f.eks. 31.12.2025.",
                              field="date") from None


def make_period(year: int | None = None, start: date | None = None, end: date | None = None) -> ReportPeriod:
    """A whole year, or from/to dates; refuses an empty or reversed period."""
    if start is None and end is None:
        if year is None:
            raise ValidationError("Velg et år eller en periode med fra- og til-dato.", field="period")
        if not 1990 <= year <= 2100:
            raise ValidationError(f"Året {year} er utenfor det Laget kan lage rapport for.", field="year")
        return ReportPeriod.year(year)
    if start is None or end is None:
        raise ValidationError("Oppgi både fra- og til-dato.", field="period")
    if end < start:
        raise ValidationError(f"Perioden slutter ({fmt_date(end)}) før den starter ({fmt_date(start)}).",
                              field="period")
    return ReportPeriod(start, end)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    example: bool = False


@dataclass(frozen=True)
class TiltakLine:
    name: str
    status: str
    services: str
    status_note: str
    changes: str  # what changed in the period, in words; «–» when nothing


@dataclass(frozen=True)
class LevelSection:
    slug: str
    label: str
    color_word: str
    tiltak: list[TiltakLine]


EXAMPLE_WORD = "Eksempeldata"


@dataclass(frozen=True)
class IndicatorSection:
    id: int
    name: str
    description: str
    unit: str
    unit_label: str
    better_label: str
    source: str
    target_value: float | None
    target_year: int | None
    target_is_example: bool  # the plan does not state the target: marked «Eksempeldata» beside it
    values: pl.DataFrame  # the indicator's rows up to the period's end year (for the chart)
    status: IndicatorStatus
    has_example: bool  # any value shown in the chart is example data
    updated: date | None  # last time a value was written in Laget (change log)

    @property
    def latest(self) -> str:
        return fmt_value(self.status.latest_value, self.unit)

    @property
    def change(self) -> str:
        return fmt_change(self.status.change, self.unit)  # the screen's formatter: «+0,2 prosentpoeng»

    @property
    def status_words(self) -> str:
        return " · ".join(j.label for j in (self.status.trend, self.status.vs_target, self.status.vs_land))

    @property
    def target(self) -> str:
        if self.target_value is None:
            return "Ingen mål"
        return (fmt_value(self.target_value, self.unit) + (f" innen {self.target_year}" if self.target_year else "")
                + (f" ({EXAMPLE_WORD})" if self.target_is_example else ""))


@dataclass
class Report:
    kommune: str
    plan_name: str
    plan_key: str
    is_demo: bool
    period: ReportPeriod
    as_of: date  # the day the state is shown for: the period's end, or today if that is earlier
    generated: date
    levels: pl.DataFrame  # slug, label, sort_order
    tiltak: pl.DataFrame  # tiltak active at ``as_of`` (status rolled back from the log)
    counts: pl.DataFrame  # Nivå × status, with Totalt
    key_figures: list[KeyFigure]
    level_sections: list[LevelSection]
    new_tiltak: list[str]
    archived_tiltak: list[str]
    status_changes: int
    overdue: pl.DataFrame  # Tiltak, Nivå, Status, Ansvar, Evalueres, Eksempeldata
    meetings: pl.DataFrame  # per arena: Nivå, Møtearena, Planlagt, Avholdt, Avlyst, Gjenstår
    meetings_by_level: pl.DataFrame  # per level: the same sums
    indicators: list[IndicatorSection] = field(default_factory=list)
    coverage: CoverageMap | None = None  # factors × levels as the plan stands when the report is made
    held_registered: bool = True  # some meeting in the period is marked held; else «Avholdt» is not registered
    arena_count: int = 0  # arenas that stood in the plan at some time in the period

    @property
    def title(self) -> str:
        return f"Statusrapport {self.period.short_label} – {kommune_title(self.kommune)}"

    @property
    def has_example(self) -> bool:
        return self.is_demo or any(i.has_example for i in self.indicators) or bool(self.overdue["Eksempeldata"].any())


# ---------------------------------------------------------------- pure helpers (unit-tested) --

def _from_text(field: str, text: str | None):
    """A change-log value (``changelog.as_text``) back to the frame's type."""
    if field == "archived":
        return text == "ja"
    if field == "next_evaluation":
        return date.fromisoformat(text) if text else None
    if field == "services":
        return [v for v in (text or "").split(LIST_SEP) if v]
    return text if text is not None else ("" if field == "status_note" else None)


def state_at(tiltak: pl.DataFrame, later_log: pl.DataFrame) -> pl.DataFrame:
    """Roll the fields the report shows back to before the entries in ``later_log`` (those after the period).

    The first later change of a field holds, as its old value, what the field was at the period's end.
    Tiltak created after the period are dropped. Labels are refreshed with ``relabel``.
    """
    if later_log.is_empty():
        return tiltak
    created_later = later_log.filter(pl.col("action").is_in(["create", "import"]))["entity_id"].unique()
    firsts = (later_log.filter(pl.col("field").is_in(list(ROLLED_BACK)) & ~pl.col("action").is_in(["create", "import"]))
              .sort("at", "id").group_by("entity_id", "field", maintain_order=True).first())
    then: dict[str, dict[int, object]] = {f: {} for f in ROLLED_BACK}
    for r in firsts.iter_rows(named=True):
        then[r["field"]][r["entity_id"]] = _from_text(r["field"], r["old_value"])
    ids = tiltak["id"].to_list()
    columns = [pl.Series(f, [then[f].get(i, v) for i, v in zip(ids, tiltak[f].to_list(), strict=True)],
                         dtype=tiltak.schema[f]) for f in ROLLED_BACK if then[f]]
    return tiltak.with_columns(columns).filter(~pl.col("id").is_in(created_later.implode()))


def relabel(tiltak: pl.DataFrame, levels: pl.DataFrame, statuses: pl.DataFrame) -> pl.DataFrame:
    """Level and status labels and orders for the (rolled-back) slugs."""
    def mapping(frame: pl.DataFrame, value: str) -> dict:
        return dict(zip(frame["slug"].to_list(), frame[value].to_list(), strict=True))

    return tiltak.with_columns(
        pl.col("status").replace_strict(mapping(statuses, "label"), default=pl.col("status")).alias("status_label"),
        pl.col("status").replace_strict(mapping(statuses, "sort_order"), default=99, return_dtype=pl.Int64)
        .alias("status_order"),
        pl.col("level").replace_strict(mapping(levels, "label"), default=pl.col("level")).alias("level_label"),
        pl.col("level").replace_strict(mapping(levels, "sort_order"), default=99, return_dtype=pl.Int64)
        .alias("level_order"),
    ).sort("level_order", maintain_order=True)


def changes_in_period(log: pl.DataFrame) -> dict[int, list[str]]:
    """Per tiltak, what the period changed, net (``domain.net_changes``): new, the status from → to, archived or
    restored, each with the date of its last change. A status set by mistake and undone is not there."""
    words: dict[int, list[str]] = {}
    news = log.filter(pl.col("action").is_in(["create", "import"]) & (pl.col("entity") == "tiltak"))
    for r in news.sort("at", "id").unique("entity_id", keep="first", maintain_order=True).iter_rows(named=True):
        words.setdefault(r["entity_id"], []).append(f"Nytt tiltak {fmt_date(r['at'])}")
    for r in net_changes(log.filter(pl.col("field").is_in(["status", "archived"]))).iter_rows(named=True):
        when = fmt_date(r["last_at"])
        if r["field"] == "status":
            text = f"Status {readable('status', r['old_value'])} → {readable('status', r['new_value'])} {when}"
        else:
            text = f"{'Arkivert' if r['new_value'] == 'ja' else 'Gjenopprettet'} {when}"
        words.setdefault(r["entity_id"], []).append(text)
    return words


def count_table(tiltak: pl.DataFrame, levels: pl.DataFrame, statuses: pl.DataFrame) -> pl.DataFrame:
    """Level × status counts with row and column totals; every status is a column, zeros included."""
    rows = []
    for lv in levels.iter_rows(named=True):
        part = tiltak.filter(pl.col("level") == lv["slug"])
        row = {"Nivå": lv["label"]}
        for st in statuses.iter_rows(named=True):
            row[st["label"]] = part.filter(pl.col("status") == st["slug"]).height
        row["Totalt"] = part.height
        rows.append(row)
    total = {"Nivå": "Totalt"}
    for st in statuses.iter_rows(named=True):
        total[st["label"]] = tiltak.filter(pl.col("status") == st["slug"]).height
    total["Totalt"] = tiltak.height
    schema = {"Nivå": pl.String, **{s: pl.Int64 for s in statuses["label"].to_list()}, "Totalt": pl.Int64}
    return pl.DataFrame([*rows, total], schema=schema, orient="row")


def example_evaluations(tiltak: pl.DataFrame, is_demo: bool, set_in_laget: set[int]) -> pl.Series:
    """Evaluation dates the demo made up (not in the source plan) are example data, unless set in Laget since."""
    return pl.Series("Eksempeldata", [is_demo and i not in set_in_laget for i in tiltak["id"].to_list()],
                     dtype=pl.Boolean)


NOT_REGISTERED = "ikke registrert"


def meetings_held_text(held: int, planned: int, registered: bool) -> str:
    """«5 / 12»; «ikke registrert / 12» when nobody marked any meeting as held (0 would say none were held)."""
    return f"{fmt_int(held) if registered else NOT_REGISTERED} / {fmt_int(planned)}"


def arenas_text(standing: int, with_dates: int) -> str:
    """What «Møtearenaer» counts: all arenas of the plan in the period, of them those with fixed dates."""
    rest = standing - with_dates
    return (f"{fmt_int(standing)} ({fmt_int(with_dates)} med faste møter i perioden, {fmt_int(rest)} ved behov "
            "eller uten faste møter i perioden)")


def meeting_tables(meetings: pl.DataFrame, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Held against planned per arena and per level, using ``meetings.progress``."""
    schema = {"level": pl.String, "Nivå": pl.String, "Møtearena": pl.String, "Planlagt hittil": pl.Int64,
              "Avholdt": pl.Int64, "Avlyst": pl.Int64, "Gjenstår": pl.Int64}
    if meetings.is_empty():
        empty = pl.DataFrame(schema=schema)
        return empty, empty.drop("Møtearena")
    per_arena = progress(meetings, as_of).select(
        "level", pl.col("level").replace_strict(ARENA_LEVELS, default=pl.col("level")).alias("Nivå"),
        pl.col("arena").alias("Møtearena"), pl.col("planned_so_far").cast(pl.Int64).alias("Planlagt hittil"),
        pl.col("held").cast(pl.Int64).alias("Avholdt"), pl.col("cancelled").cast(pl.Int64).alias("Avlyst"),
        pl.col("remaining").cast(pl.Int64).alias("Gjenstår"))
    order = {slug: i for i, slug in enumerate(ARENA_LEVELS)}
    per_arena = per_arena.with_columns(pl.col("level").replace_strict(order, default=9).alias("_o")) \
        .sort("_o", "Møtearena").drop("_o")
    per_level = (per_arena.group_by("level", "Nivå", maintain_order=True)
                 .agg(pl.col("Planlagt hittil", "Avholdt", "Avlyst", "Gjenstår").sum()))
    return per_arena, per_level


# ------------------------------------------------------------------------------ gathering --

def _plan(source: Source, plan_key: str | None, plan_id: int | None) -> Plan:
    with reading(source) as s:
        q = select(Plan).where(Plan.key == plan_key) if plan_key else select(Plan).where(Plan.id == plan_id)
        plan = s.scalar(q)
        if plan is None:
            known = ", ".join(s.scalars(select(Plan.key).order_by(Plan.sort_order)))
            raise NotFound(f"Fant ingen plan med nøkkelen «{plan_key or plan_id}». Planer: {known or 'ingen'}.")
        s.expunge(plan)
        return plan


def _value_updates(source: Source, plan_id: int) -> dict[int, date]:
    with reading(source) as s:
        rows = s.execute(select(IndicatorValue.indicator_id, func.max(ChangeLog.at))
                         .join(ChangeLog, (ChangeLog.entity_id == IndicatorValue.id)
                               & (ChangeLog.entity == "indicator_value"))
                         .where(ChangeLog.plan_id == plan_id).group_by(IndicatorValue.indicator_id)).all()
    return {i: at.date() for i, at in rows if at}


def _meetings(source: Source, plan_id: int, period: ReportPeriod) -> tuple[pl.DataFrame, int]:
    """The period's meetings of the arenas as they stood then (``domain.arena_history``), and how many arenas
    stood in the plan at some time in the period."""
    arenas = arenas_frame(source, plan_id, include_retired=True)
    made = log_frame(source, plan_id=plan_id, entity="plan").filter(pl.col("action") == "create")
    spans = arena_spans(arenas, log_frame(source, plan_id=plan_id, entity="arena"),
                        made["at"].min() if made.height else None)
    parts = [as_planned_then(merge_meetings(arenas, stored_meetings(source, plan_id, year), year), spans)
             for year in range(period.start.year, period.end.year + 1)]
    frame = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame()
    frame = frame.filter(pl.col("date").is_between(period.start, period.end)) if frame.height else frame
    return frame, len(stood_between(spans, period.start, period.end))


def _indicator_sections(source: Source, plan_id: int, period: ReportPeriod) -> list[IndicatorSection]:
    indicators = indicators_frame(source, plan_id)
    values = values_frame(source, plan_id)
    if values.height:  # nothing from after the period: a report for 2024 shows what was known for 2024
        end_year = {p: sort_key(p)[0] for p in values["period"].unique().to_list()}
        values = values.filter(pl.col("period").replace_strict(end_year, return_dtype=pl.Int64)
                               <= period.end.year)
    by_id = values.partition_by("indicator_id", as_dict=True) if values.height else {}
    updated = _value_updates(source, plan_id)
    sections = []
    for ind in indicators.iter_rows(named=True):
        part = by_id.get((ind["id"],), values.clear())
        shown = part.filter(pl.col("value").is_not_null())
        sources = [s for s in shown["source"].unique(maintain_order=True).to_list() if s and s != EXAMPLE_LABEL]
        source = ind["source"] or "; ".join(sources) or "Ikke oppgitt"
        sections.append(IndicatorSection(
            id=ind["id"], name=ind["name"], description=ind["description"] or "", unit=ind["unit"],
            unit_label=UNITS.get(ind["unit"], ind["unit"]), better_label=BETTER.get(ind["better"], ""),
            source=source, target_value=ind["target_value"], target_year=ind["target_year"],
            target_is_example=bool(ind.get("target_is_example")), values=part,
            status=status(part, ind["better"], ind["target_value"]), has_example=bool(shown["is_example"].any()),
            updated=updated.get(ind["id"])))
    return sections


def build_report(source: Source, *, period: ReportPeriod, plan_key: str | None = None, plan_id: int | None = None,
                 today: date | None = None) -> Report:
    """Everything the report shows, for one plan and period. No Streamlit, no rendering.

    Read in one snapshot (``reading``): every figure comes from the same state of the database, also while
    the group goes on saving."""
    with reading(source) as r:
        return _report(r, period=period, plan_key=plan_key, plan_id=plan_id, today=today)


def _report(source: Session, *, period: ReportPeriod, plan_key: str | None, plan_id: int | None,
            today: date | None) -> Report:
    today = today or date.today()
    plan = _plan(source, plan_key, plan_id)
    as_of = min(period.end, today)
    since = datetime.combine(period.start, datetime.min.time())
    until = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    levels = levels_frame(source, plan.id)
    statuses = statuses_frame(source)
    log = log_frame(source, plan_id=plan.id, entity="tiltak", since=since)
    in_period, later = log.filter(pl.col("at") < until), log.filter(pl.col("at") >= until)
    everything = tiltak_frame(source, plan.id, include_archived=True)
    at_end = relabel(state_at(everything, later), levels, statuses)
    changes = changes_in_period(in_period)
    names = dict(zip(everything["id"].to_list(), everything["name"].to_list(), strict=True))
    created = in_period.filter(pl.col("action").is_in(["create", "import"]))["entity_id"].unique().to_list()
    archived_ids = in_period.filter((pl.col("field") == "archived") & (pl.col("new_value") == "ja"))
    archived_ids = [i for i in archived_ids["entity_id"].unique(maintain_order=True).to_list()
                    if i in set(at_end.filter(pl.col("archived"))["id"].to_list())]
    active = at_end.filter(~pl.col("archived"))
    status_changes = net_changes(in_period.filter(pl.col("field") == "status")).height  # tiltak, net

    sections = []
    for lv in levels.iter_rows(named=True):
        part = at_end.filter((pl.col("level") == lv["slug"]) & (~pl.col("archived") | pl.col("id").is_in(archived_ids)))
        lines = [TiltakLine(name=r["name"] + (" (arkivert)" if r["archived"] else ""), status=r["status_label"],
                            services=", ".join(r["services"]) or "–", status_note=r["status_note"] or "–",
                            changes="; ".join(changes.get(r["id"], [])) or "–")
                 for r in part.iter_rows(named=True)]
        sections.append(LevelSection(lv["slug"], lv["label"], LEVEL_COLOR_WORDS.get(lv["slug"], ""), lines))

    eval_log = log_frame(source, plan_id=plan.id, entity="tiltak", until=until)
    set_in_laget = set(eval_log.filter(pl.col("field") == "next_evaluation")["entity_id"].to_list())
    late = overdue(active, as_of)
    late = late.with_columns(example_evaluations(late, plan.is_demo, set_in_laget)).select(
        pl.col("name").alias("Tiltak"), pl.col("level_label").alias("Nivå"), pl.col("status_label").alias("Status"),
        pl.col("services").list.join(", ").alias("Ansvar"), pl.col("next_evaluation").alias("Evalueres"),
        "Eksempeldata")

    meetings, arena_count = _meetings(source, plan.id, period)
    per_arena, per_level = meeting_tables(meetings, as_of)
    held_registered = bool(meetings.height and (meetings["state"] == "avholdt").any())
    indicators = _indicator_sections(source, plan.id, period)

    counts = count_table(active, levels, statuses)
    figures = [KeyFigure("Tiltak i planen", fmt_int(active.height))]
    figures += [KeyFigure(f"– {st['label'].lower()}", fmt_int(active.filter(pl.col("status") == st["slug"]).height))
                for st in statuses.iter_rows(named=True)]
    figures += [
        KeyFigure("Nye tiltak i perioden", fmt_int(len(created))),
        KeyFigure("Arkiverte tiltak i perioden", fmt_int(len(archived_ids))),
        KeyFigure("Tiltak med endret status i perioden", fmt_int(status_changes)),
        KeyFigure("Tiltak med forfalt evaluering", fmt_int(late.height), example=bool(late["Eksempeldata"].any())),
        KeyFigure("Møter avholdt / planlagt hittil", meetings_held_text(
            int(per_level["Avholdt"].sum()), int(per_level["Planlagt hittil"].sum()), held_registered)),
        KeyFigure("Møtearenaer i planen", arenas_text(arena_count, per_arena.height)),
    ]
    if indicators:
        better = [i for i in indicators if i.status.trend.label == "Bedre enn forrige"]
        worse = [i for i in indicators if i.status.trend.label == "Verre enn forrige"]
        reached = [i for i in indicators if i.status.vs_target.label == "Nådd målet"]
        with_target = [i for i in indicators if i.target_value is not None]
        figures += [
            KeyFigure("Indikatorer", fmt_int(len(indicators)), example=any(i.has_example for i in indicators)),
            KeyFigure("– bedre enn forrige periode", fmt_int(len(better)), example=any(i.has_example for i in better)),
            KeyFigure("– verre enn forrige periode", fmt_int(len(worse)), example=any(i.has_example for i in worse)),
            KeyFigure("– har nådd målet", f"{fmt_int(len(reached))} av {fmt_int(len(with_target))}",
                      example=any(i.has_example for i in with_target)),
        ]
    return Report(
        kommune=plan.kommune, plan_name=plan.name, plan_key=plan.key, is_demo=plan.is_demo, period=period,
        as_of=as_of, generated=today, levels=levels, tiltak=active, counts=counts, key_figures=figures,
        level_sections=sections, new_tiltak=[names[i] for i in created if i in names],
        archived_tiltak=[names[i] for i in archived_ids], status_changes=status_changes, overdue=late,
        meetings=per_arena.drop("level"), meetings_by_level=per_level.drop("level"), indicators=indicators,
        held_registered=held_registered, arena_count=arena_count, coverage=coverage_map(source, plan.id))
