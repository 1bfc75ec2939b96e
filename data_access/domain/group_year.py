"""The implementation group's own year: its arena in the calendar and the meetings planned there.

This part holds the rules (pure); its siblings in ``reads/`` and ``writes/`` hold the rest.

The group's arena is the one flagged ``is_group_arena``; when no arena of the plan is flagged, the arena whose
name mentions «implementeringsgruppe» (the Stange plan's «Implementeringsgruppe for forebyggende plan") is used.
Its planned meetings are the calendar's (frequency plus meetings the SLT coordinator added or moved), minus
cancelled ones, so Møtemodus can propose today's meeting or the next one.
"""

from __future__ import annotations

from datetime import date

NAME_HINT = "implementeringsgruppe"


def propose(dates: list[date], today: date) -> date | None:
    """Today's planned meeting, else the next one (None when nothing more is planned)."""
    return next((d for d in sorted(dates) if d >= today), None)
