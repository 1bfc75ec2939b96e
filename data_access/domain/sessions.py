"""Server-side login sessions and the failed-login limiter.

This part holds the rules (pure); its siblings in ``reads/`` and ``writes/`` hold the rest.

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
