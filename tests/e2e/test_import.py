"""Uploading a Skoleporten file in the browser: preview, import, and the same file again changes nothing."""

from pathlib import Path

import polars as pl
import pytest

from data_access.db.engine import make_engine
from data_access.reads.indicators import indicators_frame, values_frame
from data_access.reads.plans import plans_frame
from tests.e2e.conftest import goto_page, login, new_page, wait_idle

pytestmark = pytest.mark.e2e
FILE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "udir_skoleporten.csv"


def imported(db_url):
    engine = make_engine(db_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    ind = indicators_frame(engine, plan_id).filter(pl.col("key") == "spesialundervisning")["id"][0]
    values = values_frame(engine, plan_id, [ind]).filter(pl.col("source").str.contains("udir_skoleporten"))
    engine.dispose()
    return values


def upload(page, url):
    goto_page(page, "Importer tall", page.get_by_text("Last opp en CSV-fil"))
    page.get_by_label("Indikator").click()
    page.get_by_role("option", name="Andel elever med spesialundervisning").click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(FILE))
    page.get_by_text("Gjenkjent som Skoleporten-fil med 8 rader").wait_for()
    page.get_by_text("Forhåndsvisning: 8 verdier").wait_for()


def test_upload_preview_import_and_reimport(browser, app):
    page = new_page(browser)
    login(page, app.url, "redaktor")
    upload(page, app.url)
    assert imported(app.db_url).is_empty(), "nothing is written before «Importer»"
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("nye og").first.wait_for()
    first = imported(app.db_url)
    assert first.height == 8 and first.filter(pl.col("value").is_null()).height == 1
    wait_idle(page)
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("Ingen endringer: alle 8 verdiene fantes fra før.").wait_for()
    assert imported(app.db_url).equals(first)
    page.context.close()
