"""Issue 12 on both backends: changes carry the open meeting, status notes, actions, contacts, the group's
year and the minutes."""

import io
from datetime import date, timedelta

import polars as pl
import pytest

from data_access.db.changelog import log_frame
from data_access.db.uow import Change
from data_access.domain.actions import overdue_actions
from data_access.domain.errors import AccessDenied, ValidationError
from data_access.domain.group_year import propose
from data_access.domain.meetings import MeetingUpdate, merge_meetings
from data_access.domain.permissions import Actor
from data_access.formats.minutes import from_json, to_docx
from data_access.formats.minutes_pdf import blocks_pdf
from data_access.reads.actions import actions_frame
from data_access.reads.arenas import arenas_frame
from data_access.reads.contacts import service_contacts, tiltak_contacts
from data_access.reads.group_meetings import meetings_frame, minutes_for, open_meeting
from data_access.reads.group_year import group_arena, planned_group_dates
from data_access.reads.meetings import stored_meetings
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.actions import add_action, set_closed
from data_access.writes.contacts import set_contact
from data_access.writes.group_meetings import end_meeting, start_meeting
from data_access.writes.group_year import set_group_arena
from data_access.writes.meetings import add_meeting, update_meeting
from data_access.writes.tiltak import save_changes, undo_change, undo_save

KARI = Actor("redaktor", "redaktor", "Kari")
SLT = Actor("slt", "planlegger")
LEDER = Actor("leder", "leser")
FNR = "01010012356"


def _stange(engine):
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    return plan_id, tiltak_frame(engine, plan_id)


def _row(engine, plan_id, tiltak_id):
    return tiltak_frame(engine, plan_id, include_archived=True).filter(pl.col("id") == tiltak_id).row(0, named=True)


def test_every_save_during_a_meeting_carries_its_id(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    meeting_id = start_meeting(demo_engine, KARI, plan_id, date.today(), "SLT, PPT")
    t = tiltak.row(0, named=True)
    save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {"next_step": "Ny plan"})])
    arenas = arenas_frame(demo_engine, plan_id)
    politirad = arenas.filter(pl.col("name") == "Politiråd")
    first = merge_meetings(politirad, stored_meetings(demo_engine, plan_id, 2026), 2026).row(0, named=True)
    update_meeting(demo_engine, SLT, MeetingUpdate(first["arena_id"], first["planned_date"], 0, note="Flyttet"))
    log = log_frame(demo_engine, group_meeting_id=meeting_id)
    assert set(log["entity"].to_list()) == {"tiltak", "meeting"}
    end_meeting(demo_engine, KARI, meeting_id, summary="")
    save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"] + 1, {"next_step": "Etterpå"})])
    assert log_frame(demo_engine, group_meeting_id=meeting_id).height == log.height


