"""Users live in the database (bcrypt hashes), not in a YAML file that an auth library rewrites.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

A user signs in either with a password kept here (``auth_method`` "lokal") or through the kommune's
OpenID Connect provider ("oidc", created on first sign-in). OIDC usernames are "<provider>:<name>"; a local
username cannot contain ":", so the two kinds never collide. Changing a password or a role, or deactivating
a user, ends every session of that user in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db.models import User
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import AccessDenied, ValidationError
from data_access.domain.fields import USER
from data_access.domain.permissions import Actor, Permission
from data_access.domain.sessions import LOCAL, OIDC
from data_access.domain.users import OIDC_SIGN_IN, _check_password, _username, hash_password
from data_access.domain.validation import check_free_text
from data_access.reads.users import _free_username, _user
from data_access.writes.sessions import end_user_sessions


def add_user(engine: Engine, actor: Actor, *, username: str, name: str, role: str, password: str,
             email: str = "") -> None:
    values = USER.clean_or_raise({"username": username, "name": name, "email": email, "role": role},
                                 parsers={"username": _username})
    _check_password(password)
    with UnitOfWork(engine, actor, None, Permission.MANAGE_USERS) as uow:
        row = User(password_hash=hash_password(password), active=True, created_at=uow.now, auth_method=LOCAL,
                   **values)
        if not uow.insert_new(row):
            raise ValidationError(f"Brukernavnet «{values['username']}» finnes allerede.", field="username")
        uow.log("user", row.id, "create", "username", None, row.username)


def set_password(engine: Engine, actor: Actor, username: str, password: str) -> None:
    """Admins may set anyone's password; everyone may set their own. Every session of the user ends."""
    _check_password(password)
    own = actor.username == username
    with UnitOfWork(engine, actor, None, None if own else Permission.MANAGE_USERS) as uow:
        user = _user(uow.s, username)
        if user.auth_method != LOCAL:
            raise ValidationError(f"«{username}» logger inn med OpenID Connect og har ikke passord i Laget.",
                                  field="password")
        user.password_hash = hash_password(password)
        end_user_sessions(uow.s, user.id, "nytt passord")
        uow.log("user", user.id, "update", "password", None, "(endret)")


def set_role(engine: Engine, actor: Actor, username: str, role: str, active: bool = True) -> None:
    update_user(engine, actor, username, role=role, active=active)


def update_user(engine: Engine, actor: Actor, username: str, *, role: str | None = None,
                active: bool | None = None, password: str | None = None) -> bool:
    """Change only what is given (None = keep), in one transaction; returns True if anything changed.

    A new role, deactivation or a new password ends every session of the user.
    """
    given = {k: v for k, v in (("role", role), ("active", active)) if v is not None}
    values = USER.clean_or_raise(given)
    if password:
        _check_password(password)
    with UnitOfWork(engine, actor, None, Permission.MANAGE_USERS) as uow:
        user = _user(uow.s, username)
        new_role, new_active = values.get("role", user.role), values.get("active", user.active)
        if user.username == actor.username and (new_role != "admin" or not new_active):
            raise ValidationError("Du kan ikke ta fra deg selv administratorrollen.", field="role")
        reasons = []
        if new_role != user.role:
            reasons.append("ny rolle")
            uow.log("user", user.id, "update", "role", user.role, new_role)
        if new_active != user.active:
            reasons.append("aktivert" if new_active else "deaktivert")
            uow.log("user", user.id, "update", "active", user.active, new_active)
        if password:
            if user.auth_method != LOCAL:
                raise ValidationError(f"«{username}» logger inn med OpenID Connect og har ikke passord i Laget.",
                                      field="password")
            user.password_hash = hash_password(password)
            reasons.append("nytt passord")
            uow.log("user", user.id, "update", "password", None, "(endret)")
        user.role, user.active = new_role, new_active
        if reasons:
            end_user_sessions(uow.s, user.id, ", ".join(reasons)[:40])
        return bool(reasons)


def provision_oidc_user(engine: Engine, *, provider: str, subject: str, name: str, email: str,
                        preferred: str, role: str) -> Actor:
    """The Laget user for an OIDC identity: created on first sign-in, role kept in step with the token.

    ``subject`` is "<issuer>|<sub>", the provider's stable id. A deactivated user is refused.
    """
    name = (name or preferred or email or "").strip()[:150]
    email = (email or "").strip()[:200]
    check_free_text(name, "Navn", max_length=150)
    check_free_text(email, "E-post", max_length=200)
    with UnitOfWork(engine, OIDC_SIGN_IN, None, None) as uow:  # the provider vouches; logged like any user write
        s = uow.s
        user = s.scalar(select(User).where(User.oidc_subject == subject))
        if user is None:
            username = _free_username(s, provider, preferred or email or subject.rsplit("|", 1)[-1])
            user = User(username=username, name=name or username, role=role, email=email, password_hash="",
                        active=True, created_at=uow.now, auth_method=OIDC, oidc_subject=subject)
            s.add(user)
            s.flush()
            uow.log("user", user.id, "create", "username", None, username)
        elif not user.active:
            raise AccessDenied(f"Brukeren «{user.username}» er deaktivert i Laget. Kontakt administratoren.")
        else:
            if user.role != role:
                end_user_sessions(s, user.id, "ny rolle")
                uow.log("user", user.id, "update", "role", user.role, role)
                user.role = role
            user.name, user.email = name or user.name, email or user.email
        return Actor(user.username, user.role, user.name)
