"""Streamlit entry point: prepare the database, log in, choose a plan, then run the chosen page."""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `streamlit run dashboard/app.py` from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Whole before any page runs: altair and Streamlit look pandas up in sys.modules, and a page run in another
# session could see it half-imported («partially initialized module 'pandas'», seen with 12 first sessions at once
# under `streamlit run`; `laget run` also imports it before the server starts, dashboard/preload.py).
import altair  # noqa: E402, F401
import pandas  # noqa: E402, F401
import pyarrow  # noqa: E402, F401
import streamlit as st  # noqa: E402
from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: E402

from dashboard.auth import logout, sign_in, store_cookie  # noqa: E402
from dashboard.browser import page_behaviour  # noqa: E402
from dashboard.context import PageContext, cached_cookie_key, current_settings, engine_for, last_good  # noqa: E402
from dashboard.navigation import pages_for, streamlit_pages  # noqa: E402
from dashboard.public_app import serve_public  # noqa: E402
from dashboard.reads import cached_read  # noqa: E402
from dashboard.run_guard import install as install_watchdog  # noqa: E402
from dashboard.state import bound  # noqa: E402
from dashboard.ui import plain, plan_footer, show_flashes  # noqa: E402
from data_access.db.bootstrap import ConfigurationError  # noqa: E402
from data_access.db.changelog import data_version  # noqa: E402
from data_access.domain.errors import DatabaseFault  # noqa: E402
from data_access.domain.permissions import ROLES  # noqa: E402
from data_access.reads.plans import plans_frame  # noqa: E402

# A local icon: a Material icon as page_icon is fetched from fonts.gstatic.com, which the CSP (and a closed
# network) does not allow.
st.set_page_config(page_title="Laget", page_icon=Path(__file__).with_name("favicon.svg"), layout="wide")

settings = current_settings()
# A real server only: AppTest has no runtime and no health endpoint to report to.
watchdog = install_watchdog(settings.stuck_run_seconds, settings.freeze_exit_seconds) if st.runtime.exists() else None
st.session_state["_stale_shown"] = False  # at most one "showing what was last read" notice per run
try:
    engine = engine_for(settings)
    key = last_good(cached_cookie_key, settings)
except (DatabaseFault, ConfigurationError) as exc:
    st.title("Laget kan ikke starte")
    st.error(plain(str(exc)))
    st.stop()


def database_fault_page(exc: DatabaseFault) -> None:
    """The database failed while a page was drawn (e.g. PostgreSQL stopped): say so in Norwegian, no trace.

    ``st.stop()`` ends the run early, and Streamlit then keeps the state of widgets it did not draw, so the
    user's unsaved form and grid edits are still there when the page comes back. Nothing is cached from the
    failed run, so the next rerun, once the database is back, shows the page again."""
    st.error(plain(str(exc)), icon=":material/cloud_off:")
    st.button("Prøv igjen", key="_db_retry")
    st.stop()


try:
    st.session_state.pop("_laget_ctx", None)
    serve_public(engine, settings)  # /offentlig and its tilgjengelighetserklæring: no login, then stop
    user = sign_in(engine, settings, key)
    actor = user.actor

    version = user.version or last_good(data_version, engine)  # reads are cached per data version
    plans = last_good(cached_read, settings.database_url, version, plans_frame)
    with st.sidebar:
        if plans.is_empty():
            st.warning("Databasen har ingen planer ennå.")
            st.stop()
        names = dict(zip(plans["id"].to_list(), plans["name"].to_list(), strict=True))
        kommuner = dict(zip(plans["id"].to_list(), plans["kommune"].to_list(), strict=True))
        linked = st.query_params.get("plan")  # reminder e-mails name the plan by its key: turn it into the id
        if linked and not linked.isdigit() and (match := plans.filter(plans["key"] == linked)["id"].to_list()):
            st.query_params["plan"] = str(match[0])
        plan_id = bound(st.selectbox, "Plan", key="plan_id", param="plan", options=list(names),
                        default=plans["id"][0], format_func=lambda i: f"{kommuner[i]}: {names[i]}")
        st.caption(f"Innlogget som **{plain(actor.name or actor.username)}** · {ROLES.get(actor.role, actor.role)}")
        if st.button("Logg ut", key="logout"):
            logout(engine, user)
        store_cookie(settings)

    plan = plans.filter(plans["id"] == plan_id).row(0, named=True)
    st.session_state["_laget_ctx"] = PageContext(engine=engine, settings=settings, actor=actor, plan=plan,
                                                 sign_in_method=user.method, version=version)
    show_flashes()
    specs = pages_for(actor)
    st.session_state["_laget_pages"] = [p.title for p in specs]
    nav = st.navigation(streamlit_pages(specs), expanded=True)  # expanded: no English «View more»
    page_behaviour(nav.url_path)
    if watchdog and (run := get_script_run_ctx()):
        watchdog.note_page(run.session_id, nav.url_path or "oversikt")
    st.session_state.pop("_plan_footer", None)
    nav.run()
    plan_footer(st.session_state["_laget_ctx"])
except DatabaseFault as exc:
    database_fault_page(exc)
