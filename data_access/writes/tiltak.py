"""Every write to tiltak, through the one write path (``uow.UnitOfWork``, ``fields.TILTAK``).

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

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

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from data_access.db import changelog
from data_access.db.models import ChangeLog, Plan, Tiltak, tiltak_services
from data_access.db.uow import Change, Conflict, UnitOfWork
from data_access.domain.errors import ConflictError, FieldError, NotFound, ValidationError
from data_access.domain.permissions import Actor, Permission
from data_access.reads.tiltak import (
    SaveResult,
    Vocab,
    _current,
    _note_saved_with,
    _parse_stored,
    column_values,
    normalize,
)


def _conflict(uow: UnitOfWork, row: Tiltak, yours: Mapping[str, Any], vocab: Vocab) -> Conflict:
    uow.s.refresh(row)
    return Conflict("tiltak", row.id, row.name, dict(yours), _current(row, yours, vocab), row.updated_by,
                    row.updated_at, row.version, gone=row.archived_at is not None)


def save_changes(engine: Engine, actor: Actor, plan_id: int, changes: Sequence[Change], *,
                 now: datetime | None = None) -> SaveResult:
    """Validate all, then save each tiltak whose version still matches; see the module docstring."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK, now=now) as uow:
        return _save(uow, changes) if changes else SaveResult()


def _save(uow: UnitOfWork, changes: Sequence[Change], undo_of: int | Mapping[str, int] | None = None) -> SaveResult:
    """``undo_of``: the log entry this save undoes, or per field the entry (undoing a whole save)."""
    result = SaveResult()
    vocab = Vocab.load(uow.s, uow.plan_id)
    rows = {r.id: r for r in uow.s.scalars(select(Tiltak).where(Tiltak.id.in_([c.entity_id for c in changes])))}
    normalized: list[tuple[Change, dict[str, Any]]] = []
    errors: list[FieldError] = []
    for change in changes:
        row = rows.get(change.entity_id)
        if row is None or row.plan_id != uow.plan_id:
            errors.append(FieldError("id", "Fant ikke tiltaket i denne planen.", "", change.entity_id))
            continue
        new, errs = normalize(change.fields, vocab, tiltak_id=row.id, tiltak_name=row.name)
        if "name" in new and not errs:
            try:
                uow.require_free_name(Tiltak, new["name"], plan_id=row.plan_id, noun="et tiltak", except_id=row.id)
            except ValidationError as exc:
                errs = [FieldError("name", str(exc), row.name, row.id)]
        errors += errs
        normalized.append((change, new))
    if errors:
        raise ValidationError.of(errors)
    for change, new in normalized:
        row = rows[change.entity_id]
        if row.version != change.version or row.archived_at is not None:
            result.conflicts.append(_conflict(uow, row, change.fields, vocab))
            continue
        old = _current(row, new, vocab)
        diff = {k: v for k, v in new.items() if changelog.as_text(v) != changelog.as_text(old[k])}
        if not diff:
            continue
        if "status" in diff and "status_note" not in diff and not undo_of and row.status_note:
            old["status_note"], diff["status_note"] = row.status_note, ""  # rule 4: no stale note
        if not uow.compare_and_set(Tiltak, row.id, change.version, column_values(diff, vocab)):
            result.conflicts.append(_conflict(uow, row, change.fields, vocab))
            continue
        if "services" in diff:
            set_services(uow.s, row.id, [vocab.services[n] for n in diff["services"]])
        for name, value in diff.items():
            of = undo_of.get(name) if isinstance(undo_of, Mapping) else undo_of
            uow.log("tiltak", row.id, "undo" if undo_of else "update", name, old[name], value, undo_of=of)
        result.saved.append(row.id)
        result.fields_changed += len(diff)
    return result


def set_services(s: Session, tiltak_id: int, service_ids: Sequence[int]) -> None:
    s.execute(delete(tiltak_services).where(tiltak_services.c.tiltak_id == tiltak_id))
    if service_ids:
        s.execute(insert(tiltak_services), [{"tiltak_id": tiltak_id, "service_id": i} for i in service_ids])


def create_tiltak(engine: Engine, actor: Actor, plan_id: int, *, level: str, name: str, description: str = "",
                  status: str = "planlagt", services: Sequence[str] = (), status_note: str = "",
                  next_step: str = "", next_evaluation: date | str | None = None,
                  protective_factor: str | None = None) -> int:
    """Add a tiltak at the end of its level; validated like any other change."""
    raw = {"name": name, "description": description, "level": level, "status": status, "services": list(services),
           "status_note": status_note, "next_step": next_step, "next_evaluation": next_evaluation,
           "protective_factor": protective_factor}
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK) as uow:
        if uow.s.get(Plan, plan_id) is None:
            raise NotFound("Fant ikke planen.")
        vocab = Vocab.load(uow.s, plan_id)
        new, errors = normalize(raw, vocab, tiltak_name=name)
        if errors:
            raise ValidationError.of(errors)
        uow.require_free_name(Tiltak, new["name"], plan_id=plan_id, noun="et tiltak")
        order = uow.s.scalar(select(Tiltak.sort_order).where(Tiltak.plan_id == plan_id)
                             .order_by(Tiltak.sort_order.desc()).limit(1)) or 0
        row = Tiltak(plan_id=plan_id, version=1, sort_order=order + 1, updated_by=actor.username,
                     updated_at=uow.now, **column_values(new, vocab))
        uow.s.add(row)
        uow.s.flush()
        set_services(uow.s, row.id, [vocab.services[n] for n in new["services"]])
        uow.log("tiltak", row.id, "create", "name", None, new["name"])
        return row.id


