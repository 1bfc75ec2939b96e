"""Agenda proposals and the minutes, as pure functions."""

from datetime import date, datetime

import polars as pl

from data_access.changelog import LOG_SCHEMA
from data_access.group_meetings import build_minutes, propose_agenda
from data_access.minutes_pdf import minutes_pdf

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
    md = build_minutes(meeting, log, {1: "Foreldreveiledning", 2: "Mitt valg"}, "Godt møte.")
    assert md.startswith("# Referat fra implementeringsgruppa 22.11.2026")
    assert "**Deltakere:** SLT, PPT, NAV" in md and "09:00–10:30" in md
    assert "### Foreldreveiledning" in md
    assert "Status: I gang → **Avsluttet** (Kari, 09:05)" in md
    assert "Neste evaluering: (tomt) → **01.03.2027**" in md
    assert "Arkivert (Ola)" in md and "Godt møte." in md
    assert "Vedtak og endringer (3)" in md


def test_minutes_without_changes_and_as_pdf():
    meeting = {"meeting_date": TODAY, "participants": "", "started_by": "redaktor", "started_at": None,
               "ended_at": None}
    md = build_minutes(meeting, _log([]), {})
    assert "Ingen tiltak ble endret i møtet." in md
    pdf = minutes_pdf(md + "\n- Æ, ø og å → «sitat» – tankestrek\n")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


EVIL = ["[x](https://evil)", "![](https://evil/x.png)", "<script>alert(1)</script>", "javascript:alert(1)",
        "www.evil.example", "# Overskrift", "**fet**"]


def _evil_minutes():
    from markdown_it import MarkdownIt

    meeting = {"meeting_date": TODAY, "participants": " ".join(EVIL), "started_by": "<b>redaktor</b>",
               "started_at": datetime(2026, 11, 22, 9), "ended_at": datetime(2026, 11, 22, 10)}
    log = _log([{"id": 1, "at": datetime(2026, 11, 22, 9, 5), "username": "redaktor", "name": EVIL[1],
                 "entity": "tiltak", "entity_id": 1, "action": "update", "field": "status_note",
                 "old_value": EVIL[0], "new_value": EVIL[2]}])
    md = build_minutes(meeting, log, {1: EVIL[0]}, "\n".join(EVIL))
    parser = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
    return md, [t for b in parser.parse(md) for t in [b, *(b.children or [])]]


def test_minutes_escape_user_text():
    md, tokens = _evil_minutes()
    kinds = {t.type for t in tokens}
    assert not kinds & {"link_open", "image", "html_inline", "html_block"}, kinds
    assert "<script>" not in md and "[x](" not in md and "javascript:alert" in md.replace("\\", "")
    headings = [t for t in tokens if t.type == "heading_open"]
    assert [h.tag for h in headings] == ["h1", "h2", "h2", "h3"], "user text adds no headings"
    text = " ".join(t.content for t in tokens if t.type == "text")
    for evil in EVIL:
        assert evil in text, evil  # shown literally
    assert "Statusnotat: [x](https://evil) → " in text


def test_minutes_pdf_draws_user_text_literally_without_links():
    from data_access.minutes_pdf import _runs

    md, _ = _evil_minutes()
    pdf = minutes_pdf(md, "Referat")
    assert pdf.startswith(b"%PDF") and b"/URI" not in pdf and b"/Annots" not in pdf
    line = next(line for line in md.splitlines() if line.startswith("- Statusnotat"))
    assert _runs(line[2:]) == [(False, "Statusnotat: [x](https://evil) → "), (True, "<script>alert(1)</script>"),
                               (False, " (![](https://evil/x.png), 09:05)")]