def test_new_status_clears_the_old_note_unless_a_new_one_is_given(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    a, b = tiltak.filter(pl.col("status_note") != "").head(2).iter_rows(named=True)
    save_changes(demo_engine, KARI, plan_id, [Change(a["id"], a["version"], {"status": "under_revidering"}),
                                             Change(b["id"], b["version"], {"status": "under_revidering",
                                                                                  "status_note": "Evalueres"})])
    assert _row(demo_engine, plan_id, a["id"])["status_note"] == ""
    assert _row(demo_engine, plan_id, b["id"])["status_note"] == "Evalueres"
    log = log_frame(demo_engine, entity="tiltak", entity_ids=[a["id"]])
    assert set(log["field"].to_list()) == {"status", "status_note"}
    status_entry = log.filter(pl.col("field") == "status")["id"][0]
    note_entry = log.filter(pl.col("field") == "status_note")["id"][0]
    undo_change(demo_engine, KARI, note_entry)  # the note alone can be put back
    assert _row(demo_engine, plan_id, a["id"])["status_note"] == a["status_note"]
    undo_change(demo_engine, KARI, status_entry)  # undoing the status does not clear the note again
    back = _row(demo_engine, plan_id, a["id"])
    assert (back["status"], back["status_note"]) == (a["status"], a["status_note"])
    b_status = log_frame(demo_engine, entity="tiltak", entity_ids=[b["id"]]).filter(pl.col("field") == "status")
    undo_change(demo_engine, KARI, b_status["id"][0])  # status and the note given with it go back together
    back = _row(demo_engine, plan_id, b["id"])
    assert (back["status"], back["status_note"]) == (b["status"], b["status_note"])


def test_actions_open_close_are_logged_and_in_the_minutes(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    meeting_id = start_meeting(demo_engine, KARI, plan_id, date.today(), "SLT, PPT")
    late = add_action(demo_engine, KARI, plan_id, text="Avklare *ansvar* | med PPT", deadline=date(2020, 1, 1),
                      service="PPT", tiltak_id=t["id"])
    other = add_action(demo_engine, KARI, plan_id, text="Sende ut invitasjon", person="Kari Nordmann",
                       deadline=date.today() + timedelta(days=10))
    set_closed(demo_engine, KARI, other, True)
    with pytest.raises(ValidationError, match="allerede lukket"):
        set_closed(demo_engine, KARI, other, True)
    open_ = actions_frame(demo_engine, plan_id, open_only=True)
    assert open_["id"].to_list() == [late]
    assert overdue_actions(open_, date.today())["id"].to_list() == [late]
    assert actions_frame(demo_engine, plan_id, tiltak_id=t["id"])["id"].to_list() == [late]
    log = log_frame(demo_engine, entity="action", group_meeting_id=meeting_id)
    assert sorted(log["action"].to_list()) == ["create", "create", "update"]
    end_meeting(demo_engine, KARI, meeting_id, summary="Godt møte")
    meeting = meetings_frame(demo_engine, plan_id).row(0, named=True)
    md = meeting["minutes_md"]
    assert "Oppfølgingspunkter åpnet (2)" in md and "Oppfølgingspunkter lukket (1)" in md
    assert r"Avklare \*ansvar\* \| med PPT" in md  # user text escaped, also in a table cell
    blocks = from_json(meeting["minutes_json"])
    closed_table = next(b for i, b in enumerate(blocks) if b[0] == "table" and "lukket" in blocks[i - 1][1])
    assert closed_table[2] == [[(date.today() + timedelta(days=10)).strftime("%d.%m.%Y"), "Sende ut invitasjon",
                                "Kari Nordmann", "–"]]


@pytest.mark.parametrize("kwargs, message", [
    ({"text": "", "service": "PPT"}, "«Oppfølgingspunkt» må fylles ut"),
    ({"text": "Ring mor til 01010012356", "service": "PPT"}, "fødselsnummer"),
    ({"text": "Noe", "service": None, "person": ""}, "ansvarlig"),
    ({"text": "Noe", "service": "Finnes ikke"}, "Ukjent tjeneste"),
    ({"text": "Noe", "service": "PPT", "deadline": None}, "«Frist» må fylles ut"),
])
def test_bad_actions_are_refused_and_change_nothing(demo_engine, kwargs, message):
    plan_id, _ = _stange(demo_engine)
    args = {"deadline": date(2027, 1, 1)} | kwargs
    with pytest.raises(ValidationError, match=message):
        add_action(demo_engine, KARI, plan_id, **args)
    with pytest.raises(AccessDenied):
        add_action(demo_engine, LEDER, plan_id, text="Noe", service="PPT", deadline=date(2027, 1, 1))
    assert actions_frame(demo_engine, plan_id).is_empty()


def test_contacts_for_service_and_tiltak(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    set_contact(demo_engine, KARI, service="PPT", name="Per Hansen", email="per.hansen@Stange.KOMMUNE.no")
    set_contact(demo_engine, KARI, tiltak_id=t["id"], name="Eva Li", email="eva.li@stange.kommune.no")
    assert service_contacts(demo_engine)["PPT"] == ("Per Hansen", "per.hansen@stange.kommune.no")
    assert tiltak_contacts(demo_engine, plan_id) == {t["id"]: ("Eva Li", "eva.li@stange.kommune.no")}
    for name, email, message in [("Per", "per@", "gyldig e-post"), ("", "a@b.no", "navnet"),
                                 (f"Mor til {FNR}", "a@b.no", "fødselsnummer")]:
        with pytest.raises(ValidationError, match=message):
            set_contact(demo_engine, KARI, service="PPT", name=name, email=email)
    with pytest.raises(AccessDenied):
        set_contact(demo_engine, SLT, service="PPT", name="X", email="x@y.no")
    assert service_contacts(demo_engine)["PPT"][0] == "Per Hansen"
    set_contact(demo_engine, KARI, service="PPT", name="", email="")
    assert "PPT" not in service_contacts(demo_engine)
    assert log_frame(demo_engine, entity="service_contact")["field"].to_list() == ["contact", "contact"]
    assert log_frame(demo_engine, entity="tiltak_contact")["entity_id"].to_list() == [t["id"]]
    assert log_frame(demo_engine, entity="tiltak", entity_ids=[t["id"]]).is_empty()  # not an undoable field


def test_group_year_from_the_calendar(demo_engine):
    plan_id, _ = _stange(demo_engine)
    arena = group_arena(demo_engine, plan_id)
    assert arena["name"] == "Implementeringsgruppe for forebyggende plan" and not arena["flagged"]
    assert planned_group_dates(demo_engine, plan_id, 2026) == []  # the plan gives it no fixed frequency
    add_meeting(demo_engine, SLT, arena["id"], date(2026, 12, 1))
    add_meeting(demo_engine, SLT, arena["id"], date(2026, 12, 8))
    dates = planned_group_dates(demo_engine, plan_id, 2026)
    assert dates == [date(2026, 12, 1), date(2026, 12, 8)]
    assert propose(dates, date(2026, 12, 1)) == date(2026, 12, 1)
    assert propose(dates, date(2026, 12, 2)) == date(2026, 12, 8)
    assert propose(dates, date(2026, 12, 9)) is None
    politirad = arenas_frame(demo_engine, plan_id).filter(pl.col("name") == "Politiråd")["id"][0]
    set_group_arena(demo_engine, SLT, plan_id, politirad)
    assert group_arena(demo_engine, plan_id) == {"id": politirad, "name": "Politiråd", "flagged": True,
                                                "leader": "Ordfører (SLT-koordinator kaller inn)"}
    assert len(planned_group_dates(demo_engine, plan_id, 2026)) == 5
    with pytest.raises(AccessDenied):
        set_group_arena(demo_engine, KARI, plan_id, politirad)


def test_minutes_name_kommune_plan_leader_levels_and_page_numbers(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    meeting_id = start_meeting(demo_engine, KARI, plan_id, date(2026, 11, 20), "SLT, PPT")
    assert "Merknad" not in {b[1] for b in minutes_for(demo_engine, meeting_id) if b[0] == "meta"}  # none planned
    add_meeting(demo_engine, SLT, group_arena(demo_engine, plan_id)["id"], date(2026, 11, 24))
    by_level = {r["level"]: r for r in tiltak.iter_rows(named=True)}
    for r in (by_level["indikativ"], by_level["universell"]):
        save_changes(demo_engine, KARI, plan_id, [Change(r["id"], r["version"], {"next_step": "Neste"})])
    blocks = minutes_for(demo_engine, meeting_id)
    assert open_meeting(demo_engine, plan_id) is not None  # a preview writes nothing
    meta = {b[1]: b[2] for b in blocks if b[0] == "meta"}
    assert meta["Kommune"] == "Stange kommune" and meta["Plan"].startswith("Plan for forebygging")
    assert meta["Møteleder"] == "Redaktør i implementeringsgruppa (demo)"
    assert "annen dag" in meta["Merknad"]
    headings = [b[1] for b in blocks if b[0] == "h3"]
    assert headings == ["Universell", "Indikativ"]
    from docx import Document

    doc = Document(io.BytesIO(to_docx(blocks)))
    assert [p.style.name for p in doc.paragraphs if p.text == "Universell"] == ["Heading 3"]
    assert len(doc.tables) == 0 and "PAGE" in doc.sections[0].footer._element.xml
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(blocks_pdf(blocks * 12))).pages
    assert len(pages) >= 2
    assert [f"Side {i + 1} av {len(pages)}" in p.extract_text() for i, p in enumerate(pages)] == [True] * len(pages)


def test_a_meeting_of_three_tiltak_with_one_mistake_undone_has_three_net_changes(demo_engine):
    """Issue 19 point 2: the minutes show what was decided, per tiltak the net change, not every edit; the chair
    is the one chosen when the meeting started, not whoever is logged in; «Angre» undoes a whole save."""
    plan_id, tiltak = _stange(demo_engine)
    meeting_id = start_meeting(demo_engine, KARI, plan_id, date.today(), "SLT, PPT", chair="SLT-koordinator")
    a, b, c = (tiltak.row(i, named=True) for i in range(3))
    save_changes(demo_engine, KARI, plan_id, [Change(a["id"], a["version"], {"next_step": "Kurs i mars"})])
    save_changes(demo_engine, KARI, plan_id, [Change(b["id"], b["version"], {
        "next_evaluation": date(2207, 3, 1), "next_step": "Feil tiltak"})])  # typed into the wrong tiltak
    wrong = log_frame(demo_engine, group_meeting_id=meeting_id).filter(pl.col("entity_id") == b["id"])
    assert wrong.height == 2
    undo_save(demo_engine, KARI, wrong["id"].min())  # one undo puts back both fields of that save
    back = _row(demo_engine, plan_id, b["id"])
    assert (back["next_evaluation"], back["next_step"]) == (b["next_evaluation"], b["next_step"])
    b = _row(demo_engine, plan_id, b["id"])
    save_changes(demo_engine, KARI, plan_id, [Change(b["id"], b["version"], {"next_step": "Evaluering i juni"})])
    save_changes(demo_engine, KARI, plan_id, [Change(c["id"], c["version"], {"next_step": "Ny runde"})])
    end_meeting(demo_engine, KARI, meeting_id)
    blocks = from_json(meetings_frame(demo_engine, plan_id).filter(pl.col("id") == meeting_id)["minutes_json"][0])
    lines = [x[1] for x in blocks if x[0] == "li"]
    assert sorted(lines) == sorted([f"Neste steg: {a['next_step'] or '(tomt)'} → Kurs i mars",
                                    f"Neste steg: {b['next_step'] or '(tomt)'} → Evaluering i juni",
                                    f"Neste steg: {c['next_step'] or '(tomt)'} → Ny runde"])
    assert ["h2", "Vedtak og endringer (3)"] in blocks
    assert {x[1]: x[2] for x in blocks if x[0] == "meta"}["Møteleder"] == "SLT-koordinator"
    text = " ".join(str(x) for x in blocks)
    assert "2207" not in text and "Feil tiltak" not in text and "Angret" not in text


def test_undoing_a_save_refuses_when_a_field_was_changed_again(demo_engine):
    plan_id, tiltak = _stange(demo_engine)
    t = tiltak.row(0, named=True)
    save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {"next_step": "A", "status_note": "B"})])
    first = log_frame(demo_engine, entity="tiltak", entity_ids=[t["id"]])["id"].min()
    t = _row(demo_engine, plan_id, t["id"])
    save_changes(demo_engine, KARI, plan_id, [Change(t["id"], t["version"], {"next_step": "C"})])
    from data_access.domain.errors import ConflictError

    with pytest.raises(ConflictError, match="Neste steg"):
        undo_save(demo_engine, KARI, first)
    assert _row(demo_engine, plan_id, t["id"])["status_note"] == "B", "nothing undone"


def test_word_minutes_are_a4_and_norwegian():
    """Issue 19 point 5: python-docx's template is US Letter and en-US; Word would mark every word misspelled."""
    import re
    import zipfile

    data = to_docx([["h1", "Referat"], ["p", "Tiltaket er evaluert."]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        document, styles = z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', document), "A4: 210 × 297 mm in twentieths of a point"
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert re.search(r'<w:lang w:val="nb-NO" w:eastAsia="nb-NO" w:bidi="nb-NO"/>', defaults)
    assert "en-US" not in styles
