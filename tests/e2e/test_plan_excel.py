"""In the browser: the plan workbook downloads from Oversikt, and Administrasjon imports it as a new plan."""

import openpyxl
import polars as pl
import pytest

from data_access.db.engine import make_engine
from data_access.formats.excel_export import plan_workbook
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from tests.e2e.conftest import goto_page, login, new_page, wait_idle

pytestmark = pytest.mark.e2e


def test_reader_downloads_the_plan_workbook(browser, app, tmp_path):
    page = new_page(browser)
    login(page, app.url, "leder")
    button = page.get_by_role("button", name="Last ned hele planen (Excel)")
    button.wait_for()
    wait_idle(page)
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "plan.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename.startswith("laget-stange-2023-2026-")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:6] == ["Tiltak", "Møtearenaer", "Møter", "Indikatorer", "Indikatorverdier",
                                   "Endringslogg"]
    assert book["Tiltak"].max_row == 41


def test_admin_uploads_previews_and_imports_a_plan(browser, app, tmp_path):
    engine = make_engine(app.db_url)
    stange = int(plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0])
    path = tmp_path / "stange.xlsx"
    path.write_bytes(plan_workbook(engine, stange, 2026))
    page = new_page(browser)
    login(page, app.url, "admin")
    goto_page(page, "Administrasjon", page.get_by_text("Importer en plan fra Excel"))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("Hva importen gjør, per ark").wait_for()
    page.get_by_label("Kommune", exact=True).last.fill("Testby")
    page.get_by_label("Navn på planen").last.fill("Testplan")
    page.get_by_label("Navn på planen").last.press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("importert i planen").first.wait_for()
    plans = plans_frame(engine)
    new = plans.filter(pl.col("kommune") == "Testby")
    assert new.height == 1
    assert tiltak_frame(engine, int(new["id"][0])).height == 40
    engine.dispose()
