"""Contact persons: one staff contact (name, work e-mail) per service and, optionally, per tiltak.

This part holds the rules (pure); the module docstring of ``data_access/writes/contacts.py`` tells the rest.
"""

from __future__ import annotations

import re

import polars as pl

from data_access.domain.errors import ValidationError

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
