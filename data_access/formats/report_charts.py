"""The report's charts as PNG, from the same Vega-Lite specs the app shows (``chart_specs``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from data_access.formats.chart_specs import indicator_chart, png, pyramid_chart, pyramid_data
from data_access.reads.report import Report

PYRAMID_WIDTH = 900  # wide enough for the top tier's label; the image is scaled to the page
INDICATOR_WIDTH = 640
THREADS = 4


@dataclass(frozen=True)
class ReportCharts:
    pyramid: bytes | None
    indicators: dict[int, bytes] = field(default_factory=dict)  # indicator id → PNG


def render_charts(report: Report) -> ReportCharts:
    """One PNG for the pyramid and one per indicator with values; the PDF and Word files share them.

    vl-convert releases the GIL while it renders, so a few threads halve the time for a dozen charts.
    """
    jobs: dict[int | None, tuple[dict, int]] = {}
    if report.tiltak.height:
        jobs[None] = (pyramid_chart(pyramid_data(report.tiltak, report.levels)).to_dict(), PYRAMID_WIDTH)
    for ind in report.indicators:
        if ind.values.filter(pl.col("value").is_not_null()).height:
            chart = indicator_chart(ind.values, ind.unit_label, ind.target_value, ind.target_is_example)
            jobs[ind.id] = (chart.to_dict(), INDICATOR_WIDTH)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        images = dict(zip(jobs, pool.map(lambda job: png(job[0], width=job[1]), jobs.values()), strict=True))
    pyramid = images.pop(None, None)
    return ReportCharts(pyramid, images)
