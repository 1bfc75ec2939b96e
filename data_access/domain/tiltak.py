"""Every write to tiltak, through the one write path (``uow.UnitOfWork``, ``fields.TILTAK``).

This part holds the rules (pure); the module docstring of ``data_access/writes/tiltak.py`` tells the rest.
"""

from __future__ import annotations

from data_access.domain.fields import TILTAK

EDITABLE_FIELDS = tuple(TILTAK.fields)
