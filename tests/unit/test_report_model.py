"""The yearly report's pure parts: period, state at the period's end, changes, counts, examples, meetings."""

from datetime import date, datetime

import polars as pl
import pytest

from data_access.db.changelog import LOG_SCHEMA
from data_access.domain.errors import ValidationError
from data_access.domain.formatting import fmt_date, fmt_int, fmt_number, fmt_value
from data_access.domain.meetings import MEETING_SCHEMA
from data_access.reads.report import (
    ReportPeriod,
    changes_in_period,
    count_table,
    example_evaluations,
    make_period,
    meeting_tables,
    parse_report_date,
    relabel,
    state_at,
)

LEVELS = pl.DataFrame({"slug": ["universell", "selektiv", "indikativ"],
                       "label": ["Universell", "Selektiv", "Indikativ"], "sort_order": [0, 1, 2]})
STATUSES = pl.DataFrame({"slug": ["planlagt", "i_gang", "avsluttet"], "label": ["Planlagt", "I gang", "Avsluttet"],
                         "sort_order": [1, 2, 4]})


def tiltak(*rows):
    return pl.DataFrame([{"id": i, "name": n, "level": lv, "status": s, "archived": a} for i, n, lv, s, a in rows],
                        schema={"id": pl.Int64, "name": pl.String, "level": pl.String, "status": pl.String,
                                "archived": pl.Boolean})


def log(*rows):
    """(id, at, entity_id, action, field, old, new)"""
    base = {k: None for k in LOG_SCHEMA}
    data = [base | {"id": i, "at": at, "username": "u", "entity": "tiltak", "entity_id": e, "action": a,
                    "field": f, "old_value": o, "new_value": n} for i, at, e, a, f, o, n in rows]
    return pl.DataFrame(data, schema=LOG_SCHEMA)


def test_period_from_year_and_dates():
    assert make_period(2025) == ReportPeriod(date(2025, 1, 1), date(2025, 12, 31))
    assert make_period(start=date(2025, 3, 1), end=date(2026, 2, 28)).label == "01.03.2025–28.02.2026"
    assert make_period(2025).label == "2025 (01.01.2025–31.12.2025)"
    assert parse_report_date("1.3.2025") == date(2025, 3, 1)
    assert parse_report_date("2025-03-01") == date(2025, 3, 1)


@pytest.mark.parametrize("args", [{}, {"start": date(2025, 1, 1)}, {"start": date(2025, 5, 1), "end": date(2025, 4, 1)},
                                  {"year": 1066}])
def test_bad_periods_are_refused_in_norwegian(args):
    with pytest.raises(ValidationError) as exc:
        make_period(**args)
    assert any(w in str(exc.value) for w in ("Velg", "Oppgi", "slutter", "utenfor"))


@pytest.mark.parametrize("text", ["31.02.2025", "2025/03/01", "i fjor", ""])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValidationError, match="dd.mm.åååå"):
        parse_report_date(text)


def test_norwegian_numbers_and_dates():
    assert fmt_number(5.1) == "5,1"
    assert fmt_int(1000) == "1\u00a0000"  # babel nb_NO: a non-breaking space between thousands
    assert fmt_number(1234567.891) == "1\u00a0234\u00a0567,89"
    assert fmt_number(100) == "100"
    assert fmt_number(None) == "–"
    assert fmt_value(0.3, "per_1000", sign=True) == "+0,3 per 1\u00a0000"
    change = fmt_value(-0.1, "percent", sign=True)  # a change of a percentage: the screen's words (issue 19)
    assert change.endswith("0,1 prosentpoeng") and change[0] in "-\u2212" and "%" not in change
    assert fmt_date(date(2025, 3, 1)) == "01.03.2025" and fmt_date(None) == "–"


