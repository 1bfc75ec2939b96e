"""Oppfølgingspunkter (action items): who does what by when, carried from one group meeting to the next.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

An action is opened (usually in a meeting) with a text, a responsible service and/or person, a deadline and
optionally the tiltak it concerns. It stays open, and shows on Oversikt, on the tiltak, per service and on
the next meeting's agenda, until someone closes it. Opening, closing and reopening are logged in the change
log (entity ``action``), so the minutes can list what was opened and closed in each meeting.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, select, update

from data_access.db.models import ActionItem, Service, Tiltak
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import FieldError, NotFound, ValidationError
from data_access.domain.fields import ACTION
from data_access.domain.permissions import Actor, Permission


def add_action(engine: Engine, actor: Actor, plan_id: int, *, text: str, deadline: date | None,
               service: str | None = None, person: str = "", tiltak_id: int | None = None,
               now: datetime | None = None) -> int:
    """Open an action (in the plan's open meeting, if any); it needs a text, someone responsible and a deadline."""
    values, errors = ACTION.clean({"text": text, "responsible_person": person, "deadline": deadline})
    if not (service or values.get("responsible_person")):
        errors.append(FieldError("responsible", "Velg en ansvarlig tjeneste eller skriv navnet på en ansvarlig "
                                                "person."))
    if errors:
        raise ValidationError.of(errors)
    with UnitOfWork(engine, actor, plan_id, Permission.EDIT_TILTAK, now=now) as uow:
        service_id = None
        if service:
            service_id = uow.s.scalar(select(Service.id).where(Service.name == service))
            if service_id is None:
                raise ValidationError(f"Ukjent tjeneste «{service}».", field="service")
        if tiltak_id is not None:
            t = uow.s.get(Tiltak, tiltak_id)
            if t is None or t.plan_id != plan_id:
                raise NotFound("Fant ikke tiltaket i denne planen.")
        row = ActionItem(plan_id=plan_id, service_id=service_id, tiltak_id=tiltak_id,
                         opened_meeting_id=uow.group_meeting_id, created_by=actor.username, created_at=uow.now,
                         **values)
        uow.s.add(row)
        uow.s.flush()
        uow.log("action", row.id, "create", "text", None, values["text"])
        return row.id


def set_closed(engine: Engine, actor: Actor, action_id: int, closed: bool, *, now: datetime | None = None) -> None:
    """Close a finished action (or reopen one closed by mistake); both are logged.

    The state change is a compare-and-set on ``closed_at``: two people closing the same action at once give one
    close and one Norwegian refusal, never two log entries.
    """
    with UnitOfWork(engine, actor, None, Permission.EDIT_TILTAK, now=now) as uow:
        row = uow.s.get(ActionItem, action_id)
        if row is None:
            raise NotFound("Fant ikke oppfølgingspunktet.")
        uow.plan_id = row.plan_id
        values = ({"closed_at": uow.now, "closed_by": actor.username, "closed_meeting_id": uow.group_meeting_id}
                  if closed else {"closed_at": None, "closed_by": None, "closed_meeting_id": None})
        still = ActionItem.closed_at.is_(None) if closed else ActionItem.closed_at.is_not(None)
        done = uow.s.execute(update(ActionItem).where(ActionItem.id == action_id, still).values(**values)
                             .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise ValidationError("Oppfølgingspunktet er allerede " + ("lukket." if closed else "åpent."),
                                  field="closed")
        uow.log("action", action_id, "update" if closed else "restore", "closed", not closed, closed)
