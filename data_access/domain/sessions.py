"""Server-side login sessions and the failed-login limiter.

This part holds the rules (pure); the module docstring of ``data_access/writes/sessions.py`` tells the rest.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
import polars as pl

from data_access.domain.permissions import Actor

LOCAL, OIDC = "lokal", "oidc"
METHODS = {LOCAL: "Brukernavn og passord", OIDC: "OpenID Connect"}
WRONG_LOGIN = "Feil brukernavn eller passord."
LOCAL_LOGIN_KEY = "local_login"
LOGIN = Actor("innlogging", "admin", "Innlogging (system)")  # the session book-keeping's own unit of work
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session
FORGET_FAILURES = timedelta(days=1)  # failures older than this no longer count towards a wait or a lock
KEEP_ENDED = timedelta(days=30)  # ended sessions and failed logins are kept this long (audit), then deleted
FAILED_NOTICE = 5  # this many failed logins of one username in a day are pointed out to the administrators
NO_ADDRESS = "ukjent"  # the address part of a key when the client's address is not known
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


def _clock(t: datetime) -> str:
    return t.strftime("%H:%M")


def failed_text(count: int) -> str:
    return f"{count} mislykket innlogging" if count == 1 else f"{count} mislykkede innlogginger"


def sessions_text(count: int) -> str:
    return f"{count} økt" if count == 1 else f"{count} økter"


LOCK_SCHEMA = {"key": pl.String, "username": pl.String, "client_address": pl.String, "failures": pl.Int64,
               "locked_until": pl.Datetime}
FAILED_SCHEMA = {"username": pl.String, "failures": pl.Int64, "addresses": pl.Int64, "latest": pl.Datetime}
