"""data_editor edit state → update commands, without Streamlit."""

from datetime import date

import polars as pl

from dashboard.editing import editor_changes
from data_access.db.uow import Change

SHOWN = pl.DataFrame({
    "id": [11, 12, 13], "version": [1, 4, 2], "Tiltak": ["A", "B", "C"],
    "Status": ["I gang", "Planlagt", "Ikke startet"], "Statusnotat": ["", "x", ""],
    "Ansvar": [["PPT"], ["NAV", "Skole"], []], "Neste steg": ["", "", ""],
    "Neste evaluering": [date(2026, 1, 5), None, None],
})


def test_no_edits_no_changes():
    assert editor_changes(SHOWN, {}) == []
    assert editor_changes(SHOWN, {"edited_rows": {}, "added_rows": [], "deleted_rows": []}) == []


def test_edited_cells_become_changes_with_the_version_seen():
    state = {"edited_rows": {1: {"Status": "Avsluttet", "Neste evaluering": "2026-12-01"},
                             2: {"Ansvar": ["PPT", "NAV"]}}}
    assert editor_changes(SHOWN, state) == [
        Change(12, 4, {"status": "Avsluttet", "next_evaluation": "2026-12-01"}),
        Change(13, 2, {"services": ["PPT", "NAV"]}),
    ]


def test_string_row_keys_and_values_set_back_to_original_are_ignored():
    state = {"edited_rows": {"0": {"Status": "I gang", "Neste evaluering": "2026-01-05T00:00:00"},
                             "1": {"Ansvar": ["Skole", "NAV"], "Statusnotat": "y"}}}
    assert editor_changes(SHOWN, state) == [Change(12, 4, {"status_note": "y"})]


def test_cleared_date_and_unknown_columns():
    state = {"edited_rows": {0: {"Neste evaluering": None, "Tiltak": "renamed", "_index": 3}}}
    assert editor_changes(SHOWN, state) == [Change(11, 1, {"next_evaluation": None})]
