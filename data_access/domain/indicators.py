"""Writes to indicators and their values, through the one write path (``uow``, ``fields.INDICATOR*``).

This part holds the rules (pure); the module docstring of ``data_access/writes/indicators.py`` tells the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data_access.domain.errors import ValidationError
from data_access.domain.fields import INDICATOR, INDICATOR_VALUE
from data_access.domain.periods import PeriodError, parse_period

INDICATOR_FIELDS = tuple(INDICATOR.fields)
LAND_NAME = "Hele landet"  # SSB's and FHI's own name for the country; one place, however a file spells it
LAND_NAMES = {"hele landet", "landet", "norge", "nasjonalt", "landet i alt", "i alt", "hele norge"}


def place_name(geo: str, name: str | None) -> str:
    """One name per place: «Norge», «Landet i alt» and «Hele landet» are all the country, stored as «Hele landet»
    (SSB's and FHI's word), so a chart and a table never show the country twice."""
    text = " ".join((name or "").split())
    if geo == "land" and text.casefold() in LAND_NAMES:
        return LAND_NAME
    return text


@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        if not self.inserted and not self.updated:
            return f"Ingen endringer: alle {self.unchanged} verdiene fantes fra før."
        return f"{self.inserted} nye og {self.updated} endrede verdier ({self.unchanged} uendret)."


def _period(value: Any) -> str:
    try:
        return parse_period(str(value or "")).label
    except PeriodError as exc:
        raise ValidationError(str(exc)) from exc


def _clean_value(period: str, geo: str, value: float | None, source: str, geo_name: str,
                 is_example: bool = False, *, marker: str | None = None,
                 region_code: str | None = None) -> dict[str, Any]:
    """Stored form of one value; a source's missing-value marker («..», «:») is kept only where there is no value."""
    out = INDICATOR_VALUE.clean_or_raise(
        {"period": period, "geo": geo, "value": value, "source": source, "geo_name": geo_name,
         "is_example": is_example, "marker": marker, "region_code": region_code}, parsers={"period": _period})
    out["geo_name"] = place_name(out["geo"], out["geo_name"])
    out["marker"] = (out["marker"] or None) if out["value"] is None else None
    out["region_code"] = out["region_code"] or None
    return out


def check_value(period: str, geo: str, value: float | None, source: str, geo_name: str) -> str:
    """Validate one value as a write would (for previews such as the plan import); returns the period label."""
    return _clean_value(period, geo, value, source, geo_name)["period"]


def _column(name: str) -> str:
    return {"level": "level_id", "tiltak": "tiltak_id"}.get(name, name)
