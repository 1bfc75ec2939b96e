"""The change log: who changed which field, when, old → new, and in which group meeting.

Values are stored as text in a stable, readable form (dates as ISO, service lists joined with "; "),
so that history can be shown and undone without knowing the column types.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.db.engine import Source, read_connection, reading
from data_access.db.models import ChangeLog, GroupMeeting, User
from data_access.domain.frames import to_frame

LIST_SEP = "; "
FIELD_LABELS = {
    "name": "Navn", "description": "Beskrivelse", "level": "Nivå", "status": "Status",
    "status_note": "Statusnotat", "services": "Ansvar", "next_step": "Neste steg",
    "next_evaluation": "Neste evaluering", "protective_factor": "Beskyttelsesfaktor",
    "archived": "Arkivert", "purpose": "Agenda/målsetting", "leader": "Leder", "participants": "Deltakere",
    "frequency_text": "Hyppighet", "is_new": "Ny arena", "start_date": "Startdato", "end_date": "Sluttdato",
    "date": "Dato", "state": "Status", "note": "Notat", "value": "Verdi", "target_value": "Mål",
    "target_year": "Målår", "retired": "Avviklet", "text": "Oppfølgingspunkt", "closed": "Lukket",
    "contact": "Kontaktperson", "is_group_arena": "Implementeringsgruppas arena",
    "factors": "Faktorer i dekningskartet", "kind": "Type",
    "plan_state": "Møteplan", "locked": "Låst dato", "year_plan": "Forslag til møteplan", "skoleruta": "Skoleruta",
    "pref_weekday": "Foretrukket ukedag", "pref_week_of_month": "Uke i måneden", "pref_time": "Klokkeslett",
}
ACTION_LABELS = {"create": "Opprettet", "update": "Endret", "archive": "Arkivert", "restore": "Gjenopprettet",
                 "undo": "Angret", "delete": "Slettet", "import": "Importert"}


def as_text(value: object) -> str | None:
    """The stored text form of a field value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEP.join(sorted(str(v) for v in value))
    return str(value)


def readable(field: str | None, text: str | None, empty: str = "–") -> str:
    """A stored log value as people read it: status labels, dates as dd.mm.åååå."""
    from data_access.domain.validation import format_date
    from data_access.domain.vocabulary import STATUS_LABELS

    if text is None or text == "":
        return empty
    if field == "status":
        return STATUS_LABELS.get(text, text)
    if field in {"next_evaluation", "date", "start_date", "end_date"}:
        try:
            return format_date(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def record(s: Session, *, username: str, entity: str, entity_id: int, action: str, plan_id: int | None,
           field: str | None = None, old: object = None, new: object = None, group_meeting_id: int | None = None,
           undo_of_id: int | None = None, at: datetime | None = None) -> ChangeLog:
    """Log one field change; writes call it through ``UnitOfWork.log``, which adds the plan's open group meeting,
    so a save made during a meeting from any page (tiltak, calendar, indicators) lands in its minutes."""
    entry = ChangeLog(at=at or datetime.now(), username=username, plan_id=plan_id, entity=entity,
                      entity_id=entity_id, action=action, field=field, old_value=as_text(old),
                      new_value=as_text(new), group_meeting_id=group_meeting_id, undo_of_id=undo_of_id)
    s.add(entry)
    return entry


LOG_SCHEMA = {
    "id": pl.Int64, "at": pl.Datetime, "username": pl.String, "name": pl.String, "entity": pl.String,
    "entity_id": pl.Int64, "action": pl.String, "field": pl.String, "old_value": pl.String,
    "new_value": pl.String, "group_meeting_id": pl.Int64, "meeting_date": pl.Date, "undo_of_id": pl.Int64,
}


def log_frame(source: Source, *, plan_id: int | None = None, entity: str | None = None,
              entity_ids: Sequence[int] | None = None, since: datetime | None = None,
              until: datetime | None = None, usernames: Sequence[str] | None = None,
              group_meeting_id: int | None = None, limit: int | None = None) -> pl.DataFrame:
    """Log entries, newest first, filtered in SQL so the page never loads the whole history."""
    q = (select(ChangeLog.id, ChangeLog.at, ChangeLog.username, User.name, ChangeLog.entity, ChangeLog.entity_id,
                ChangeLog.action, ChangeLog.field, ChangeLog.old_value, ChangeLog.new_value,
                ChangeLog.group_meeting_id, GroupMeeting.meeting_date, ChangeLog.undo_of_id)
         .outerjoin(User, User.username == ChangeLog.username)
         .outerjoin(GroupMeeting, GroupMeeting.id == ChangeLog.group_meeting_id)
         .order_by(ChangeLog.at.desc(), ChangeLog.id.desc()))
    if plan_id is not None:
        q = q.where(ChangeLog.plan_id == plan_id)
    if entity:
        q = q.where(ChangeLog.entity == entity)
    if entity_ids is not None:
        q = q.where(ChangeLog.entity_id.in_(list(entity_ids)))
    if since:
        q = q.where(ChangeLog.at >= since)
    if until:
        q = q.where(ChangeLog.at < until)
    if usernames:
        q = q.where(ChangeLog.username.in_(list(usernames)))
    if group_meeting_id is not None:
        q = q.where(ChangeLog.group_meeting_id == group_meeting_id)
    if limit:
        q = q.limit(limit)
    with reading(source) as s:  # inside a unit of work (``uow.s``): what this transaction sees
        rows = s.execute(q).all()
    return to_frame(rows, LOG_SCHEMA)


def _version_columns() -> list:
    from sqlalchemy import func

    from data_access.db.models import GroupMeeting, IndicatorSource

    return [select(func.max(ChangeLog.id)).scalar_subquery(), select(func.max(GroupMeeting.id)).scalar_subquery(),
            select(func.count(GroupMeeting.ended_at)).scalar_subquery(),
            select(func.max(IndicatorSource.last_fetched_at)).scalar_subquery()]


def _version(row) -> tuple[int, int, int, str]:
    log_id, meeting_id, ended, fetched = row[:4]
    return (log_id or 0, meeting_id or 0, ended or 0, str(fetched or ""))


def data_version(engine: Engine) -> tuple[int, int, int, str]:
    """One cheap statement that changes whenever anything readers cache could have changed.

    Every write to plan data is logged (highest change-log id); group meetings and the fetcher's book-keeping
    are not logged, so their highest id, how many meetings have ended and the last fetch time are added.
    Users are not part of it: the logged-in user is read fresh every rerun (``writes.sessions.check``).
    """
    with read_connection(engine) as conn:  # every rerun asks this: no session, no snapshot setup
        return _version(conn.execute(select(*_version_columns())).one())


def changes_between(engine: Engine, after_id: int, upto_id: int) -> list[tuple[str, int, str, str | None]]:
    """(entity, entity_id, action, field) of every logged write with after_id < id ≤ upto_id.

    Lets a reader that holds data of an older version refresh only what changed since (see dashboard.reads).
    """
    q = (select(ChangeLog.entity, ChangeLog.entity_id, ChangeLog.action, ChangeLog.field)
         .where(ChangeLog.id > after_id, ChangeLog.id <= upto_id))
    with read_connection(engine) as conn:
        return [tuple(r) for r in conn.execute(q).all()]
