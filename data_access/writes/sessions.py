"""Server-side login sessions and the failed-login limiter.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

The browser cookie holds only a random token (signed with ``LAGET_COOKIE_KEY``); the database keeps its
SHA-256 hash with the user, the absolute expiry and the last activity, and every Streamlit run checks it.
So logout, a password change, a role change and deactivation end every session of the user at once, and a
copied cookie is worth nothing afterwards (OWASP ASVS 4.0 V3.3, Django's ``flush``/``cycle_key``). A page's
actor carries its session (``SessionRef``), and every write reads that session and the user's role again in
its own transaction (``db.liveness.live_actor``, called by ``UnitOfWork``), whatever run the click came from.

Failed logins are counted in the database (not in the Streamlit session, which an attacker simply drops),
in a way that slows an attacker without letting them lock anyone else out (OWASP ASVS 2.2.1):

- per username × client address: a growing wait, and the fifth failure locks that username *from that
  address* for 15 minutes; an attacker locks out only themselves;
- per username (from any address) and per address (any username): a wait that doubles with every failure,
  capped (``Policy.delay_max``), never a lock. An address the user signed in from in the last 30 days
  (``Policy.known_for``) is spared these two waits, so guesses from elsewhere never keep the real user out;
- every failure is kept in ``failed_logins`` (time, username as typed, address), which Administrasjon and
  ``laget user list`` sum up as «mislykkede innlogginger siste døgn».

An administrator can lift a lock. Every write here runs in a ``UnitOfWork`` (the book-keeping under the
system actor ``LOGIN``), and the admin writes call ``permissions.require``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import bcrypt
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from data_access.db.engine import reading
from data_access.db.liveness import _ended
from data_access.db.models import AppMeta, AuthSession, FailedLogin, LoginFailure, User
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import AccessDenied, ConflictError, NotFound, ValidationError
from data_access.domain.permissions import Actor, Permission, require
from data_access.domain.sessions import (
    _DUMMY_HASH,
    FORGET_FAILURES,
    KEEP_ENDED,
    LOCAL,
    LOCAL_LOGIN_KEY,
    LOGIN,
    NO_ADDRESS,
    OIDC,
    TOUCH_EVERY,
    WRONG_LOGIN,
    SessionUser,
    _clock,
    _now,
    token_hash,
)
from data_access.reads.sessions import Policy, _actor, _known_client, _local_login_enabled, known


@dataclass(frozen=True)
class Keys:
    """The failure counters one login attempt touches."""

    user: str  # bruker:<name>: a capped wait, never a lock
    client: str | None  # klient:<address>: a capped wait, never a lock (None: address unknown)
    pair: str  # par:<name>@<address>: a wait, and a lock after ``max_failures``

    @property
    def all(self) -> list[str]:
        return sorted(k for k in (self.user, self.client, self.pair) if k)


def _keys(username: str, client_address: str | None) -> Keys:
    """The counters for what was typed: cut to a username's 60 characters (no user has a longer one, and the
    key must fit its column whatever an attacker types)."""
    username, address = username[:60], (client_address or NO_ADDRESS)[:64]
    return Keys(f"bruker:{username}", f"klient:{address}" if client_address else None, f"par:{username}@{address}")


def _check_not_locked(s: Session, keys: Keys, known: bool, policy: Policy, now: datetime) -> None:
    checked = [keys.pair] if known else keys.all
    for row in s.scalars(select(LoginFailure).where(LoginFailure.key.in_(checked))):
        if now - row.last_failure_at > FORGET_FAILURES:
            continue
        if row.key == keys.pair and row.locked_until and row.locked_until > now:
            raise AccessDenied(f"For mange mislykkede innlogginger fra denne maskinen. Brukernavnet er sperret her "
                               f"til kl. {_clock(row.locked_until)}. Vent, eller be en administrator oppheve "
                               "sperren.")
        ready = row.last_failure_at + policy.delay(row.failures)
        if row.locked_until is None and now < ready:
            raise AccessDenied(f"Vent {max(1, round((ready - now).total_seconds()))} sekunder før du prøver igjen.")


def _record_failure(engine: Engine, keys: Keys, username: str, client_address: str | None, policy: Policy,
                    now: datetime) -> datetime | None:
    """Count one failure on every key and keep it in ``failed_logins``; the lock time if the pair got locked."""
    try:
        return _count_failure(engine, keys, username, client_address, policy, now)
    except ConflictError:  # two first failures for the same key at once: the second one updates instead
        return _count_failure(engine, keys, username, client_address, policy, now)


def _count_failure(engine: Engine, keys: Keys, username: str, client_address: str | None, policy: Policy,
                   now: datetime) -> datetime | None:
    locked = None
    with UnitOfWork(engine, LOGIN, None, None, now=now) as uow:
        s = uow.s
        for key in keys.all:  # always in the same order, so two failures never wait on each other's rows
            row = s.get(LoginFailure, key, with_for_update=True)
            if row is None:
                row = LoginFailure(key=key, failures=0, last_failure_at=now)
                s.add(row)
            elif (row.locked_until and row.locked_until <= now) or now - row.last_failure_at > FORGET_FAILURES:
                row.failures, row.locked_until = 0, None  # an expired lock, or a day without failures: start over
            row.failures += 1
            row.last_failure_at = now
            if key == keys.pair and row.failures >= policy.max_failures and row.locked_until is None:
                row.locked_until = now + policy.lock
                locked = row.locked_until
        s.add(FailedLogin(at=now, username=username[:60], client_address=(client_address or None) and
                          client_address[:64]))
    return locked


def set_local_login(engine: Engine, actor: Actor, enabled: bool, actor_method: str | None) -> None:
    """Turn password sign-in on or off. Off only by an admin who is signed in through OIDC (no lock-out)."""
    require(actor, Permission.MANAGE_USERS)
    if not enabled and actor_method != OIDC:
        raise ValidationError("Logg inn med OpenID Connect selv før du slår av innlogging med passord, "
                              "så du ikke stenger deg ute.")
    _write_local_login(engine, actor, enabled)


def _write_local_login(engine: Engine, actor: Actor, enabled: bool) -> None:
    from data_access.db.uow import UnitOfWork

    with UnitOfWork(engine, actor, None, Permission.MANAGE_USERS) as uow:  # the role as the database has it now
        meta = uow.s.get(AppMeta, LOCAL_LOGIN_KEY)
        old = meta is None or meta.value != "av"
        if meta is None:
            uow.s.add(AppMeta(key=LOCAL_LOGIN_KEY, value="på" if enabled else "av"))
        else:
            meta.value = "på" if enabled else "av"
        if old != enabled:
            uow.log("app", 0, "update", "local_login", old, enabled)


def force_local_login(engine: Engine) -> None:
    """From the command line (``laget auth local-login on``): the way back if OIDC stops working."""
    _write_local_login(engine, Actor("system", "admin", "Kommandolinje"), True)


def login(engine: Engine, username: str, password: str, *, client_address: str | None = None,
          client: str = "", policy: Policy | None = None, now: datetime | None = None) -> tuple[str, SessionUser]:
    """Check the password within the failure limits; on success start a new session and return its token.

    Raises ``AccessDenied`` while a key is locked or must wait, ``ValidationError`` for wrong credentials.
    A new random token on every login means a session id is never carried across a login (fixation).
    """
    policy = policy or Policy()
    now = now or _now()
    username = (username or "").strip().lower()
    keys = _keys(username, client_address)
    with reading(engine) as s:
        if not _local_login_enabled(s):
            raise AccessDenied("Innlogging med brukernavn og passord er slått av. Bruk kommunens innlogging.")
        _check_not_locked(s, keys, _known_client(s, username, client_address, policy, now), policy, now)
        user = s.scalar(select(User).where(User.username == username, User.active, User.auth_method == LOCAL))
        stored = user.password_hash if user else _DUMMY_HASH
    raw = (password or "").encode()
    ok = len(raw) <= 72 and bcrypt.checkpw(raw, stored.encode()) and user is not None
    if not ok:
        locked = _record_failure(engine, keys, username, client_address, policy, now)
        if locked:
            raise AccessDenied(f"{WRONG_LOGIN} For mange mislykkede innlogginger fra denne maskinen: brukernavnet "
                               f"er sperret her til kl. {_clock(locked)}. Vent, eller be en administrator oppheve "
                               "sperren.")
        raise ValidationError(WRONG_LOGIN)
    with UnitOfWork(engine, LOGIN, None, None, now=now) as uow:
        s = uow.s
        # Only this address's count for the user starts over: the username- and address-wide counts are the
        # attacker's too, and fade after a day without failures.
        s.execute(delete(LoginFailure).where(LoginFailure.key == keys.pair))
        s.execute(delete(AuthSession).where(AuthSession.expires_at < now - KEEP_ENDED))
        s.execute(delete(FailedLogin).where(FailedLogin.at < now - KEEP_ENDED))
        token = _start(s, user.id, LOCAL, client, policy, now, client_address=client_address)
        session_id = s.scalar(select(AuthSession.id).where(AuthSession.token_hash == token_hash(token)))
    return token, SessionUser(_actor(user, session_id, policy), LOCAL, session_id)


def _start(s: Session, user_id: int, method: str, client: str, policy: Policy, now: datetime,
           token: str | None = None, client_address: str | None = None) -> str:
    token = token or secrets.token_urlsafe(32)
    s.add(AuthSession(token_hash=token_hash(token), user_id=user_id, method=method, created_at=now,
                      last_seen=now, expires_at=now + policy.lifetime, client=client[:300],
                      client_address=client_address[:64] if client_address else None))
    s.flush()
    active = s.scalars(select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None),
                                                 AuthSession.expires_at > now)
                       .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())).all()
    for old in active[policy.max_sessions:]:  # too many parallel sessions: the oldest ones end
        old.revoked_at, old.revoke_reason = now, "for mange økter"
    return token


def start_session(engine: Engine, username: str, method: str, *, client: str = "", policy: Policy | None = None,
                  token: str | None = None, now: datetime | None = None, client_address: str | None = None) -> str:
    """Start a session for an active user who has already proven who they are (OIDC, tests)."""
    policy = policy or Policy()
    now = now or _now()
    try:
        with UnitOfWork(engine, LOGIN, None, None, now=now) as uow:
            user = uow.s.scalar(select(User).where(User.username == username, User.active))
            if user is None:
                raise AccessDenied("Brukeren finnes ikke eller er deaktivert i Laget.")
            return _start(uow.s, user.id, method, client, policy, now, token, client_address)
    except ConflictError:
        if token and known(engine, token):  # two tabs started the same OIDC sign-in at once: one row wins
            return token
        raise


def check(engine: Engine, token: str | None, policy: Policy | None = None,
          now: datetime | None = None) -> SessionUser | None:
    """The user behind ``token`` if the session is live; None when it is unknown, ended, expired or idle."""
    if not token:
        return None
    policy = policy or Policy()
    now = now or _now()
    from data_access.db.changelog import _version, _version_columns

    local = select(AppMeta.value).where(AppMeta.key == LOCAL_LOGIN_KEY).scalar_subquery()
    with reading(engine) as s:  # one statement: the session, its user, the login switch, the data version
        row = s.execute(select(AuthSession, User, local, *_version_columns())
                        .join(User, User.id == AuthSession.user_id)
                        .where(AuthSession.token_hash == token_hash(token))).first()
        if row is None:
            return None
        sess, user, local_login = row[:3]
        if sess.revoked_at is not None:
            return None
        reason = _ended(sess, user, local_login, policy.idle, now)
        touch = reason is None and now - sess.last_seen >= TOUCH_EVERY
        found = SessionUser(_actor(user, sess.id, policy), sess.method, sess.id, _version(row[3:]))
    if reason or touch:  # a short write of its own, only when needed: most reruns only read
        values = {"revoked_at": now, "revoke_reason": reason} if reason else {"last_seen": now}
        with UnitOfWork(engine, LOGIN, None, None, now=now) as uow:
            uow.s.execute(update(AuthSession).where(AuthSession.id == found.session_id,
                                                    AuthSession.revoked_at.is_(None)).values(**values))
    return None if reason else found






def end_sessions(engine: Engine, actor: Actor, username: str) -> int:
    """An administrator ends every session of a user (a lost laptop, a shared screen); returns how many ended."""
    from data_access.db.uow import UnitOfWork

    with UnitOfWork(engine, actor, None, Permission.MANAGE_USERS) as uow:
        user = uow.s.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"Fant ingen bruker «{username}».")
        ended = end_user_sessions(uow.s, user.id, "avsluttet av administrator", uow.now)
        if ended:
            uow.log("user", user.id, "update", "sessions", ended, 0)
        return ended


def end_user_sessions(s: Session, user_id: int, reason: str, now: datetime | None = None) -> int:
    """End every live session of a user inside the caller's transaction; returns how many ended."""
    result = s.execute(update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
                       .values(revoked_at=now or _now(), revoke_reason=reason))
    return result.rowcount or 0


