"""The yearly report as PDF (fpdf2): embedded DejaVu fonts, a real table of contents, page numbers.

Text stays text (extractable with pdftotext); charts are the app's Vega-Lite specs rendered to PNG.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from data_access.domain.formatting import fmt_date, fmt_int
from data_access.domain.plans import kommune_title
from data_access.domain.vocabulary import EXAMPLE_LABEL
from data_access.formats.minutes_pdf import fitted_rows, register_fonts
from data_access.formats.report_charts import ReportCharts, render_charts
from data_access.formats.report_text import (
    SECTIONS,
    coverage_note,
    coverage_rows,
    example_note,
    indicator_facts,
    meeting_cell,
    meeting_note,
    tiltak_intro,
    title_facts,
)
from data_access.reads.report import EXAMPLE, Report

HEAD_FILL = (225, 232, 240)
EXAMPLE_COLOR = (176, 96, 0)
CHART_WIDTH = 145  # mm


class ReportPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, f"Side {self.page_no()} av {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _toc(pdf: ReportPDF, outline: list) -> None:
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(pdf.family_name, "B", 18)
    pdf.cell(0, 12, "Innhold", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in outline:
        if section.level > 1:
            continue
        pdf.set_font(pdf.family_name, "B" if section.level == 0 else "", 11 if section.level == 0 else 10)
        indent = 8 * section.level
        link = pdf.add_link(page=section.page_number)
        pdf.set_x(pdf.l_margin + indent)
        width = pdf.epw - indent - 14
        pdf.cell(width, 6.5, _fit(pdf, section.name, width), link=link)
        pdf.cell(14, 6.5, str(section.page_number), align="R", link=link, new_x="LMARGIN", new_y="NEXT")


def _fit(pdf: ReportPDF, text: str, width: float) -> str:
    """One line of the table of contents: a name too long for it (a 200-character word) ends in «…»."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


def _heading(pdf: ReportPDF, text: str, level: int, keep: float = 40) -> None:
    """Chapters start a page; a section starts one when less than ``keep`` mm is left (no orphan headings)."""
    fresh_page = pdf.get_y() <= pdf.t_margin + 1
    if (level == 0 and not fresh_page) or pdf.get_y() > pdf.h - pdf.b_margin - keep:
        pdf.add_page()
    pdf.start_section(text, level=level)
    pdf.set_font(pdf.family_name, "B", 16 if level == 0 else 12.5)
    pdf.multi_cell(0, 8 if level == 0 else 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _para(pdf: ReportPDF, text: str, size: float = 10, style: str = "") -> None:
    pdf.set_font(pdf.family_name, style, size)
    pdf.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _example(pdf: ReportPDF, text: str = EXAMPLE_LABEL) -> None:
    pdf.set_text_color(*EXAMPLE_COLOR)
    _para(pdf, f"▲ {text}", 9, "B")
    pdf.set_text_color(0, 0, 0)


def _table(pdf: ReportPDF, header: list[str] | None, rows: list[list[str]], widths: tuple[float, ...],
           align: str | tuple[str, ...] = "LEFT", size: float = 8.5) -> None:
    pdf.set_font(pdf.family_name, "", size)
    rows = fitted_rows(pdf, rows, widths, line_height=4.4, padding=1.2)
    with pdf.table(col_widths=widths, text_align=align, line_height=4.4, padding=1.2, repeat_headings=1,
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
                   first_row_as_headings=header is not None, borders_layout="HORIZONTAL_LINES") as table:
        for values in ([header] if header else []) + rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)


def _image(pdf: ReportPDF, data: bytes, width: float) -> None:
    pdf.image(io.BytesIO(data), w=width, x=pdf.l_margin + (pdf.epw - width) / 2)
    pdf.ln(2)


def _png_height(data: bytes, width: float) -> float:
    """Height in mm of a PNG shown ``width`` mm wide (from the IHDR chunk)."""
    w, h = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return width * h / w


