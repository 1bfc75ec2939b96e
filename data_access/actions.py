"""Oppfølgingspunkter (action items): who does what by when, carried from one group meeting to the next.

An action is opened (usually in a meeting) with a text, a responsible service and/or person, a deadline and
optionally the tiltak it concerns. It stays open, and shows on Oversikt, on the tiltak, per service and on
the next meeting's agenda, until someone closes it. Opening, closing and reopening are logged in the change
log (entity ``action``), so the minutes can list what was opened and closed in each meeting.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine, select

from data_access import changelog
from data_access.db import session_scope
from data_access.errors import NotFound, ValidationError
from data_access.frames import to_frame
from data_access.models import ActionItem, Service, Tiltak
from data_access.permissions import Actor, Permission, require
from data_access.validation import check_free_text, format_date

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
               group_meeting_id: int | None = None, now: datetime | None = None) -> int:
    """Open an action; it needs a text, someone responsible (service or person) and a deadline."""
    require(actor, Permission.EDIT_TILTAK)
    text, person = (text or "").strip(), (person or "").strip()
    if not text:
        raise ValidationError("Skriv hva som skal gjøres.", field="text")
    check_free_text(text, "Oppfølgingspunkt", max_length=1000)
    check_free_text(person, "Ansvarlig person", max_length=150)
    if not (service or person):
        raise ValidationError("Velg en ansvarlig tjeneste eller skriv navnet på en ansvarlig person.",
                              field="responsible")
    if deadline is None:
        raise ValidationError("Sett en frist.", field="deadline")
    if isinstance(deadline, datetime):
        deadline = deadline.date()
    now = now or datetime.now()
    with session_scope(engine) as s:
        service_id = None
        if service:
            service_id = s.scalar(select(Service.id).where(Service.name == service))
            if service_id is None:
                raise ValidationError(f"Ukjent tjeneste «{service}».", field="service")
        if tiltak_id is not None:
            t = s.get(Tiltak, tiltak_id)
            if t is None or t.plan_id != plan_id:
                raise NotFound("Fant ikke tiltaket i denne planen.")
        meeting_id = group_meeting_id or changelog.open_meeting_id(s, plan_id)
        row = ActionItem(plan_id=plan_id, text=text, service_id=service_id, responsible_person=person,
                         deadline=deadline, tiltak_id=tiltak_id, opened_meeting_id=meeting_id,
                         created_by=actor.username, created_at=now)
        s.add(row)
        s.flush()
        changelog.record(s, username=actor.username, entity="action", entity_id=row.id, action="create",
                         plan_id=plan_id, field="text", new=text, group_meeting_id=meeting_id, at=now)
        return row.id


def set_closed(engine: Engine, actor: Actor, action_id: int, closed: bool, *,
               group_meeting_id: int | None = None, now: datetime | None = None) -> None:
    """Close a finished action (or reopen one closed by mistake); both are logged."""
    require(actor, Permission.EDIT_TILTAK)
    now = now or datetime.now()
    with session_scope(engine) as s:
        row = s.get(ActionItem, action_id)
        if row is None:
            raise NotFound("Fant ikke oppfølgingspunktet.")
        if (row.closed_at is not None) == closed:
            raise ValidationError("Oppfølgingspunktet er allerede " + ("lukket." if closed else "åpent."),
                                  field="closed")
        meeting_id = group_meeting_id or changelog.open_meeting_id(s, row.plan_id)
        row.closed_at, row.closed_by = (now, actor.username) if closed else (None, None)
        row.closed_meeting_id = meeting_id if closed else None
        changelog.record(s, username=actor.username, entity="action", entity_id=row.id,
                         action="update" if closed else "restore", plan_id=row.plan_id, field="closed",
                         old=not closed, new=closed, group_meeting_id=meeting_id, at=now)


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
