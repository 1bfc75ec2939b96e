"""The public page's writes: the administrator's release switches, the ungdomsråd's comments and their moderation.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest (the rules are in
``domain/public.py``).

A comment is written by the anonymous ``PUBLIC_ACTOR`` (its own permission, nothing else), only on a tiltak of a
public plan whose comments are open, through the same personal-data guard as every field. It is rate-limited per
client address with a counter in the database (``public_rate_limits``), so the limit holds across replicas; the
counter's key is a hash of the address (an IPv6 address by its /64 network, which one household gets), and the
address is stored nowhere else. A comment is stored without author or address and waits for moderation.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update

from data_access.db.models import Plan, PlanRelease, PublicComment, PublicRateLimit, Tiltak
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import ConflictError, NotFound, RateLimited, ValidationError
from data_access.domain.permissions import PUBLIC_ACTOR, Actor, Permission
from data_access.domain.public import COMMENT_STATES, PART_COLUMNS, PARTS, clean_comment

WINDOW = timedelta(hours=1)
CLOSED = "Denne planen tar ikke imot kommentarer."


def set_release(engine: Engine, actor: Actor, plan_id: int, *, is_public: bool, parts: set[str] | frozenset[str],
                seen_version: int) -> None:
    """Switch the plan's public view and its parts; ``seen_version`` is the settings' version the admin saw."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValidationError(f"Ukjent del av den offentlige siden: {', '.join(sorted(unknown))}.", field="parts")
    values = {"is_public": bool(is_public), **{col: part in parts for part, col in PART_COLUMNS.items()}}
    with UnitOfWork(engine, actor, plan_id, Permission.MANAGE_PLANS) as uow:
        row = uow.s.get(PlanRelease, plan_id)
        before = {k: False for k in values} if row is None else {k: bool(getattr(row, k)) for k in values}
        if before == values:
            return
        if row is None:
            if seen_version != 0 or not uow.insert_new(PlanRelease(plan_id=plan_id, **values)):
                raise ConflictError(_changed_meanwhile())
        elif not _compare_and_set(uow, plan_id, seen_version, values):
            raise ConflictError(_changed_meanwhile())
        for key, new in values.items():
            if before[key] != new:
                uow.log("release", plan_id, "update", key, before[key], new)


def _compare_and_set(uow: UnitOfWork, plan_id: int, seen: int, values: dict) -> bool:
    """``UnitOfWork.compare_and_set`` for a table keyed by ``plan_id`` instead of ``id``."""
    result = uow.s.execute(update(PlanRelease).where(PlanRelease.plan_id == plan_id, PlanRelease.version == seen)
                           .values(**values, version=seen + 1, updated_by=uow.actor.username, updated_at=uow.now)
                           .execution_options(synchronize_session=False))
    uow.s.expire_all()
    return result.rowcount == 1


def _changed_meanwhile() -> str:
    return "Innstillingene for den offentlige siden ble endret av en annen mens du så på dem. Last siden på nytt."


def rate_key(address: str | None) -> str:
    """The counter's key for a client address: a hash, so the address itself is never stored."""
    try:
        ip = ipaddress.ip_address(address or "")
        network = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    except ValueError:
        network = "ukjent"
    return "kommentar:" + hashlib.sha256(network.encode()).hexdigest()[:40]


def _take_slot(uow: UnitOfWork, key: str, limit: int) -> bool:
    """Count one write for ``key`` if the window has room; atomic on both backends (one conditional UPDATE each)."""
    fresh = uow.now - WINDOW
    for _ in range(2):
        counted = uow.s.execute(update(PublicRateLimit)
                                .where(PublicRateLimit.key == key, PublicRateLimit.window_start > fresh,
                                       PublicRateLimit.count < limit)
                                .values(count=PublicRateLimit.count + 1)
                                .execution_options(synchronize_session=False)).rowcount
        if counted == 1:
            return True
        restarted = uow.s.execute(update(PublicRateLimit)
                                  .where(PublicRateLimit.key == key, PublicRateLimit.window_start <= fresh)
                                  .values(count=1, window_start=uow.now)
                                  .execution_options(synchronize_session=False)).rowcount
        if restarted == 1:
            return True
        if uow.s.scalar(select(PublicRateLimit.key).where(PublicRateLimit.key == key)) is not None:
            return False  # the window is full
        if uow.insert_new(PublicRateLimit(key=key, window_start=uow.now, count=1)):
            return True
    return False


def post_comment(engine: Engine, plan_key: str, tiltak_id: int, text: str, client_address: str | None, *,
                 limit: int, now: datetime | None = None) -> int:
    """Store an anonymous comment on a tiltak of a public plan (state «venter»); its id.

    Refused with a Norwegian message when the plan is not public or not open for comments, the tiltak is not one
    of its current tiltak, the text fails the guard, or ``limit`` comments came from the address this hour."""
    value = clean_comment(text)
    with UnitOfWork(engine, PUBLIC_ACTOR, None, Permission.PUBLIC_COMMENT, now=now) as uow:
        plan_id = uow.s.scalar(select(Plan.id).join(PlanRelease, PlanRelease.plan_id == Plan.id)
                               .where(Plan.key == plan_key, PlanRelease.is_public, PlanRelease.allow_comments))
        if plan_id is None:
            raise NotFound(CLOSED)
        uow.plan_id = plan_id
        tiltak = uow.s.get(Tiltak, tiltak_id)
        if tiltak is None or tiltak.plan_id != plan_id or tiltak.archived_at is not None:
            raise NotFound("Fant ikke tiltaket i denne planen.")
        if not _take_slot(uow, rate_key(client_address), limit):
            raise RateLimited(f"Det er sendt mange kommentarer fra denne adressen den siste timen (høyst {limit}). "
                              "Kommentaren er ikke sendt. Prøv igjen om en time.")
        comment = PublicComment(plan_id=plan_id, tiltak_id=tiltak_id, text=value, state="venter",
                                created_at=uow.now, version=1)
        uow.s.add(comment)
        uow.s.flush()
        uow.log("public_comment", comment.id, "create")
        return comment.id


def moderate_comment(engine: Engine, actor: Actor, comment_id: int, seen_version: int, state: str) -> None:
    """Approve («godkjent») or reject («avvist») a comment, or put it back to «venter»."""
    if state not in COMMENT_STATES:
        raise ValidationError("Velg godkjent, avvist eller venter.", field="state")
    with UnitOfWork(engine, actor, None, Permission.MODERATE_COMMENTS) as uow:
        row = uow.s.get(PublicComment, comment_id)
        if row is None:
            raise NotFound("Fant ikke kommentaren.")
        uow.plan_id = row.plan_id
        before = row.state
        if before == state:
            return
        stamp = {"moderated_by": actor.username, "moderated_at": uow.now}
        if not uow.compare_and_set(PublicComment, comment_id, seen_version, {"state": state, **stamp}):
            raise ConflictError("Kommentaren ble moderert av en annen samtidig. Last siden på nytt.")
        uow.log("public_comment", comment_id, "update", "state", before, state)
