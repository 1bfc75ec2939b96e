"""The plan workbook: every sheet, Norwegian headers, real dates and numbers, frozen header, filters, widths."""

import io
from datetime import datetime

import openpyxl
import polars as pl

from dashboard.cli import main
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.formats.excel_export import frame_workbook, plan_workbook, template_workbook
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.tiltak import save_changes

SHEETS = ["Tiltak", "Møtearenaer", "Møter", "Indikatorer", "Indikatorverdier", "Endringslogg", "Veiledning"]


def _stange(engine) -> int:
    plans = plans_frame(engine)
    return int(plans.filter(pl.col("key") == "stange-2023-2026")["id"][0])


def _rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_stange_workbook(demo_engine):
    plan_id = _stange(demo_engine)
    row = tiltak_frame(demo_engine, plan_id).row(0, named=True)
    save_changes(demo_engine, Actor("redaktor", "redaktor"), plan_id,
                 [Change(row["id"], row["version"], {"status": "avsluttet"})])
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(demo_engine, plan_id, 2026)))
    assert book.sheetnames == SHEETS
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.tables, f"{name} is an Excel table with filters"
        assert all(t.autoFilter is not None for t in sheet.tables.values()), name
        assert all((sheet.column_dimensions[c].width or 0) >= 9 for c in "ABC"), name
    tiltak = _rows(book["Tiltak"])
    assert len(tiltak) == 40
    assert {t["Nivå"] for t in tiltak} == {"Universell", "Selektiv", "Indikativ"}
    assert all(isinstance(t["Neste evaluering"], datetime) for t in tiltak), "dates are dates, not text"
    assert book["Tiltak"]["H2"].number_format == "dd.mm.yyyy"
    assert {t["Evalueringsdato er eksempeldata"] for t in tiltak} == {"Ja"}
    values = _rows(book["Indikatorverdier"])
    assert all(isinstance(v["Verdi"], float | int) for v in values if v["Verdi"] is not None)
    assert any(v["Verdi"] == 6.33 and v["Periode"] == "2022/23" and v["Eksempeldata"] == "Nei" for v in values)
    targets = {i["Indikator"]: (i["Mål"], i["Målår"], i["Mål er eksempeldata"]) for i in _rows(book["Indikatorer"])}
    assert targets["Gjennomføring i videregående opplæring"] == (85, 2026, "Ja")
    meetings = _rows(book["Møter"])
    assert meetings and all(m["Dato"].year == 2026 for m in meetings)
    assert len(_rows(book["Møtearenaer"])) == 19
    log = [r for r in _rows(book["Endringslogg"]) if r["Felt"] == "Status"]  # the save also cleared the note
    assert log[0]["Navn"] == row["name"] and log[0]["Til"] == "Avsluttet"
    assert isinstance(log[0]["Tidspunkt"], datetime)


def test_template_has_headers_only_and_a_guide():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == SHEETS
    assert all(book[n].max_row == 1 for n in SHEETS[:-1])
    guide = " ".join(str(c.value) for row in book["Veiledning"].iter_rows() for c in row)
    for word in ("Universell", "Under revidering", "Hver 14. dag", "Laget forstår: 5 ganger i året", "Hyppighet"):
        assert word in guide


def test_cli_export(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    out = tmp_path / "bamble.xlsx"
    assert main(["export", "--plan", "bamble", "-o", str(out), "--year", "2025"]) == 0
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    assert main(["export", "--plan", "finnes-ikke", "-o", str(out)]) == 1
    assert "Fant ingen plan med nøkkelen «finnes-ikke»" in capsys.readouterr().err


INJECTIONS = ['=HYPERLINK("https://evil.example","klikk")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1",
              "https://evil.example/klikk"]


def _assert_text_cells(sheet, texts: list[str]) -> None:
    """Each text is in the sheet as a plain string cell: no formula, no hyperlink."""
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for text in texts:
        cell = cells.get(text)
        assert cell is not None, f"{text!r} is in the sheet as written"
        assert cell.data_type == "s" and cell.hyperlink is None, f"{text!r} is a string cell, not a formula or link"


def test_user_text_is_never_a_formula_in_the_plan_workbook(demo_engine):
    """Formula injection: text a user typed is a string cell in the export, whatever it starts with, and the
    export still imports unchanged (the export is the import template)."""
    from data_access.reads.arenas import arenas_frame
    from data_access.writes.arenas import update_arena
    from data_access.writes.plan_import import preview

    plan_id = _stange(demo_engine)
    editor = Actor("admin", "admin")
    row = tiltak_frame(demo_engine, plan_id).row(0, named=True)
    save_changes(demo_engine, editor, plan_id, [Change(row["id"], row["version"], {
        "description": INJECTIONS[0], "status_note": INJECTIONS[1], "next_step": INJECTIONS[2]})])
    arena = arenas_frame(demo_engine, plan_id).row(0, named=True)
    update_arena(demo_engine, editor, arena["id"], arena["version"], {"purpose": INJECTIONS[3],
                                                                      "leader": INJECTIONS[5]})
    data = plan_workbook(demo_engine, plan_id, 2026)
    book = openpyxl.load_workbook(io.BytesIO(data))
    _assert_text_cells(book["Tiltak"], INJECTIONS[:3])
    _assert_text_cells(book["Møtearenaer"], [INJECTIONS[3], INJECTIONS[5]])
    _assert_text_cells(book["Endringslogg"], INJECTIONS[:4])
    formulas = [c.coordinate for ws in book for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    seen = preview(demo_engine, data, plan_id=plan_id)
    plan, changes = seen.plan, seen.changes
    assert plan.ok, plan.errors
    assert changes.is_empty, "the exported text reads back as the same text"


def test_user_text_is_never_a_formula_in_a_page_table():
    from data_access.formats.excel_export import frame_workbook

    texts = [*INJECTIONS, "\t=1+1", "\r=1+1", " =1+1"]
    frame = pl.DataFrame({"Navn": texts, "Tjenester": [[t] for t in texts]})
    sheet = openpyxl.load_workbook(io.BytesIO(frame_workbook(frame))).active
    read = [t.replace("\r", "_x000D_") for t in texts]  # how the file stores a carriage return (Excel shows it)
    _assert_text_cells(sheet, read)
    assert [c.value for c in sheet["A"][1:]] == read


def test_a_page_table_with_nan_or_infinity_downloads_with_those_cells_empty():
    """A ratio of 0/0 in a page table made xlsxwriter raise (no NaN/INF in write_number): the download failed."""
    frame = pl.DataFrame({"Indikator": ["a", "b", "c", "d"], "Verdi": [1.5, float("nan"), None, float("inf")]})
    sheet = openpyxl.load_workbook(io.BytesIO(frame_workbook(frame))).active
    assert [c.value for c in sheet["B"]] == ["Verdi", 1.5, None, None, None]
