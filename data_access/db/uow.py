"""The one write path: a unit of work that carries the actor, the plan and the plan's open group meeting.

Every use case that writes opens exactly one ``UnitOfWork`` and does all its reads and writes in it, so a
use case is one transaction: it commits as a whole or changes nothing. Inside it:

- ``require`` checked the actor's role before anything was read; for an actor from a login session, the
  session and the user's role are read again in the transaction itself (``db.liveness.live_actor``), so a write
  from an earlier run, a fragment or a button's callback after logout, a new role or password, deactivation or
  the idle or absolute limit is refused with ``SessionEnded``, and the change is logged as the user the
  database knows, never as the role the page remembered. Command-line and system actors have no session;
- ``group_meeting_id`` is the plan's open meeting of the implementation group, looked up in the same
  transaction, so no caller has to find and pass it;
- ``log`` writes a change-log entry with the actor, the plan, the meeting and one timestamp;
- ``compare_and_set`` / ``insert_new`` are the one optimistic-concurrency primitive: a row is written only if
  its version is still the one the user saw (or, for a row that did not exist, if nobody created it meanwhile).

On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (see ``db.make_engine``), so concurrent writers queue
on the busy timeout instead of failing half-way; on PostgreSQL the compare-and-set in one ``UPDATE`` statement
is atomic under READ COMMITTED. Database faults come out as ``DatabaseFault`` with a Norwegian message.

Names that must be unique are unique in the schema (``models.UniqueName``): ``require_free_name`` gives the
Norwegian refusal before a write, and a race the check cannot see (two transactions adding the same name at
once) ends in the database's unique index; the unit of work turns any such ``IntegrityError`` into a
``ConflictError`` (``conflict_from``), never a trace, and nothing of the transaction is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from data_access.db import changelog
from data_access.db.engine import fault_from
from data_access.db.liveness import live_actor
from data_access.db.models import GroupMeeting, derived_values
from data_access.domain.errors import ConflictError, ValidationError
from data_access.domain.permissions import Actor, Permission, require
from data_access.domain.validation import name_key


@dataclass(frozen=True)
class Change:
    """A user's edit of one row: the fields they changed and the version their screen showed."""

    entity_id: int
    version: int
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Conflict:
    """Someone saved the row after the user read it: their values beside the user's, to re-apply on top."""

    entity: str
    entity_id: int
    name: str
    yours: dict[str, Any]
    theirs: dict[str, Any]
    changed_by: str | None
    changed_at: datetime | None
    current_version: int
    gone: bool = False  # archived, retired or deleted meanwhile

    def reapply(self) -> Change:
        """Your change again, now against the version the other person saved."""
        return Change(self.entity_id, self.current_version, self.yours)

    def message(self) -> str:
        when = self.changed_at.strftime("%d.%m.%Y kl. %H:%M") if self.changed_at else "nylig"
        who = self.changed_by or "en annen"
        if self.gone:
            return f"«{self.name}» ble arkivert eller fjernet av {who} {when}. Endringen din er ikke lagret."
        return f"«{self.name}» ble endret av {who} {when} mens du redigerte. Endringen din er ikke lagret."

    def error(self) -> ConflictError:
        return ConflictError(self.message(), [self])


# table -> what its unique index or constraint keeps unique, as a subject ("… ble lagret av en annen samtidig")
UNIQUE_THINGS = {"tiltak": "Et tiltak med samme navn", "arenas": "En møtearena med samme navn",
                 "indicators": "En indikator med samme navn", "indicator_values": "En verdi for samme periode",
                 "services": "En tjeneste med samme navn", "protective_factors": "En beskyttelsesfaktor med samme navn",
                 "plans": "En plan med samme nøkkel", "users": "En bruker med samme brukernavn",
                 "tiltak_services": None, "group_meetings": "Et åpent møte"}


def conflict_from(error: IntegrityError) -> ConflictError:
    """A unique index or constraint the write broke: someone else stored the same thing first (a lost race).

    The table is read from the driver's message (SQLite: ``UNIQUE constraint failed: plans.key``; PostgreSQL:
    ``… unique constraint "plans_key_key"``), longest name first so ``tiltak_services`` is not taken for ``tiltak``."""
    text = str(error.orig)
    table = next((t for t in sorted(UNIQUE_THINGS, key=len, reverse=True)
                  if f" {t}." in text or f'"{t}_' in text or f'"uq_{t}_' in text), None)
    what = UNIQUE_THINGS.get(table) if table else None
    return ConflictError(f"{what or 'Det samme'} ble lagret av en annen samtidig, så ingenting av dette ble lagret. "
                         "Last siden på nytt og se hva som er lagret før du prøver igjen.")


