"""One entry for the CLI and the page: the report for a plan and period as PDF or Word bytes."""

from __future__ import annotations

import logging

from data_access.domain.errors import LagetError, ValidationError
from data_access.domain.plans import plan_key
from data_access.formats.report_charts import ReportCharts, render_charts
from data_access.reads.report import Report

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class ReportError(LagetError):
    """The report file could not be made; the message is Norwegian, the cause is in the server log."""


def render_report(report: Report, fmt: str, charts: ReportCharts | None = None) -> bytes:
    """``fmt`` is «pdf» or «docx»; charts are rendered once and can be shared by both formats.

    Every text the app accepts renders (long words are broken, over-tall table rows split); should a file
    still fail, the caller gets ``ReportError`` with a Norwegian message instead of the library's English one,
    so ``laget report`` and the Rapport page report it the one way."""
    if fmt not in FORMATS:
        raise ValidationError(f"Ukjent format «{fmt}». Velg pdf eller docx.", field="format")
    try:
        charts = charts or render_charts(report)
        if fmt == "pdf":
            from data_access.formats.report_pdf import report_pdf

            return report_pdf(report, charts)
        from data_access.formats.report_docx import report_docx

        return report_docx(report, charts)
    except LagetError:
        raise
    except Exception as exc:
        logging.getLogger("laget").exception("Report %s failed", fmt)
        raise ReportError(f"Rapporten kunne ikke lages som {fmt.upper()} ({type(exc).__name__}). Feilen er "
                          "logget; meld fra til den som drifter Laget. Prøv gjerne det andre formatet.") from exc


def file_name(report: Report, fmt: str) -> str:
    """E.g. «statusrapport-stange-2025.pdf» or «statusrapport-stange-2025-03-01-2026-02-28.docx»."""
    p = report.period
    span = str(p.start.year) if p.is_year else f"{p.start}-{p.end}"
    return f"statusrapport-{plan_key(report.kommune)}-{span}.{fmt}"
