"""The yearly report for the Stange demo on SQLite and PostgreSQL: the model, the PDF (pdftotext, pdffonts),
the Word file (python-docx) and ``laget report``."""

import io
import re
import shutil
import subprocess
from datetime import date, datetime

import polars as pl
import pytest
from docx import Document

from dashboard.cli import main
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.formats.report_charts import render_charts
from data_access.formats.report_files import render_report
from data_access.reads.report import build_report, make_period
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.indicators import create_indicator, set_value
from data_access.writes.tiltak import create_tiltak, save_changes, set_archived
from tests.conftest import IN_CI

KARI = Actor("redaktor", "redaktor", "Kari")
PLAN = "stange-2023-2026"
TODAY = date.today()
LAST = TODAY.year - 1


def _stange_id(engine) -> int:
    from data_access.reads.plans import plans_frame

    plans = plans_frame(engine)
    return plans.filter(pl.col("key") == PLAN)["id"][0]


def _row(engine, plan_id, name):
    return tiltak_frame(engine, plan_id, include_archived=True).filter(pl.col("name") == name).row(0, named=True)


def test_counts_and_sections_for_the_demo(demo_engine):
    report = build_report(demo_engine, period=make_period(TODAY.year), plan_key=PLAN)
    assert report.kommune == "Stange" and report.is_demo
    assert report.counts.filter(pl.col("Nivå") == "Totalt")["Totalt"][0] == 40
    assert [len(s.tiltak) for s in report.level_sections] == [30, 6, 4]
    figures = {f.label: f for f in report.key_figures}
    assert figures["Tiltak i planen"].value == "40"
    assert figures["Indikatorer"].example, "every demo indicator series holds example values"
    assert report.meetings_by_level["Nivå"].to_list()[0] == "Kommunenivå"
    assert report.meetings["Planlagt hittil"].sum() > 0
    assert report.overdue["Eksempeldata"].all(), "demo evaluation dates are example data"
    assert (report.overdue["Evalueres"] < TODAY).all()


def test_changes_in_period_come_from_the_change_log(demo_engine):
    plan_id = _stange_id(demo_engine)
    a = _row(demo_engine, plan_id, "Fritidskassa")
    save_changes(demo_engine, KARI, plan_id, [Change(a["id"], a["version"], {"status": "avsluttet"})],
                 now=datetime(LAST, 6, 2, 10))
    a = _row(demo_engine, plan_id, "Fritidskassa")
    save_changes(demo_engine, KARI, plan_id, [Change(a["id"], a["version"], {"status": "under_revidering"})],
                 now=datetime(TODAY.year, 1, 5, 10))
    a = _row(demo_engine, plan_id, "Fritidskassa")
    save_changes(demo_engine, KARI, plan_id, [Change(a["id"], a["version"], {"status_note": "Ny vurdering"})],
                 now=datetime(TODAY.year, 1, 6, 10))
    b = _row(demo_engine, plan_id, "Svangerskapskurs")
    set_archived(demo_engine, KARI, b["id"], b["version"], True)
    create_tiltak(demo_engine, KARI, plan_id, level="selektiv", name="Nytt lavterskeltilbud", status="planlagt",
                  services=["Kultur"])

    last = build_report(demo_engine, period=make_period(LAST), plan_key=PLAN)
    selektiv = {t.name: t for t in last.level_sections[1].tiltak}
    assert selektiv["Fritidskassa"].status == "Avsluttet", "the status at the end of last year, not today's"
    assert selektiv["Fritidskassa"].changes == f"Status I gang → Avsluttet 02.06.{LAST}"
    # a new status without a new note cleared the note (tiltak_writes rule 4), so last year ended without one
    assert selektiv["Fritidskassa"].status_note == "–", "the note as it was, not the one written this year"
    assert "Nytt lavterskeltilbud" not in selektiv, "created after the period"
    assert "Svangerskapskurs" in {t.name for t in last.level_sections[0].tiltak}, "archived only this year"
    assert last.status_changes == 1 and not last.new_tiltak and not last.archived_tiltak

    this = build_report(demo_engine, period=make_period(TODAY.year), plan_key=PLAN)
    selektiv = {t.name: t for t in this.level_sections[1].tiltak}
    assert selektiv["Fritidskassa"].status == "Under revidering"
    assert selektiv["Fritidskassa"].status_note == "Ny vurdering"
    assert selektiv["Nytt lavterskeltilbud"].changes.startswith("Nytt tiltak")
    assert this.new_tiltak == ["Nytt lavterskeltilbud"]
    assert this.archived_tiltak == ["Svangerskapskurs"]
    universell = {t.name: t for t in this.level_sections[0].tiltak}
    assert universell["Svangerskapskurs (arkivert)"].changes.startswith("Arkivert")
    assert this.counts.filter(pl.col("Nivå") == "Totalt")["Totalt"][0] == 40, "one new, one archived"


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _require_poppler() -> None:
    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        if IN_CI:
            pytest.fail("pdftotext/pdffonts mangler i CI (apt-get install poppler-utils).")
        pytest.skip("poppler-utils (pdftotext, pdffonts) is not installed")