class UnitOfWork:
    """``with UnitOfWork(engine, actor, plan_id, Permission.X) as uow:`` — see the module docstring."""

    def __init__(self, engine: Engine, actor: Actor, plan_id: int | None, permission: Permission | None, *,
                 now: datetime | None = None) -> None:
        if permission is not None:
            require(actor, permission)
        self.engine = engine
        self.actor = actor
        self.permission = permission
        self.plan_id = plan_id
        self.now = now or datetime.now()
        self._meeting: int | None | bool = False  # False: not looked up yet
        self.s: Session

    def __enter__(self) -> UnitOfWork:
        bind = self.engine.execution_options(immediate=True) if self.engine.dialect.name == "sqlite" else self.engine
        self.s = sessionmaker(bind, expire_on_commit=False)()
        if self.actor.session is not None:
            try:
                self.actor = live_actor(self.s, self.actor.session)
                if self.permission is not None:
                    require(self.actor, self.permission)
            except BaseException as exc:
                self.__exit__(type(exc), exc, exc.__traceback__)
                raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                self.s.commit()
            else:
                self.s.rollback()
        except IntegrityError as error:
            self.s.rollback()
            raise conflict_from(error) from error
        except DBAPIError as error:
            self.s.rollback()
            raise fault_from(error) from error
        finally:
            self.s.close()
        if isinstance(exc, IntegrityError):
            raise conflict_from(exc) from exc
        if isinstance(exc, DBAPIError):
            raise fault_from(exc) from exc
        return False

    @property
    def group_meeting_id(self) -> int | None:
        """The plan's open meeting of the implementation group, if any (looked up once, in this transaction)."""
        if self._meeting is False:
            self._meeting = None if self.plan_id is None else self.s.scalar(
                select(GroupMeeting.id).where(GroupMeeting.plan_id == self.plan_id, GroupMeeting.ended_at.is_(None)))
        return self._meeting  # type: ignore[return-value]

    def log(self, entity: str, entity_id: int, action: str, field: str | None = None, old: object = None,
            new: object = None, *, undo_of: int | None = None, plan_id: int | None = None) -> None:
        changelog.record(self.s, username=self.actor.username, entity=entity, entity_id=entity_id, action=action,
                         plan_id=plan_id if plan_id is not None else self.plan_id, field=field, old=old, new=new,
                         group_meeting_id=self.group_meeting_id, undo_of_id=undo_of, at=self.now)

    def compare_and_set(self, model: type, row_id: int, seen_version: int, values: Mapping[str, Any]) -> bool:
        """UPDATE … SET …, version = seen + 1 WHERE id = :id AND version = :seen; False if someone else saved."""
        stamp = {k: v for k, v in (("updated_by", self.actor.username), ("updated_at", self.now))
                 if hasattr(model, k)}
        result = self.s.execute(update(model).where(model.id == row_id, model.version == seen_version)
                                .values(**derived_values(model, dict(values)), **stamp, version=seen_version + 1)
                                .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return False
        self.s.expire_all()
        return True

    def require_free_name(self, model: type, name: str, *, plan_id: int | None, noun: str,
                          except_id: int | None = None) -> None:
        """``ValidationError`` if another row of ``model`` in the plan has ``name`` (case and spacing ignored)."""
        query = select(model.name).where(model.name_key == name_key(name))
        if plan_id is not None:
            query = query.where(model.plan_id == plan_id)
        if except_id is not None:
            query = query.where(model.id != except_id)
        taken = self.s.scalar(query.limit(1))
        if taken is not None:
            raise ValidationError(f"Det finnes allerede {noun} som heter «{taken}»"
                                  f"{' i planen' if plan_id is not None else ''}. Velg et annet navn.", field="name")

    def insert_new(self, row: Any) -> bool:
        """INSERT a row that the user saw as absent (version 0); False if someone created it meanwhile."""
        for k, v in (("updated_by", self.actor.username), ("updated_at", self.now), ("version", 1)):
            if hasattr(row, k):
                setattr(row, k, v)
        try:
            with self.s.begin_nested():
                self.s.add(row)
                self.s.flush()
        except IntegrityError:
            return False
        return True