def test_state_at_rolls_status_and_archiving_back_and_drops_later_tiltak():
    now = tiltak((1, "A", "universell", "avsluttet", False), (2, "B", "selektiv", "i_gang", True),
                 (3, "C", "universell", "planlagt", False), (4, "D", "indikativ", "i_gang", False))
    later = log((10, datetime(2026, 2, 1), 1, "update", "status", "planlagt", "i_gang"),
                (11, datetime(2026, 3, 1), 1, "update", "status", "i_gang", "avsluttet"),
                (12, datetime(2026, 4, 1), 2, "archive", "archived", "nei", "ja"),
                (13, datetime(2026, 5, 1), 3, "create", "name", None, "C"))
    then = state_at(now, later)
    by_id = {r["id"]: r for r in then.iter_rows(named=True)}
    assert by_id[1]["status"] == "planlagt", "the first later change's old value is the state at the end"
    assert by_id[2]["archived"] is False
    assert 3 not in by_id, "created after the period"
    assert by_id[4]["status"] == "i_gang", "untouched tiltak keep their state"
    assert state_at(now, log()).equals(now)


def test_state_at_rolls_back_level_services_note_and_evaluation_date():
    now = pl.DataFrame({"id": [1], "name": ["Nytt navn"], "level": ["selektiv"], "status": ["i_gang"],
                        "status_note": ["Ny tekst"], "services": [["PPT", "Skole"]],
                        "next_evaluation": [date(2026, 9, 1)], "archived": [False]})
    later = log((10, datetime(2026, 2, 1), 1, "update", "level", "universell", "selektiv"),
                (11, datetime(2026, 2, 1), 1, "update", "services", "Helsestasjon", "PPT; Skole"),
                (12, datetime(2026, 2, 2), 1, "update", "status_note", None, "Ny tekst"),
                (13, datetime(2026, 2, 3), 1, "update", "next_evaluation", "2025-11-03", "2026-09-01"),
                (14, datetime(2026, 2, 4), 1, "update", "name", "Gammelt navn", "Nytt navn"))
    then = relabel(state_at(now, later), LEVELS, STATUSES).row(0, named=True)
    assert then["level"] == "universell" and then["level_label"] == "Universell" and then["level_order"] == 0
    assert then["services"] == ["Helsestasjon"]
    assert then["status_note"] == ""
    assert then["next_evaluation"] == date(2025, 11, 3)
    assert then["name"] == "Gammelt navn"
    assert then["status_label"] == "I gang"


def test_changes_in_period_in_words_oldest_first():
    entries = log((2, datetime(2025, 9, 1), 1, "update", "status", "planlagt", "i_gang"),
                  (1, datetime(2025, 2, 3), 1, "create", "name", None, "A"),
                  (3, datetime(2025, 10, 2), 2, "archive", "archived", "nei", "ja"),
                  (4, datetime(2025, 10, 3), 2, "update", "status_note", "x", "y"))
    words = changes_in_period(entries)
    assert words[1] == ["Nytt tiltak 03.02.2025", "Status Planlagt → I gang 01.09.2025"]
    assert words[2] == ["Arkivert 02.10.2025"], "only status, new and archived are reported"


def test_changes_in_period_are_net_a_mistake_undone_is_not_there():
    """Issue 19 point 2: the report shows the status from → to per tiltak, not every edit and its undo."""
    entries = log((1, datetime(2025, 3, 1), 1, "update", "status", "planlagt", "avsluttet"),  # the mistake
                  (2, datetime(2025, 3, 1, 0, 5), 1, "undo", "status", "avsluttet", "planlagt"),
                  (3, datetime(2025, 4, 1), 1, "update", "status", "planlagt", "i_gang"),
                  (4, datetime(2025, 5, 1), 1, "update", "status", "i_gang", "under_revidering"),
                  (5, datetime(2025, 6, 1), 2, "archive", "archived", "nei", "ja"),
                  (6, datetime(2025, 6, 2), 2, "undo", "archived", "ja", "nei"))
    words = changes_in_period(entries)
    assert words[1] == ["Status Planlagt → Under revidering 01.05.2025"]
    assert 2 not in words, "archived and restored again: nothing to report"


