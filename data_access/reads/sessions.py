"""Server-side login sessions and the failed-login limiter.

This part holds the queries; the module docstring of ``data_access/writes/sessions.py`` tells the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.db.engine import reading
from data_access.db.models import AppMeta, AuthSession, FailedLogin, LoginFailure, User
from data_access.domain.frames import to_frame
from data_access.domain.permissions import Actor, SessionRef
from data_access.domain.sessions import FAILED_SCHEMA, LOCAL_LOGIN_KEY, LOCK_SCHEMA, _now, token_hash


@dataclass(frozen=True)
class Policy:
    """Session and lockout rules; built from the settings (``policy_from``)."""

    lifetime: timedelta = timedelta(hours=8)
    idle: timedelta = timedelta(minutes=30)
    max_sessions: int = 5
    delay_base: float = 0.5  # seconds to wait after the first failure; doubles with every further one
    delay_max: float = 60.0  # the wait never grows beyond this (≤ 60 guesses an hour at one username)
    max_failures: int = 5  # failures of one username from one address before that pair is locked
    lock: timedelta = timedelta(minutes=15)
    known_for: timedelta = timedelta(days=30)  # a sign-in this recent makes an address known for the user

    def delay(self, failures: int) -> timedelta:
        if failures <= 0:
            return timedelta(0)
        return timedelta(seconds=min(self.delay_max, self.delay_base * 2 ** min(failures - 1, 40)))


def policy_from(settings) -> Policy:
    return Policy(lifetime=timedelta(hours=settings.session_hours),
                  idle=timedelta(minutes=settings.session_idle_minutes),
                  max_sessions=max(1, settings.max_sessions), delay_base=settings.login_delay_seconds,
                  delay_max=settings.login_delay_max_seconds)


def _known_client(s: Session, username: str, client_address: str | None, policy: Policy, now: datetime) -> bool:
    """True if the user signed in from this address lately: such a client is spared the username- and
    address-wide waits (only the per-address lock applies), so guesses from elsewhere cannot keep them out."""
    if not client_address:
        return False
    return s.scalar(select(AuthSession.id).join(User, User.id == AuthSession.user_id)
                    .where(User.username == username, AuthSession.client_address == client_address[:64],
                           AuthSession.created_at > now - policy.known_for).limit(1)) is not None


def _local_login_enabled(s: Session) -> bool:
    meta = s.get(AppMeta, LOCAL_LOGIN_KEY)
    return meta is None or meta.value != "av"


def local_login_enabled(engine: Engine) -> bool:
    with reading(engine) as s:
        return _local_login_enabled(s)




def _actor(user: User, session_id: int, policy: Policy) -> Actor:
    return Actor(user.username, user.role, user.name, SessionRef(session_id, policy.idle))


def known(engine: Engine, token: str) -> bool:
    """True if ``token`` ever started a session (live or ended): an OIDC identity is used only once."""
    with reading(engine) as s:
        return s.scalar(select(AuthSession.id).where(AuthSession.token_hash == token_hash(token))) is not None


def login_watch(engine: Engine, now: datetime | None = None,
                within: timedelta = timedelta(days=1)) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What Administrasjon shows about password logins, in one statement (a rerun asks the database little):
    the usernames locked from one address now (``locks_frame``) and every username's failed logins in the last
    ``within`` (``failed_logins_frame``)."""
    from sqlalchemy import func, literal, null, union_all

    now = now or _now()
    locks = select(literal("lock").label("kind"), LoginFailure.key.label("name"), LoginFailure.failures.label("n"),
                   null().label("addresses"), LoginFailure.locked_until.label("at")
                   ).where(LoginFailure.locked_until > now)
    failed = select(literal("failed"), FailedLogin.username, func.count(),
                    func.count(FailedLogin.client_address.distinct()), func.max(FailedLogin.at)
                    ).where(FailedLogin.at > now - within).group_by(FailedLogin.username)
    with reading(engine) as s:
        rows = s.execute(union_all(locks, failed)).all()
    lock_rows = []
    for _, key, failures, _, until in sorted((r for r in rows if r[0] == "lock"), key=lambda r: r[1]):
        kind, _, rest = key.partition(":")
        username, _, address = rest.rpartition("@") if kind == "par" else (rest, "", "")
        lock_rows.append((key, username, address, failures, until))
    failed_rows = sorted(((r[1], r[2], r[3], r[4]) for r in rows if r[0] == "failed"), key=lambda r: (-r[1], r[0]))
    return to_frame(lock_rows, LOCK_SCHEMA), to_frame(failed_rows, FAILED_SCHEMA)


def locks_frame(engine: Engine, now: datetime | None = None) -> pl.DataFrame:
    """Usernames locked from one address now (key, username, client address, failures, until)."""
    return login_watch(engine, now)[0]


def failed_logins_frame(engine: Engine, now: datetime | None = None,
                        within: timedelta = timedelta(days=1)) -> pl.DataFrame:
    """Failed password logins per username in the last ``within`` (default a day), most first: how many, from
    how many addresses, and the latest. Usernames that do not exist are listed too (someone is guessing)."""
    return login_watch(engine, now, within)[1]
