"""Streamlit entry point: prepare the database, log in, choose a plan, then run the chosen page."""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `streamlit run dashboard/app.py` from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard.auth import login, request_logout  # noqa: E402
from dashboard.context import PageContext, cached_cookie_key, current_settings, engine_for  # noqa: E402
from dashboard.navigation import pages_for  # noqa: E402
from dashboard.reads import cached_read  # noqa: E402
from dashboard.ui import show_flashes  # noqa: E402
from data_access.bootstrap import ConfigurationError  # noqa: E402
from data_access.changelog import data_version  # noqa: E402
from data_access.db import DatabaseUnavailable  # noqa: E402
from data_access.permissions import ROLES  # noqa: E402
from data_access.plans import plans_frame  # noqa: E402

st.set_page_config(page_title="Laget", page_icon=":material/diversity_3:", layout="wide")

settings = current_settings()
try:
    engine = engine_for(settings)
    key = cached_cookie_key(settings)
except (DatabaseUnavailable, ConfigurationError) as exc:
    st.title("Laget kan ikke starte")
    st.error(str(exc))
    st.stop()

actor, version = login(engine, settings, key)
if actor is None:
    st.session_state.pop("_laget_ctx", None)
    st.stop()

version = version or data_version(engine)
plans = cached_read(settings.database_url, version, plans_frame)
with st.sidebar:
    if plans.is_empty():
        st.warning("Databasen har ingen planer ennå.")
        st.stop()
    names = dict(zip(plans["id"].to_list(), plans["name"].to_list(), strict=True))
    kommuner = dict(zip(plans["id"].to_list(), plans["kommune"].to_list(), strict=True))
    if st.session_state.get("plan_id") not in names:
        st.session_state["plan_id"] = plans["id"][0]
    plan_id = st.selectbox("Plan", list(names), format_func=lambda i: f"{kommuner[i]}: {names[i]}",
                           key="plan_id")
    st.caption(f"Innlogget som **{actor.name or actor.username}** · {ROLES.get(actor.role, actor.role)}")
    st.button("Logg ut", key="Logout", on_click=request_logout)

plan = plans.filter(plans["id"] == plan_id).row(0, named=True)
st.session_state["_laget_ctx"] = PageContext(engine=engine, settings=settings, actor=actor, plan=plan,
                                               version=version)
show_flashes()
specs = pages_for(actor)
st.session_state["_laget_pages"] = [p.title for p in specs]
nav = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default)
                     for p in specs])
nav.run()
