"""The report's charts as PNG, from the same Vega-Lite specs the app shows (``chart_specs``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from data_access.chart_specs import indicator_chart, png, pyramid_chart, pyramid_data
from data_access.report import Report

PYRAMID_WIDTH = 900  # wide enough for the top tier's label; the image is scaled to the page
INDICATOR_WIDTH = 640


@dataclass(frozen=True)
class ReportCharts:
    pyramid: bytes | None
    indicators: dict[int, bytes] = field(default_factory=dict)  # indicator id → PNG


def render_charts(report: Report) -> ReportCharts:
    """One PNG for the pyramid and one per indicator with values; the PDF and Word files share them."""
    pyramid = None
    if report.tiltak.height:
        pyramid = png(pyramid_chart(pyramid_data(report.tiltak, report.levels)), width=PYRAMID_WIDTH)
    indicators = {}
    for ind in report.indicators:
        if ind.values.filter(pl.col("value").is_not_null()).height:
            indicators[ind.id] = png(indicator_chart(ind.values, ind.unit_label, ind.target_value),
                                     width=INDICATOR_WIDTH)
    return ReportCharts(pyramid, indicators)
