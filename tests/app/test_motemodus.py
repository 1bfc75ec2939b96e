"""Møtemodus as the chair uses it (issue 12), through AppTest on a fresh demo database."""

from datetime import date, timedelta

import polars as pl

from dashboard.ui import plain
from data_access.db.changelog import log_frame
from data_access.db.engine import get_engine
from data_access.domain.frequency import is_working_day
from data_access.domain.group_meetings import propose_agenda
from data_access.domain.permissions import Actor
from data_access.reads.actions import actions_frame
from data_access.reads.contacts import service_contacts
from data_access.reads.group_meetings import open_meeting
from data_access.reads.group_year import group_arena
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.actions import add_action
from data_access.writes.contacts import set_contact
from data_access.writes.meetings import add_meeting
from tests.app.conftest import texts

KARI = Actor("redaktor", "redaktor")
TODAY = date.today()


def _stange(url):
    engine = get_engine(url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    return engine, plan_id


def _start(at):
    at.text_area[0].input("SLT, PPT, skole, NAV")
    next(b for b in at.button if b.label == "Start møtet").click().run()
    assert not at.exception
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _first_on_agenda(engine, plan_id):
    tiltak = tiltak_frame(engine, plan_id)
    return tiltak.filter(pl.col("id") == propose_agenda(tiltak, set(), TODAY, 6).ids[0]).row(0, named=True)


def test_walk_requires_a_new_note_lists_the_change_and_undoes_it(open_page, app_env):
    engine, plan_id = _stange(app_env)
    at = _start(open_page("redaktor", "motemodus"))
    first = _first_on_agenda(engine, plan_id)
    assert first["name"] in "\n".join(t.value for t in at.text)
    status = next(s for s in at.selectbox if s.label == "Status")
    status.set_value("under_revidering")
    _button(at, "Lagre tiltaket").click().run()
    assert any("nytt statusnotat" in e.value for e in at.error)
    assert _first_on_agenda(engine, plan_id)["status"] == first["status"]  # nothing saved
    next(s for s in at.selectbox if s.label == "Status").set_value("under_revidering")
    next(t for t in at.text_area if t.label == "Statusnotat").input("Revideres etter evalueringen")
    _button(at, "Lagre tiltaket").click().run()
    assert not at.exception
    saved = tiltak_frame(engine, plan_id).filter(pl.col("id") == first["id"]).row(0, named=True)
    assert (saved["status"], saved["status_note"]) == ("under_revidering", "Revideres etter evalueringen")
    assert "Endringer i dette møtet (1 tiltak)" in texts(at)
    shown = "\n".join(t.value for t in at.text)
    assert "Status: I gang → Under revidering" in shown or "→ Under revidering" in shown
    meeting = open_meeting(engine, plan_id)
    saved_ids = log_frame(engine, group_meeting_id=meeting["id"])["id"].to_list()
    assert len(saved_ids) == 2, "status and note, one save"
    at.button(key=f"undo_save_{min(saved_ids)}").click().run()  # one undo for the whole save
    assert not at.exception
    back = tiltak_frame(engine, plan_id).filter(pl.col("id") == first["id"]).row(0, named=True)
    assert (back["status"], back["status_note"]) == (first["status"], first["status_note"])
    assert "Endringer i dette møtet (1 tiltak)" in texts(at) and "angret" in texts(at)
    assert any("ingen endring (det som ble endret, er angret)" in c.value for c in at.caption)


def test_after_saving_the_walk_stays_on_the_saved_tiltak_and_says_it_left_the_agenda(open_page, app_env):
    """Issue 19 point 1: a new evaluation date takes the tiltak off the agenda; the walk keeps showing it (and
    the picker names it) instead of silently showing the next tiltak under the same form."""
    engine, plan_id = _stange(app_env)
    at = _start(open_page("redaktor", "motemodus"))
    tiltak = tiltak_frame(engine, plan_id)
    ids = propose_agenda(tiltak, set(), TODAY, 6).ids
    at.button(key="walk_next").click().run()
    second = tiltak.filter(pl.col("id") == ids[1]).row(0, named=True)
    next(d for d in at.date_input if d.label == "Neste evaluering").set_value(TODAY + timedelta(days=200))
    _button(at, "Lagre tiltaket").click().run()
    assert not at.exception
    assert _row_of(engine, plan_id, second["id"])["next_evaluation"] == TODAY + timedelta(days=200)
    heading = next(t.value for t in at.text if " · " in t.value)
    assert heading.startswith(second["name"]), "the form is still the saved tiltak's"
    picker = next(s for s in at.selectbox if s.label == "Tiltak på agendaen")
    assert picker.value == second["id"] and second["name"] in picker.format_func(picker.value)
    assert any("ikke lenger på agendaen" in i.value and second["name"] in i.value for i in at.info)
    at.button(key="walk_next").click().run()
    third = next(t.value for t in at.text if " · " in t.value)
    assert not third.startswith(second["name"])
    at.button(key="walk_prev").click().run()
    assert next(t.value for t in at.text if " · " in t.value).startswith(second["name"]), "still in the walk"


def _row_of(engine, plan_id, tiltak_id):
    return tiltak_frame(engine, plan_id).filter(pl.col("id") == tiltak_id).row(0, named=True)


def test_the_chair_is_chosen_when_the_meeting_starts(open_page, app_env):
    engine, plan_id = _stange(app_env)
    at = open_page("redaktor", "motemodus")
    chair = next(t for t in at.text_input if t.label == "Møteleder")
    assert chair.value == "SLT-koordinator", "proposed from the group's arena (its leader in the plan)"
    chair.input("Siri, SLT-koordinator")
    at = _start(at)
    assert open_meeting(engine, plan_id)["chair"] == "Siri, SLT-koordinator"


def test_next_and_previous_walk_the_agenda_with_shortcuts(open_page, app_env):
    engine, plan_id = _stange(app_env)
    at = _start(open_page("redaktor", "motemodus"))
    nxt, prev = at.button(key="walk_next"), at.button(key="walk_prev")
    assert nxt.proto.shortcut and prev.proto.shortcut and prev.disabled
    tiltak = tiltak_frame(engine, plan_id)
    ids = propose_agenda(tiltak, set(), TODAY, 6).ids
    nxt.click().run()
    second = tiltak.filter(pl.col("id") == ids[1])["name"][0]
    assert any(t.value.startswith(second) for t in at.text)
    at.button(key="walk_prev").click().run()
    first = tiltak.filter(pl.col("id") == ids[0])["name"][0]
    assert any(t.value.startswith(first) for t in at.text)


def test_action_items_added_closed_and_in_the_minutes(open_page, app_env):
    engine, plan_id = _stange(app_env)
    at = _start(open_page("redaktor", "motemodus"))
    next(t for t in at.text_input if t.label == "Hva skal gjøres").input("Avklare ansvar med PPT")
    next(s for s in at.selectbox if s.label == "Ansvarlig tjeneste").set_value("PPT")
    next(d for d in at.date_input if d.label == "Frist").set_value(TODAY + timedelta(days=14))
    _button(at, "Legg til oppfølgingspunkt").click().run()
    assert not at.exception
    actions = actions_frame(engine, plan_id, open_only=True)
    assert actions["text"].to_list() == ["Avklare ansvar med PPT"] and actions["service"][0] == "PPT"
    assert "Oppfølgingspunkt åpnet: «Avklare ansvar med PPT»" in "\n".join(t.value for t in at.text)
    _button(at, "Lukk").click().run()
    assert actions_frame(engine, plan_id, open_only=True).is_empty()
    _button(at, "Avslutt møtet og lag referat …").click().run()
    preview = "\n".join(m.value for m in at.markdown)
    assert "Oppfølgingspunkter åpnet (1)" in preview and "Oppfølgingspunkter lukket (1)" in preview
    assert "**Møteleder:** SLT-koordinator" in preview, "the group arena's leader, not the one logged in"
    assert open_meeting(engine, plan_id) is not None
    _button(at, "Avbryt").click().run()
    assert open_meeting(engine, plan_id) is not None
    assert not [b for b in at.button if b.label == "Bekreft og avslutt møtet"]


def test_bad_action_is_refused_in_norwegian(open_page, app_env):
    engine, plan_id = _stange(app_env)
    at = _start(open_page("redaktor", "motemodus"))
    next(t for t in at.text_input if t.label == "Hva skal gjøres").input("Noe")
    _button(at, "Legg til oppfølgingspunkt").click().run()
    assert not at.exception and any("ansvarlig" in e.value for e in at.error)
    assert actions_frame(engine, plan_id).is_empty()


def test_meeting_mode_proposes_the_groups_next_planned_meeting(open_page, app_env):
    engine, plan_id = _stange(app_env)
    arena = group_arena(engine, plan_id)
    at = open_page("redaktor", "motemodus")
    assert "ingen planlagte møter" in texts(at)
    day = TODAY + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    add_meeting(engine, Actor("slt", "planlegger"), arena["id"], day)
    at.run()
    assert f"Neste planlagte møte i {arena['name']} er {day:%d.%m.%Y}" in texts(at)
    _start(at)
    assert "annen dag enn gruppas planlagte møter" in texts(at)


def test_forsinket_and_open_actions_on_oversikt_and_per_tjeneste(open_page, app_env):
    engine, plan_id = _stange(app_env)
    add_action(engine, KARI, plan_id, text="Purre på rapport", service="PPT", deadline=TODAY - timedelta(days=2))
    set_contact(engine, KARI, service="PPT", name="Per Hansen", email="per@stange.kommune.no")
    at = open_page("leder", "oversikt")
    assert "Forsinket per tjeneste" in texts(at) and "Åpne oppfølgingspunkter (1)" in texts(at)
    late = next(d.value for d in at.dataframe if "Forsinkede tiltak" in d.value.columns)
    ppt = late[late["Tjeneste"] == "PPT"].iloc[0]
    assert ppt["Forsinkede oppfølgingspunkter"] == 1 and ppt["Kontaktperson"] == "Per Hansen (per@stange.kommune.no)"
    at.switch_page("../pages/tjenester.py").run()
    at.selectbox(key="service_view").set_value("PPT").run()
    assert plain("Kontaktperson: Per Hansen (per@stange.kommune.no)") in texts(at)  # shown literally
    assert any("Purre på rapport" in d.value.to_string() for d in at.dataframe)
    assert "Endre kontaktperson" not in texts(at)  # a reader cannot change contacts


def test_editor_sets_a_service_contact_and_bad_email_is_refused(open_page, app_env):
    engine, _ = _stange(app_env)
    at = open_page("redaktor", "tjenester")
    at.selectbox(key="service_view").set_value("PPT").run()
    next(t for t in at.text_input if t.label == "Navn").input("Per Hansen")
    next(t for t in at.text_input if t.label == "Jobb-e-post").input("per@")
    _button(at, "Lagre kontaktperson").click().run()
    assert any("gyldig e-postadresse" in e.value for e in at.error) and "PPT" not in service_contacts(engine)
    next(t for t in at.text_input if t.label == "Jobb-e-post").input("per@stange.kommune.no")
    _button(at, "Lagre kontaktperson").click().run()
    assert service_contacts(engine)["PPT"] == ("Per Hansen", "per@stange.kommune.no")


def test_reminder_link_opens_the_tiltak_with_its_contact_and_actions(open_page, app_env):
    engine, plan_id = _stange(app_env)
    t = tiltak_frame(engine, plan_id).row(3, named=True)
    set_contact(engine, KARI, tiltak_id=t["id"], name="Eva Li", email="eva.li@stange.kommune.no")
    add_action(engine, KARI, plan_id, text="Skaffe tall", service="PPT", deadline=TODAY, tiltak_id=t["id"])
    at = open_page("leder", plan_key="bamble")
    at.query_params["plan"] = "stange-2023-2026"
    at.query_params["tiltak"] = str(t["id"])
    at.switch_page("../pages/tiltak.py").run()
    assert not at.exception
    assert at.session_state["plan_id"] == plan_id and at.session_state["detail_tiltak"] == t["id"]
    assert plain("Kontaktperson: Eva Li (eva.li@stange.kommune.no)") in texts(at)
    assert "Åpne oppfølgingspunkter (1)" in texts(at)
