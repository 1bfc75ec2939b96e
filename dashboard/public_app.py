"""The public pages' door: ``/offentlig`` and its tilgjengelighetserklæring are served before any login.

The entry point calls ``serve_public`` first. It resolves the address with Streamlit's own router over every page
(staff pages listed only under a neutral title, hidden, never run), and when the address is a public page it runs
that page with a context whose actor is the anonymous ``PUBLIC_ACTOR`` and stops: no sidebar, no plan picker, no
staff navigation. Any other address falls through to the login as before.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from sqlalchemy import Engine

from config.settings import Settings
from dashboard.browser import page_behaviour
from dashboard.context import PageContext, last_good
from dashboard.navigation import PAGES, PUBLIC_PAGES, streamlit_pages
from dashboard.ui import show_flashes
from data_access.db.changelog import data_version
from data_access.domain.permissions import PUBLIC_ACTOR

PUBLIC_URLS = frozenset(p.url_path for p in PUBLIC_PAGES)


def serve_public(engine: Engine, settings: Settings) -> None:
    """Run the requested public page and stop, or return at once when the address is not a public page."""
    staff = [replace(p, title="Laget") for p in PAGES]  # the same router as the staff app, titles neutral
    page = st.navigation(streamlit_pages(staff + PUBLIC_PAGES, icons=False), position="hidden")
    if page.url_path not in PUBLIC_URLS:
        return
    version = last_good(data_version, engine)
    st.session_state["_laget_ctx"] = PageContext(engine=engine, settings=settings, actor=PUBLIC_ACTOR, plan={},
                                                 version=version)
    show_flashes()
    page_behaviour(page.url_path)
    page.run()
    st.stop()
