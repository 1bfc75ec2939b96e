"""Contact persons: one staff contact (name, work e-mail) per service and, optionally, per tiltak.

This part holds the queries; the module docstring of ``data_access/writes/contacts.py`` tells the rest.
"""

from __future__ import annotations

from sqlalchemy import select

from data_access.db.engine import Source, reading
from data_access.db.models import Contact, Service, Tiltak


def _text(contact: Contact | None) -> str | None:
    return f"{contact.name} <{contact.email}>" if contact else None


def service_contacts(source: Source) -> dict[str, tuple[str, str]]:
    """Service name -> (name, e-mail)."""
    with reading(source) as s:
        rows = s.execute(select(Service.name, Contact.name, Contact.email)
                         .join(Contact, Contact.service_id == Service.id)).all()
    return {service: (name, email) for service, name, email in rows}


def tiltak_contacts(source: Source, plan_id: int) -> dict[int, tuple[str, str]]:
    """Tiltak id -> (name, e-mail), for the plan's tiltak that have their own contact."""
    with reading(source) as s:
        rows = s.execute(select(Contact.tiltak_id, Contact.name, Contact.email)
                         .join(Tiltak, Tiltak.id == Contact.tiltak_id).where(Tiltak.plan_id == plan_id)).all()
    return {tiltak_id: (name, email) for tiltak_id, name, email in rows}
