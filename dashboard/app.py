"""Streamlit entry point: prepare the database, log in, choose a plan, then run the chosen page."""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `streamlit run dashboard/app.py` from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard.auth import login  # noqa: E402
from dashboard.browser import page_behaviour  # noqa: E402
from dashboard.context import PageContext, cached_plans, current_settings, engine_for  # noqa: E402
from dashboard.navigation import hold_requested_page, pages_for  # noqa: E402
from dashboard.state import bound  # noqa: E402
from dashboard.ui import show_flashes  # noqa: E402
from data_access.bootstrap import ConfigurationError, cookie_key  # noqa: E402
from data_access.db import DatabaseUnavailable  # noqa: E402
from data_access.permissions import ROLES  # noqa: E402

st.set_page_config(page_title="Laget", page_icon=":material/diversity_3:", layout="wide")

settings = current_settings()
try:
    engine = engine_for(settings)
    key = cookie_key(settings, engine)
except (DatabaseUnavailable, ConfigurationError) as exc:
    st.title("Laget kan ikke starte")
    st.error(str(exc))
    st.stop()

actor, authenticator = login(engine, settings, key)
if actor is None:
    st.session_state.pop("_laget_ctx", None)
    hold_requested_page()
    page_behaviour("login")
    st.stop()

plans = cached_plans(settings.database_url)
with st.sidebar:
    if plans.is_empty():
        st.warning("Databasen har ingen planer ennå.")
        st.stop()
    names = dict(zip(plans["id"].to_list(), plans["name"].to_list(), strict=True))
    kommuner = dict(zip(plans["id"].to_list(), plans["kommune"].to_list(), strict=True))
    plan_id = bound(st.selectbox, "Plan", key="plan_id", param="plan", options=list(names),
                    default=plans["id"][0], format_func=lambda i: f"{kommuner[i]}: {names[i]}")
    st.caption(f"Innlogget som **{actor.name or actor.username}** · {ROLES.get(actor.role, actor.role)}")
    authenticator.logout("Logg ut", "sidebar")

plan = plans.filter(plans["id"] == plan_id).row(0, named=True)
st.session_state["_laget_ctx"] = PageContext(engine=engine, settings=settings, actor=actor, plan=plan)
show_flashes()
specs = pages_for(actor)
st.session_state["_laget_pages"] = [p.title for p in specs]
nav = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default)
                     for p in specs], expanded=True)  # no English «View more»
page_behaviour(nav.url_path)
nav.run()
