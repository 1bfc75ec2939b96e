"""Any text the app accepts renders in every export: the yearly report (PDF, Word), the minutes (PDF from blocks and
from Markdown, Word, Markdown) and the Excel workbook. Every free-text field is filled up to its maximum length
(``fields.py``) with one unbroken word, or with mixed scripts and emoji, through the app's own writes."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import polars as pl
import pytest
from docx import Document

from dashboard.cli import main
from data_access.db.engine import make_engine
from data_access.db.uow import Change
from data_access.domain.fields import ACTION, ARENA, GROUP_MEETING, INDICATOR, MEETING, PLAN, TILTAK
from data_access.domain.meetings import MeetingUpdate
from data_access.domain.permissions import Actor
from data_access.formats.excel_export import frame_workbook, plan_workbook
from data_access.formats.minutes import to_docx, to_markdown
from data_access.formats.minutes_pdf import blocks_pdf, minutes_pdf
from data_access.formats.report_files import render_report
from data_access.reads.arenas import arenas_frame
from data_access.reads.group_meetings import minutes_for
from data_access.reads.plans import plans_frame
from data_access.reads.report import build_report, make_period
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.actions import add_action
from data_access.writes.arenas import update_arena
from data_access.writes.group_meetings import end_meeting, start_meeting
from data_access.writes.indicators import create_indicator
from data_access.writes.meetings import update_meeting
from data_access.writes.plans import create_plan
from data_access.writes.tiltak import save_changes

ADMIN = Actor("admin", "admin", "Admin")
PLAN_KEY = "stange-2023-2026"
TODAY = date.today()
MIXED = "Ærø Sámi ŋđčšž Ελληνικά Кириллица العربية עברית 漢字 😀👨‍👩‍👧 ﷽ "


def _word(n: int, kind: str) -> str:
    """``n`` characters: one unbroken wide word, or mixed scripts and emoji without a usable break."""
    return ("W" * n) if kind == "word" else (MIXED * (n // len(MIXED) + 1))[:n]


def _max(spec, name: str) -> int:
    return spec.max_chars(name)


def _fill(engine, kind: str) -> int:
    """Every free-text field of a tiltak, an arena, a meeting, an indicator, an action and a group meeting at
    its maximum length; returns the group meeting's id."""
    plan_id = plans_frame(engine).filter(pl.col("key") == PLAN_KEY)["id"][0]
    meeting_id = start_meeting(engine, ADMIN, plan_id, TODAY,
                               _word(_max(GROUP_MEETING, "participants"), kind))
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    save_changes(engine, ADMIN, plan_id, [Change(row["id"], row["version"], {
        name: _word(_max(TILTAK, name), kind) for name in ("name", "description", "status_note", "next_step")})])
    arena = arenas_frame(engine, plan_id).row(0, named=True)
    update_arena(engine, ADMIN, arena["id"], arena["version"], {
        "name": _word(_max(ARENA, "name"), kind), "purpose": _word(_max(ARENA, "purpose"), kind),
        "leader": _word(_max(ARENA, "leader"), kind),
        "participants": [_word(_max(ARENA, "participants"), kind).replace(",", "")]})
    update_meeting(engine, ADMIN, MeetingUpdate(arena["id"], date(TODAY.year, 12, 1), 0,
                                                note=_word(_max(MEETING, "note"), kind)))
    create_indicator(engine, ADMIN, plan_id, name=_word(_max(INDICATOR, "name"), kind),
                     description=_word(_max(INDICATOR, "description"), kind),
                     source=_word(_max(INDICATOR, "source"), kind))
    add_action(engine, ADMIN, plan_id, text=_word(_max(ACTION, "text"), kind),
               person=_word(_max(ACTION, "responsible_person"), kind), deadline=TODAY, tiltak_id=row["id"])
    return meeting_id


def _pdf_ok(data: bytes) -> None:
    assert data.startswith(b"%PDF") and len(data) > 1000


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def engine(sqlite_demo_url):
    e = make_engine(sqlite_demo_url)
    yield e
    e.dispose()


@pytest.mark.parametrize("kind", ["word", "mixed"])
def test_every_export_renders_every_field_at_its_maximum(engine, kind):
    meeting_id = _fill(engine, kind)
    summary = _word(_max(GROUP_MEETING, "summary"), kind)
    end_meeting(engine, ADMIN, meeting_id, summary=summary)

    report = build_report(engine, period=make_period(TODAY.year), plan_key=PLAN_KEY)
    _pdf_ok(render_report(report, "pdf"))
    word = _docx_text(render_report(report, "docx"))
    assert _word(_max(TILTAK, "status_note"), kind) in word

    blocks = minutes_for(engine, meeting_id, summary)
    _pdf_ok(blocks_pdf(blocks, "Referat"))
    markdown = to_markdown(blocks)
    _pdf_ok(minutes_pdf(markdown, "Referat"))
    assert summary in _docx_text(to_docx(blocks, "Referat"))

    plan_id = plans_frame(engine).filter(pl.col("key") == PLAN_KEY)["id"][0]
    book = plan_workbook(engine, plan_id, TODAY.year)
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert _word(_max(TILTAK, "description"), kind)[:100] in strings + sheets


@pytest.mark.parametrize("kind", ["word", "mixed"])
def test_a_plan_with_the_longest_name_and_kommune_gets_a_report(engine, kind):
    plan_id = create_plan(engine, ADMIN, name=_word(_max(PLAN, "name"), kind),
                          kommune=_word(_max(PLAN, "kommune"), kind), source=_word(_max(PLAN, "source"), kind),
                          level_labels={"universell": _word(_max(PLAN, "level_label"), kind)},
                          protective_factors=[_word(_max(PLAN, "protective_factor"), kind)])
    report = build_report(engine, period=make_period(TODAY.year), plan_id=plan_id)
    _pdf_ok(render_report(report, "pdf"))
    assert _word(_max(PLAN, "kommune"), kind) in _docx_text(render_report(report, "docx"))


def test_cli_report_with_a_long_word_in_a_status_note(sqlite_demo_url, tmp_path, monkeypatch, capsys):
    engine = make_engine(sqlite_demo_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == PLAN_KEY)["id"][0]
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    save_changes(engine, ADMIN, plan_id, [Change(row["id"], row["version"], {"status_note": "W" * 1000})])
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", sqlite_demo_url)
    out = tmp_path / "rapport.pdf"
    assert main(["report", "--plan", PLAN_KEY, "--year", str(TODAY.year), "-o", str(out)]) == 0, \
        capsys.readouterr().err
    _pdf_ok(out.read_bytes())


def test_excel_keeps_formulas_and_links_as_text():
    frame = pl.DataFrame({"Tekst": ['=HYPERLINK("https://evil.example","klikk")', "https://evil.example", "+1+1"]})
    with zipfile.ZipFile(io.BytesIO(frame_workbook(frame))) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
    assert "<f>" not in sheet, "no formula from user text"
    assert "<hyperlink" not in sheet and "evil.example" not in rels, "no live link from user text"


def test_a_report_that_still_fails_is_a_norwegian_error(engine, monkeypatch):
    from data_access.formats import report_pdf
    from data_access.formats.report_files import ReportError

    def broken(*args, **kwargs):
        raise ValueError("The row with index 1 is too high and cannot be rendered on a single page")

    monkeypatch.setattr(report_pdf, "report_pdf", broken)
    report = build_report(engine, period=make_period(TODAY.year), plan_key=PLAN_KEY)
    with pytest.raises(ReportError, match="Rapporten kunne ikke lages som PDF"):
        render_report(report, "pdf")
