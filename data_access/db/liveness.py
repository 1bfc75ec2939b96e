"""Is a login session still live? Read in the caller's own transaction, so the unit of work can refuse a write
from a session that has ended (logout, new role or password, deactivation, idle, expired) before it writes.

It sits in the db layer because ``UnitOfWork`` asks it on every write that carries a session."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.db.engine import reading
from data_access.db.models import AppMeta, AuthSession, User
from data_access.domain.errors import SessionEnded
from data_access.domain.permissions import Actor, SessionRef
from data_access.domain.sessions import LOCAL, LOCAL_LOGIN_KEY, _now


def _ended(sess: AuthSession, user: User, local_login: str | None, idle: timedelta, now: datetime) -> str | None:
    """Why a session is no longer live (the Norwegian reason stored with it), or None while it is."""
    if sess.revoked_at is not None:
        return sess.revoke_reason or "avsluttet"
    if not user.active:
        return "deaktivert"
    if sess.method == LOCAL and local_login == "av":
        return "passordinnlogging av"
    if now >= sess.expires_at:
        return "utløpt"
    if now - sess.last_seen > idle:
        return "inaktiv"
    return None


def live_actor(s: Session, ref: SessionRef, now: datetime | None = None) -> Actor:
    """The actor behind a login session, read again in the caller's transaction; ``SessionEnded`` if it is over.

    A page run, a fragment or a button's callback may hold an actor from an earlier run, after which the user
    may have logged out, got a new role or password, been deactivated or gone idle. The write trusts only what
    this reads: the session row and the user's role now. On PostgreSQL both rows are read ``FOR SHARE``, so a
    logout or role change that commits meanwhile waits for this transaction (on SQLite the write transaction
    already holds the lock)."""
    now = now or _now()
    local = select(AppMeta.value).where(AppMeta.key == LOCAL_LOGIN_KEY).scalar_subquery()
    row = s.execute(select(AuthSession, User, local).join(User, User.id == AuthSession.user_id)
                    .where(AuthSession.id == ref.id)
                    .with_for_update(read=True, of=[AuthSession.__table__, User.__table__])).first()
    reason = "finnes ikke" if row is None else _ended(*row, ref.idle, now)
    if reason:
        raise SessionEnded(f"Økten din er avsluttet ({reason}), så ingenting ble lagret. Logg inn på nytt.")
    sess, user, _ = row
    return Actor(user.username, user.role, user.name, ref)


def require_live(engine: Engine, actor: Actor) -> None:
    """Refuse with ``SessionEnded`` unless the actor's login session is still live (no-op without a session):
    for work that runs outside a page run and writes nothing, such as a file built when a download is clicked."""
    if actor.session is not None:
        with reading(engine) as s:
            live_actor(s, actor.session)
