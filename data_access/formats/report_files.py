"""One entry for the CLI and the page: the report for a plan and period as PDF or Word bytes."""

from __future__ import annotations

import re

from data_access.formats.report_charts import ReportCharts, render_charts
from data_access.reads.report import Report

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def render_report(report: Report, fmt: str, charts: ReportCharts | None = None) -> bytes:
    """``fmt`` is «pdf» or «docx»; charts are rendered once and can be shared by both formats."""
    charts = charts or render_charts(report)
    if fmt == "pdf":
        from data_access.formats.report_pdf import report_pdf

        return report_pdf(report, charts)
    if fmt == "docx":
        from data_access.formats.report_docx import report_docx

        return report_docx(report, charts)
    raise ValueError(f"Ukjent format «{fmt}». Velg pdf eller docx.")


def file_name(report: Report, fmt: str) -> str:
    """E.g. «statusrapport-stange-2025.pdf» or «statusrapport-stange-2025-03-01-2026-02-28.docx»."""
    p = report.period
    span = str(p.start.year) if p.is_year else f"{p.start}-{p.end}"
    kommune = re.sub(r"[^a-z0-9]+", "-", report.kommune.lower().replace("æ", "ae").replace("ø", "o")
                     .replace("å", "a")).strip("-")
    return f"statusrapport-{kommune}-{span}.{fmt}"
