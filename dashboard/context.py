"""What every page needs: the engine, the logged-in actor and the chosen plan.

The app entry stores them in ``st.session_state`` after login; pages read them through ``page_context``
so that a page script stays layout only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine

from config.settings import Settings, load_settings
from data_access.db.bootstrap import prepared_engine
from data_access.domain.errors import DatabaseFault
from data_access.domain.permissions import Actor, Permission, can

T = TypeVar("T")
LAST_GOOD_ENTRIES = 64
STALE_NOTICE = ("Databasen svarer ikke akkurat nå. Du ser det som sist ble hentet; ingenting kan lagres før "
                "databasen er tilbake, men det du har skrevet, blir stående.")


def last_good(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a data_access read and remember its result in the session; when the database fails, return the
    remembered result (with one notice per run) so the page, and the user's unsaved edits in it, stay on
    screen. A read never made before re-raises the ``DatabaseFault`` (the app then shows its fault page)."""
    key = repr((fn.__module__, fn.__qualname__, args, sorted(kwargs.items())))
    store = st.session_state.setdefault("_last_good", {})
    try:
        value = fn(*args, **kwargs)
    except DatabaseFault:
        if key not in store:
            raise
        if not st.session_state.get("_stale_shown"):
            st.session_state["_stale_shown"] = True
            st.warning(STALE_NOTICE, icon=":material/cloud_off:")
        return store[key]
    store.pop(key, None)
    store[key] = value
    while len(store) > LAST_GOOD_ENTRIES:  # newest last: drop the reads not made for longest
        store.pop(next(iter(store)))
    return value


@dataclass(frozen=True)
class PageContext:
    engine: Engine
    settings: Settings
    actor: Actor
    plan: dict  # one row of plans_frame
    sign_in_method: str = "lokal"  # lokal | oidc (data_access.sessions)
    version: tuple = ()  # data_version at the start of this run; () = read without cache

    @property
    def plan_id(self) -> int:
        return int(self.plan["id"])


    def can(self, permission: Permission) -> bool:
        return can(self.actor, permission)

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(engine, *args, **kwargs)``, cached per data version (see dashboard.reads), and while the database
        is down its last result (``last_good``), so the page and the user's unsaved edits stay on screen."""
        if not self.version:
            return last_good(fn, self.engine, *args, **kwargs)
        from dashboard.reads import cached_read

        return last_good(cached_read, self.settings.database_url, self.version, fn, *args, **kwargs)


def current_settings() -> Settings:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml is normal on a laptop
        secrets = {}
    return load_settings(secrets=secrets)


@st.cache_resource(show_spinner="Gjør klar databasen …")
def engine_for(settings: Settings) -> Engine:
    """Prepared once per process and database URL; failures are not cached and are retried."""
    return prepared_engine(settings)


@st.cache_resource(show_spinner=False)
def cached_cookie_key(settings: Settings) -> str:
    """Whether the database is a demo database does not change while the app runs; errors are not cached."""
    from data_access.db.bootstrap import cookie_key

    return cookie_key(settings, engine_for(settings))


def in_fragment_rerun() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    return bool(run and run.fragment_ids_this_run)





def page_context() -> PageContext:
    ctx = st.session_state.get("_laget_ctx")
    if ctx is None:  # a page opened without the entry point (should not happen through navigation)
        st.error("Siden må åpnes gjennom Laget. Last siden på nytt.")
        st.stop()
    return ctx
