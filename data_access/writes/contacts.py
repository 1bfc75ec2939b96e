"""Contact persons: one staff contact (name, work e-mail) per service and, optionally, per tiltak.

This part holds the writes; its siblings in ``domain/`` and ``reads/`` hold the rest.

They are who the daily reminder writes to. Only staff contacts belong here, never anything about a child;
the name goes through the personal-data guard like every other free text. Kept by admin and redaktør.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db.models import Contact, Service, Tiltak
from data_access.db.uow import UnitOfWork
from data_access.domain.contacts import normalize_email
from data_access.domain.errors import ConflictError, NotFound, ValidationError
from data_access.domain.fields import CONTACT
from data_access.domain.permissions import Actor, Permission
from data_access.reads.contacts import _text


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
