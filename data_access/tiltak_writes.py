"""Every write to tiltak: validated, permission-checked, version-checked and logged field by field.

A save is a list of ``TiltakChange``. The rules, in order:

1. The actor must hold ``EDIT_TILTAK`` (else ``PermissionError``; nothing is saved).
2. Every change is validated first; if any field of any row is bad, ``TiltakValidationError`` lists them
   all and **nothing** is saved, so the user keeps all edits on screen and fixes the bad ones.
3. Each tiltak is then saved only if its version is still the one the user read. A tiltak someone else
   saved in the meantime is **not** overwritten: it comes back as a ``Conflict`` with the other person's
   values, and ``Conflict.reapply()`` gives a change against the new version. The other tiltak in the
   same save **go through**: a meeting should not lose ten good edits because of one collision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from data_access import changelog
from data_access.db import session_scope
from data_access.models import ChangeLog, Level, Plan, ProtectiveFactor, Service, Status, Tiltak, tiltak_services
from data_access.permissions import Actor, Permission, require
from data_access.validation import ValidationError, check_free_text, parse_norwegian_date

EDITABLE_FIELDS = ("name", "description", "level", "status", "status_note", "services", "next_step",
                   "next_evaluation", "protective_factor")
TEXT_LIMITS = {"name": 200, "description": 4000, "status_note": 1000, "next_step": 1000}


@dataclass(frozen=True)
class FieldError:
    tiltak_id: int | None
    tiltak_name: str
    field: str
    message: str


class TiltakValidationError(ValidationError):
    """One or more fields are bad; ``errors`` says which, for messages next to each field."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message if len(self.errors) == 1
                         else f"{len(self.errors)} felt må rettes før noe kan lagres. Første: {first.message}")
        self.field = first.field


@dataclass(frozen=True)
class TiltakChange:
    tiltak_id: int
    version: int  # the version the user's screen showed
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Conflict:
    tiltak_id: int
    name: str
    yours: dict[str, Any]
    theirs: dict[str, Any]
    changed_by: str | None
    changed_at: datetime | None
    current_version: int
    archived: bool = False

    def reapply(self) -> TiltakChange:
        """Your change again, now against the version the other person saved."""
        return TiltakChange(self.tiltak_id, self.current_version, self.yours)

    def message(self) -> str:
        when = self.changed_at.strftime("%d.%m.%Y kl. %H:%M") if self.changed_at else "nylig"
        return (f"«{self.name}» ble endret av {self.changed_by or 'en annen'} {when} mens du redigerte. "
                "Endringen din er ikke lagret.")


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
    """What a value may be, for one plan: statuses, levels, services and protective factors."""

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


def normalize(fields: Mapping[str, Any], vocab: Vocab, *, tiltak_id: int | None = None,
              tiltak_name: str = "") -> tuple[dict[str, Any], list[FieldError]]:
    """Turn raw UI values into stored values; collect every error instead of stopping at the first."""
    out: dict[str, Any] = {}
    errors: list[FieldError] = []

    def err(name: str, message: str) -> None:
        errors.append(FieldError(tiltak_id, tiltak_name, name, message))

    for name, value in fields.items():
        label = changelog.FIELD_LABELS.get(name, name)
        try:
            if name not in EDITABLE_FIELDS:
                raise ValidationError(f"Feltet «{name}» kan ikke endres her.", field=name)
            if name in TEXT_LIMITS:
                text = "" if value is None else str(value).strip()
                if name == "name" and not text:
                    raise ValidationError("Navn på tiltaket må fylles ut.", field=name)
                check_free_text(text, label, max_length=TEXT_LIMITS[name])
                out[name] = text
            elif name == "status":
                key = "" if value is None else str(value).strip()
                slug = key if key in vocab.statuses else vocab.status_by_label.get(key.lower())
                if slug is None:
                    raise ValidationError(f"Ukjent status «{key}». Velg en av: "
                                          f"{', '.join(sorted(vocab.status_by_label))}.", field=name)
                out[name] = slug
            elif name == "level":
                key = "" if value is None else str(value).strip()
                slug = key if key in vocab.levels else vocab.level_by_label.get(key.lower())
                if slug is None:
                    raise ValidationError(f"Ukjent nivå «{key}».", field=name)
                out[name] = slug
            elif name == "services":
                items = [str(v).strip() for v in (value or []) if str(v).strip()]
                unknown = [v for v in items if v not in vocab.services]
                if unknown:
                    raise ValidationError(f"Ukjent tjeneste: {', '.join(unknown)}.", field=name)
                out[name] = sorted(set(items))
            elif name == "next_evaluation":
                if value is None or (isinstance(value, str) and not value.strip()):
                    out[name] = None
                elif isinstance(value, datetime):
                    out[name] = value.date()
                elif isinstance(value, date):
                    out[name] = value
                else:
                    out[name] = parse_norwegian_date(str(value))
            elif name == "protective_factor":
                key = (value or "").strip() if isinstance(value, str) else value
                if key and key not in vocab.factors:
                    raise ValidationError(f"Ukjent beskyttelsesfaktor «{key}».", field=name)
                out[name] = key or None
        except ValidationError as exc:
            err(name, f"{label}: {exc}" if not str(exc).startswith(("«", label)) else str(exc))
    return out, errors


