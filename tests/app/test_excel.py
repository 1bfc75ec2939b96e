"""Excel downloads and the plan import on the pages, through AppTest."""

import io

import openpyxl
import pytest

from tests.app.conftest import texts

DEFERRED: dict[str, object] = {}


@pytest.fixture(autouse=True)
def _keep_deferred(monkeypatch):
    """AppTest drops its mock runtime after each run; keep the lazy download callables to run them as a click."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        DEFERRED[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    yield
    DEFERRED.clear()


def _xlsx(button) -> openpyxl.Workbook:
    """Run a download button's deferred callable the way a click does, and open the file."""
    return openpyxl.load_workbook(io.BytesIO(DEFERRED[button.proto.deferred_file_id]()))


def _buttons(at) -> dict:
    return {b.label: b for b in at.get("download_button")}


def test_reader_downloads_the_whole_plan(open_page):
    at = open_page("leder", "oversikt")
    book = _xlsx(_buttons(at)["Last ned hele planen (Excel)"])
    assert book.sheetnames == ["Tiltak", "Møtearenaer", "Møter", "Indikatorer", "Indikatorverdier", "Endringslogg",
                               "Veiledning"]
    assert book["Tiltak"].max_row == 41


@pytest.mark.parametrize(("page", "label", "header"), [
    ("tiltak", "Last ned tiltakene som Excel", "Tiltak"),
    ("tjenester", "Last ned som Excel", "Tjeneste"),
    ("motekalender", "Last ned som Excel", "Dato"),
    ("indikatorer", "Last ned som Excel", "Indikator"),
])
def test_each_page_table_downloads_as_excel(open_page, page, label, header):
    at = open_page("leder", page)
    sheet = _xlsx(_buttons(at)[label]).active
    assert header in [c.value for c in sheet[1]]
    assert not any(isinstance(c.value, bool) for row in sheet.iter_rows() for c in row), "Ja/Nei, not TRUE/FALSE"
    assert sheet.max_row > 1
    assert sheet.freeze_panes == "A2"


def test_change_log_downloads_after_a_change(open_page, app_env):
    from data_access.db.engine import get_engine
    from data_access.db.uow import Change
    from data_access.domain.permissions import Actor
    from data_access.reads.tiltak import tiltak_frame
    from data_access.writes.tiltak import save_changes

    engine = get_engine(app_env)
    row = tiltak_frame(engine, 1).row(0, named=True)
    save_changes(engine, Actor("redaktor", "redaktor"), 1, [Change(row["id"], row["version"],
                                                                         {"status_note": "Ny merknad"})])
    at = open_page("leder", "endringslogg")
    sheet = _xlsx(_buttons(at)["Last ned som Excel"]).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0][1] == row["name"] and "Ny merknad" in rows[0]


class _Upload(io.BytesIO):
    name = "plan.xlsx"


@pytest.fixture
def upload(monkeypatch):
    """AppTest cannot drive st.file_uploader; hand the page a file the way the widget would."""
    import streamlit as st

    chosen: dict = {"data": None, "key": "plan_upload_0"}  # a new key (after an import) is an empty uploader

    def uploader(*args, key=None, **kwargs):
        return _Upload(chosen["data"]) if chosen["data"] and key in {chosen["key"], "import_file"} else None

    monkeypatch.setattr(st, "file_uploader", uploader)
    return chosen


def test_admin_gets_the_empty_template(open_page):
    at = open_page("admin", "brukere")
    book = _xlsx(_buttons(at)["Last ned tom importmal (Excel)"])
    assert "Veiledning" in book.sheetnames and book["Tiltak"].max_row == 1


def test_faulty_upload_shows_every_error_and_cannot_be_imported(open_page, upload, app_env):
    from tests.plan_books import valid_book

    upload["data"] = valid_book(lambda wb: (wb["Tiltak"].__setitem__("D2", "Ferdig"),
                                            wb["Tiltak"].merge_cells("C2:C3")))
    at = open_page("admin", "brukere")
    assert any("2 feil må rettes først" in e.value for e in at.error)
    errors = next(d.value for d in at.dataframe if "Feil" in d.value.columns)
    assert set(errors["Kolonne"]) == {"Status", ""}
    assert at.button(key="import_go").disabled


def test_admin_imports_a_new_plan(open_page, upload, app_env):
    from data_access.db.engine import get_engine
    from data_access.reads.plans import plans_frame
    from tests.plan_books import valid_book

    upload["data"] = valid_book()
    at = open_page("admin", "brukere")
    assert at.button(key="import_go").disabled, "kommune and name first"
    assert "Tjenester som blir opprettet" in texts(at)
    assert "Ny tjeneste for test" in [t.value for t in at.text]
    frequencies = next(d.value for d in at.dataframe if "Laget forstår" in d.value.columns)
    assert "Hver 14. dag (helst torsdag)" in frequencies["Laget forstår"].to_list()
    at.text_input(key="import_kommune").input("Testby")
    at.text_input(key="import_name").input("Testplan")
    at.run()
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    plans = plans_frame(get_engine(app_env))
    assert "Testby" in plans["kommune"].to_list()
    assert any("importert i planen" in t.value for t in at.toast)


def test_admin_sees_what_an_import_into_a_plan_changes(open_page, upload, app_env):
    from data_access.db.engine import get_engine
    from data_access.formats.excel_export import plan_workbook
    from tests.plan_books import book

    engine = get_engine(app_env)
    upload["data"] = book(lambda wb: wb["Tiltak"].__setitem__("D2", "Avsluttet"), base=plan_workbook(engine, 1))
    at = open_page("admin", "brukere")
    at.radio(key="import_target").set_value("eksisterende").run()
    detail = next(d.value for d in at.dataframe if "Endring" in d.value.columns)
    assert detail["Endring"].to_list() == ["Endret"] and "Status" in detail["Felt"][0]
    assert not at.button(key="import_go").disabled


def test_a_save_after_the_preview_stops_the_import_on_the_page(open_page, upload, app_env):
    """Issue 17.7: «Importer» writes the preview the admin saw; a value someone saved after it is not overwritten,
    the page says which row and who, and asks for the file again."""
    from data_access.db.engine import get_engine
    from data_access.domain.permissions import Actor
    from data_access.formats.excel_export import plan_workbook
    from data_access.reads.indicators import indicators_frame
    from data_access.writes.indicators import update_indicator
    from tests.plan_books import book

    engine = get_engine(app_env)
    upload["data"] = book(lambda wb: wb["Indikatorer"].__setitem__("B2", "Fra filen"), base=plan_workbook(engine, 1))
    at = open_page("admin", "brukere")
    at.radio(key="import_target").set_value("eksisterende").run()
    detail = next(d.value for d in at.dataframe if "Endring" in d.value.columns)
    assert detail["Endring"].to_list() == ["Endret"]
    first = indicators_frame(engine, 1).row(0, named=True)
    update_indicator(engine, Actor("redaktor", "redaktor"), first["id"], {"description": "Lagret etterpå"},
                     version=first["version"])  # after the preview, before «Importer»
    at.button(key="import_go").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert f"Indikatorer, rad 2: «{first['name']}» ble endret av Redaktør i implementeringsgruppa (demo) (redaktor)" \
        in shown and "Last opp filen på nytt for å se endringene." in shown, shown
    assert indicators_frame(engine, 1).row(0, named=True)["description"] == "Lagret etterpå"
    assert "import_go" not in [b.key for b in at.button], "the file must be uploaded again to see the changes"
