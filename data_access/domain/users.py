"""Users live in the database (bcrypt hashes), not in a YAML file that an auth library rewrites.

This part holds the rules (pure); the module docstring of ``data_access/writes/users.py`` tells the rest.
"""

from __future__ import annotations

import re

import bcrypt

from data_access.domain.errors import ValidationError
from data_access.domain.fields import USER
from data_access.domain.permissions import Actor
from data_access.domain.validation import check_free_text

SYSTEM = Actor("system", "admin", "Kommandolinje")
OIDC_SIGN_IN = Actor("system", "admin", "Innlogging med OpenID Connect")
USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,60}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; a longer password would be silently cut


def hash_password(password: str) -> str:
    _check_password(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Passordet må ha minst {MIN_PASSWORD} tegn.", field="Passord")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValidationError(
            f"Passordet er for langt: høyst {MAX_PASSWORD_BYTES} byte (omtrent {MAX_PASSWORD_BYTES} tegn; æ, ø, å "
            "og andre spesialtegn teller dobbelt). Velg et kortere passord.", field="Passord")


def _username(value: object) -> str:
    username = str(value or "").strip().lower()
    check_free_text(username, USER.label("username"), max_length=60)
    if not USERNAME_RE.match(username):
        raise ValidationError("Brukernavnet kan bare ha små bokstaver a–z, tall, punktum, bindestrek og understrek "
                              "(2–60 tegn).")
    return username
