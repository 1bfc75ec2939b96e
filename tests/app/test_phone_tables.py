"""On a phone, tables keep Tiltak and Status in view (issue 20.2): both are pinned in every grid that has them."""

import json

from dashboard.tables import pinned


def _columns(at) -> dict:
    found = {}
    for df in at.dataframe:
        config = json.loads(df.proto.columns or "{}")
        found.update({name: cfg for name, cfg in config.items() if name in ("Tiltak", "Status")})
    return found


def test_pinned_keeps_other_settings_and_hidden_columns():
    config = pinned(["Evalueres", "Tiltak", "Status", "Nivå"],
                    {"Tiltak": {"label": "Tiltak", "width": 136}, "Nivå": None})
    assert config["Tiltak"] == {"label": "Tiltak", "width": 136, "pinned": True}
    assert config["Status"]["pinned"] is True and config["Nivå"] is None
    assert "Status" not in pinned(["Nivå", "Tiltak"], None)
    assert pinned(["Tiltak", "Status", "Ansvar"], None) == {}  # already first: not pinned


def test_overdue_table_on_oversikt_pins_tiltak_and_status(open_page):
    at = open_page("leder", "oversikt")
    columns = _columns(at)
    assert columns, "Oversikt has a table with Tiltak and Status (evaluations passed)"
    assert all(cfg.get("pinned") is True for cfg in columns.values()), columns
