"""Turning ``st.data_editor`` edits into ``Change`` commands: pure, so it is unit-tested directly.

AppTest cannot drive the grid, so everything between "the grid's edit state" and "the data layer's
command" lives here. The grid shows display columns (Norwegian headers); ``COLUMNS`` maps them to fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import polars as pl

from data_access.db.changelog import as_text
from data_access.db.uow import Change

COLUMNS: dict[str, str] = {
    "Status": "status",
    "Statusnotat": "status_note",
    "Ansvar": "services",
    "Neste steg": "next_step",
    "Neste evaluering": "next_evaluation",
}


def _comparable(field: str, value: Any) -> str | None:
    if field == "next_evaluation" and isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if field == "services" and value is not None and not isinstance(value, str):
        value = list(value)
    text = as_text(value)
    return text if text not in ("",) else None


def editor_changes(shown: pl.DataFrame, state: Mapping[str, Any],
                   columns: Mapping[str, str] = COLUMNS) -> list[Change]:
    """One change per edited row, holding only the fields whose value really differs.

    ``shown`` is the frame given to the editor (same row order) with ``id`` and ``version`` columns and
    the display columns; ``state`` is the editor's session-state value (``edited_rows`` etc.).
    """
    edited: Mapping[Any, Mapping[str, Any]] = state.get("edited_rows", {}) or {}
    changes: list[Change] = []
    for pos in sorted(edited, key=int):
        row = shown.row(int(pos), named=True)
        fields: dict[str, Any] = {}
        for column, value in edited[pos].items():
            field = columns.get(column)
            if field is None:
                continue
            if _comparable(field, value) != _comparable(field, row[column]):
                fields[field] = value
        if fields:
            changes.append(Change(int(row["id"]), int(row["version"]), fields))
    return changes