def logout(engine: Engine, token: str | None) -> None:
    """«Logg ut» ends every session of the user, in every browser (the issue asks for all of them)."""
    if not token:
        return
    with UnitOfWork(engine, LOGIN, None, None) as uow:
        user_id = uow.s.scalar(select(AuthSession.user_id).where(AuthSession.token_hash == token_hash(token)))
        if user_id is not None:
            end_user_sessions(uow.s, user_id, "logget ut")


def unlock(engine: Engine, actor: Actor, key: str) -> None:
    """An administrator lifts a lock and forgets the failures: a whole username (every address, and its wait)
    when given a name; one address's lock and the username's wait for "par:kari@10.0.0.7"; or exactly one
    other key ("klient:10.0.0.7")."""
    require(actor, Permission.MANAGE_USERS)
    from data_access.db.uow import UnitOfWork

    key = key.strip()
    if key.startswith("par:"):  # the lock, and the user's wait from everywhere: the user can sign in at once
        match = LoginFailure.key.in_([key, f"bruker:{key[4:].rpartition('@')[0]}"])
    elif ":" in key:
        match = LoginFailure.key == key
    else:
        username = key.lower()
        key = f"bruker:{username}"
        match = (LoginFailure.key == key) | LoginFailure.key.startswith(f"par:{username}@", autoescape=True)
    with UnitOfWork(engine, actor, None, Permission.MANAGE_USERS) as uow:
        if uow.s.execute(delete(LoginFailure).where(match)).rowcount:
            uow.log("login_lock", 0, "delete", "locked", key, None)