def test_pdf_and_docx_for_the_stange_demo(demo_engine, tmp_path):
    _require_poppler()
    report = build_report(demo_engine, period=make_period(TODAY.year), plan_key=PLAN)
    charts = render_charts(report)
    assert charts.pyramid.startswith(b"\x89PNG") and len(charts.indicators) == 10

    pdf = render_report(report, "pdf", charts)
    text = _pdftotext(pdf, tmp_path)
    assert f"Statusrapport {TODAY.year} – Stange kommune" in text
    assert f"01.01.{TODAY.year}–31.12.{TODAY.year}" in text
    assert "Innhold" in text
    toc = text.split("Innhold", 1)[1].split("\f", 1)[0]
    for heading in ("1 Tilstanden i tall", "2 Tiltakspyramiden", "3 Tiltak per nivå", "4 Evalueringer som er forfalt",
                    "5 Møter: avholdt mot planlagt", "6 Indikatorer", "Universell (grønn): 30 tiltak",
                    "Gjennomføring i videregående opplæring"):
        assert heading in toc, f"{heading} missing from the table of contents"
        assert text.count(heading) >= 2, f"{heading} missing as a heading"
    assert "Eksempeldata" in text and "eksempeldata (ikke offisielle tall)" in text
    pages = text.count("\f")
    assert f"Side 2 av {pages}" in text and f"Side {pages} av {pages}" in text
    assert "81,8 %" in text, "latest Gjennomføring value, Norwegian decimal comma"
    assert "prosentpoeng" in text and not re.search(r"[+−]\d+(,\d+)? %", text), "changes in percentage points"
    assert "11,3 per 1 000" in text
    assert "81.8" not in text
    path = tmp_path / "r.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all(" yes " in row for row in font_rows), fonts
    assert "DejaVu" in fonts

    docx = Document(io.BytesIO(render_report(report, "docx", charts)))
    headings = [(p.style.name, p.text) for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "1 Tilstanden i tall") in headings
    assert ("Heading 1", "6 Indikatorer") in headings
    assert ("Heading 2", "Universell (grønn): 30 tiltak") in headings
    assert ("Heading 2", "Andel elever med spesialundervisning") in headings
    assert len(docx.inline_shapes) == 11, "the pyramid and ten indicator charts as pictures"
    tiltak_table = next(t for t in docx.tables if t.rows[0].cells[0].text == "Tiltak"
                        and t.rows[0].cells[-1].text == "Endret i perioden")
    assert len(tiltak_table.rows) == 31
    body = docx.element.body.xml
    assert "TOC \\o" in body, "a table-of-contents field"
    assert "updateFields" in docx.settings.element.xml, "Word fills the TOC and page numbers on opening"
    footer = docx.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    all_text = "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "Eksempeldata" in all_text and "81,8 %" in all_text
    assert "prosentpoeng" in all_text and not re.search(r"[+−]\d+(,\d+)? %", all_text)
    styles = docx.styles.element.xml
    assert re.search(r'<w:docDefaults>.*<w:lang w:val="nb-NO"', styles, re.S) and "en-US" not in styles
    assert [(round(s.page_width.cm, 1), round(s.page_height.cm, 1)) for s in docx.sections] == [(21.0, 29.7)]


