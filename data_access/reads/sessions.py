"""Server-side login sessions and the failed-login limiter.

This part holds the queries; its siblings in ``domain/`` and ``writes/`` hold the rest.

The browser cookie holds only a random token (signed with ``LAGET_COOKIE_KEY``); the database keeps its
SHA-256 hash with the user, the absolute expiry and the last activity, and every Streamlit run checks it.
So logout, a password change, a role change and deactivation end every session of the user at once, and a
copied cookie is worth nothing afterwards (OWASP ASVS 4.0 V3.3, Django's ``flush``/``cycle_key``).

Failed logins are counted per username and per client address in the database (not in the Streamlit
session, which an attacker simply drops): each failure doubles the wait before the next try, and the fifth
locks that key for 15 minutes. An administrator can lift a lock. Every write here runs in ``session_scope``
and the admin writes call ``permissions.require``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.db.engine import session_scope
from data_access.db.models import AppMeta, AuthSession, LoginFailure
from data_access.domain.errors import AccessDenied
from data_access.domain.frames import to_frame
from data_access.domain.sessions import LOCAL_LOGIN_KEY, _clock, _now, token_hash


@dataclass(frozen=True)
class Policy:
    """Session and lockout rules; built from the settings (``policy_from``)."""

    lifetime: timedelta = timedelta(hours=8)
    idle: timedelta = timedelta(minutes=30)
    max_sessions: int = 5
    delay_base: float = 0.5  # seconds to wait after the first failure; doubles with every further one
    max_failures: int = 5
    lock: timedelta = timedelta(minutes=15)

    def delay(self, failures: int) -> timedelta:
        return timedelta(seconds=self.delay_base * 2 ** (failures - 1)) if failures > 0 else timedelta(0)


def policy_from(settings) -> Policy:
    return Policy(lifetime=timedelta(hours=settings.session_hours),
                  idle=timedelta(minutes=settings.session_idle_minutes),
                  max_sessions=max(1, settings.max_sessions), delay_base=settings.login_delay_seconds)


def _check_not_locked(s: Session, keys: list[str], policy: Policy, now: datetime) -> None:
    for row in s.scalars(select(LoginFailure).where(LoginFailure.key.in_(keys))):
        if row.locked_until and row.locked_until > now:
            who = "Brukernavnet" if row.key.startswith("bruker:") else "Denne maskinen"
            raise AccessDenied(f"For mange mislykkede innlogginger. {who} er sperret til kl. "
                               f"{_clock(row.locked_until)}. Vent, eller be en administrator oppheve sperren.")
        if row.locked_until is None and now < row.last_failure_at + policy.delay(row.failures):
            wait = (row.last_failure_at + policy.delay(row.failures) - now).total_seconds()
            raise AccessDenied(f"Vent {max(1, round(wait))} sekunder før du prøver igjen.")


def _local_login_enabled(s: Session) -> bool:
    meta = s.get(AppMeta, LOCAL_LOGIN_KEY)
    return meta is None or meta.value != "av"


def local_login_enabled(engine: Engine) -> bool:
    with session_scope(engine) as s:
        return _local_login_enabled(s)


def known(engine: Engine, token: str) -> bool:
    """True if ``token`` ever started a session (live or ended): an OIDC identity is used only once."""
    with session_scope(engine) as s:
        return s.scalar(select(AuthSession.id).where(AuthSession.token_hash == token_hash(token))) is not None


def locks_frame(engine: Engine, now: datetime | None = None) -> pl.DataFrame:
    """Keys that are locked now, for Administrasjon."""
    now = now or _now()
    with session_scope(engine) as s:
        rows = s.execute(select(LoginFailure.key, LoginFailure.failures, LoginFailure.locked_until)
                         .where(LoginFailure.locked_until > now).order_by(LoginFailure.key)).all()
    return to_frame(rows, {"key": pl.String, "failures": pl.Int64, "locked_until": pl.Datetime})