def _title_page(pdf: ReportPDF, report: Report) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font(pdf.family_name, "B", 26)
    pdf.multi_cell(0, 12, report.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(pdf.family_name, "", 14)
    pdf.multi_cell(0, 7, report.plan_name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(pdf.family_name, "", 11)
    for label, value in title_facts(report):
        pdf.set_font(pdf.family_name, "B", 11)
        pdf.cell(34, 7, label)
        pdf.set_font(pdf.family_name, "", 11)
        pdf.multi_cell(0, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
    if report.has_example:
        pdf.ln(8)
        _example(pdf, example_note(report))


def report_pdf(report: Report, charts: ReportCharts | None = None) -> bytes:
    charts = charts or render_charts(report)
    pdf = ReportPDF(format="A4")
    pdf.set_title(report.title)
    pdf.set_author(kommune_title(report.kommune))
    pdf.set_creator("Laget")
    pdf.set_lang("nb-NO")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    family, _ = register_fonts(pdf)
    pdf.family_name = family
    pdf.footer_text = report.title
    _title_page(pdf, report)
    pdf.add_page()
    pdf.insert_toc_placeholder(_toc, pages=1, allow_extra_pages=True)

    _heading(pdf, SECTIONS["numbers"], 0)
    _para(pdf, f"Tallene viser planen per {fmt_date(report.as_of)}. Endringer gjelder perioden "
               f"{report.period.label}.")
    _table(pdf, ["Nøkkeltall", "Verdi", "Merknad"],
           [[f.label, f.value, EXAMPLE if f.example else ""] for f in report.key_figures], (90, 40, 44),
           ("LEFT", "RIGHT", "LEFT"), size=9.5)

    _heading(pdf, SECTIONS["pyramid"], 0)
    _para(pdf, "Tiltakene fordelt på nivå og status. Universelle tiltak er for alle, selektive for grupper med "
               "økt risiko, indikative for barn og familier der bekymringen er konkret.")
    if charts.pyramid:
        _image(pdf, charts.pyramid, pdf.epw)
    columns = report.counts.columns
    _table(pdf, columns, [[r[0], *(fmt_int(v) for v in r[1:])] for r in report.counts.iter_rows()],
           (34, *([140 / (len(columns) - 1)] * (len(columns) - 1))), ("LEFT", *(["RIGHT"] * (len(columns) - 1))))

    _heading(pdf, SECTIONS["tiltak"], 0)
    _para(pdf, tiltak_intro(report))
    for level in report.level_sections:
        _heading(pdf, f"{level.label} ({level.color_word}): {fmt_int(len(level.tiltak))} tiltak", 1)
        if not level.tiltak:
            _para(pdf, "Ingen tiltak på dette nivået.")
            continue
        _table(pdf, ["Tiltak", "Status", "Ansvar", "Statusnotat", "Endret i perioden"],
               [[t.name, t.status, t.services, t.status_note, t.changes] for t in level.tiltak],
               (42, 20, 34, 42, 36), size=8)

    _heading(pdf, SECTIONS["overdue"], 0)
    if report.overdue.is_empty():
        _para(pdf, f"Ingen tiltak hadde passert evalueringsdatoen per {fmt_date(report.as_of)}.")
    else:
        _para(pdf, f"{fmt_int(report.overdue.height)} tiltak hadde passert evalueringsdatoen per "
                   f"{fmt_date(report.as_of)}.")
        _table(pdf, ["Tiltak", "Nivå", "Status", "Ansvar", "Evalueres", "Merknad"],
               [[r["Tiltak"], r["Nivå"], r["Status"], r["Ansvar"] or "–", fmt_date(r["Evalueres"]),
                 EXAMPLE if r["Eksempeldata"] else ""] for r in report.overdue.iter_rows(named=True)],
               (48, 20, 20, 40, 22, 24), size=8)

    _heading(pdf, SECTIONS["meetings"], 0)
    _para(pdf, meeting_note(report))
    if report.meetings.is_empty():
        _para(pdf, "Ingen møtearenaer med fast hyppighet i perioden.")
    else:
        nums = ("Planlagt hittil", "Avholdt", "Avlyst", "Gjenstår")
        _table(pdf, ["Nivå", *nums], [[r["Nivå"], *(meeting_cell(report, r, c) for c in nums)]
                                       for r in report.meetings_by_level.iter_rows(named=True)],
               (54, 30, 30, 30, 30), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=9)
        _table(pdf, ["Nivå", "Møtearena", *nums],
               [[r["Nivå"], r["Møtearena"], *(meeting_cell(report, r, c) for c in nums)]
                for r in report.meetings.iter_rows(named=True)],
               (26, 64, 22, 20, 20, 22), ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), size=8)

    _heading(pdf, SECTIONS["indicators"], 0)
    if not report.indicators:
        _para(pdf, "Planen har ingen indikatorer.")
    for ind in report.indicators:
        chart = charts.indicators.get(ind.id)
        facts = indicator_facts(ind)
        pairs = [[*facts[i], *(facts[i + 1] if i + 1 < len(facts) else ("", ""))] for i in range(0, len(facts), 2)]
        keep = 24 + 7 * len(pairs) + (_png_height(chart, CHART_WIDTH) if chart else 0)
        _heading(pdf, ind.name, 1, keep=keep)  # one indicator is not split over two pages
        if ind.description:
            _para(pdf, ind.description, 9)
        if ind.has_example:
            _example(pdf, f"{EXAMPLE_LABEL}: stiplede linjer og trekanter i figuren er eksempeldata.")
        if chart:
            _image(pdf, chart, CHART_WIDTH)
        else:
            _para(pdf, "Ingen verdier ennå.")
        _table(pdf, None, pairs, (20, 67, 20, 67), size=8.5)
    if report.coverage is not None:
        _heading(pdf, SECTIONS["coverage"], 0)
        _para(pdf, coverage_note(report))
        header, rows = coverage_rows(report)
        _table(pdf, header, rows, (44, 43, 43, 44), size=8)
    return bytes(pdf.output())