def _current(s: Session, row: Tiltak, names: Iterable[str], levels: Mapping[int, str],
             statuses: Mapping[int, str], factors: Mapping[int, str]) -> dict[str, Any]:
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
        else:
            values[name] = getattr(row, name)
    return values


def _column_values(new: Mapping[str, Any], vocab: Vocab) -> dict[str, Any]:
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


def save_changes(engine: Engine, actor: Actor, plan_id: int, changes: Sequence[TiltakChange], *,
                 group_meeting_id: int | None = None, now: datetime | None = None,
                 undo_of: int | None = None) -> SaveResult:
    """Validate all, then save each tiltak whose version still matches; see the module docstring."""
    require(actor, Permission.EDIT_TILTAK)
    result = SaveResult()
    if not changes:
        return result
    now = now or datetime.now()
    with session_scope(engine) as s:
        vocab = Vocab.load(s, plan_id)
        rows = {r.id: r for r in s.scalars(select(Tiltak).where(Tiltak.id.in_([c.tiltak_id for c in changes])))}
        normalized: list[tuple[TiltakChange, dict[str, Any]]] = []
        errors: list[FieldError] = []
        for change in changes:
            row = rows.get(change.tiltak_id)
            if row is None or row.plan_id != plan_id:
                errors.append(FieldError(change.tiltak_id, "", "id", "Fant ikke tiltaket i denne planen."))
                continue
            new, errs = normalize(change.fields, vocab, tiltak_id=row.id, tiltak_name=row.name)
            errors += errs
            normalized.append((change, new))
        if errors:
            raise TiltakValidationError(errors)
        levels = {i: slug for slug, i in vocab.levels.items()}
        statuses = {i: slug for slug, i in vocab.statuses.items()}
        factors = {i: name for name, i in vocab.factors.items()}
        for change, new in normalized:
            row = rows[change.tiltak_id]
            if row.version != change.version or row.archived_at is not None:
                result.conflicts.append(Conflict(row.id, row.name, dict(change.fields),
                                                 _current(s, row, change.fields, levels, statuses, factors),
                                                 row.updated_by, row.updated_at, row.version,
                                                 archived=row.archived_at is not None))
                continue
            old = _current(s, row, new, levels, statuses, factors)
            diff = {k: v for k, v in new.items() if changelog.as_text(v) != changelog.as_text(old[k])}
            if not diff:
                continue
            if not _bump(s, row, change.version, _column_values(diff, vocab), actor, now):
                s.refresh(row)
                result.conflicts.append(Conflict(row.id, row.name, dict(change.fields),
                                                 _current(s, row, change.fields, levels, statuses, factors),
                                                 row.updated_by, row.updated_at, row.version))
                continue
            if "services" in diff:
                _set_services(s, row.id, [vocab.services[n] for n in diff["services"]])
            for name, value in diff.items():
                changelog.record(s, username=actor.username, entity="tiltak", entity_id=row.id,
                                 action="undo" if undo_of else "update", plan_id=plan_id, field=name,
                                 old=old[name], new=value, group_meeting_id=group_meeting_id, at=now,
                                 undo_of_id=undo_of)
            result.saved.append(row.id)
            result.fields_changed += len(diff)
    return result


def _bump(s: Session, row: Tiltak, version: int, values: Mapping[str, Any], actor: Actor, now: datetime) -> bool:
    """Write only if nobody else did since ``version`` was read: a compare-and-set in one statement."""
    res = s.execute(update(Tiltak).where(Tiltak.id == row.id, Tiltak.version == version)
                    .values(**values, version=version + 1, updated_by=actor.username, updated_at=now)
                    .execution_options(synchronize_session=False))
    if res.rowcount != 1:
        return False
    s.expire(row)
    return True


def _set_services(s: Session, tiltak_id: int, service_ids: Sequence[int]) -> None:
    s.execute(delete(tiltak_services).where(tiltak_services.c.tiltak_id == tiltak_id))
    if service_ids:
        s.execute(insert(tiltak_services), [{"tiltak_id": tiltak_id, "service_id": i} for i in service_ids])


