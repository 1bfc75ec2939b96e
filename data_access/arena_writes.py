"""Writes to møtearenaer by the SLT coordinator: validated, version-checked and logged like tiltak."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm.exc import StaleDataError

from data_access import changelog
from data_access.db import session_scope
from data_access.frequency import FrequencyError, parse_frequency
from data_access.models import Arena
from data_access.permissions import Actor, Permission, require
from data_access.validation import ValidationError, check_free_text
from data_access.vocabulary import ARENA_LEVELS

FIELDS = ("name", "level", "purpose", "leader", "participants", "frequency_text", "is_new", "start_date", "end_date")
LIMITS = {"name": 200, "purpose": 2000, "leader": 200}


def normalize_arena(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and clean arena fields; the frequency text must be one we understand (or empty)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        label = changelog.FIELD_LABELS.get(name, name)
        if name not in FIELDS:
            raise ValidationError(f"Feltet «{name}» kan ikke endres her.", field=name)
        if name in LIMITS:
            text = (value or "").strip()
            if name == "name" and not text:
                raise ValidationError("Navn på møtearenaen må fylles ut.", field=name)
            check_free_text(text, "Navn" if name == "name" else label, max_length=LIMITS[name])
            out[name] = text
        elif name == "level":
            if value not in ARENA_LEVELS:
                raise ValidationError(f"Ukjent nivå «{value}». Velg kommune, tjeneste eller individ.", field=name)
            out[name] = value
        elif name == "participants":
            items = [str(p).strip() for p in (value or []) if str(p).strip()]
            for item in items:
                check_free_text(item, label, max_length=200)
            out[name] = items
        elif name == "frequency_text":
            text = (value or "").strip()
            check_free_text(text, label, max_length=200)
            try:
                out["frequency"] = parse_frequency(text).to_dict() if text else {}
            except FrequencyError as exc:
                raise ValidationError(str(exc), field=name) from exc
            out[name] = text
        elif name == "is_new":
            out[name] = bool(value)
        else:
            if value is not None and not isinstance(value, date):
                raise ValidationError(f"«{label}» må være en dato.", field=name)
            out[name] = value
    start = out.get("start_date")
    end = out.get("end_date")
    if start and end and end < start:
        raise ValidationError("Sluttdato kan ikke være før startdato.", field="end_date")
    return out


def create_arena(engine: Engine, actor: Actor, plan_id: int, **fields: Any) -> int:
    require(actor, Permission.EDIT_ARENAS)
    values = normalize_arena({"participants": [], "frequency_text": "", **fields})
    if "name" not in values or "level" not in values:
        raise ValidationError("Navn og nivå må fylles ut.", field="name")
    with session_scope(engine) as s:
        order = s.scalar(select(Arena.sort_order).where(Arena.plan_id == plan_id)
                         .order_by(Arena.sort_order.desc()).limit(1)) or 0
        row = Arena(plan_id=plan_id, sort_order=order + 1, **values)
        s.add(row)
        s.flush()
        changelog.record(s, username=actor.username, entity="arena", entity_id=row.id, action="create",
                         plan_id=plan_id, field="name", new=row.name)
        return row.id


def update_arena(engine: Engine, actor: Actor, arena_id: int, version: int, fields: Mapping[str, Any]) -> int:
    """Save changed fields if nobody else saved since ``version``; returns the number of fields changed."""
    require(actor, Permission.EDIT_ARENAS)
    values = normalize_arena(fields)
    now = datetime.now()
    try:
        with session_scope(engine) as s:
            row = s.get(Arena, arena_id)
            if row is None:
                raise ValidationError("Fant ikke møtearenaen.", field="arena")
            if row.version != version:
                raise ValidationError("Møtearenaen ble endret av en annen mens du redigerte. Last siden på nytt.",
                                      field="version")
            if "start_date" in values and "end_date" not in values and row.end_date and values["start_date"] \
                    and row.end_date < values["start_date"]:
                raise ValidationError("Sluttdato kan ikke være før startdato.", field="end_date")
            changed = {k: v for k, v in values.items() if changelog.as_text(v) != changelog.as_text(getattr(row, k))
                       and k != "frequency"}
            if "frequency_text" in changed:
                changed["frequency"] = values["frequency"]
            for name, value in changed.items():
                if name != "frequency":
                    changelog.record(s, username=actor.username, entity="arena", entity_id=row.id,
                                     action="update", plan_id=row.plan_id, field=name, old=getattr(row, name),
                                     new=value, at=now)
                setattr(row, name, value)
            return len([k for k in changed if k != "frequency"])
    except StaleDataError as exc:
        raise ValidationError("Møtearenaen ble endret av en annen samtidig. Last siden på nytt.",
                              field="version") from exc


def set_retired(engine: Engine, actor: Actor, arena_id: int, version: int, retired: bool) -> None:
    """Retire (never delete) an arena, or bring it back."""
    require(actor, Permission.EDIT_ARENAS)
    try:
        with session_scope(engine) as s:
            row = s.get(Arena, arena_id)
            if row is None or row.version != version:
                raise ValidationError("Møtearenaen ble endret av en annen. Last siden på nytt.", field="version")
            if (row.retired_at is not None) == retired:
                return
            row.retired_at = datetime.now() if retired else None
            changelog.record(s, username=actor.username, entity="arena", entity_id=row.id,
                             action="archive" if retired else "restore", plan_id=row.plan_id, field="retired",
                             old=not retired, new=retired)
    except StaleDataError as exc:
        raise ValidationError("Møtearenaen ble endret av en annen samtidig.", field="version") from exc
