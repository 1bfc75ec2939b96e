"""What only a browser shows: editing tiltak in st.data_editor, and two people saving the same tiltak."""

import polars as pl
import pytest

from data_access.db.engine import make_engine
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from tests.e2e.conftest import edit_cell, goto_page, login, new_page

pytestmark = pytest.mark.e2e


def first_tiltak(db_url):
    engine = make_engine(db_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    engine.dispose()
    return row


def open_tiltak(page, url, user):
    login(page, url, user)
    goto_page(page, "Tiltak", page.get_by_role("button", name="Lagre endringer (0)").first)


def test_edit_in_grid_and_save(browser, app):
    page = new_page(browser)
    open_tiltak(page, app.url, "redaktor")
    edit_cell(page, 0, 0, "Statusnotat", "I gang – drøftes i neste møte")
    page.get_by_role("button", name="Lagre endringer (1)").first.click()
    page.get_by_text("1 tiltak lagret (1 felt)").wait_for()
    assert first_tiltak(app.db_url)["status_note"] == "I gang – drøftes i neste møte"
    edit_cell(page, 0, 0, "Statusnotat", "Gjelder 01010012356")
    page.get_by_role("button", name="Lagre endringer (1)").first.click()
    page.get_by_text("Ingenting er lagret").wait_for()
    page.get_by_text("fødselsnummer eller D-nummer").first.wait_for()
    assert page.get_by_role("button", name="Lagre endringer (1)").count() == 1, "the edit stays on screen"
    assert "01010012356" not in first_tiltak(app.db_url)["status_note"]
    page.context.close()


def test_second_save_is_refused_then_reapplied(browser, app):
    ola, kari = new_page(browser), new_page(browser)
    open_tiltak(ola, app.url, "admin")
    open_tiltak(kari, app.url, "redaktor")
    edit_cell(ola, 0, 0, "Statusnotat", "Olas notat")
    edit_cell(kari, 0, 0, "Statusnotat", " Karis notat")
    ola.get_by_role("button", name="Lagre endringer (1)").first.click()
    ola.get_by_text("1 tiltak lagret").wait_for()
    kari.get_by_role("button", name="Lagre endringer (1)").first.click()
    kari.get_by_text("ble endret av admin").wait_for()
    kari.locator('[data-testid="stTable"]').get_by_text("Olas notat").wait_for()  # what the other one saved
    assert first_tiltak(app.db_url)["status_note"] == "Olas notat", "nothing overwritten silently"
    kari.get_by_role("button", name="Bruk min endring oppå deres").click()
    kari.get_by_text("endringen din er lagt oppå").wait_for()
    row = first_tiltak(app.db_url)
    assert row["status_note"] == "Karis notat"
    ola.context.close()
    kari.context.close()
