"""What every page needs: the engine, the logged-in actor and the chosen plan.

The app entry stores them in ``st.session_state`` after login; pages read them through ``page_context``
so that a page script stays layout only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from config.settings import Settings, load_settings
from data_access.bootstrap import prepare_database
from data_access.permissions import Actor, Permission, can

T = TypeVar("T")


@dataclass(frozen=True)
class PageContext:
    engine: Engine
    settings: Settings
    actor: Actor
    plan: dict  # one row of plans_frame
    version: tuple = ()  # data_version at the start of this run; () = read without cache

    @property
    def plan_id(self) -> int:
        return int(self.plan["id"])

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(engine, *args, **kwargs)``, cached per data version (see dashboard.reads)."""
        if not self.version:
            return fn(self.engine, *args, **kwargs)
        from dashboard.reads import cached_read

        return cached_read(self.settings.database_url, self.version, fn, *args, **kwargs)

    def can(self, permission: Permission) -> bool:
        return can(self.actor, permission)


def current_settings() -> Settings:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml is normal on a laptop
        secrets = {}
    return load_settings(secrets=secrets)


@st.cache_resource(show_spinner="Gjør klar databasen …")
def engine_for(settings: Settings) -> Engine:
    """Prepared once per process and database URL; failures are not cached and are retried."""
    return prepare_database(settings)


@st.cache_resource(show_spinner=False)
def cached_cookie_key(settings: Settings) -> str:
    """Whether the database is a demo database does not change while the app runs; errors are not cached."""
    from data_access.bootstrap import cookie_key

    return cookie_key(settings, engine_for(settings))


@st.cache_data(ttl=60, show_spinner=False)
def cached_plans(url: str) -> pl.DataFrame:
    from data_access.plans import plans_frame

    return plans_frame(engine_for_url(url))


def engine_for_url(url: str) -> Engine:
    from data_access.db import get_engine

    return get_engine(url)


def in_fragment_rerun() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    return bool(run and run.fragment_ids_this_run)


def fresh_context() -> PageContext:
    """The page context for a fragment: a fragment reruns without the entry point, so the data version is
    read again there (on a full run the entry point has just read it), and queued toasts are shown."""
    from dashboard.ui import show_flashes
    from data_access.changelog import data_version

    ctx = page_context()
    if not in_fragment_rerun():
        return ctx
    show_flashes()
    ctx = replace(ctx, version=data_version(ctx.engine))
    st.session_state["_laget_ctx"] = ctx
    return ctx


def page_context() -> PageContext:
    ctx = st.session_state.get("_laget_ctx")
    if ctx is None:  # a page opened without the entry point (should not happen through navigation)
        st.error("Siden må åpnes gjennom Laget. Last siden på nytt.")
        st.stop()
    return ctx
