"""The plan workbook: every sheet, Norwegian headers, real dates and numbers, frozen header, filters, widths."""

import io
from datetime import datetime

import openpyxl
import polars as pl

from dashboard.cli import main
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.formats.excel_export import plan_workbook, template_workbook
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
