"""Excel downloads and the plan import on the pages, through AppTest."""

import io

import openpyxl
import pytest

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
    assert sheet.max_row > 1
    assert sheet.freeze_panes == "A2"


def test_change_log_downloads_after_a_change(open_page, app_env):
    from data_access.db import get_engine
    from data_access.permissions import Actor
    from data_access.tiltak import tiltak_frame
    from data_access.tiltak_writes import TiltakChange, save_changes

    engine = get_engine(app_env)
    row = tiltak_frame(engine, 1).row(0, named=True)
    save_changes(engine, Actor("redaktor", "redaktor"), 1, [TiltakChange(row["id"], row["version"],
                                                                         {"status_note": "Ny merknad"})])
    at = open_page("leder", "endringslogg")
    sheet = _xlsx(_buttons(at)["Last ned som Excel"]).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0][1] == row["name"] and "Ny merknad" in rows[0]
