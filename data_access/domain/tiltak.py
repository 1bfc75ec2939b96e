"""Every write to tiltak, through the one write path (``uow.UnitOfWork``, ``fields.TILTAK``).

This part holds the rules (pure); its siblings in ``reads/`` and ``writes/`` hold the rest.

A save is a list of ``Change``. The rules, in order:

1. The actor must hold ``EDIT_TILTAK`` (else ``AccessDenied``; nothing is saved).
2. Every change is validated first; if any field of any row is bad, one ``ValidationError`` lists them all and
   **nothing** is saved, so the user keeps all edits on screen and fixes the bad ones.
3. Each tiltak is then saved only if its version is still the one the user read (compare-and-set). A tiltak
   someone else saved in the meantime is **not** overwritten: it comes back as a ``Conflict`` with the other
   person's values, and ``Conflict.reapply()`` gives a change against the new version. The other tiltak in the
   same save **go through**: a meeting should not lose ten good edits because of one collision.
4. A new status never keeps the old status note: when the status changes and the same save does not give a
   new note, the old note is cleared (logged like any field, so it can be undone). Møtemodus asks for the new
   note up front; a grid edit that only changes the status leaves an empty note rather than a stale one.
   Undo is exempt: it puts back exactly one field.
"""

from __future__ import annotations

from data_access.domain.fields import TILTAK

EDITABLE_FIELDS = tuple(TILTAK.fields)
