"""Agenda proposals and the minutes, as pure functions."""

from datetime import date, datetime

import polars as pl

from data_access.db.changelog import LOG_SCHEMA
from data_access.domain.group_meetings import propose_agenda
from data_access.formats.minutes import to_markdown
from data_access.formats.minutes_pdf import blocks_pdf, minutes_pdf
from data_access.reads.group_meetings import build_minutes

TODAY = date(2026, 11, 22)
TILTAK = pl.DataFrame({
    "id": [1, 2, 3, 4],
    "name": ["Foreldreveiledning", "Mitt valg", "BTI", "Avsluttet ting"],
    "status": ["i_gang", "planlagt", "i_gang", "avsluttet"],
    "next_evaluation": [date(2026, 10, 1), date(2027, 1, 1), None, date(2020, 1, 1)],
    "updated_at": [datetime(2026, 11, 1), datetime(2025, 1, 1), datetime(2026, 11, 20), datetime(2019, 1, 1)],
})


def test_agenda_has_overdue_stale_and_changed_but_not_closed():
    agenda = propose_agenda(TILTAK, changed_ids={3}, today=TODAY, stale_months=6)
    assert agenda.overdue["id"].to_list() == [1]
    assert agenda.stale["id"].to_list() == [2]
    assert agenda.changed["id"].to_list() == [3]
    assert agenda.ids == [1, 2, 3]


def _log(rows):
    base = {k: None for k in LOG_SCHEMA}
    return pl.DataFrame([base | r for r in rows], schema=LOG_SCHEMA)


def test_minutes_list_every_change_readably():
    meeting = {"meeting_date": TODAY, "participants": "SLT, PPT, NAV", "started_by": "redaktor",
               "started_at": datetime(2026, 11, 22, 9), "ended_at": datetime(2026, 11, 22, 10, 30)}
    log = _log([
        {"id": 1, "at": datetime(2026, 11, 22, 9, 5), "username": "redaktor", "name": "Kari", "entity": "tiltak",
         "entity_id": 1, "action": "update", "field": "status", "old_value": "i_gang", "new_value": "avsluttet"},
        {"id": 2, "at": datetime(2026, 11, 22, 9, 6), "username": "redaktor", "name": "Kari", "entity": "tiltak",
         "entity_id": 1, "action": "update", "field": "next_evaluation", "old_value": None,
         "new_value": "2027-03-01"},
        {"id": 3, "at": datetime(2026, 11, 22, 9, 9), "username": "admin", "name": "Ola", "entity": "tiltak",
         "entity_id": 2, "action": "archive", "field": "archived", "old_value": "nei", "new_value": "ja"},
    ])
    md = to_markdown(build_minutes(meeting, log, {1: "Foreldreveiledning", 2: "Mitt valg"}, "Godt møte.",
                                   leader="Kari Nordmann", kommune="Stange", plan_name="Planen"))
    assert md.startswith("# Referat fra implementeringsgruppa 22.11.2026")
    assert "**Deltakere:** SLT, PPT, NAV" in md and "09:00–10:30" in md
    assert "**Møteleder:** Kari Nordmann" in md and "**Kommune:** Stange kommune" in md
    assert "### Foreldreveiledning" in md
    assert "- Status: I gang → Avsluttet\n" in md
    assert "Neste evaluering: (tomt) → 01.03.2027" in md
    assert "- Arkivert\n" in md and "Godt møte." in md
    assert "Vedtak og endringer (3)" in md


def test_minutes_without_changes_and_as_pdf():
    meeting = {"meeting_date": TODAY, "participants": "", "started_by": "redaktor", "started_at": None,
               "ended_at": None}
    blocks = build_minutes(meeting, _log([]), {})
    md = to_markdown(blocks)
    assert "Ingen tiltak ble endret i møtet." in md and "**Møteleder:** redaktor" in md
    pdf = minutes_pdf(md + "\n- Æ, ø og å → «sitat» – tankestrek\n")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert blocks_pdf(blocks + [["li", "Æ, ø og å → «sitat»"]]).startswith(b"%PDF")


def test_user_text_is_never_markdown():
    md = to_markdown([["h3", "_Tiltak_ #1"], ["table", ["A"], [["x|y"]]]])
    assert r"### \_Tiltak\_ \#1" in md and r"| x\|y |" in md


def test_minutes_show_the_net_change_and_leave_out_what_was_undone():
    """Three tiltak changed, one of them first by mistake (typed, undone, typed again): three net lines."""
    meeting = {"meeting_date": TODAY, "participants": "SLT", "started_by": "redaktor", "chair": "SLT-koordinator",
               "started_at": None, "ended_at": None}
    at = [datetime(2026, 11, 22, 9, m) for m in range(10)]
    row = {"username": "redaktor", "name": "Kari", "entity": "tiltak"}
    log = _log([
        row | {"id": 1, "at": at[0], "entity_id": 1, "action": "update", "field": "next_step", "old_value": "A",
               "new_value": "B"},
        row | {"id": 2, "at": at[1], "entity_id": 2, "action": "update", "field": "next_evaluation",
               "old_value": "2026-01-01", "new_value": "2207-03-01"},  # the mistake …
        row | {"id": 3, "at": at[2], "entity_id": 2, "action": "undo", "field": "next_evaluation",
               "old_value": "2207-03-01", "new_value": "2026-01-01", "undo_of_id": 2},  # … undone
        row | {"id": 4, "at": at[3], "entity_id": 2, "action": "update", "field": "next_evaluation",
               "old_value": "2026-01-01", "new_value": "2027-03-01"},
        row | {"id": 5, "at": at[4], "entity_id": 3, "action": "update", "field": "status", "old_value": "planlagt",
               "new_value": "i_gang"},
        row | {"id": 6, "at": at[4], "entity_id": 3, "action": "update", "field": "status_note", "old_value": "",
               "new_value": "Startet"},
        row | {"id": 7, "at": at[5], "entity_id": 3, "action": "update", "field": "next_step", "old_value": "x",
               "new_value": "y"},
        row | {"id": 8, "at": at[6], "entity_id": 3, "action": "undo", "field": "next_step", "old_value": "y",
               "new_value": "x", "undo_of_id": 7},  # changed and undone: not in the minutes at all
    ])
    blocks = build_minutes(meeting, log, {1: "Foreldreveiledning", 2: "Mitt valg", 3: "BTI"})
    md = to_markdown(blocks)
    lines = [b[1] for b in blocks if b[0] == "li"]
    assert lines == ["Neste steg: A → B", "Neste evaluering: 01.01.2026 → 01.03.2027", "Status: Planlagt → I gang",
                     "Statusnotat: (tomt) → Startet"]
    assert "2207" not in md and "Angret" not in md and "Kari" not in md and "Neste steg: x" not in md
    assert "Vedtak og endringer (4)" in md and "**Møteleder:** SLT-koordinator" in md


def test_saves_group_the_fields_saved_together():
    from data_access.domain.net_changes import saves

    at = datetime(2026, 11, 22, 9, 5)
    row = {"username": "redaktor", "name": "Kari", "entity": "tiltak", "entity_id": 1, "action": "update"}
    log = _log([row | {"id": 1, "at": at, "field": "status", "old_value": "a", "new_value": "b"},
                row | {"id": 2, "at": at, "field": "status_note", "old_value": "", "new_value": "n"},
                row | {"id": 3, "at": datetime(2026, 11, 22, 9, 6), "field": "next_step"}])
    grouped = saves(log)
    assert grouped["ids"].to_list() == [[3], [2, 1]] and grouped["fields"].to_list()[1] == ["status_note", "status"]
