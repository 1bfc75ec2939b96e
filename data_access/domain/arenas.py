"""Queries over møtearenaer and their next planned dates.

This part holds the rules (pure); the module docstring of ``data_access/writes/arenas.py`` tells the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from data_access.domain.errors import ValidationError
from data_access.domain.fields import ARENA
from data_access.domain.frequency import Frequency, FrequencyError, parse_frequency
from data_access.domain.validation import check_free_text
from data_access.domain.vocabulary import ARENA_LEVELS

LEVEL_ORDER = {slug: i for i, slug in enumerate(ARENA_LEVELS)}
# "frequency" holds the JSON of Frequency.to_dict(), so frames stay plain (cacheable, picklable)
ARENA_SCHEMA = {
    "id": pl.Int64, "plan_id": pl.Int64, "name": pl.String, "level": pl.String, "purpose": pl.String,
    "leader": pl.String, "participants": pl.List(pl.String), "frequency_text": pl.String,
    "frequency": pl.String, "is_new": pl.Boolean, "start_date": pl.Date, "end_date": pl.Date,
    "retired": pl.Boolean, "version": pl.Int64,
    # the year planner's preferences, and the years whose dates come from a published plan (planner.py)
    "pref_weekday": pl.Int64, "pref_week_of_month": pl.Int64, "pref_time": pl.String,
    "planned_years": pl.List(pl.Int64),
}


def arena_frequency(raw: dict | str | None) -> Frequency | None:
    """The structured frequency of an arena (dict or its JSON), or None where missing or unreadable."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        return Frequency.from_dict(data) if data else None
    except (FrequencyError, TypeError, KeyError, ValueError):
        return None


def filter_arenas(frame: pl.DataFrame, *, levels: list[str] | None = None, leaders: list[str] | None = None,
                  participants: list[str] | None = None) -> pl.DataFrame:
    """Pure filtering for the calendar page."""
    if levels:
        frame = frame.filter(pl.col("level").is_in(levels))
    if leaders:
        frame = frame.filter(pl.col("leader").is_in(leaders))
    if participants:
        frame = frame.filter(pl.col("participants").list.eval(pl.element().is_in(participants)).list.any())
    return frame



def _frequency(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    check_free_text(text, ARENA.label("frequency_text"), max_length=ARENA.max_chars("frequency_text") or 200)
    try:
        parse_frequency(text) if text else None
    except FrequencyError as exc:
        raise ValidationError(str(exc)) from exc
    return text


def _choice(low: int, high: int, what: str) -> Any:
    def parse(value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(f"{what} må være {low}–{high} eller tom (planleggeren velger).")
        return value
    return parse


def _time(value: Any) -> str | None:
    text = "" if value is None else str(value).strip().replace(".", ":")
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not m or not (7 <= int(m.group(1)) <= 17 and int(m.group(2)) < 60):
        raise ValidationError(f"Klokkeslett «{text}»: skriv tt:mm i arbeidstiden, f.eks. 09:00.")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


PREFERENCE_PARSERS = {"pref_weekday": _choice(0, 4, "Foretrukket ukedag"),
                      "pref_week_of_month": _choice(1, 4, "Uke i måneden"), "pref_time": _time}


def normalize_arena(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and clean arena fields; the frequency text must be one we understand (or empty)."""
    out = ARENA.clean_or_raise(fields, parsers={"frequency_text": _frequency, **PREFERENCE_PARSERS})
    if "frequency_text" in out:
        out["frequency"] = parse_frequency(out["frequency_text"]).to_dict() if out["frequency_text"] else {}
    start, end = out.get("start_date"), out.get("end_date")
    if start and end and end < start:
        raise ValidationError("Sluttdato kan ikke være før startdato.", field="end_date")
    return out
