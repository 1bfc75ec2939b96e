"""Everything that must be true before the first page renders: reachable, migrated, seeded, keyed."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from config.settings import DEMO_COOKIE_KEY, KNOWN_DEFAULT_COOKIE_KEYS, MIN_COOKIE_KEY_LENGTH, Settings
from data_access.db.demo import is_demo_database, is_empty, load_demo
from data_access.db.engine import check_connection, get_engine, is_current, schema_lock, upgrade
from data_access.domain.errors import LagetError


class ConfigurationError(LagetError, RuntimeError):
    """A setting makes it unsafe to start; the message says which, in Norwegian."""


def prepare_database(settings: Settings) -> Engine:
    """Connect, upgrade the schema if needed and load the demo plan into an empty database."""
    engine = get_engine(settings.database_url)
    check_connection(engine)
    if not is_current(engine):
        upgrade(engine)
    if settings.load_demo and is_empty(engine):
        with schema_lock(engine):  # two replicas starting on an empty database load the demo once
            if is_empty(engine):
                load_demo(engine)
    return engine


_PREPARED: set[str] = set()  # database URLs this process has prepared
_PREPARING = threading.Lock()


def prepared_engine(settings: Settings) -> Engine:
    """``prepare_database`` once per process and database URL, for every caller: the first page run, the
    open-data routes and the scheduler thread, whichever comes first on a brand-new database. A failure is not
    remembered, so the next caller tries again."""
    url = settings.database_url
    if url not in _PREPARED:
        with _PREPARING:
            if url not in _PREPARED:
                prepare_database(settings)
                _PREPARED.add(url)
    return get_engine(url)


def cookie_key(settings: Settings, engine: Engine) -> str:
    """The key that signs the login cookie; a real database needs its own key of at least 32 characters."""
    key = settings.cookie_key or ""
    if len(key) >= MIN_COOKIE_KEY_LENGTH and key not in KNOWN_DEFAULT_COOKIE_KEYS:
        return key
    if is_demo_database(engine):
        return key or DEMO_COOKIE_KEY
    problem = ("mangler eller er en kjent standardverdi" if not key or key in KNOWN_DEFAULT_COOKIE_KEYS
               else f"er for kort ({len(key)} tegn, minst {MIN_COOKIE_KEY_LENGTH})")
    raise ConfigurationError(
        f"Innstillingen LAGET_COOKIE_KEY {problem}. Denne databasen er ikke en demodatabase, så Laget starter "
        f"ikke uten en egen hemmelig nøkkel på minst {MIN_COOKIE_KEY_LENGTH} tegn. Sett LAGET_COOKIE_KEY (f.eks. "
        "med `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`) i miljøet eller i "
        ".streamlit/secrets.toml."
    )
