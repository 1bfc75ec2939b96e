"""The yearly report as a Word file meant to be edited: real Heading 1/2 styles, real tables, charts as
PNG pictures, a table-of-contents field and a page-number field in the footer (python-docx).

Word fills the TOC field when the document is opened (``updateFields``) or on «Oppdater felt».
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from data_access.domain.formatting import fmt_date, fmt_int
from data_access.domain.plans import kommune_title
from data_access.domain.vocabulary import EXAMPLE_LABEL
from data_access.formats.docx_setup import norwegian_a4
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

EXAMPLE_COLOR = RGBColor(0xB0, 0x60, 0x00)
TABLE_STYLE = "Light Grid Accent 1"


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, NUMPAGES) that Word computes."""
    _fld_char(paragraph, "begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    _fld_char(paragraph, "separate")
    paragraph.add_run(placeholder)
    _fld_char(paragraph, "end")


def _fld_char(paragraph, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


def _toc(doc, entries: list[tuple[int, str]]) -> None:
    """A TOC field whose shown result already lists the headings (without page numbers), so the file reads
    well before Word updates the field; Word replaces it with the real table of contents on update."""
    first = doc.add_paragraph()
    _fld_char(first, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-2" \\h \\z \\u '
    first.add_run()._r.append(instr)
    _fld_char(first, "separate")
    paragraph = first
    for i, (level, text) in enumerate(entries):
        paragraph = first if i == 0 else doc.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.8 * (level - 1))
        run = paragraph.add_run(text)
        run.bold = level == 1
    _fld_char(paragraph, "end")


# w:settings is a schema sequence: w:updateFields must come before these (ECMA-376 CT_Settings)
AFTER_UPDATE_FIELDS = {qn(f"w:{name}") for name in (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "smartTagType", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")}


def _update_fields_on_open(doc) -> None:
    """Ask Word to update fields (the TOC, page numbers) when the file is opened."""
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings = doc.settings.element
    later = next((child for child in settings if child.tag in AFTER_UPDATE_FIELDS), None)
    if later is None:
        settings.append(el)
    else:
        later.addprevious(el)


def _table(doc, header: list[str] | None, rows: list[list[str]], widths_cm: tuple[float, ...],
           right: set[int] = frozenset()) -> Table:
    """A real Word table. Cells are reached through each row's XML: ``row.cells`` walks the whole table
    and makes 2,000 rows quadratic."""
    table = doc.add_table(rows=0, cols=len(widths_cm))
    table.style = doc.styles[TABLE_STYLE]
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for i, values in enumerate(([header] if header else []) + rows):
        row = table.add_row()
        for j, (tc, value) in enumerate(zip(row._tr.tc_lst, values, strict=True)):
            cell = _Cell(tc, table)
            cell.width = Cm(widths_cm[j])
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = Pt(8.5)
            if header and i == 0:
                run.bold = True
            if j in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if header:  # repeat the header row on every page
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)
    doc.add_paragraph()
    return table


def _example(doc, text: str = EXAMPLE_LABEL) -> None:
    run = doc.add_paragraph().add_run(f"▲ {text}")
    run.bold = True
    run.font.color.rgb = EXAMPLE_COLOR


def _picture(doc, data: bytes, width_cm: float) -> None:
    doc.add_picture(io.BytesIO(data), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _title_page(doc, report: Report) -> None:
    doc.add_paragraph(report.title, style="Title")
    doc.add_paragraph(report.plan_name, style="Subtitle")
    for label, value in title_facts(report):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    if report.has_example:
        _example(doc, example_note(report))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _level_heading(level) -> str:
    return f"{level.label} ({level.color_word}): {fmt_int(len(level.tiltak))} tiltak"


def _footer(doc, report: Report) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    p = section.footer.paragraphs[0]
    p.text = f"{report.title} · Side "
    _field(p, "PAGE", "1")
    p.add_run(" av ")
    _field(p, "NUMPAGES", "1")
    for run in p.runs:
        run.font.size = Pt(8)


def report_docx(report: Report, charts: ReportCharts | None = None) -> bytes:
    charts = charts or render_charts(report)
    doc = Document()
    doc.core_properties.title = report.title
    doc.core_properties.author = kommune_title(report.kommune)
    norwegian_a4(doc)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.0)
    doc.styles["Normal"].font.size = Pt(10)
    _footer(doc, report)
    _update_fields_on_open(doc)
    _title_page(doc, report)

    doc.add_paragraph("Innhold", style="TOC Heading" if "TOC Heading" in doc.styles else "Heading 1")
    entries = [(1, SECTIONS["numbers"]), (1, SECTIONS["pyramid"]), (1, SECTIONS["tiltak"])]
    entries += [(2, _level_heading(lv)) for lv in report.level_sections]
    entries += [(1, SECTIONS["overdue"]), (1, SECTIONS["meetings"]), (1, SECTIONS["indicators"])]
    entries += [(2, ind.name) for ind in report.indicators]
    if report.coverage is not None:
        entries.append((1, SECTIONS["coverage"]))
    _toc(doc, entries)
    note = doc.add_paragraph().add_run("Sidetallene kommer når Word oppdaterer feltet (F9 eller «Oppdater felt»).")
    note.italic = True
    note.font.size = Pt(8)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading(SECTIONS["numbers"], level=1)
    doc.add_paragraph(f"Tallene viser planen per {fmt_date(report.as_of)}. Endringer gjelder perioden "
                      f"{report.period.label}.")
    _table(doc, ["Nøkkeltall", "Verdi", "Merknad"],
           [[f.label, f.value, EXAMPLE if f.example else ""] for f in report.key_figures], (9, 3, 5), {1})

    doc.add_heading(SECTIONS["pyramid"], level=1)
    doc.add_paragraph("Tiltakene fordelt på nivå og status. Universelle tiltak er for alle, selektive for grupper "
                      "med økt risiko, indikative for barn og familier der bekymringen er konkret.")
    if charts.pyramid:
        _picture(doc, charts.pyramid, 15)
    cols = report.counts.columns
    _table(doc, cols, [[r[0], *(fmt_int(v) for v in r[1:])] for r in report.counts.iter_rows()],
           (3.2, *([13.8 / (len(cols) - 1)] * (len(cols) - 1))), set(range(1, len(cols))))

    doc.add_heading(SECTIONS["tiltak"], level=1)
    doc.add_paragraph(tiltak_intro(report))
    for level in report.level_sections:
        doc.add_heading(_level_heading(level), level=2)
        if not level.tiltak:
            doc.add_paragraph("Ingen tiltak på dette nivået.")
            continue
        _table(doc, ["Tiltak", "Status", "Ansvar", "Statusnotat", "Endret i perioden"],
               [[t.name, t.status, t.services, t.status_note, t.changes] for t in level.tiltak],
               (4.2, 2.0, 3.4, 4.0, 3.4))

    doc.add_heading(SECTIONS["overdue"], level=1)
    if report.overdue.is_empty():
        doc.add_paragraph(f"Ingen tiltak hadde passert evalueringsdatoen per {fmt_date(report.as_of)}.")
    else:
        doc.add_paragraph(f"{fmt_int(report.overdue.height)} tiltak hadde passert evalueringsdatoen per "
                          f"{fmt_date(report.as_of)}.")
        _table(doc, ["Tiltak", "Nivå", "Status", "Ansvar", "Evalueres", "Merknad"],
               [[r["Tiltak"], r["Nivå"], r["Status"], r["Ansvar"] or "–", fmt_date(r["Evalueres"]),
                 EXAMPLE if r["Eksempeldata"] else ""] for r in report.overdue.iter_rows(named=True)],
               (4.6, 2.0, 2.0, 3.6, 2.2, 2.6))

    doc.add_heading(SECTIONS["meetings"], level=1)
    doc.add_paragraph(meeting_note(report))
    if report.meetings.is_empty():
        doc.add_paragraph("Ingen møtearenaer med fast hyppighet i perioden.")
    else:
        nums = ("Planlagt hittil", "Avholdt", "Avlyst", "Gjenstår")
        _table(doc, ["Nivå", *nums], [[r["Nivå"], *(meeting_cell(report, r, c) for c in nums)]
                                       for r in report.meetings_by_level.iter_rows(named=True)],
               (5, 3, 3, 3, 3), {1, 2, 3, 4})
        _table(doc, ["Nivå", "Møtearena", *nums],
               [[r["Nivå"], r["Møtearena"], *(meeting_cell(report, r, c) for c in nums)]
                for r in report.meetings.iter_rows(named=True)],
               (2.6, 6.0, 2.2, 2.0, 2.0, 2.2), {2, 3, 4, 5})

    doc.add_heading(SECTIONS["indicators"], level=1)
    if not report.indicators:
        doc.add_paragraph("Planen har ingen indikatorer.")
    for ind in report.indicators:
        doc.add_heading(ind.name, level=2)
        if ind.description:
            doc.add_paragraph(ind.description)
        if ind.has_example:
            _example(doc, f"{EXAMPLE_LABEL}: stiplede linjer og trekanter i figuren er eksempeldata.")
        if ind.id in charts.indicators:
            _picture(doc, charts.indicators[ind.id], 16)
        else:
            doc.add_paragraph("Ingen verdier ennå.")
        _table(doc, None, [list(pair) for pair in indicator_facts(ind)], (4, 13))
    if report.coverage is not None:
        doc.add_heading(SECTIONS["coverage"], level=1)
        doc.add_paragraph(coverage_note(report))
        header, rows = coverage_rows(report)
        _table(doc, header, rows, (4.4, 4.2, 4.2, 4.2))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
