"""Plan import on SQLite and PostgreSQL: the Stange round trip, imports into a plan, and refused files that write
nothing."""

import io

import openpyxl
import polars as pl
import pytest
from sqlalchemy import func, select

from dashboard.cli import main
from data_access.db.changelog import log_frame
from data_access.db.engine import session_scope
from data_access.db.models import Base
from data_access.domain.errors import AccessDenied
from data_access.domain.permissions import Actor
from data_access.formats.excel_export import plan_workbook
from data_access.formats.plan_workbook import COLUMNS, IMPORTED
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.plan_import import ImportRefused, NewPlan, apply_import, preview
from tests.plan_books import PERSONAL_NUMBER, TILTAK_ROW, book, valid_book

ADMIN = Actor("admin", "admin")


def _import(engine, actor, data: bytes, *, plan_id: int | None = None, new_plan: NewPlan | None = None):
    """Preview the file, then import that preview, as the page and the CLI do."""
    seen = preview(engine, data, plan_id=plan_id, level_labels=new_plan.level_labels if new_plan else None)
    return apply_import(engine, actor, seen, new_plan=new_plan)


def _plan(engine, key: str) -> int:
    plans = plans_frame(engine)
    return int(plans.filter(pl.col("key") == key)["id"][0])


def _counts(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {name: s.scalar(select(func.count()).select_from(table)) for name, table in Base.metadata.tables.items()}


def _content(engine, plan_id: int) -> dict:
    tiltak = tiltak_frame(engine, plan_id, include_archived=True).select(
        "level", "name", "description", "status", "status_note", "services", "next_step", "next_evaluation",
        "next_evaluation_is_example", "protective_factor", "archived").sort("name")
    arenas = arenas_frame(engine, plan_id, include_retired=True).select(
        "name", "level", "purpose", "leader", "participants", "frequency_text", "frequency", "is_new", "start_date",
        "end_date", "retired").sort("name")
    indicators = indicators_frame(engine, plan_id)
    names = dict(indicators.select("id", "name").iter_rows())
    values = values_frame(engine, plan_id).with_columns(
        pl.col("indicator_id").replace_strict(names, return_dtype=pl.String).alias("indicator")).select(
        "indicator", "period", "geo", "geo_name", "value", "source", "is_example").sort("indicator", "period", "geo")
    indicators = indicators.select("name", "description", "unit", "better", "source", "target_value", "target_year",
                                   "target_is_example", "level").sort("name")
    return {"tiltak": tiltak, "arenas": arenas, "indicators": indicators, "values": values}


def test_stange_export_imported_as_new_plan_is_the_same_plan(demo_engine):
    stange = _plan(demo_engine, "stange-2023-2026")
    data = plan_workbook(demo_engine, stange, 2026)
    result = _import(demo_engine, ADMIN, data, new_plan=NewPlan(kommune="Testby", name="Testplan", key="testby"))
    assert result.plan_key == "testby"
    before, after = _content(demo_engine, stange), _content(demo_engine, result.plan_id)
    for part in before:
        assert before[part].height and before[part].equals(after[part]), part
    log = log_frame(demo_engine, plan_id=result.plan_id)
    assert log.filter(pl.col("action") == "create").height == 1 + 40 + 19 + 10 + 144
    assert set(log["username"]) == {"admin"}
    again = preview(demo_engine, data, plan_id=result.plan_id).changes
    assert again.is_empty, "importing the same file again changes nothing"


def test_import_into_an_existing_plan_matches_by_name(demo_engine):
    stange = _plan(demo_engine, "stange-2023-2026")
    first = tiltak_frame(demo_engine, stange).row(0, named=True)

    def edit(wb):
        ws = wb["Tiltak"]
        ws["D2"] = "Avsluttet"
        ws["E2"] = "Evaluert og avsluttet"
        ws.append(TILTAK_ROW)

    data = book(edit, base=plan_workbook(demo_engine, stange, 2026))
    changes = preview(demo_engine, data, plan_id=stange).changes
    summary = {r["Ark"]: r for r in changes.summary().iter_rows(named=True)}
    assert (summary["Tiltak"]["Nye"], summary["Tiltak"]["Endrede"], summary["Tiltak"]["Uendrede"]) == (1, 1, 39)
    changed = next(c for c in changes.tiltak if c.kind == "endret")
    assert changed.name == first["name"] and set(changed.changed) == {"status", "status_note"}
    assert changes.new_services == ["Ny tjeneste for test"]
    detail = changes.detail()
    assert "Status: i_gang → avsluttet" in detail.filter(pl.col("Endring") == "Endret")["Felt"][0]
    _import(demo_engine, ADMIN, data, plan_id=stange)
    after = tiltak_frame(demo_engine, stange).filter(pl.col("id") == first["id"]).row(0, named=True)
    assert after["status"] == "avsluttet" and after["version"] == first["version"] + 1
    assert tiltak_frame(demo_engine, stange).height == 41
    log = log_frame(demo_engine, plan_id=stange, entity="tiltak")
    assert set(log.filter(pl.col("action") == "import")["field"]) == {"status", "status_note"}


SPOILERS = {
    "not excel": lambda: b"PK\x03\x04 not really a zip",
    "missing sheet": lambda: book(lambda wb: wb.remove(wb["Tiltak"])),
    "unknown status": lambda: valid_book(lambda wb: wb["Tiltak"].__setitem__("D2", "Ferdig")),
    "personal number": lambda: valid_book(lambda wb: wb["Tiltak"].__setitem__("E2", f"Barn {PERSONAL_NUMBER}")),
    "duplicate": lambda: valid_book(lambda wb: wb["Tiltak"].append(TILTAK_ROW)),
    "date as text": lambda: valid_book(lambda wb: wb["Tiltak"].__setitem__("H2", "03.03.2026")),
    "merged": lambda: valid_book(lambda wb: wb["Tiltak"].merge_cells("C2:C3")),
    "formula": lambda: valid_book(lambda wb: wb["Indikatorverdier"].__setitem__("E2", "=1+1")),
    "renamed sheet": lambda: valid_book(lambda wb: setattr(wb["Møtearenaer"], "title", "Arenaer")),
    "10,000 rows": lambda: valid_book(lambda wb: [wb["Tiltak"].append(["Universell", f"T{i}", None, "Planlagt"])
                                                   for i in range(10_000)]),
}


@pytest.mark.parametrize("spoiler", list(SPOILERS))
def test_faulty_workbooks_write_nothing(demo_engine, spoiler):
    data = SPOILERS[spoiler]()
    before = _counts(demo_engine)
    with pytest.raises(ImportRefused) as refused:
        _import(demo_engine, ADMIN, data, new_plan=NewPlan(kommune="Testby", name="Testplan"))
    assert refused.value.row_errors and str(refused.value).startswith("Filen ble ikke importert")
    if spoiler != "10,000 rows":  # slow to read; once is enough
        with pytest.raises(ImportRefused):
            _import(demo_engine, ADMIN, data, plan_id=_plan(demo_engine, "bamble"))
    assert _counts(demo_engine) == before


def test_a_late_failure_rolls_back_everything(demo_engine):
    """A taken key is found only inside the transaction, after the file was accepted: nothing stays."""
    before = _counts(demo_engine)
    with pytest.raises(Exception, match="finnes allerede en plan med nøkkelen"):
        _import(demo_engine, ADMIN, valid_book(),
                     new_plan=NewPlan(kommune="Testby", name="Testplan", key="bamble"))
    assert _counts(demo_engine) == before


def test_only_admins_import(demo_engine):
    before = _counts(demo_engine)
    for role in ("leser", "redaktor", "planlegger"):
        with pytest.raises(AccessDenied):
            _import(demo_engine, Actor("x", role), valid_book(), new_plan=NewPlan(kommune="T", name="T"))
    assert _counts(demo_engine) == before


def test_cli_plan_import(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(valid_book())
    bad.write_bytes(valid_book(lambda wb: wb["Tiltak"].__setitem__("A2", "Grunnleggende")))
    assert main(["plan", "import", str(bad), "--key", "testby", "--kommune", "Testby"]) == 1
    err = capsys.readouterr().err
    assert "Feil: Tiltak, rad 2, kolonne «Nivå»: Ukjent nivå «Grunnleggende»." in err
    assert "Ingenting er endret" in err
    assert main(["plan", "import", str(good), "--key", "testby", "--kommune", "Testby", "--dry-run"]) == 0
    assert "testby" not in plans_frame(_engine_of(demo_url))["key"].to_list()
    assert main(["plan", "import", str(good), "--key", "testby", "--kommune", "Testby"]) == 0
    assert "7 nye og 0 endrede rader importert i planen «testby»." in capsys.readouterr().out
    engine = _engine_of(demo_url)
    plan_id = _plan(engine, "testby")
    assert tiltak_frame(engine, plan_id).height == 2 and arenas_frame(engine, plan_id).height == 2
    assert main(["plan", "import", str(good), "--into", "testby"]) == 0
    assert "0 nye og 0 endrede rader importert" in capsys.readouterr().out


def _engine_of(url):
    from data_access.db.engine import get_engine

    return get_engine(url)


def test_exported_file_is_read_back_cell_for_cell(demo_engine):
    data = plan_workbook(demo_engine, _plan(demo_engine, "bamble"), 2026)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Tiltak"]
    assert sheet["A2"].value in {"Alle barn", "Større risiko", "Særlig utsatt"}
    plan = preview(demo_engine, data, plan_id=_plan(demo_engine, "bamble")).plan
    assert plan.ok and len(plan.tiltak) == 53


OPTIONAL = [(sheet, c.header) for sheet in IMPORTED for c in COLUMNS[sheet] if not c.required]


def _without(sheet: str, headers: set[str]):
    """Delete columns by header, as a person deletes a column in Excel."""
    def edit(wb):
        ws = wb[sheet]
        for index in sorted((c.column for c in ws[1] if c.value in headers), reverse=True):
            ws.delete_cols(index)

    return edit


def test_deleting_every_optional_column_changes_nothing(demo_engine):
    """A missing column means "not in this file": every field it holds is left as it is, in every row."""
    stange = _plan(demo_engine, "stange-2023-2026")
    before = _content(demo_engine, stange)

    def strip(wb):
        for sheet in IMPORTED:
            _without(sheet, {h for s, h in OPTIONAL if s == sheet})(wb)

    data = book(strip, base=plan_workbook(demo_engine, stange, 2026))
    plan, changes = (seen := preview(demo_engine, data, plan_id=stange)).plan, seen.changes
    assert plan.ok, plan.errors
    assert changes.is_empty, changes.detail()
    assert any("«Verdi»" in n and "beholder det de har" in n for n in plan.notes), plan.notes
    assert _import(demo_engine, ADMIN, data, plan_id=stange).summary().startswith("0 nye og 0 endrede rader")
    after = _content(demo_engine, stange)
    assert all(before[part].equals(after[part]) for part in before)


@pytest.mark.parametrize(("sheet", "header"), OPTIONAL, ids=[f"{s}-{h}" for s, h in OPTIONAL])
def test_one_missing_optional_column_is_left_alone(demo_engine, sheet, header):
    stange = _plan(demo_engine, "stange-2023-2026")
    data = book(_without(sheet, {header}), base=plan_workbook(demo_engine, stange, 2026))
    plan, changes = (seen := preview(demo_engine, data, plan_id=stange)).plan, seen.changes
    assert plan.absent == {sheet: {next(c.field for c in COLUMNS[sheet] if c.header == header)}}
    if header == "Målår":  # a target needs its year: refused, never a target without one
        assert {e.message for e in plan.errors} == {"Kolonnen «Målår» mangler, og den trengs når Mål er fylt ut."}
        return
    assert plan.ok, plan.errors
    assert changes.is_empty, changes.detail()


def test_a_renamed_column_is_refused_by_name(demo_engine):
    stange = _plan(demo_engine, "stange-2023-2026")
    before = _counts(demo_engine)

    def rename(wb):
        ws = wb["Indikatorverdier"]
        next(c for c in ws[1] if c.value == "Verdi").value = "Verdi (%)"

    data = book(rename, base=plan_workbook(demo_engine, stange, 2026))
    with pytest.raises(ImportRefused) as refused:
        _import(demo_engine, ADMIN, data, plan_id=stange)
    assert [e.text() for e in refused.value.row_errors] == [
        "Indikatorverdier, rad 1, kolonne «Verdi (%)»: Kolonnen «Verdi (%)» er ukjent. Arket Indikatorverdier har "
        "kolonnene Indikator, Periode, Geografi, Sted, Verdi, Kilde, Eksempeldata. Gi ikke kolonnene nye navn og "
        "legg ikke til egne kolonner."]
    assert _counts(demo_engine) == before


def test_cli_import_without_the_value_column_keeps_every_value(demo_url, tmp_path, monkeypatch, capsys):
    """Issue 17.6 as reported: «Verdi» deleted, «0 nye og 144 endrede rader importert», 144 values emptied."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    engine = _engine_of(demo_url)
    stange = _plan(engine, "stange-2023-2026")
    values = values_frame(engine, stange).sort("indicator_id", "period", "geo")
    path = tmp_path / "x.xlsx"
    path.write_bytes(book(_without("Indikatorverdier", {"Verdi"}), base=plan_workbook(engine, stange, 2026)))
    assert main(["plan", "import", str(path), "--into", "stange-2023-2026"]) == 0
    out = capsys.readouterr().out
    assert "kolonnen «Verdi» finnes ikke i filen" in out
    assert "0 nye og 0 endrede rader importert" in out
    assert values_frame(engine, stange).sort("indicator_id", "period", "geo").equals(values)
