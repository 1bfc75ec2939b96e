"""Users live in the database (bcrypt hashes), not in a YAML file that the auth library rewrites."""

from __future__ import annotations

import re
from datetime import datetime

import bcrypt
import polars as pl
from sqlalchemy import Engine, select

from data_access.db import session_scope
from data_access.frames import to_frame
from data_access.models import User
from data_access.permissions import ROLES, Actor, Permission, require
from data_access.validation import ValidationError, check_free_text

SYSTEM = Actor("system", "admin", "Kommandolinje")
USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,60}$")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Passordet må ha minst {MIN_PASSWORD} tegn.")


def add_user(engine: Engine, actor: Actor, *, username: str, name: str, role: str, password: str,
             email: str = "") -> None:
    require(actor, Permission.MANAGE_USERS)
    username = username.strip().lower()
    check_free_text(username, "Brukernavn", max_length=60)
    if not USERNAME_RE.match(username):
        raise ValidationError("Brukernavnet kan bare ha små bokstaver a–z, tall, punktum, bindestrek og understrek "
                         "(2–60 tegn).")
    if role not in ROLES:
        raise ValidationError(f"Ukjent rolle «{role}». Velg en av: {', '.join(ROLES)}.")
    if not name.strip():
        raise ValidationError("Navn må fylles ut.")
    check_free_text(name, "Navn", max_length=150)
    check_free_text(email, "E-post", max_length=200)
    _check_password(password)
    with session_scope(engine) as s:
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError(f"Brukernavnet «{username}» finnes allerede.")
        s.add(User(username=username, name=name.strip(), role=role, email=email.strip(),
                   password_hash=hash_password(password), active=True, created_at=datetime.now()))


def set_password(engine: Engine, actor: Actor, username: str, password: str) -> None:
    """Admins may set anyone's password; everyone may set their own."""
    if actor.username != username:
        require(actor, Permission.MANAGE_USERS)
    _check_password(password)
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValidationError(f"Fant ingen bruker «{username}».")
        user.password_hash = hash_password(password)


def set_role(engine: Engine, actor: Actor, username: str, role: str, active: bool = True) -> None:
    require(actor, Permission.MANAGE_USERS)
    if role not in ROLES:
        raise ValidationError(f"Ukjent rolle «{role}».")
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValidationError(f"Fant ingen bruker «{username}».")
        if user.username == actor.username and (role != "admin" or not active):
            raise ValidationError("Du kan ikke ta fra deg selv administratorrollen.")
        user.role, user.active = role, active


def verify(engine: Engine, username: str, password: str) -> Actor | None:
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username.strip().lower(), User.active))
        if user and bcrypt.checkpw(password.encode(), user.password_hash.encode()):
            return Actor(user.username, user.role, user.name)
    return None


def get_actor(engine: Engine, username: str | None) -> Actor | None:
    if not username:
        return None
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username, User.active))
        return Actor(user.username, user.role, user.name) if user else None


def credentials(engine: Engine) -> dict:
    """The credentials dict streamlit-authenticator expects, built from the active users."""
    with session_scope(engine) as s:
        users = s.scalars(select(User).where(User.active)).all()
        return {"usernames": {u.username: {"name": u.name, "email": u.email or f"{u.username}@laget.invalid",
                                           "password": u.password_hash, "roles": [u.role]} for u in users}}


def users_frame(engine: Engine) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(User.username, User.name, User.email, User.role, User.active)
                         .order_by(User.username)).all()
    return to_frame(rows, {"username": pl.String, "name": pl.String, "email": pl.String, "role": pl.String,
                           "active": pl.Boolean})
