"""The keyboard and screen-reader way to change a tiltak: a form, the same write path, the same conflict rules."""

import polars as pl

from data_access.db.engine import get_engine
from data_access.db.uow import Change
from data_access.domain.permissions import Actor
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.tiltak import save_changes
from tests.app.test_tiltak_editing import _stange


def _pick(at, tiltak_id):
    at.selectbox(key="detail_tiltak").set_value(tiltak_id).run()
    assert not at.exception


def test_status_form_saves_status_note_and_next_step(open_page, app_env):
    engine, plan_id = _stange(app_env)
    row = tiltak_frame(engine, plan_id).filter(pl.col("status") != "avsluttet").row(0, named=True)
    at = open_page("redaktor", "tiltak")
    _pick(at, row["id"])
    next(s for s in at.selectbox if s.label == "Status" and s.value == row["status"]).set_value("under_revidering")
    next(t for t in at.text_area if t.label == "Statusnotat").input("Revideres etter evalueringen")
    next(t for t in at.text_input if t.label == "Neste steg").input("Ny plan til høsten")
    next(b for b in at.button if b.label == "Lagre status").click().run()
    assert not at.exception
    after = tiltak_frame(engine, plan_id).filter(pl.col("id") == row["id"]).row(0, named=True)
    assert (after["status"], after["status_note"], after["next_step"]) == (
        "under_revidering", "Revideres etter evalueringen", "Ny plan til høsten")
    assert after["version"] == row["version"] + 1


def test_status_form_refuses_a_stale_version(open_page, app_env):
    engine, plan_id = _stange(app_env)
    row = tiltak_frame(engine, plan_id).row(0, named=True)
    at = open_page("redaktor", "tiltak")
    _pick(at, row["id"])
    other = Actor(username="admin", name="Admin", role="admin")
    save_changes(get_engine(app_env), other, plan_id, [Change(row["id"], row["version"],
                                                                    {"status_note": "Endret av en annen"})])
    next(t for t in at.text_area if t.label == "Statusnotat").input("Min endring")
    next(b for b in at.button if b.label == "Lagre status").click().run()
    assert not at.exception
    assert at.warning, "a conflict is shown"
    after = tiltak_frame(engine, plan_id).filter(pl.col("id") == row["id"]).row(0, named=True)
    assert after["status_note"] == "Endret av en annen"


def test_reader_gets_no_status_form_but_an_html_table(open_page, app_env):
    engine, plan_id = _stange(app_env)
    at = open_page("leder", "tiltak")
    _pick(at, tiltak_frame(engine, plan_id)["id"][0])
    assert not [b for b in at.button if b.label == "Lagre status"]
    tables = [h.proto.body for h in at.get("html")]
    assert any("<caption>" in t and '<th scope="col">Status</th>' in t for t in tables)
