"""The implementation group's own year: its arena in the calendar and the meetings planned there.

This part holds the rules (pure); the module docstring of ``data_access/writes/group_year.py`` tells the rest.
"""

from __future__ import annotations

from datetime import date

NAME_HINT = "implementeringsgruppe"


def propose(dates: list[date], today: date) -> date | None:
    """Today's planned meeting, else the next one (None when nothing more is planned)."""
    return next((d for d in sorted(dates) if d >= today), None)