def create_tiltak(engine: Engine, actor: Actor, plan_id: int, *, level: str, name: str, description: str = "",
                  status: str = "planlagt", services: Sequence[str] = (), status_note: str = "",
                  next_step: str = "", next_evaluation: date | str | None = None,
                  protective_factor: str | None = None, group_meeting_id: int | None = None) -> int:
    """Add a tiltak at the end of its level; validated like any other change."""
    require(actor, Permission.EDIT_TILTAK)
    raw = {"name": name, "description": description, "level": level, "status": status, "services": list(services),
           "status_note": status_note, "next_step": next_step, "next_evaluation": next_evaluation,
           "protective_factor": protective_factor}
    now = datetime.now()
    with session_scope(engine) as s:
        if s.get(Plan, plan_id) is None:
            raise ValidationError("Fant ikke planen.", field="plan")
        vocab = Vocab.load(s, plan_id)
        new, errors = normalize(raw, vocab, tiltak_name=name)
        if errors:
            raise TiltakValidationError(errors)
        order = s.scalar(select(Tiltak.sort_order).where(Tiltak.plan_id == plan_id)
                         .order_by(Tiltak.sort_order.desc()).limit(1)) or 0
        row = Tiltak(plan_id=plan_id, version=1, sort_order=order + 1, updated_by=actor.username, updated_at=now,
                     **_column_values(new, vocab))
        s.add(row)
        s.flush()
        _set_services(s, row.id, [vocab.services[n] for n in new["services"]])
        changelog.record(s, username=actor.username, entity="tiltak", entity_id=row.id, action="create",
                         plan_id=plan_id, field="name", new=new["name"], group_meeting_id=group_meeting_id, at=now)
        return row.id


def set_archived(engine: Engine, actor: Actor, tiltak_id: int, version: int, archived: bool, *,
                 group_meeting_id: int | None = None, undo_of: int | None = None) -> Conflict | None:
    """Archive (never delete) or restore a tiltak; returns a Conflict if it changed meanwhile."""
    require(actor, Permission.EDIT_TILTAK)
    now = datetime.now()
    with session_scope(engine) as s:
        row = s.get(Tiltak, tiltak_id)
        if row is None:
            raise ValidationError("Fant ikke tiltaket.", field="id")
        if (row.archived_at is not None) == archived:
            return None
        value = now if archived else None
        if row.version != version or not _bump(s, row, version, {"archived_at": value}, actor, now):
            s.refresh(row)
            return Conflict(row.id, row.name, {"archived": archived}, {"archived": row.archived_at is not None},
                            row.updated_by, row.updated_at, row.version)
        changelog.record(s, username=actor.username, entity="tiltak", entity_id=row.id,
                         action="undo" if undo_of else ("archive" if archived else "restore"),
                         plan_id=row.plan_id, field="archived", old=not archived, new=archived,
                         group_meeting_id=group_meeting_id, at=now, undo_of_id=undo_of)
    return None


def _parse_stored(name: str, text: str | None) -> Any:
    if text is None:
        return None
    if name == "services":
        return [v for v in text.split(changelog.LIST_SEP) if v]
    if name == "next_evaluation":
        return date.fromisoformat(text)
    return text


class UndoRefused(ValueError):
    """The change cannot be undone, e.g. because the field has changed again since."""


def undo_change(engine: Engine, actor: Actor, change_id: int, *, group_meeting_id: int | None = None) -> None:
    """Put a field back to its old value; the undo is itself logged and can be undone."""
    require(actor, Permission.EDIT_TILTAK)
    with session_scope(engine) as s:
        entry = s.get(ChangeLog, change_id)
        if entry is None or entry.entity != "tiltak":
            raise UndoRefused("Fant ikke endringen.")
        row = s.get(Tiltak, entry.entity_id)
        if row is None:
            raise UndoRefused("Tiltaket finnes ikke lenger.")
        version = row.version
        plan_id = row.plan_id
    if entry.action in {"archive", "restore"} or entry.field == "archived":
        want_archived = entry.old_value == "ja"
        if (row.archived_at is not None) == want_archived:
            raise UndoRefused("Tiltaket er allerede i den tilstanden.")
        conflict = set_archived(engine, actor, row.id, version, want_archived, group_meeting_id=group_meeting_id,
                                undo_of=entry.id)
        if conflict:
            raise UndoRefused(conflict.message())
        return
    if entry.action == "create":
        raise UndoRefused("Et nytt tiltak angres ved å arkivere det.")
    label = changelog.FIELD_LABELS.get(entry.field or "", entry.field)
    with session_scope(engine) as s:
        vocab = Vocab.load(s, plan_id)
        row = s.get(Tiltak, entry.entity_id)
        current = _current(s, row, [entry.field], {i: k for k, i in vocab.levels.items()},
                           {i: k for k, i in vocab.statuses.items()}, {i: k for k, i in vocab.factors.items()})
    if changelog.as_text(current[entry.field]) != entry.new_value:
        raise UndoRefused(f"Kan ikke angre: «{label}» er endret igjen etter denne endringen. "
                          "Angre den nyeste endringen først.")
    result = save_changes(engine, actor, plan_id,
                          [TiltakChange(row.id, version, {entry.field: _parse_stored(entry.field, entry.old_value)})],
                          group_meeting_id=group_meeting_id, undo_of=entry.id)
    if result.conflicts:
        raise UndoRefused(result.conflicts[0].message())
