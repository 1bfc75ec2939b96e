"""The one exception hierarchy of Laget's data layer. Every message is Norwegian and fit to show the user.

The UI catches ``LagetError`` in one place (``dashboard.ui.show_error``); anything else is a bug.

- ``ValidationError``: bad input; ``field`` names the field. Nothing was saved.
- ``AccessDenied``: the role does not allow the write (also a ``PermissionError``). Nothing was saved.
- ``SessionEnded``: an ``AccessDenied`` for a write whose login session has ended (logout, new role or password,
  deactivation, idle or absolute limit); the UI then shows the login form. Nothing was saved.
- ``NotFound``: the row is gone (deleted, or another plan's).
- ``ConflictError``: someone else saved first; ``conflicts`` carries each ``Conflict`` (yours vs theirs).
- ``DatabaseFault``: the database is down, locked, full or read-only. Nothing was saved.
- ``RateLimited``: too many public writes (comments) from one address lately. Nothing was saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class LagetError(Exception):
    """Base class: ``str(exc)`` is a Norwegian sentence for the user."""


@dataclass(frozen=True)
class FieldError:
    """One bad field of one row: ``row`` names the row for the user (e.g. the tiltak's name), may be empty."""

    field: str
    message: str
    row: str = ""
    row_id: int | None = None


class ValidationError(LagetError, ValueError):
    """Bad input; ``field`` names the (first) field, ``errors`` lists every bad field of the whole save."""

    def __init__(self, message: str, field: str | None = None, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.errors = list(errors) or [FieldError(field or "", message)]

    @classmethod
    def of(cls, errors: Sequence[FieldError]) -> ValidationError:
        """One exception for several bad fields: nothing of the save is written."""
        first = errors[0]
        message = first.message if len(errors) == 1 else (
            f"{len(errors)} felt må rettes før noe kan lagres. Første: {first.message}")
        return cls(message, field=first.field, errors=errors)


class AccessDenied(LagetError, PermissionError):
    """The actor's role does not grant the write."""


class SessionEnded(AccessDenied):
    """The login session behind the write is no longer live; the user must log in again."""


class NotFound(LagetError, LookupError):
    """The row the user acted on no longer exists (or belongs to another plan)."""


class ConflictError(LagetError):
    """Someone else saved the same row since the user read it; nothing of that row was written."""

    def __init__(self, message: str, conflicts: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.conflicts = list(conflicts)


class DatabaseFault(LagetError):
    """The database could not do the work (down, locked, full, read-only); nothing was saved.

    ``kind`` is "unavailable", "busy", "full" or "read_only" (see ``data_access.db.engine.database_fault``)."""

    def __init__(self, message: str, kind: str = "unavailable") -> None:
        super().__init__(message)
        self.kind = kind


class RateLimited(LagetError):
    """Too many writes from one client address within the window (the public page's comments)."""
