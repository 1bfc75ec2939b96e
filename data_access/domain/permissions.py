"""Who may do what. Every write in ``data_access`` calls ``require`` first, whatever the UI shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from data_access.domain.errors import AccessDenied

ROLES: dict[str, str] = {
    "leser": "Leser (ledere og politikere)",
    "redaktor": "Redaktør (implementeringsgruppa)",
    "planlegger": "Planlegger (SLT-koordinator)",
    "admin": "Administrator",
}


class Permission(Enum):
    EDIT_TILTAK = "endre tiltak"
    EDIT_INDICATORS = "endre indikatorer"
    EDIT_ARENAS = "endre møtearenaer og møter"
    RUN_GROUP_MEETING = "lede møter i implementeringsgruppa"
    EDIT_CONTACTS = "endre kontaktpersoner"
    MANAGE_USERS = "administrere brukere"
    MANAGE_PLANS = "administrere planer"
    MODERATE_COMMENTS = "moderere kommentarer fra den offentlige siden"
    PUBLIC_COMMENT = "kommentere på den offentlige siden"


GRANTS: dict[str, frozenset[Permission]] = {
    "leser": frozenset(),
    "redaktor": frozenset({Permission.EDIT_TILTAK, Permission.EDIT_INDICATORS, Permission.RUN_GROUP_MEETING,
                           Permission.EDIT_CONTACTS, Permission.MODERATE_COMMENTS}),
    "planlegger": frozenset({Permission.EDIT_ARENAS}),
    "admin": frozenset(Permission),
    # Not a role anyone logs in with: the anonymous visitor of the public page (``PUBLIC_ACTOR``).
    "offentlig": frozenset({Permission.PUBLIC_COMMENT}),
}


@dataclass(frozen=True)
class SessionRef:
    """The login session an actor acts through, and the idle limit it was admitted under.

    A page keeps its actor between runs (and a button's callback gets the previous run's), so a write cannot
    trust the role it carries: ``UnitOfWork`` reads the session and the user again in its own transaction."""

    id: int
    idle: timedelta


@dataclass(frozen=True)
class Actor:
    """The person a write is made on behalf of. ``session`` is None for the command line and system jobs."""

    username: str
    role: str
    name: str = ""
    session: SessionRef | None = None


PUBLIC_ACTOR = Actor("offentlig", "offentlig", "Offentlig side")


def can(actor: Actor | None, permission: Permission) -> bool:
    return actor is not None and permission in GRANTS.get(actor.role, frozenset())


def require(actor: Actor | None, permission: Permission) -> None:
    """Refuse the write with a Norwegian message unless the actor's role grants it."""
    if not can(actor, permission):
        who = f"«{actor.username}» ({ROLES.get(actor.role, actor.role)})" if actor else "Du"
        raise AccessDenied(f"{who} har ikke tilgang til å {permission.value}.")