def set_archived(engine: Engine, actor: Actor, tiltak_id: int, version: int, archived: bool) -> None:
    """Archive (never delete) or restore a tiltak; ``ConflictError`` if someone saved it meanwhile."""
    with UnitOfWork(engine, actor, None, Permission.EDIT_TILTAK) as uow:
        _set_archived(uow, tiltak_id, version, archived)


def _set_archived(uow: UnitOfWork, tiltak_id: int, version: int, archived: bool, undo_of: int | None = None) -> None:
    row = uow.s.get(Tiltak, tiltak_id)
    if row is None:
        raise NotFound("Fant ikke tiltaket.")
    uow.plan_id = row.plan_id
    if (row.archived_at is not None) == archived:
        return
    values = {"archived_at": uow.now if archived else None}
    if row.version != version or not uow.compare_and_set(Tiltak, row.id, version, values):
        uow.s.refresh(row)
        raise Conflict("tiltak", row.id, row.name, {"archived": archived}, {"archived": row.archived_at is not None},
                       row.updated_by, row.updated_at, row.version).error()
    uow.log("tiltak", row.id, "undo" if undo_of else ("archive" if archived else "restore"), "archived",
            not archived, archived, undo_of=undo_of)


def undo_change(engine: Engine, actor: Actor, change_id: int) -> None:
    """Put a field back to its old value, in one transaction; the undo is itself logged and can be undone."""
    _undo(engine, actor, change_id, whole_save=False)


def undo_save(engine: Engine, actor: Actor, change_id: int) -> None:
    """Undo the whole save ``change_id`` belongs to (every field saved together with it), in one transaction.

    Møtemodus lists the meeting's changes per save; «Angre» there puts back all fields of that save, and the
    undo is logged field by field (each pointing at the entry it undoes), so it can itself be undone."""
    _undo(engine, actor, change_id, whole_save=True)


def _undo(engine: Engine, actor: Actor, change_id: int, *, whole_save: bool) -> None:
    with UnitOfWork(engine, actor, None, Permission.EDIT_TILTAK) as uow:
        entry = uow.s.get(ChangeLog, change_id)
        if entry is None or entry.entity != "tiltak":
            raise NotFound("Fant ikke endringen.")
        row = uow.s.get(Tiltak, entry.entity_id)
        if row is None:
            raise NotFound("Tiltaket finnes ikke lenger.")
        uow.plan_id = row.plan_id
        if entry.action in {"archive", "restore"} or entry.field == "archived":
            want_archived = entry.old_value == "ja"
            if (row.archived_at is not None) == want_archived:
                raise ValidationError("Tiltaket er allerede i den tilstanden.", field="archived")
            _set_archived(uow, row.id, row.version, want_archived, undo_of=entry.id)
            return
        if entry.action == "create":
            raise ValidationError("Et nytt tiltak angres ved å arkivere det.", field="archived")
        entries = [entry]
        if whole_save:
            entries = list(uow.s.scalars(select(ChangeLog).where(
                ChangeLog.entity == "tiltak", ChangeLog.entity_id == entry.entity_id, ChangeLog.at == entry.at,
                ChangeLog.username == entry.username, ChangeLog.action == entry.action,
                ChangeLog.field.is_not(None)).order_by(ChangeLog.id)))
        vocab = Vocab.load(uow.s, row.plan_id)
        now = _current(row, [e.field for e in entries], vocab)
        for e in entries:
            if changelog.as_text(now[e.field]) != e.new_value:
                label = changelog.FIELD_LABELS.get(e.field or "", e.field)
                raise ConflictError(f"Kan ikke angre: «{label}» er endret igjen etter denne endringen. "
                                    "Angre den nyeste endringen først.")
        fields = {e.field: _parse_stored(e.field, e.old_value) for e in entries}
        if entry.field == "status" and not whole_save:
            fields |= _note_saved_with(uow.s, entry, current_note=row.status_note)
        result = _save(uow, [Change(row.id, row.version, fields)],
                       undo_of={e.field: e.id for e in entries} if whole_save else entry.id)
        if result.conflicts:
            raise result.conflicts[0].error()
