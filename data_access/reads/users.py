"""Users live in the database (bcrypt hashes), not in a YAML file that an auth library rewrites.

This part holds the queries; the module docstring of ``data_access/writes/users.py`` tells the rest.
"""

from __future__ import annotations

import re

import bcrypt
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.db.engine import Source, reading
from data_access.db.models import User
from data_access.domain.errors import NotFound
from data_access.domain.frames import to_frame
from data_access.domain.permissions import Actor
from data_access.domain.sessions import LOCAL, METHODS
from data_access.domain.users import MAX_PASSWORD_BYTES


def _user(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Fant ingen bruker «{username}».")
    return user


def _free_username(s: Session, provider: str, wanted: str) -> str:
    base = re.sub(r"[^a-z0-9._@-]", "-", wanted.strip().lower())[: 60 - len(provider) - 4] or "bruker"
    candidate, n = f"{provider}:{base}", 2
    while s.scalar(select(User.id).where(User.username == candidate)) is not None:
        candidate, n = f"{provider}:{base}-{n}", n + 1
    return candidate


def verify(source: Source, username: str, password: str) -> Actor | None:
    """Check a local password (no limits, no session): for scripts and tests. The app uses sessions.login."""
    raw = (password or "").encode()
    if len(raw) > MAX_PASSWORD_BYTES:
        return None
    with reading(source) as s:
        user = s.scalar(select(User).where(User.username == username.strip().lower(), User.active,
                                           User.auth_method == LOCAL))
        if user and bcrypt.checkpw(raw, user.password_hash.encode()):
            return Actor(user.username, user.role, user.name)
    return None


def get_actor(source: Source, username: str | None) -> Actor | None:
    if not username:
        return None
    with reading(source) as s:
        user = s.scalar(select(User).where(User.username == username, User.active))
        return Actor(user.username, user.role, user.name) if user else None


def users_frame(source: Source) -> pl.DataFrame:
    """Every user with role, active flag and how they sign in (``auth_method`` as a Norwegian label)."""
    with reading(source) as s:
        rows = s.execute(select(User.username, User.name, User.email, User.role, User.active, User.auth_method)
                         .order_by(User.username)).all()
    frame = to_frame(rows, {"username": pl.String, "name": pl.String, "email": pl.String, "role": pl.String,
                            "active": pl.Boolean, "auth_method": pl.String})
    return frame.with_columns(pl.col("auth_method").replace_strict(METHODS, default=pl.col("auth_method"))
                              .alias("sign_in"))
