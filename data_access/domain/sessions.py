"""Server-side login sessions and the failed-login limiter.

This part holds the rules (pure); its siblings in ``reads/`` and ``writes/`` hold the rest.

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

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt

from data_access.domain.permissions import Actor

LOCAL, OIDC = "lokal", "oidc"
METHODS = {LOCAL: "Brukernavn og passord", OIDC: "OpenID Connect"}
WRONG_LOGIN = "Feil brukernavn eller passord."
LOCAL_LOGIN_KEY = "local_login"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session
FORGET_FAILURES = timedelta(days=1)  # failures older than this no longer count towards a lock
KEEP_ENDED = timedelta(days=30)  # ended sessions are kept this long (audit), then deleted at a login
# A hash to check against when the username is unknown, so both cases take the time of one bcrypt check.
_DUMMY_HASH = bcrypt.hashpw(b"laget-dummy-password", bcrypt.gensalt()).decode()


@dataclass(frozen=True)
class SessionUser:
    """Who a valid session belongs to, and how they signed in."""

    actor: Actor
    method: str
    session_id: int
    version: tuple = ()  # changelog.data_version, read in the same statement (the rerun then reuses cached reads)


def _now() -> datetime:
    return datetime.now()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign(token: str, key: str) -> str:
    """The cookie value: the token and an HMAC of it, so a tampered cookie is refused before any lookup."""
    mac = hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{token}.{mac}"


def unsign(value: str | None, key: str) -> str | None:
    if not isinstance(value, str):
        return None
    token, _, _mac = value.rpartition(".")
    if token and hmac.compare_digest(sign(token, key), value):
        return token
    return None


def _keys(username: str, client_address: str | None) -> list[str]:
    keys = [f"bruker:{username}"]
    if client_address:
        keys.append(f"klient:{client_address}")
    return keys


def _clock(t: datetime) -> str:
    return t.strftime("%H:%M")