def test_cli_writes_both_formats_and_refuses_bad_input(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    out = tmp_path / "rapport.pdf"
    assert main(["report", "--plan", PLAN, "--year", str(TODAY.year), "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    docx = tmp_path / "rapport.docx"
    assert main(["report", "--plan", PLAN, "--from", f"01.03.{LAST}", "--to", f"{TODAY.year}-02-28",
                 "-o", str(docx)]) == 0
    assert Document(str(docx)).paragraphs[0].text == f"Statusrapport 01.03.{LAST}–28.02.{TODAY.year} – Stange kommune"
    capsys.readouterr()
    assert main(["report", "--plan", "finnes-ikke", "--year", "2025", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "Fant ingen plan" in capsys.readouterr().err
    assert main(["report", "--plan", PLAN, "--from", "31.02.2025", "--to", "01.03.2025", "-o",
                 str(tmp_path / "x.pdf")]) == 1
    assert "er ikke en dato" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_official_figures_are_not_marked_as_examples(demo_engine, tmp_path):
    plan_id = _stange_id(demo_engine)
    ind = create_indicator(demo_engine, KARI, plan_id, name="Barnehagedekning 1–5 år", unit="percent",
                           better="higher", source="SSB tabell 09220")
    for period, value in (("2022", 92.4), ("2023", 93.1)):
        set_value(demo_engine, KARI, ind, period=period, geo="kommune", value=value, geo_name="Stange",
                  source="SSB tabell 09220", is_example=False, version=0)
    set_value(demo_engine, KARI, ind, period="2023", geo="land", value=93.0, geo_name="Norge",
              source="SSB tabell 09220", is_example=False, version=0)
    report = build_report(demo_engine, period=make_period(TODAY.year), plan_key=PLAN)
    section = next(i for i in report.indicators if i.id == ind)
    assert not section.has_example
    assert section.latest == "93,1 %" and section.change == "+0,7 prosentpoeng", "the screen's words"
    assert section.status_words == "Bedre enn forrige · Ingen mål · Omtrent som landet"
    assert section.updated == TODAY, "the date the value was written in Laget"
    from data_access.formats.report_text import indicator_facts

    facts = dict(indicator_facts(section))
    assert "Eksempeldata" not in " ".join(facts.values())
    assert facts["Kilde"] == "SSB tabell 09220"
    assert all(i.has_example for i in report.indicators if i.id != ind), "the demo's own series stay marked"


def test_bamble_report_with_its_own_level_words(demo_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    out = tmp_path / "bamble.docx"
    assert main(["report", "--plan", "bamble", "--year", str(TODAY.year), "-o", str(out)]) == 0
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert any(h.endswith("tiltak") for h in headings)
    assert "Bamble" in doc.paragraphs[0].text


def test_a_new_empty_plan_still_gives_a_report(empty_engine):
    from data_access.writes.plans import create_plan

    plan_id = create_plan(empty_engine, Actor("admin", "admin"), name="Forebyggingsplan 2026–2029", kommune="Åsnes",
                          start_year=2026, end_year=2029)
    report = build_report(empty_engine, period=make_period(TODAY.year), plan_id=plan_id)
    assert report.tiltak.is_empty() and not report.indicators and report.meetings.is_empty()
    assert not report.has_example
    charts = render_charts(report)
    assert charts.pyramid is None and not charts.indicators
    assert render_report(report, "pdf", charts).startswith(b"%PDF")
    doc = Document(io.BytesIO(render_report(report, "docx", charts)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Ingen tiltak på dette nivået." in body and "Planen har ingen indikatorer." in body
    assert "Eksempeldata" not in body


def test_meeting_figures_say_what_they_count(demo_engine):
    """Issue 19 point 4: «ikke registrert» when no meeting is marked held; planned meetings from the arenas as
    they stood (an arena added today has no planned meetings behind it; one retired today keeps its past ones);
    «Møtearenaer» counts every arena of the plan and says how many have fixed dates."""
    from data_access.domain.meetings import MeetingUpdate, merge_meetings
    from data_access.reads.arenas import arenas_frame
    from data_access.reads.meetings import stored_meetings
    from data_access.writes.arenas import create_arena, set_retired
    from data_access.writes.meetings import update_meeting

    slt = Actor("slt", "planlegger")
    plan_id = _stange_id(demo_engine)

    def figures():
        report = build_report(demo_engine, period=make_period(TODAY.year), plan_key=PLAN)
        return {f.label: f.value for f in report.key_figures}, report

    before, report = figures()
    held, planned = before["Møter avholdt / planlagt hittil"].split(" / ")
    assert held == "ikke registrert" and int(planned.replace("\xa0", "")) > 0
    from data_access.formats.report_text import meeting_cell, meeting_note

    assert "Ingen møter i perioden er merket som avholdt" in meeting_note(report)
    first = report.meetings.row(0, named=True)
    assert meeting_cell(report, first, "Avholdt") == "–", "not 0: nobody registered it"
    assert meeting_cell(report, first, "Planlagt hittil") == str(first["Planlagt hittil"])
    assert before["Møtearenaer i planen"].startswith("19 (")
    assert "med faste møter i perioden" in before["Møtearenaer i planen"]

    create_arena(demo_engine, slt, plan_id, name="Nytt foreldreråd", level="kommune", frequency_text="Ukentlig")
    arenas = arenas_frame(demo_engine, plan_id)
    politirad = arenas.filter(pl.col("name") == "Politiråd")
    set_retired(demo_engine, slt, politirad["id"][0], politirad["version"][0], True)
    after, _ = figures()
    new_planned = int(after["Møter avholdt / planlagt hittil"].split(" / ")[1].replace("\xa0", ""))
    assert int(planned.replace("\xa0", "")) <= new_planned <= int(planned.replace("\xa0", "")) + 1, \
        "the new weekly arena adds no meetings before today, the retired one keeps those it had"
    assert after["Møtearenaer i planen"].startswith("20 ("), "both stood in the plan this year"

    past = merge_meetings(arenas, stored_meetings(demo_engine, plan_id, TODAY.year), TODAY.year) \
        .filter(pl.col("date") <= TODAY).sort("date")
    if past.height:
        m = past.row(0, named=True)
        update_meeting(demo_engine, slt, MeetingUpdate(m["arena_id"], m["planned_date"], 0, state="avholdt"))
        marked, _ = figures()
        assert marked["Møter avholdt / planlagt hittil"].startswith("1 / ")
