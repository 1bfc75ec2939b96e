"""Oppfølgingspunkter (action items): who does what by when, carried from one group meeting to the next.

An action is opened (usually in a meeting) with a text, a responsible service and/or person, a deadline and
optionally the tiltak it concerns. It stays open, and shows on Oversikt, on the tiltak, per service and on
the next meeting's agenda, until someone closes it. Opening, closing and reopening are logged in the change
log (entity ``action``), so the minutes can list what was opened and closed in each meeting.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine, select, update

from data_access.db import session_scope
from data_access.errors import FieldError, NotFound, ValidationError
from data_access.fields import ACTION
from data_access.frames import to_frame
from data_access.models import ActionItem, Service, Tiltak
from data_access.permissions import Actor, Permission
from data_access.uow import UnitOfWork
from data_access.validation import format_date

ACTION_SCHEMA = {
    "id": pl.Int64, "plan_id": pl.Int64, "text": pl.String, "service": pl.String,
    "responsible_person": pl.String, "deadline": pl.Date, "tiltak_id": pl.Int64, "tiltak_name": pl.String,
    "opened_meeting_id": pl.Int64, "created_by": pl.String, "created_at": pl.Datetime,
    "closed_at": pl.Datetime, "closed_by": pl.String, "closed_meeting_id": pl.Int64,
}


def responsible(service: str | None, person: str | None) -> str:
    """«Tjeneste (person)», either alone, or «–»."""
    service, person = (service or "").strip(), (person or "").strip()
    if service and person:
        return f"{service} ({person})"
    return service or person or "–"


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


def actions_frame(engine: Engine, plan_id: int, *, open_only: bool = False,
                  tiltak_id: int | None = None) -> pl.DataFrame:
    """The plan's actions, earliest deadline first; open ones before closed ones."""
    q = (select(ActionItem.id, ActionItem.plan_id, ActionItem.text, Service.name, ActionItem.responsible_person,
                ActionItem.deadline, ActionItem.tiltak_id, Tiltak.name, ActionItem.opened_meeting_id,
                ActionItem.created_by, ActionItem.created_at, ActionItem.closed_at, ActionItem.closed_by,
                ActionItem.closed_meeting_id)
         .outerjoin(Service, Service.id == ActionItem.service_id)
         .outerjoin(Tiltak, Tiltak.id == ActionItem.tiltak_id)
         .where(ActionItem.plan_id == plan_id)
         .order_by(ActionItem.closed_at.is_not(None), ActionItem.deadline, ActionItem.id))
    if open_only:
        q = q.where(ActionItem.closed_at.is_(None))
    if tiltak_id is not None:
        q = q.where(ActionItem.tiltak_id == tiltak_id)
    with session_scope(engine) as s:
        rows = s.execute(q).all()
    return to_frame(rows, ACTION_SCHEMA)


def overdue_actions(actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open actions whose deadline has passed (forsinket)."""
    return actions.filter(pl.col("closed_at").is_null() & (pl.col("deadline") < today)).sort("deadline")


def for_service(actions: pl.DataFrame, service: str) -> pl.DataFrame:
    return actions.filter(pl.col("service") == service)


def actions_table(actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Open actions as people read them: Frist, Hva, Ansvarlig, Tiltak, Forsinket."""
    return pl.DataFrame({
        "Frist": [format_date(d) for d in actions["deadline"]],
        "Oppfølgingspunkt": actions["text"].to_list(),
        "Ansvarlig": [responsible(s, p) for s, p in zip(actions["service"], actions["responsible_person"],
                                                         strict=True)],
        "Tiltak": [t or "–" for t in actions["tiltak_name"]],
        "Forsinket": ["Ja" if c is None and d < today else "" for d, c in zip(actions["deadline"],
                                                                             actions["closed_at"], strict=True)],
    }, schema={k: pl.String for k in ("Frist", "Oppfølgingspunkt", "Ansvarlig", "Tiltak", "Forsinket")})


def late_per_service(tiltak: pl.DataFrame, actions: pl.DataFrame, today: date) -> pl.DataFrame:
    """Per service: forsinket tiltak (evaluation date passed) and forsinket actions (deadline passed).

    Only services with something forsinket are listed, most first. A tiltak shared by two services counts
    for both; an action counts for its responsible service (or «Uten tjeneste» when only a person is named).
    """
    late_tiltak = (tiltak.filter(pl.col("next_evaluation").is_not_null() & (pl.col("next_evaluation") < today)
                                 & (pl.col("status") != "avsluttet"))
                   .explode("services").drop_nulls("services")
                   .group_by(pl.col("services").alias("Tjeneste")).agg(pl.len().alias("Forsinkede tiltak")))
    late_actions = (overdue_actions(actions, today)
                    .with_columns(pl.col("service").fill_null("Uten tjeneste").alias("Tjeneste"))
                    .group_by("Tjeneste").agg(pl.len().alias("Forsinkede oppfølgingspunkter")))
    schema = {"Tjeneste": pl.String, "Forsinkede tiltak": pl.UInt32, "Forsinkede oppfølgingspunkter": pl.UInt32}
    if late_tiltak.is_empty() and late_actions.is_empty():
        return pl.DataFrame(schema=schema)
    return (late_tiltak.join(late_actions, on="Tjeneste", how="full", coalesce=True)
            .with_columns(pl.col("Forsinkede tiltak", "Forsinkede oppfølgingspunkter").fill_null(0))
            .select(list(schema)).cast(schema)
            .sort(pl.col("Forsinkede tiltak") + pl.col("Forsinkede oppfølgingspunkter"), "Tjeneste",
                  descending=[True, False]))
