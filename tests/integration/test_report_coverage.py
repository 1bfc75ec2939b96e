"""The yearly report carries the coverage map (section 7) in PDF and Word, with Bamble's gaps in words."""

import io
from datetime import date

from docx import Document

from data_access.domain.coverage import GAP_TEXT
from data_access.formats.report_charts import ReportCharts
from data_access.formats.report_files import render_report
from data_access.reads.report import build_report, make_period
from tests.integration.test_report import _pdftotext, _require_poppler

HEADING = "7 Dekningskart: faktorer per nivå"


def test_bamble_report_has_the_map_with_its_gaps(demo_engine, tmp_path):
    report = build_report(demo_engine, period=make_period(date.today().year), plan_key="bamble")
    assert report.coverage is not None and len(report.coverage.gaps) == 24
    charts = ReportCharts(pyramid=None, indicators={})
    doc = Document(io.BytesIO(render_report(report, "docx", charts)))
    assert ("Heading 1", HEADING) in [(p.style.name, p.text) for p in doc.paragraphs]
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Faktor")
    assert [c.text for c in table.rows[0].cells] == ["Faktor", "Alle barn", "Større risiko", "Særlig utsatt"]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert len(rows) == 15
    assert rows["Rusmiddelbruk (risikofaktor)"] == [GAP_TEXT] * 3
    assert "Trygghetssirkelen (COS-P) for småbarnsforeldre" in rows["God foreldreomsorg (beskyttelsesfaktor)"][0]
    assert any("24 av 45 ruter har ingen tiltak" in p.text for p in doc.paragraphs)

    _require_poppler()
    text = _pdftotext(render_report(report, "pdf", charts), tmp_path)
    assert text.count(HEADING) >= 2  # in the table of contents and as the heading
    assert "24 av 45 ruter har ingen tiltak" in " ".join(text.split())
    assert "Ingen tiltak – tema for" in text and "Levekårsutfordringer" in text