def test_count_table_has_every_status_and_totals():
    t = tiltak((1, "A", "universell", "i_gang", False), (2, "B", "universell", "planlagt", False),
               (3, "C", "indikativ", "i_gang", False))
    table = count_table(t, LEVELS, STATUSES)
    assert table.columns == ["Nivå", "Planlagt", "I gang", "Avsluttet", "Totalt"]
    assert table.row(0) == ("Universell", 1, 1, 0, 2)
    assert table.row(1) == ("Selektiv", 0, 0, 0, 0)
    assert table.row(3) == ("Totalt", 1, 2, 0, 3)


def test_example_evaluations_only_in_demo_and_not_once_set_in_laget():
    t = tiltak((1, "A", "universell", "i_gang", False), (2, "B", "universell", "i_gang", False))
    assert example_evaluations(t, True, {2}).to_list() == [True, False]
    assert example_evaluations(t, False, set()).to_list() == [False, False]


def test_meeting_tables_held_against_planned_per_arena_and_level():
    rows = [(None, 1, date(2025, 2, 1), date(2025, 2, 1), "avholdt", "", 1, "Politiråd", "kommune"),
            (None, 1, date(2025, 5, 1), date(2025, 5, 1), "planlagt", "", 0, "Politiråd", "kommune"),
            (None, 1, date(2025, 9, 1), date(2025, 9, 1), "planlagt", "", 0, "Politiråd", "kommune"),
            (None, 2, date(2025, 3, 1), date(2025, 3, 1), "avlyst", "", 1, "Team", "tjeneste"),
            (None, 2, date(2025, 4, 1), date(2025, 4, 1), "avholdt", "", 1, "Team", "tjeneste")]
    meetings = pl.DataFrame(rows, schema={**MEETING_SCHEMA, "arena": pl.String, "level": pl.String}, orient="row")
    per_arena, per_level = meeting_tables(meetings, date(2025, 6, 30))
    assert per_arena.select("Møtearena", "Planlagt hittil", "Avholdt", "Avlyst", "Gjenstår").rows() == [
        ("Politiråd", 2, 1, 0, 1), ("Team", 1, 1, 1, 0)]
    assert per_level["Nivå"].to_list() == ["Kommunenivå", "Tjenestenivå"]
    empty_arena, empty_level = meeting_tables(meetings.clear(), date(2025, 6, 30))
    assert empty_arena.is_empty() and empty_level.is_empty()


def test_report_and_chart_specs_import_without_streamlit():
    """The CLI and the report use the app's chart specs without pulling in Streamlit."""
    import subprocess
    import sys

    code = ("import sys, data_access.formats.report_pdf, data_access.formats.report_docx, "
            "data_access.formats.chart_specs, dashboard.cli; "
            "sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_pyramid_png_is_rendered_from_the_app_spec():
    from data_access.formats.chart_specs import png, pyramid_chart, pyramid_data

    t = tiltak((1, "A", "universell", "i_gang", False)).with_columns(
        pl.lit("I gang").alias("status_label"), pl.lit(2).alias("status_order"))
    chart = pyramid_chart(pyramid_data(t, LEVELS))
    image = png(chart, width=400)
    assert image.startswith(b"\x89PNG")
    assert int.from_bytes(image[16:20], "big") >= 800, "scale 2 for print"


def test_file_names_say_kommune_and_period():
    from types import SimpleNamespace

    from data_access.formats.report_files import file_name

    year = SimpleNamespace(kommune="Bø i Telemark", period=make_period(2025))
    span = SimpleNamespace(kommune="Stange", period=make_period(start=date(2025, 3, 1), end=date(2026, 2, 28)))
    assert file_name(year, "pdf") == "statusrapport-bo-i-telemark-2025.pdf"
    assert file_name(span, "docx") == "statusrapport-stange-2025-03-01-2026-02-28.docx"
