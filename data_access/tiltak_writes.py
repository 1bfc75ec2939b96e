"""Every write to tiltak, through the one write path (``uow.UnitOfWork``, ``fields.TILTAK``).

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from data_access import changelog
from data_access.errors import ConflictError, FieldError, NotFound, ValidationError
from data_access.fields import TILTAK
from data_access.models import ChangeLog, Level, Plan, ProtectiveFactor, Service, Status, Tiltak, tiltak_services
from data_access.permissions import Actor, Permission
from data_access.uow import Change, Conflict, UnitOfWork

EDITABLE_FIELDS = tuple(TILTAK.fields)


@dataclass
class SaveResult:
    saved: list[int] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    fields_changed: int = 0

    def summary(self) -> str:
        parts = []
        if self.saved:
            parts.append(f"{len(self.saved)} tiltak lagret ({self.fields_changed} felt)")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} i konflikt, ikke lagret")
        return ", ".join(parts) or "Ingen endringer å lagre"


@dataclass(frozen=True)
class Vocab:
    """What a choice may be, for one plan: statuses, levels, services and protective factors."""

    statuses: dict[str, int]  # slug -> id, labels also accepted on input
    status_by_label: dict[str, str]
    levels: dict[str, int]
    level_by_label: dict[str, str]
    services: dict[str, int]
    factors: dict[str, int]

    @classmethod
    def load(cls, s: Session, plan_id: int) -> Vocab:
        statuses = s.execute(select(Status.slug, Status.label, Status.id)).all()
        levels = s.execute(select(Level.slug, Level.label, Level.id).where(Level.plan_id == plan_id)).all()
        return cls(
            statuses={slug: i for slug, _, i in statuses},
            status_by_label={label.lower(): slug for slug, label, _ in statuses},
            levels={slug: i for slug, _, i in levels},
            level_by_label={label.lower(): slug for slug, label, _ in levels},
            services=dict(s.execute(select(Service.name, Service.id)).all()),
            factors=dict(s.execute(select(ProtectiveFactor.name, ProtectiveFactor.id)
                                   .where(ProtectiveFactor.plan_id == plan_id)).all()),
        )

    def parsers(self) -> dict[str, Any]:
        """The plan-dependent choices of ``fields.TILTAK``; the rest is parsed by the spec itself."""
        def status(value: Any) -> str:
            key = "" if value is None else str(value).strip()
            slug = key if key in self.statuses else self.status_by_label.get(key.lower())
            if slug is None:
                raise ValidationError(f"Ukjent status «{key}». Velg en av: "
                                      f"{', '.join(sorted(self.status_by_label))}.")
            return slug

        def level(value: Any) -> str:
            key = "" if value is None else str(value).strip()
            slug = key if key in self.levels else self.level_by_label.get(key.lower())
            if slug is None:
                raise ValidationError(f"Ukjent nivå «{key}».")
            return slug

        def services(value: Any) -> list[str]:
            items = [str(v).strip() for v in (value or []) if str(v).strip()]
            unknown = [v for v in items if v not in self.services]
            if unknown:
                raise ValidationError(f"Ukjent tjeneste: {', '.join(unknown)}.")
            return sorted(set(items))

        def factor(value: Any) -> str | None:
            key = (value or "").strip() if isinstance(value, str) else value
            if key and key not in self.factors:
                raise ValidationError(f"Ukjent beskyttelsesfaktor «{key}».")
            return key or None

        return {"status": status, "level": level, "services": services, "protective_factor": factor}


def normalize(fields: Mapping[str, Any], vocab: Vocab, *, tiltak_id: int | None = None,
              tiltak_name: str = "") -> tuple[dict[str, Any], list[FieldError]]:
    """Turn raw UI values into stored values; collect every error instead of stopping at the first."""
    return TILTAK.clean(fields, parsers=vocab.parsers(), row=tiltak_name, row_id=tiltak_id)


def _current(row: Tiltak, names: Iterable[str], vocab: Vocab) -> dict[str, Any]:
    levels = {i: slug for slug, i in vocab.levels.items()}
    statuses = {i: slug for slug, i in vocab.statuses.items()}
    factors = {i: name for name, i in vocab.factors.items()}
    values: dict[str, Any] = {}
    for name in names:
        if name == "level":
            values[name] = levels[row.level_id]
        elif name == "status":
            values[name] = statuses[row.status_id]
        elif name == "services":
            values[name] = sorted(sv.name for sv in row.services)
        elif name == "protective_factor":
            values[name] = factors.get(row.protective_factor_id) if row.protective_factor_id else None
        elif name == "archived":
            values[name] = row.archived_at is not None
        else:
            values[name] = getattr(row, name)
    return values


def column_values(new: Mapping[str, Any], vocab: Vocab) -> dict[str, Any]:
    cols: dict[str, Any] = {}
    for name, value in new.items():
        if name == "level":
            cols["level_id"] = vocab.levels[value]
        elif name == "status":
            cols["status_id"] = vocab.statuses[value]
        elif name == "protective_factor":
            cols["protective_factor_id"] = vocab.factors[value] if value else None
        elif name == "next_evaluation":
            cols[name] = value
            cols["next_evaluation_is_example"] = False  # a date someone set is no longer example data
        elif name != "services":
            cols[name] = value
    return cols


def _conflict(uow: UnitOfWork, row: Tiltak, yours: Mapping[str, Any], vocab: Vocab) -> Conflict:
    uow.s.refresh(row)
    return Conflict("tiltak", row.id, row.name, dict(yours), _current(row, yours, vocab), row.updated_by,
                    row.updated_at, row.version, gone=row.archived_at is not None)


def save_changes(engine: Engine, actor: Actor, plan_id: int, changes: Sequence[Change], *,
                 now: datetime | None = None) -> SaveResult:
    """Validate all, then save each tiltak whose version still matches; see the module docstring."""
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK, now=now) as uow:
        return _save(uow, changes) if changes else SaveResult()


def _save(uow: UnitOfWork, changes: Sequence[Change], undo_of: int | None = None) -> SaveResult:
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
            uow.log("tiltak", row.id, "undo" if undo_of else "update", name, old[name], value, undo_of=undo_of)
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


def _parse_stored(name: str, text: str | None) -> Any:
    if text is None:
        return None
    if name == "services":
        return [v for v in text.split(changelog.LIST_SEP) if v]
    if name == "next_evaluation":
        return date.fromisoformat(text)
    return text


def _note_saved_with(s: Session, entry: ChangeLog, current_note: str) -> dict[str, Any]:
    """A status and its note belong together: undoing a status also puts back the note saved with it
    (given, or cleared by rule 4), as long as nobody has changed the note since."""
    note = s.scalar(select(ChangeLog).where(ChangeLog.entity == "tiltak", ChangeLog.entity_id == entry.entity_id,
                                            ChangeLog.field == "status_note", ChangeLog.at == entry.at,
                                            ChangeLog.username == entry.username,
                                            ChangeLog.action == entry.action).limit(1))
    if note is None or (note.new_value or "") != (current_note or ""):
        return {}
    return {"status_note": note.old_value or ""}


def undo_change(engine: Engine, actor: Actor, change_id: int) -> None:
    """Put a field back to its old value, in one transaction; the undo is itself logged and can be undone."""
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
        label = changelog.FIELD_LABELS.get(entry.field or "", entry.field)
        vocab = Vocab.load(uow.s, row.plan_id)
        if changelog.as_text(_current(row, [entry.field], vocab)[entry.field]) != entry.new_value:
            raise ConflictError(f"Kan ikke angre: «{label}» er endret igjen etter denne endringen. "
                                "Angre den nyeste endringen først.")
        fields = {entry.field: _parse_stored(entry.field, entry.old_value)}
        if entry.field == "status":
            fields |= _note_saved_with(uow.s, entry, current_note=row.status_note)
        result = _save(uow, [Change(row.id, row.version, fields)], undo_of=entry.id)
        if result.conflicts:
            raise result.conflicts[0].error()
