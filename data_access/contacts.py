"""Contact persons: one staff contact (name, work e-mail) per service and, optionally, per tiltak.

They are who the daily reminder writes to. Only staff contacts belong here, never anything about a child;
the name goes through the personal-data guard like every other free text. Kept by admin and redaktør.
"""

from __future__ import annotations

import re

import polars as pl
from sqlalchemy import Engine, select

from data_access.db import session_scope
from data_access.errors import ConflictError, NotFound, ValidationError
from data_access.fields import CONTACT
from data_access.models import Contact, Service, Tiltak
from data_access.permissions import Actor, Permission
from data_access.uow import UnitOfWork

# A plain work address: local@domain.tld, no spaces, no display name. Deliberately strict and simple.
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
CONTACT_SCHEMA = {"service_id": pl.Int64, "tiltak_id": pl.Int64, "name": pl.String, "email": pl.String}


def normalize_email(email: str) -> str:
    """The address trimmed, domain lower-cased; a Norwegian error when it is not a plain e-mail address."""
    value = (email or "").strip()
    if not EMAIL.fullmatch(value) or ".." in value or len(value) > 200:
        raise ValidationError(f"«{value}» er ikke en gyldig e-postadresse (f.eks. navn@kommune.no).", field="email")
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _text(contact: Contact | None) -> str | None:
    return f"{contact.name} <{contact.email}>" if contact else None


def set_contact(engine: Engine, actor: Actor, *, name: str, email: str, service: str | None = None,
                tiltak_id: int | None = None) -> None:
    """Set (or, with empty name and e-mail, remove) the contact of one service or one tiltak."""
    if (service is None) == (tiltak_id is None):
        raise ValidationError("Velg enten en tjeneste eller et tiltak.", field="target")
    values = CONTACT.clean_or_raise({"name": name, "email": email})
    remove = not values["name"] and not values["email"]
    if not remove:
        if not values["name"]:
            raise ValidationError("Skriv navnet på kontaktpersonen.", field="name")
        values["email"] = normalize_email(values["email"])
    with UnitOfWork(engine, actor, None, Permission.EDIT_CONTACTS) as uow:
        if service is not None:
            target_id = uow.s.scalar(select(Service.id).where(Service.name == service))
            if target_id is None:
                raise NotFound(f"Fant ikke tjenesten «{service}».")
            row = uow.s.scalar(select(Contact).where(Contact.service_id == target_id))
            entity = "service_contact"
        else:
            tiltak = uow.s.get(Tiltak, tiltak_id)
            if tiltak is None:
                raise NotFound("Fant ikke tiltaket.")
            target_id, uow.plan_id, entity = tiltak_id, tiltak.plan_id, "tiltak_contact"
            row = uow.s.scalar(select(Contact).where(Contact.tiltak_id == tiltak_id))
        before = _text(row)
        after = None if remove else f"{values['name']} <{values['email']}>"
        if before == after:
            return
        if remove:
            uow.s.delete(row)
        elif row is None:
            if not uow.insert_new(Contact(service_id=target_id if service is not None else None, tiltak_id=tiltak_id,
                                          **values)):
                raise ConflictError("Noen la inn en kontaktperson her samtidig. Last siden på nytt.")
        else:
            row.name, row.email, row.updated_by, row.updated_at = values["name"], values["email"], actor.username, \
                uow.now
        uow.log(entity, target_id, "update", "contact", before, after)


def service_contacts(engine: Engine) -> dict[str, tuple[str, str]]:
    """Service name -> (name, e-mail)."""
    with session_scope(engine) as s:
        rows = s.execute(select(Service.name, Contact.name, Contact.email)
                         .join(Contact, Contact.service_id == Service.id)).all()
    return {service: (name, email) for service, name, email in rows}


def tiltak_contacts(engine: Engine, plan_id: int) -> dict[int, tuple[str, str]]:
    """Tiltak id -> (name, e-mail), for the plan's tiltak that have their own contact."""
    with session_scope(engine) as s:
        rows = s.execute(select(Contact.tiltak_id, Contact.name, Contact.email)
                         .join(Tiltak, Tiltak.id == Contact.tiltak_id).where(Tiltak.plan_id == plan_id)).all()
    return {tiltak_id: (name, email) for tiltak_id, name, email in rows}
