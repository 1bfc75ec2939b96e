"""The plan import against other people's saves, on SQLite and PostgreSQL (issue 17.7 and 17.8).

The import writes the preview the user saw: a row someone saved, added or removed between the preview and the
write stops the import with a message naming the row and who saved it, and nothing is written. Two imports at
once that add the same tiltak store it once (the other gets a Norwegian conflict); a shared new service is
stored once and both imports succeed.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import polars as pl
import pytest
from sqlalchemy import func, select

from data_access.db.engine import session_scope
from data_access.db.models import Base, Service, Tiltak
from data_access.db.uow import Change
from data_access.domain.errors import ConflictError
from data_access.domain.permissions import Actor
from data_access.domain.vocabulary import GEOS
from data_access.formats.excel_export import plan_workbook
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.arenas import create_arena, update_arena
from data_access.writes.indicators import create_indicator, set_value, update_indicator
from data_access.writes.plan_import import ImportConflict, NewPlan, apply_import, preview
from data_access.writes.tiltak import create_tiltak, save_changes
from tests.at_once import at_once
from tests.plan_books import ARENA_ROW, INDICATOR_ROW, TILTAK_ROW, book

ADMIN = Actor("admin", "admin")
OTHER = Actor("redaktor", "admin")  # a demo user: the conflict names her as «Redaktør … (redaktor)»
OTHER_NAME = "Redaktør i implementeringsgruppa (demo) (redaktor)"


def _stange(engine) -> int:
    return int(plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0])


def _counts(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {name: s.scalar(select(func.count()).select_from(t)) for name, t in Base.metadata.tables.items()}


def _content(engine, plan_id: int) -> dict[str, pl.DataFrame]:
    return {"tiltak": tiltak_frame(engine, plan_id, include_archived=True).sort("id"),
            "arenas": arenas_frame(engine, plan_id, include_retired=True).sort("id"),
            "indicators": indicators_frame(engine, plan_id).sort("id"),
            "values": values_frame(engine, plan_id).sort("indicator_id", "period", "geo")}


def _set(ws, row: int, header: str, value) -> None:
    ws.cell(row=row, column=next(c.column for c in ws[1] if c.value == header), value=value)


def _cell(data: bytes, sheet: str, row: int, header: str):
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    return ws.cell(row=row, column=next(c.column for c in ws[1] if c.value == header)).value


def _value_of_row_2(engine, plan_id: int, data: bytes) -> tuple[int, str, str]:
    """(indicator id, period, geo) of the value on row 2 of Indikatorverdier."""
    names = dict(indicators_frame(engine, plan_id).select("name", "id").iter_rows())
    geo = {label: slug for slug, label in GEOS.items()}[_cell(data, "Indikatorverdier", 2, "Geografi")]
    return names[_cell(data, "Indikatorverdier", 2, "Indikator")], str(_cell(data, "Indikatorverdier", 2,
                                                                                 "Periode")), geo


# kind -> (sheet, the edit made in the exported file, the save someone else makes after the preview, verb)
Edit = Callable[[openpyxl.Workbook], None]
Save = Callable[[object, int, bytes], None]


def _save_tiltak(engine, plan_id: int, _data: bytes) -> None:
    row = tiltak_frame(engine, plan_id, include_archived=True).row(0, named=True)
    save_changes(engine, OTHER, plan_id, [Change(row["id"], row["version"], {"status_note": "Lagret etterpå"})])


def _save_arena(engine, plan_id: int, _data: bytes) -> None:
    row = arenas_frame(engine, plan_id, include_retired=True).row(0, named=True)
    update_arena(engine, OTHER, row["id"], row["version"], {"leader": "Ny leder etterpå"})


def _save_indicator(engine, plan_id: int, _data: bytes) -> None:
    row = indicators_frame(engine, plan_id).row(0, named=True)
    update_indicator(engine, OTHER, row["id"], {"description": "Lagret etterpå"}, version=row["version"])


def _save_value(engine, plan_id: int, data: bytes) -> None:
    indicator_id, period, geo = _value_of_row_2(engine, plan_id, data)
    row = values_frame(engine, plan_id, [indicator_id]).filter((pl.col("period") == period) & (pl.col("geo") == geo))
    set_value(engine, OTHER, indicator_id, period=period, geo=geo, value=42.0, version=row["version"][0],
              source=row["source"][0])


def _add_value_edit(wb: openpyxl.Workbook) -> None:
    ws = wb["Indikatorverdier"]
    ws.append([ws.cell(row=2, column=1).value, "2031", "Kommune", "Stange", 1.5, "Test", "Nei"])


def _add_value(engine, plan_id: int, data: bytes) -> None:
    indicator_id = dict(indicators_frame(engine, plan_id).select("name", "id").iter_rows())[
        _cell(data, "Indikatorverdier", 2, "Indikator")]
    set_value(engine, OTHER, indicator_id, period="2031", geo="kommune", value=2.5, version=0)


CASES: dict[str, tuple[str, Edit, Save, str]] = {
    "tiltak endret": ("Tiltak", lambda wb: _set(wb["Tiltak"], 2, "Status", "Avsluttet"), _save_tiltak, "endret"),
    "arena endret": ("Møtearenaer", lambda wb: _set(wb["Møtearenaer"], 2, "Agenda/målsetting", "Fra filen"),
                     _save_arena, "endret"),
    "indikator endret": ("Indikatorer", lambda wb: _set(wb["Indikatorer"], 2, "Beskrivelse", "Fra filen"),
                         _save_indicator, "endret"),
    "verdi endret": ("Indikatorverdier", lambda wb: _set(wb["Indikatorverdier"], 2, "Verdi", 99.5), _save_value,
                     "endret"),
    "nytt tiltak": ("Tiltak", lambda wb: wb["Tiltak"].append(TILTAK_ROW),
                    lambda e, p, _: create_tiltak(e, OTHER, p, level="universell", name="foreldreveiledning  ICDP"),
                    "lagt til"),
    "ny arena": ("Møtearenaer", lambda wb: wb["Møtearenaer"].append(["Kommunenivå", "Nytt råd", *ARENA_ROW[2:]]),
                 lambda e, p, _: create_arena(e, OTHER, p, name="NYTT RÅD", level="kommune"), "lagt til"),
    "ny indikator": ("Indikatorer", lambda wb: wb["Indikatorer"].append(["Ny indikator", *INDICATOR_ROW[1:]]),
                     lambda e, p, _: create_indicator(e, OTHER, p, name="Ny indikator"), "lagt til"),
    "ny verdi": ("Indikatorverdier", _add_value_edit, _add_value, "lagt til"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_a_save_after_the_preview_stops_the_import_and_nothing_is_written(demo_engine, kind):
    sheet, edit, save, verb = CASES[kind]
    stange = _stange(demo_engine)
    data = book(edit, base=plan_workbook(demo_engine, stange, 2026))
    seen = preview(demo_engine, data, plan_id=stange)
    assert seen.plan.ok, seen.plan.errors
    shown = next(c for c in getattr(seen.changes, {"Tiltak": "tiltak", "Møtearenaer": "arenas",
                                                   "Indikatorer": "indicators", "Indikatorverdier": "values"}[sheet])
                 if c.kind != "uendret")
    save(demo_engine, stange, data)  # someone else saves the same row after the preview
    before, content = _counts(demo_engine), _content(demo_engine, stange)
    with pytest.raises(ImportConflict) as conflict:
        apply_import(demo_engine, ADMIN, seen)
    message = str(conflict.value)
    assert message.startswith(f"Ingenting er importert: {sheet}, rad {shown.row}: «{shown.name}» ble {verb} av "
                              f"{OTHER_NAME} "), message
    assert message.endswith("etter forhåndsvisningen. Last opp filen på nytt for å se endringene."), message
    assert _counts(demo_engine) == before, "nothing of the import is written"
    after = _content(demo_engine, stange)
    assert all(content[part].equals(after[part]) for part in content), "the other person's save stays"


def test_a_save_to_a_row_the_preview_showed_unchanged_is_kept(demo_engine):
    stange = _stange(demo_engine)
    data = book(lambda wb: _set(wb["Tiltak"], 3, "Status", "Avsluttet"), base=plan_workbook(demo_engine, stange,
                                                                                              2026))
    seen = preview(demo_engine, data, plan_id=stange)
    _save_tiltak(demo_engine, stange, data)  # row 2 of the file: shown as unchanged
    assert apply_import(demo_engine, ADMIN, seen).summary().startswith("0 nye og 1 endrede rader")
    first, second = tiltak_frame(demo_engine, stange, include_archived=True).head(2).iter_rows(named=True)
    assert first["status_note"] == "Lagret etterpå" and second["status"] == "avsluttet"


def test_a_service_added_by_someone_else_after_the_preview_is_used(demo_engine):
    stange = _stange(demo_engine)
    ours = preview(demo_engine, book(lambda wb: wb["Tiltak"].append(TILTAK_ROW)), plan_id=stange)
    assert ours.changes.new_services == ["Ny tjeneste for test"]
    theirs = book(lambda wb: wb["Tiltak"].append(["Selektiv", "Et annet tiltak", None, "Planlagt", None,
                                                  "ny tjeneste  FOR test"]))
    apply_import(demo_engine, OTHER, preview(demo_engine, theirs, plan_id=stange))
    apply_import(demo_engine, ADMIN, ours)
    with session_scope(demo_engine) as s:
        services = s.scalars(select(Service.name).where(Service.name_key == "ny tjeneste for test")).all()
    assert services == ["ny tjeneste  FOR test"], "stored once, as the first import spelt it"
    linked = tiltak_frame(demo_engine, stange).filter(pl.col("name").is_in(["Foreldreveiledning ICDP",
                                                                            "Et annet tiltak"]))
    assert all("ny tjeneste  FOR test" in s for s in linked["services"].to_list()) and linked.height == 2


def _race(engine, files: list[bytes], plan_id: int) -> tuple[int, list[ConflictError], list[BaseException]]:
    """Preview each file, then apply them all at the same moment in threads; (imported, conflicts, other errors)."""
    seen = [preview(engine, data, plan_id=plan_id) for data in files]
    outcomes = at_once([lambda one=one: apply_import(engine, ADMIN, one) for one in seen])
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    errors = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, ConflictError)]
    return len(outcomes) - len(conflicts) - len(errors), conflicts, errors  # errors: no raw database error


def test_two_imports_adding_the_same_tiltak_at_once_store_it_once(demo_engine):
    """Issue 17.8: both used to succeed and store the tiltak twice (PostgreSQL, 5 of 5 tries)."""
    stange = _stange(demo_engine)
    for attempt in range(5):
        name, service = f"Samtidig tiltak {attempt}", f"Samtidig tjeneste {attempt}"
        data = book(lambda wb, n=name, s=service: wb["Tiltak"].append(["Universell", n, None, "Planlagt", None, s]))
        imported, conflicts, errors = _race(demo_engine, [data, data], stange)
        assert errors == [] and imported == 1 and len(conflicts) == 1, (errors, conflicts)
        assert f"«{name}» ble lagt til av Administrator (demo) (admin) " in str(conflicts[0])
        with session_scope(demo_engine) as s:
            assert s.scalar(select(func.count()).where(Tiltak.plan_id == stange, Tiltak.name == name)) == 1
            assert s.scalar(select(func.count()).where(Service.name == service)) == 1


def test_two_imports_adding_the_same_service_at_once_both_succeed(demo_engine):
    """Issue 17.8: the second used to end in a raw IntegrityError; a shared new service is stored once."""
    stange = _stange(demo_engine)
    for attempt in range(5):
        service = f"Delt tjeneste {attempt}"
        files = [book(lambda wb, n=n, s=service: wb["Tiltak"].append(["Universell", n, None, "Planlagt", None, s]))
                 for n in (f"Første {attempt}", f"Andre {attempt}")]
        imported, conflicts, errors = _race(demo_engine, files, stange)
        assert (imported, conflicts, errors) == (2, [], [])
        with session_scope(demo_engine) as s:
            assert s.scalar(select(func.count()).where(Service.name == service)) == 1
        linked = tiltak_frame(demo_engine, stange).filter(pl.col("name").is_in([f"Første {attempt}",
                                                                                f"Andre {attempt}"]))
        assert linked["services"].to_list() == [[service], [service]]


def test_two_new_plans_with_the_same_key_at_once(demo_engine):
    """The plan key is unique: the import that loses the race gets a Norwegian conflict, not a trace."""
    from tests.plan_books import valid_book

    data = valid_book()
    seen = [preview(demo_engine, data) for _ in range(2)]
    outcomes = at_once([lambda one=one: apply_import(demo_engine, ADMIN, one,
                                                     new_plan=NewPlan(kommune="T", name="T", key="t"))
                        for one in seen])
    failed = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], ConflictError | ValueError), failed
    assert "plan" in str(failed[0]).lower() and "nøkkel" in str(failed[0]).lower(), str(failed[0])
    assert plans_frame(demo_engine)["key"].to_list().count("t") == 1


def test_cli_names_the_row_someone_saved_after_the_preview(demo_url, tmp_path, monkeypatch, capsys):
    """``laget plan import``: a save between its preview and its write is a Norwegian message and exit code 1."""
    from dashboard.cli import main
    from data_access.db.engine import get_engine
    from data_access.writes import plan_import as plan_import_writes

    monkeypatch.setenv("DATABASE_URL", demo_url)
    engine = get_engine(demo_url)
    stange = _stange(engine)
    path = tmp_path / "x.xlsx"
    path.write_bytes(book(CASES["verdi endret"][1], base=plan_workbook(engine, stange, 2026)))
    original = plan_import_writes.preview

    def preview_then_someone_saves(*args, **kwargs):
        seen = original(*args, **kwargs)
        _save_value(engine, stange, path.read_bytes())
        return seen

    monkeypatch.setattr(plan_import_writes, "preview", preview_then_someone_saves)
    assert main(["plan", "import", str(path), "--into", "stange-2023-2026"]) == 1
    err = capsys.readouterr().err
    assert "Feil: Indikatorverdier, rad 2: «" in err and f"ble endret av {OTHER_NAME}" in err, err
    assert "Ingenting er importert. Kjør kommandoen på nytt for å se endringene." in err
    assert "Traceback" not in err
    values = values_frame(engine, stange)["value"].to_list()
    assert 42.0 in values and 99.5 not in values, "their value stays, the file's is not written"
