"""The Tiltak page for editors and readers, Møtemodus, Per tjeneste and Endringslogg, through AppTest."""

from datetime import date

import polars as pl

from data_access.db.changelog import log_frame
from data_access.db.engine import get_engine
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from tests.app.conftest import editors, texts


def _stange(url):
    engine = get_engine(url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    return engine, plan_id


def test_reader_gets_no_edit_controls(open_page):
    at = open_page("leder", "tiltak")
    assert not editors(at)
    assert not [b for b in at.button if b.label.startswith("Lagre")]
    assert "Nytt tiltak" not in texts(at)


def test_editor_gets_grid_per_level_and_new_tiltak_form(open_page):
    at = open_page("redaktor", "tiltak")
    assert len(editors(at)) == 3
    assert [b for b in at.button if b.label == "Lagre endringer (0)"]
    assert "Nytt tiltak" in texts(at)


def test_add_tiltak_through_form_gives_toast(open_page, app_env):
    at = open_page("redaktor", "tiltak")
    form_inputs = [t for t in at.text_input if t.label == "Navn"]
    form_inputs[-1].input("Nytt lavterskeltilbud")
    submit = next(b for b in at.button if b.label == "Legg til tiltak")
    submit.click().run()
    assert not at.exception
    engine, plan_id = _stange(app_env)
    assert "Nytt lavterskeltilbud" in tiltak_frame(engine, plan_id)["name"].to_list()
    assert any("er lagt til" in t.value for t in at.toast)


def test_add_tiltak_with_personal_number_is_refused_in_norwegian(open_page, app_env):
    at = open_page("redaktor", "tiltak")
    [t for t in at.text_input if t.label == "Navn"][-1].input("Oppfølging av 01010012356")
    next(b for b in at.button if b.label == "Legg til tiltak").click().run()
    assert not at.exception
    assert any("fødselsnummer" in e.value for e in at.error)
    engine, plan_id = _stange(app_env)
    assert tiltak_frame(engine, plan_id).height == 40


def test_filters_survive_page_switch(open_page):
    at = open_page("leder", "tiltak")
    at.multiselect(key="filter_statuses").select("i_gang").run()
    at.switch_page("../pages/oversikt.py").run()
    at.switch_page("../pages/tiltak.py").run()
    assert at.multiselect(key="filter_statuses").value == ["i_gang"]


def test_per_service_view(open_page):
    at = open_page("leder", "tjenester")
    assert "Per tjeneste" in texts(at)
    overview = at.dataframe[0].value
    assert "Tjeneste" in overview.columns and overview["Tiltak"].sum() >= 40


def test_protective_factor_matrix_for_bamble(open_page):
    at = open_page("leder", "tiltak", plan_key="bamble")
    assert "Beskyttelsesfaktor × nivå" in texts(at)


def test_meeting_mode_start_change_end_minutes(open_page, app_env):
    at = open_page("redaktor", "motemodus")
    at.text_area[0].input("SLT, PPT, skole, NAV")
    next(b for b in at.button if b.label == "Start møtet").click().run()
    assert not at.exception
    assert "pågår" in texts(at)
    engine, plan_id = _stange(app_env)
    from data_access.db.uow import Change
    from data_access.domain.permissions import Actor
    from data_access.reads.group_meetings import open_meeting
    from data_access.writes.tiltak import save_changes

    meeting = open_meeting(engine, plan_id)
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    save_changes(engine, Actor("redaktor", "redaktor"), plan_id,
                 [Change(row["id"], row["version"], {"status": "avsluttet"})])
    at.run()
    next(b for b in at.button if b.label == "Avslutt møtet og lag referat …").click().run()
    assert open_meeting(engine, plan_id) is not None  # first the preview
    next(b for b in at.button if b.label == "Bekreft og avslutt møtet").click().run()
    assert not at.exception
    assert open_meeting(engine, plan_id) is None
    page = texts(at)
    assert f"Møte {date.today():%d.%m.%Y}" in page
    assert {b.label for b in at.get("download_button")} >= {"Last ned som tekstfil", "Last ned PDF", "Last ned Word"}
    assert log_frame(engine, group_meeting_id=meeting["id"])["field"].to_list() == ["status_note", "status"]


def test_reader_cannot_open_meeting_mode(open_page):
    at = open_page("leder")
    assert "Møtemodus" not in at.session_state["_laget_pages"]


def test_endringslogg_lists_changes(open_page, app_env):
    engine, plan_id = _stange(app_env)
    from data_access.db.uow import Change
    from data_access.domain.permissions import Actor
    from data_access.writes.tiltak import save_changes

    row = tiltak_frame(engine, plan_id).row(0, named=True)
    save_changes(engine, Actor("redaktor", "redaktor"), plan_id,
                 [Change(row["id"], row["version"], {"next_step": "Drøftes i januar"})])
    at = open_page("leder", "endringslogg")
    table = at.dataframe[0].value
    assert "Drøftes i januar" in table["Til"].to_list()
    assert row["name"] in table["Tiltak"].to_list()
